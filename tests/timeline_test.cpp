// The timeline: lanes and spans folded from traces (a recorded one, and the
// real demos' against a real farm), lanes pooled into bands at 1,000
// actors, and the pane drawn headless where its spans are.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "farm/farm.hpp"
#include "registry.hpp"
#include "render/context.hpp"
#include "test_support.hpp"
#include "views/painter_imgui.hpp"
#include "views/layouts.hpp"
#include "views/timeline.hpp"
#include "views/view.hpp"

using namespace livedeck;
using demos::EventKind;
using views::Span;
using views::SpanKind;

namespace {

// The threads-lock demo's trace for two animals, as a recording holds it:
// both fetch at once; the pig answers first and prints holding the lock
// while the cow waits for it.
struct Recorded {
    std::vector<demos::Event> events;
    std::vector<std::string> actors;
};
Recorded threads_lock_trace() {
    demos::Trace trace([]() -> double {
        ADD_FAILURE() << "something read the clock";
        return 0;
    });
    const int main = trace.actor("main");
    const int cow = trace.new_actor("cow"), pig = trace.new_actor("pig");
    trace.record_at(0.10, EventKind::RequestStart, cow, "http://farm/cow", 6);
    trace.record_at(0.11, EventKind::RequestStart, pig, "http://farm/pig", 6);
    trace.record_at(1.00, EventKind::RequestDone, pig, "Oink!", 6);
    trace.record_at(1.00, EventKind::LockTaken, pig, "print lock", 7);
    trace.record_at(1.01, EventKind::Text, pig, "T", 8);
    trace.record_at(1.20, EventKind::RequestDone, cow, "Moo!", 6);
    trace.record_at(1.20, EventKind::LockWait, cow, "print lock", 7);
    trace.record_at(2.00, EventKind::Text, pig, "\n", 8);
    trace.record_at(2.00, EventKind::LockReleased, pig, "print lock", 9);
    trace.record_at(2.00, EventKind::LockTaken, cow, "print lock", 7);
    trace.record_at(2.01, EventKind::Text, cow, "The cow\n", 8);  // printed at once
    trace.record_at(2.01, EventKind::LockReleased, cow, "print lock", 9);
    trace.record_at(2.10, EventKind::Done, main, "finished");
    return {trace.events(), trace.actors()};
}

const Span* find(const views::Lane& lane, SpanKind kind) {
    for (const Span& s : lane.spans)
        if (s.kind == kind) return &s;
    return nullptr;
}

}  // namespace

TEST(Timeline, LanesAndSpansComeFromTheTrace) {
    const Recorded r = threads_lock_trace();
    const views::Timeline done = views::build_timeline(r.events, r.actors, 9);
    EXPECT_TRUE(done.done);
    EXPECT_DOUBLE_EQ(done.done_at, 2.10);
    // main did nothing but end the run: no lane of its own.
    ASSERT_EQ(done.lanes.size(), 2u);
    EXPECT_EQ(done.lanes[0].name, "cow");
    EXPECT_EQ(done.lanes[1].name, "pig");
    const views::Lane& cow = done.lanes[0];
    const views::Lane& pig = done.lanes[1];

    const Span* cow_net = find(cow, SpanKind::Network);
    ASSERT_TRUE(cow_net);
    EXPECT_DOUBLE_EQ(cow_net->start, 0.10);
    EXPECT_DOUBLE_EQ(cow_net->end, 1.20);
    EXPECT_FALSE(cow_net->open);
    const Span* wait = find(cow, SpanKind::LockWait);
    ASSERT_TRUE(wait);
    EXPECT_DOUBLE_EQ(wait->start, 1.20);
    EXPECT_DOUBLE_EQ(wait->end, 2.00);
    EXPECT_EQ(find(pig, SpanKind::LockWait), nullptr) << "the pig never waited";
    const Span* held = find(pig, SpanKind::LockHeld);
    ASSERT_TRUE(held);
    EXPECT_DOUBLE_EQ(held->start, 1.00);
    EXPECT_DOUBLE_EQ(held->end, 2.00);
    const Span* typed = find(pig, SpanKind::Print);
    ASSERT_TRUE(typed);
    EXPECT_DOUBLE_EQ(typed->start, 1.01);
    EXPECT_DOUBLE_EQ(typed->end, 2.00);
    const Span* at_once = find(cow, SpanKind::Print);
    ASSERT_TRUE(at_once);
    EXPECT_DOUBLE_EQ(at_once->start, 2.01);
    EXPECT_DOUBLE_EQ(at_once->end, 2.01);
    EXPECT_EQ(cow.most_requests, 1u);
    EXPECT_DOUBLE_EQ(cow.first, 0.10);
    EXPECT_DOUBLE_EQ(cow.last, 2.01);

    // Part way: what is still going ends at t, open; what has not happened is not there.
    const views::Timeline mid = views::build_timeline(r.events, r.actors, 1.5);
    EXPECT_FALSE(mid.done);
    const Span* waiting = find(mid.lanes[0], SpanKind::LockWait);
    ASSERT_TRUE(waiting);
    EXPECT_TRUE(waiting->open);
    EXPECT_DOUBLE_EQ(waiting->end, 1.5);
    const Span* typing = find(mid.lanes[1], SpanKind::Print);
    ASSERT_TRUE(typing);
    EXPECT_TRUE(typing->open);
    EXPECT_DOUBLE_EQ(typing->end, 1.5);
    EXPECT_EQ(find(mid.lanes[0], SpanKind::Print), nullptr);
    // Before anything: no lanes.
    EXPECT_TRUE(views::build_timeline(r.events, r.actors, 0.05).lanes.empty());
}

TEST(Timeline, AWaitTheRunWasStoppedInStaysOpenAtItsEnd) {
    demos::Trace trace([] { return 0.0; });
    const int main = trace.actor("main"), pig = trace.new_actor("pig");
    trace.record_at(0.5, EventKind::LockWait, pig, "print lock");
    trace.record_at(3.0, EventKind::Verdict, main, "deadlock");
    trace.record_at(3.0, EventKind::Done, main, "deadlocked");
    const views::Timeline t = views::build_timeline(trace.events(), trace.actors(), 10);
    ASSERT_EQ(t.lanes.size(), 2u);
    EXPECT_EQ(t.lanes[0].name, "main");
    ASSERT_TRUE(find(t.lanes[0], SpanKind::Error));
    const Span* wait = find(t.lanes[1], SpanKind::LockWait);
    ASSERT_TRUE(wait);
    EXPECT_TRUE(wait->open);
    EXPECT_DOUBLE_EQ(wait->end, 3.0);
}

// The lesson of the talk, from what really ran: the sequential demo's
// requests one after another, threads' and farm-await's all at once.
TEST(Timeline, RealRunsShowThreeDelaysInARowAgainstThreeOverlapping) {
    farm::Server server("127.0.0.1", 0, std::chrono::milliseconds(300));
    std::map<std::string, std::vector<Span>> requests;
    for (const char* name : {"sequential", "threads-lock", "farm-await"}) {
        demos::Params p;
        p.farm_url = server.url();
        p.char_interval = std::chrono::milliseconds(5);
        demos::Run run(demos::find_demo(name)->body, p);
        ASSERT_TRUE(test::wait_done(run)) << name;
        const views::Timeline t = views::build_timeline(run.trace().events(), run.trace().actors(), 1e9);
        for (const views::Lane& lane : t.lanes)
            for (const Span& s : lane.spans)
                if (s.kind == SpanKind::Network) requests[name].push_back(s);
        ASSERT_EQ(requests[name].size(), 3u) << name;
        std::sort(requests[name].begin(), requests[name].end(),
                  [](const Span& a, const Span& b) { return a.start < b.start; });
        for (const Span& s : requests[name]) {
            EXPECT_FALSE(s.open) << name;
            EXPECT_GE(s.end - s.start, 0.29) << name << ": a request takes the farm's delay";
        }
    }
    const std::vector<Span>& seq = requests["sequential"];
    for (std::size_t i = 1; i < 3; ++i) EXPECT_GE(seq[i].start, seq[i - 1].end) << "sequential request " << i;
    for (const char* name : {"threads-lock", "farm-await"}) {
        const std::vector<Span>& r = requests[name];
        EXPECT_LT(r.back().start, r.front().end) << name << ": the third starts before the first answers";
    }
    // threads-lock: whoever answered later waited for the lock.
}

TEST(Timeline, AThousandActorsArePooledIntoBands) {
    demos::Trace trace([] { return 0.0; });
    const int main = trace.actor("main");
    std::vector<int> actors;
    for (int i = 0; i < 1000; ++i) actors.push_back(trace.new_actor(i % 2 ? "pig" : "cow"));
    for (int a : actors) trace.record_at(0.0, EventKind::RequestStart, a, "url");
    for (int a : actors) trace.record_at(1.0, EventKind::RequestDone, a, "Moo!");
    trace.record_at(1.0, EventKind::Text, main, "done\n");
    trace.record_at(1.0, EventKind::Done, main, "finished");
    const views::Timeline t = views::build_timeline(trace.events(), trace.actors(), 5);
    ASSERT_EQ(t.lanes.size(), 1001u);
    // Coroutines named after the same animal share a lane; it counts their requests.
    demos::Trace shared([] { return 0.0; });
    const int cow = shared.actor("cow");
    for (int i = 0; i < 84; ++i) shared.record_at(0.0, EventKind::RequestStart, cow, "url");
    for (int i = 0; i < 84; ++i) shared.record_at(1.0 + i * 0.01, EventKind::RequestDone, cow, "Moo!");
    const views::Timeline one = views::build_timeline(shared.events(), shared.actors(), 5);
    ASSERT_EQ(one.lanes.size(), 1u);
    EXPECT_EQ(one.lanes[0].most_requests, 84u);
    EXPECT_EQ(one.lanes[0].spans.size(), 84u);
    EXPECT_TRUE(std::none_of(one.lanes[0].spans.begin(), one.lanes[0].spans.end(), [](const Span& s) { return s.open; }));
    EXPECT_EQ(t.lanes[0].name, "main");
    EXPECT_EQ(t.lanes[2].name, "pig");
    EXPECT_EQ(t.lanes[3].name, "cow (2)");

    // 12 rows: main alone, then the thousand in 11 bands of 91 (the last 90).
    const std::vector<views::Row> rows = views::timeline_rows(t.lanes.size(), 12);
    ASSERT_EQ(rows.size(), 12u);
    EXPECT_EQ(rows[0].first, 0u);
    EXPECT_EQ(rows[0].count, 1u);
    std::size_t covered = 1;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].first, covered);
        covered += rows[i].count;
    }
    EXPECT_EQ(covered, 1001u);
    // Lanes that fit are not pooled.
    EXPECT_EQ(views::timeline_rows(13, 13).size(), 13u);

    // Every actor of a band waits on the network for the first second, none after.
    const views::Band band = views::pool_lanes(t, rows[1].first, rows[1].count, 10, 20);
    EXPECT_EQ(band.count, rows[1].count);
    EXPECT_EQ(band.label, "cow +" + std::to_string(rows[1].count - 1));
    const auto network = static_cast<std::size_t>(SpanKind::Network);
    EXPECT_FLOAT_EQ(band.share[0][network], 1.0f);  // 0 - 0.5 s
    EXPECT_FLOAT_EQ(band.share[1][network], 1.0f);  // 0.5 - 1 s
    EXPECT_FLOAT_EQ(band.share[2][network], 0.0f);
    EXPECT_FLOAT_EQ(band.share[0][static_cast<std::size_t>(SpanKind::Print)], 0.0f);
}

TEST(Timeline, TheAxisIsARoundNumberAtLeastTheLongestRun) {
    EXPECT_EQ(views::timeline_axis(0), 5);
    EXPECT_EQ(views::timeline_axis(4.2), 5);
    EXPECT_EQ(views::timeline_axis(9.7), 10);
    EXPECT_EQ(views::timeline_axis(10.2), 15);
    EXPECT_EQ(views::timeline_axis(700), 900);
}

// Sequential, threads and farm-await on one scale: every timeline of the
// show uses the axis of the longest run drawn on a timeline so far.
TEST(Timeline, EveryTimelineOfTheShowSharesOneAxis) {
    const std::string deck = ::testing::TempDir() + "axis.md";
    std::ofstream(deck) << "demo: sequential timeline=on\n# Slow\n---\n"
                           "demo: threads-lock timeline=on\n# Fast\n---\n"
                           "demo: farm-await\n# No timeline\n";
    show::Options options;
    options.deck_path = deck;
    show::Presentation show(options, 0);
    auto ran = [&](int slide, double started, double took) {
        show.replay_run(slide, started);
        demos::Event done;
        done.kind = EventKind::Done;
        done.t = took;
        done.text = "finished";
        show.replay_trace(slide, done, "main");
    };
    EXPECT_EQ(views::shared_timeline_axis(show, 0), 5) << "nothing ran yet";
    ran(1, 0, 4.1);
    EXPECT_EQ(views::shared_timeline_axis(show, 100), 5);
    ran(0, 10, 9.6);
    EXPECT_EQ(views::shared_timeline_axis(show, 100), 10) << "the slow run sets the scale for both";
    ran(2, 20, 40);
    EXPECT_EQ(views::shared_timeline_axis(show, 100), 10) << "a slide without a timeline does not count";
    // A run still going counts with the time it has run so far.
    show.replay_run(1, 200);
    EXPECT_EQ(views::shared_timeline_axis(show, 212), 15);
}

// Drawn headless: each span's colour is where its times put it on the
// axis, and nowhere else on its lane.
TEST(Timeline, SpansAreDrawnWhereTheirTimesAre) {
    const Recorded r = threads_lock_trace();
    const views::Timeline timeline = views::build_timeline(r.events, r.actors, 9);
    const int w = 1920, h = 1080;
    render::Headless gl(w, h);
    views::Stage stage;
    stage.prepare_fonts(1.0f);
    gl.new_frame();
    views::ImGuiPainter painter(ImGui::GetBackgroundDrawList(), &stage.fonts(), nullptr, &stage.images());
    const views::Theme& theme = views::theme();
    const views::Canvas canvas{&painter, ImVec2(0, 0), 1, &theme};
    views::draw_timeline(canvas, ImVec2(100, 100), ImVec2(1100, 600), timeline, 5);
    gl.render();
    const render::Image image = gl.read_back();
    auto pixel = [&](float x, float y) {
        const std::uint8_t* p = &image.rgba[(static_cast<std::size_t>(y) * image.width + static_cast<std::size_t>(x)) * 4];
        return IM_COL32(p[0], p[1], p[2], 255);
    };
    // Find each lane's middle: the rows where the network colour is, at 0.5 s.
    // The axis runs over the pane's width less its label column and margins:
    // sample inside the spans, well clear of their ends.
    const ImU32 network = theme.color.link | IM_COL32(0, 0, 0, 255);
    const ImU32 wait = theme.color.error | IM_COL32(0, 0, 0, 255);
    // x of a time: the axis starts after the label column (pad 14 + min(150, 24% of 1000) = 164)
    // and ends a pad and a small size from the right.
    const float x0 = 100 + 14 + 150, x1 = 1100 - 14 - theme.size.small;
    auto x_of = [&](double s) { return x0 + static_cast<float>(s / 5) * (x1 - x0); };
    std::vector<int> lane_y;  // the middle of each run of the network colour down the column at 0.5 s
    int run_start = -1;
    for (int y = 100; y <= 600; ++y) {
        const bool in = y < 600 && pixel(x_of(0.5), static_cast<float>(y)) == network;
        if (in && run_start < 0) run_start = y;
        if (!in && run_start >= 0) {
            lane_y.push_back((run_start + y) / 2);
            run_start = -1;
        }
    }
    ASSERT_EQ(lane_y.size(), 2u) << "one bar per lane at 0.5 s";
    const auto cow = static_cast<float>(lane_y[0]), pig = static_cast<float>(lane_y[1]);
    EXPECT_EQ(pixel(x_of(1.1), cow), network) << "the cow still waits on the farm at 1.1 s";
    EXPECT_NE(pixel(x_of(1.1), pig), network) << "the pig answered at 1.0 s";
    EXPECT_EQ(pixel(x_of(1.6), cow), wait) << "the cow waits for the lock from 1.2 s to 2.0 s";
    EXPECT_NE(pixel(x_of(1.6), pig), wait);
    EXPECT_NE(pixel(x_of(3.0), cow), wait) << "nothing after the run ended";
    EXPECT_NE(pixel(x_of(0.05), cow), network) << "nothing before the first request";
}

// A line the views type (print on the event loop) is printing from its
// event for as long as its characters take, the loop free meanwhile.
TEST(Timeline, ATypedLinePrintsForAsLongAsItsTyping) {
    demos::Trace trace([]() -> double {
        ADD_FAILURE() << "something read the clock";
        return 0;
    });
    const int main = trace.actor("main");
    trace.record_at(1.0, EventKind::TypedLine, main, "0123456789", 7, 0.05);  // typed until 1.5
    trace.record_at(1.1, EventKind::TypedLine, main, "abcd", 7, 0.05);        // side by side, until 1.3
    const std::vector<demos::Event> events = trace.events();
    const auto prints = [&](double t) {
        std::vector<Span> out;
        for (const views::Lane& lane : views::build_timeline(events, trace.actors(), t).lanes)
            for (const Span& s : lane.spans)
                if (s.kind == SpanKind::Print) out.push_back(s);
        return out;
    };
    const std::vector<Span> mid = prints(1.2);
    ASSERT_EQ(mid.size(), 2u);
    EXPECT_DOUBLE_EQ(mid[0].start, 1.0);
    EXPECT_DOUBLE_EQ(mid[0].end, 1.2);
    EXPECT_TRUE(mid[0].open);
    const std::vector<Span> after = prints(9);
    ASSERT_EQ(after.size(), 2u);
    EXPECT_DOUBLE_EQ(after[0].end, 1.5);
    EXPECT_FALSE(after[0].open);
    EXPECT_DOUBLE_EQ(after[1].start, 1.1);
    EXPECT_NEAR(after[1].end, 1.3, 1e-9);
}
