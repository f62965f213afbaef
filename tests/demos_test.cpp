// Every demo of the talk, asserted on its trace: request order and overlap,
// durations relative to the delay, line integrity, verdicts, and that Stop
// leaves no thread behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "farm/farm.hpp"
#include "registry.hpp"
#include "test_support.hpp"

using namespace livedeck;
using namespace livedeck::demos;
using namespace std::chrono_literals;

namespace {

constexpr double delay = 0.4;

struct Ran {
    std::vector<Event> events;
    std::vector<OutputLine> lines;
    std::string outcome;
    double end = 0;

    std::vector<double> times(EventKind kind) const {
        std::vector<double> out;
        for (const Event& e : events)
            if (e.kind == kind) out.push_back(e.t);
        return out;
    }
    bool has(EventKind kind, const std::string& text_part) const {
        return std::any_of(events.begin(), events.end(), [&](const Event& e) {
            return e.kind == kind && e.text.find(text_part) != std::string::npos;
        });
    }
};

class Demos : public ::testing::Test {
protected:
    farm::Server server{"127.0.0.1", 0, std::chrono::milliseconds(static_cast<int>(delay * 1000))};

    Params params(bool animate = true) const {
        Params p;
        p.farm_url = server.url();
        p.animate = animate;
        p.char_interval = 10ms;
        p.step_interval = 0ms;
        return p;
    }

    Ran run(const std::string& name, Params p) const {
        const Demo* demo = find_demo(name);
        EXPECT_NE(demo, nullptr) << name;
        if (!demo) return {};
        demos::Run r(demo->body, std::move(p));
        EXPECT_TRUE(test::wait_done(r, 60s)) << name;
        Ran out;
        out.events = r.trace().events();
        out.lines = fold_lines(out.events, 1e9);
        for (const Event& e : out.events)
            if (e.kind == EventKind::Done) {
                out.outcome = e.text;
                out.end = e.t;
            }
        return out;
    }
};

const std::set<std::string> sentences{"The cow says \"Moo!\".", "The pig says \"Oink!\".",
                                      "The chicken says \"Cluck!\"."};

std::set<std::string> line_set(const std::vector<OutputLine>& lines, bool errors = false) {
    std::set<std::string> out;
    for (const OutputLine& l : lines)
        if (l.error == errors) out.insert(l.text);
    return out;
}

// Every request started before any answered: they were in flight together.
void expect_overlapping_requests(const Ran& r, std::size_t count) {
    const auto starts = r.times(EventKind::RequestStart);
    const auto dones = r.times(EventKind::RequestDone);
    ASSERT_EQ(starts.size(), count);
    ASSERT_EQ(dones.size(), count);
    EXPECT_LT(*std::max_element(starts.begin(), starts.end()), *std::min_element(dones.begin(), dones.end()));
}

}  // namespace

TEST(Registry, ListsTheTalkInOrder) {
    std::vector<std::string> names;
    for (const Demo& d : all_demos()) {
        names.emplace_back(d.name);
        EXPECT_FALSE(d.summary.empty());
        EXPECT_FALSE(d.source().empty()) << d.name;
    }
    EXPECT_EQ(names, (std::vector<std::string>{
                         "sequential", "threads-unsynced", "threads-lock", "threads-deadlock", "threads-scoped",
                         "iterator-countdown", "generator-countdown", "generator-send", "delegation-wrong",
                         "delegation-yield-from", "delegation-return", "coroutine-by-hand", "event-loop",
                         "farm-stackless", "farm-await"}));
}

TEST_F(Demos, UnsyncedThreadsOverlapAndInterleave) {
    const Ran r = run("threads-unsynced", params());
    EXPECT_EQ(r.outcome, "finished");
    expect_overlapping_requests(r, 3);
    // The characters of the three sentences are all there, but not as three
    // intact lines: the threads wrote over each other.
    std::string all;
    for (const OutputLine& l : r.lines) all += l.text;
    std::string expected;
    for (const std::string& s : sentences) expected += s;
    std::sort(all.begin(), all.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(all, expected);
    EXPECT_NE(line_set(r.lines), sentences);
}

TEST_F(Demos, LockedThreadsPrintIntactLinesInAboutOneDelay) {
    const Ran r = run("threads-lock", params());
    EXPECT_EQ(r.outcome, "finished");
    expect_overlapping_requests(r, 3);
    EXPECT_EQ(line_set(r.lines), sentences);
    EXPECT_EQ(r.lines.size(), 3u);
    // One delay plus three prints (about 22 characters each at 10 ms), not three delays.
    const double prints = 3 * 28 * 0.010;
    EXPECT_GE(r.end, delay);
    EXPECT_LT(r.end, delay + prints + 0.5 * delay);
}

TEST_F(Demos, DeadlockGetsAVerdictWithinTwoDelays) {
    const std::size_t threads_before = test::thread_count();
    // The cow may be the last to take the lock, after two prints: keep the
    // prints short next to the delay.
    Params p = params();
    p.char_interval = 2ms;
    const Ran r = run("threads-deadlock", p);
    EXPECT_EQ(r.outcome, "deadlocked");
    const auto errors = r.times(EventKind::Error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_TRUE(r.has(EventKind::Error, "Exception in thread cow"));
    const auto verdicts = r.times(EventKind::Verdict);
    ASSERT_EQ(verdicts.size(), 1u);
    EXPECT_LT(verdicts[0], 2 * delay);
    // Found as soon as it exists: when the cow's thread ended with the lock
    // (or when the last waiter came to the lock).
    EXPECT_LT(verdicts[0] - errors[0], 0.1);
    EXPECT_TRUE(r.has(EventKind::Verdict, "'print lock' is held by cow, which ended without releasing it"));
    EXPECT_EQ(test::thread_count(), threads_before);
}

TEST_F(Demos, ThreadsOfTheSameAnimalAreDifferentActors) {
    // The first cow ending must not look like the second cow's lock being
    // held by a dead thread.
    Params p = params();
    p.animals = {"cow", "pig", "cow"};
    const Ran r = run("threads-lock", p);
    EXPECT_EQ(r.outcome, "finished");
    EXPECT_TRUE(r.times(EventKind::Verdict).empty());
    EXPECT_EQ(r.lines.size(), 3u);
}

TEST_F(Demos, ScopedLockReleasesWhenTheCowThrows) {
    const Ran r = run("threads-scoped", params());
    EXPECT_EQ(r.outcome, "finished");
    EXPECT_EQ(line_set(r.lines), (std::set<std::string>{"The pig says \"Oink!\".", "The chicken says \"Cluck!\"."}));
    EXPECT_EQ(line_set(r.lines, true), (std::set<std::string>{
                                           "Exception in thread cow: cow tripped over the lock"}));
    EXPECT_TRUE(r.times(EventKind::Verdict).empty());
}

TEST_F(Demos, StacklessAndAwaitFetchTogetherOnOneThread) {
    for (const char* name : {"farm-stackless", "farm-await"}) {
        SCOPED_TRACE(name);
        const Ran r = run(name, params());
        EXPECT_EQ(r.outcome, "finished");
        expect_overlapping_requests(r, 3);
        EXPECT_EQ(line_set(r.lines), sentences);
        EXPECT_EQ(r.lines.size(), 3u);
        EXPECT_LT(r.end, delay + 3 * 28 * 0.010 + 0.5 * delay);
    }
}

TEST_F(Demos, FarmAwaitWithAThousandAnimalsTakesAboutOneDelay) {
    farm::Server slow("127.0.0.1", 0, 1s);
    Params p = params(false);
    p.farm_url = slow.url();
    p.animals.clear();
    for (int i = 0; i < 1000; ++i) p.animals.push_back(std::string(farm::animals()[static_cast<std::size_t>(i) % 12].name));
    const Ran r = run("farm-await", p);
    EXPECT_EQ(r.outcome, "finished");
    EXPECT_EQ(r.lines.size(), 1000u);
    EXPECT_GE(r.end, 1.0);
    EXPECT_LT(r.end, 2.0 * test::sanitizer_slowdown);
}

TEST_F(Demos, AsyncDemosReportAFarmThatIsDown) {
    for (const char* name : {"farm-stackless", "farm-await"}) {
        SCOPED_TRACE(name);
        Params p = params(false);
        p.farm_url = "http://127.0.0.1:1/animals";
        const Ran r = run(name, p);
        EXPECT_EQ(r.outcome, "failed");
        EXPECT_EQ(line_set(r.lines, true).size(), 3u);
    }
}

TEST_F(Demos, EventLoopLinesInterleaveByTime) {
    const Ran r = run("event-loop", params(false));
    EXPECT_EQ(r.outcome, "finished");
    EXPECT_EQ(test::texts(r.lines),
              (std::vector<std::string>{"# run until complete", "solo 1", "solo 2", "# run several together",
                                        "tick 1", "tock 1", "tick 2", "tock 2", "tick 3",
                                        "# async_sleep(0) gives control back", "ping 1", "pong 1", "ping 2",
                                        "pong 2", "ping 3", "pong 3"}));
    // solo sleeps 2 x 0.5 s, then tick/tock run together for max(3 x 0.6, 2 x 1.0) s.
    EXPECT_GE(r.end, 1.0 + 2.0);
    EXPECT_LT(r.end, 1.0 + 2.0 + 1.0);
}

TEST_F(Demos, CoroutineByHandStepsOnlyWhenTold) {
    Params p = params(false);
    p.manual_steps = true;
    demos::Run r(find_demo("coroutine-by-hand")->body, p);
    int steps = 0;
    while (!r.done() && steps < 10) {
        // Wait until the demo asks for a step, then give it one.
        std::size_t seen = 0;
        while (!r.waiting_for_step() && !r.done()) seen = r.trace().wait(seen, 20ms);
        if (r.done()) break;
        const std::size_t lines_before = fold_lines(r.trace().events(), 1e9).size();
        r.step();
        ++steps;
        // Nothing more happens until the next step is asked for.
        while (!r.waiting_for_step() && !r.done()) seen = r.trace().wait(seen, 20ms);
        EXPECT_GT(fold_lines(r.trace().events(), 1e9).size(), lines_before);
    }
    ASSERT_TRUE(test::wait_done(r));
    EXPECT_EQ(steps, 3);
    EXPECT_EQ(test::texts(fold_lines(r.trace().events(), 1e9)),
              (std::vector<std::string>{"resume()", "  coroutine: Hello...", "suspended: it asks to sleep 2000 ms",
                                        "resume()", "  coroutine: ...world!", "suspended: it asks to sleep 500 ms",
                                        "resume()", "  coroutine: Goodbye.", "done: it returned"}));
}

TEST_F(Demos, StopLeavesNoThreadForAnyDemo) {
    farm::Server slow("127.0.0.1", 0, 30s);
    const std::size_t before = test::thread_count();
    for (const Demo& demo : all_demos()) {
        SCOPED_TRACE(std::string(demo.name));
        Params p = params();
        p.farm_url = slow.url();
        p.manual_steps = true;
        p.char_interval = 200ms;
        demos::Run r(demo.body, p);
        // Let it get going (first event), then stop it mid-flight.
        test::wait_for_event(r, EventKind::Text, 300ms);
        const auto t0 = std::chrono::steady_clock::now();
        r.stop();
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms);
        EXPECT_TRUE(r.done());
        EXPECT_EQ(test::thread_count(), before);
    }
}
