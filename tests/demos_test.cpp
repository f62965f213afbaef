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
                         "farm-generator", "farm-stackless", "farm-await"}));
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

// The source line of every `lock.lock()` call in a demo's source.
std::set<int> lock_lines(const std::string& demo) {
    std::set<int> lines;
    const std::string_view source = find_demo(demo)->source();
    int number = 1;
    for (std::size_t begin = 0; begin < source.size(); ++number) {
        std::size_t end = source.find('\n', begin);
        if (end == std::string_view::npos) end = source.size();
        if (source.substr(begin, end - begin).find("lock.lock()") != std::string_view::npos) lines.insert(number);
        begin = end + 1;
    }
    return lines;
}

TEST_F(Demos, DeadlockShowsTheHangThenGetsAVerdict) {
    const std::size_t threads_before = test::thread_count();
    // The cow may be the last to take the lock, after two prints: keep the
    // prints short next to the delay.
    Params p = params();
    p.char_interval = 2ms;
    p.verdict_delay = 600ms;
    const Ran r = run("threads-deadlock", p);
    EXPECT_EQ(r.outcome, "deadlocked");
    const auto errors = r.times(EventKind::Error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_TRUE(r.has(EventKind::Error, "Exception in thread cow: Not happy about moo."));
    const auto verdicts = r.times(EventKind::Verdict);
    ASSERT_EQ(verdicts.size(), 1u);
    // The deadlock exists from when the cow's thread ended with the lock (or
    // when the last waiter came to the lock); the verdict comes a visible
    // moment later, no sooner and not much later.
    EXPECT_GE(verdicts[0] - errors[0], 0.6);
    EXPECT_LT(verdicts[0], 2 * delay + 0.6);
    EXPECT_TRUE(r.has(EventKind::Verdict, "'print lock' is held by cow, which ended without releasing it"));
    // Meanwhile the code pane marks where the others wait: every wait for
    // the lock carries the line of its lock.lock() call.
    const std::set<int> lines = lock_lines("threads-deadlock");
    ASSERT_EQ(lines.size(), 2u);  // the animals' and main's
    int waits = 0;
    for (const Event& e : r.events)
        if (e.kind == EventKind::LockWait) {
            ++waits;
            EXPECT_TRUE(lines.count(e.line)) << "a lock wait at line " << e.line;
            EXPECT_LT(e.t, verdicts[0] - 0.6 + 1e-3);
        }
    EXPECT_GE(waits, 1);
    EXPECT_EQ(test::thread_count(), threads_before);
}

TEST_F(Demos, DeadlockStoppedDuringTheHangGetsNoVerdict) {
    Params p = params();
    p.char_interval = 2ms;
    p.verdict_delay = 30s;
    const Demo* demo = find_demo("threads-deadlock");
    demos::Run r(demo->body, p);
    ASSERT_TRUE(test::wait_for_event(r, EventKind::Error, 10s));  // the cow has thrown
    ASSERT_TRUE(test::wait_for_event(r, EventKind::LockWait, 10s));
    const auto t0 = std::chrono::steady_clock::now();
    r.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms);
    for (const Event& e : r.trace().events()) EXPECT_NE(e.kind, EventKind::Verdict) << e.text;
    EXPECT_EQ(r.trace().events().back().text, "stopped");
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
                                           "Exception in thread cow: Not happy about moo."}));
    EXPECT_TRUE(r.times(EventKind::Verdict).empty());
    // std::scoped_lock calls lock() from a library header: that line means
    // nothing in the demo's source, so its lock events carry none.
    for (const Event& e : r.events) {
        if (e.kind == EventKind::LockWait || e.kind == EventKind::LockTaken || e.kind == EventKind::LockReleased) {
            EXPECT_EQ(e.line, 0) << to_string(e.kind);
        }
    }
}

TEST_F(Demos, GeneratorStacklessAndAwaitFetchTogetherOnOneThread) {
    for (const char* name : {"farm-generator", "farm-stackless", "farm-await"}) {
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

TEST_F(Demos, FarmGeneratorRequestsFromItsYieldLine) {
    // The loop starts the fetch, but the request is the coroutine's: its
    // trace events carry the line of the `co_yield from(request(...))`.
    const Ran r = run("farm-generator", params(false));
    EXPECT_EQ(r.outcome, "finished");
    const std::string_view source = find_demo("farm-generator")->source();
    const std::size_t at = source.find("co_yield from(request(animal))");
    ASSERT_NE(at, std::string_view::npos);
    const int line = static_cast<int>(std::count(source.begin(), source.begin() + static_cast<long>(at), '\n')) + 1;
    int requests = 0;
    for (const Event& e : r.events)
        if (e.kind == EventKind::RequestStart || e.kind == EventKind::RequestDone) {
            ++requests;
            EXPECT_EQ(e.line, line);
        }
    EXPECT_EQ(requests, 6);
}

TEST_F(Demos, AsyncDemosReportAFarmThatIsDown) {
    for (const char* name : {"farm-generator", "farm-stackless", "farm-await"}) {
        SCOPED_TRACE(name);
        Params p = params(false);
        p.farm_url = "http://127.0.0.1:1/animals";
        const Ran r = run(name, p);
        EXPECT_EQ(r.outcome, "failed");
        EXPECT_EQ(line_set(r.lines, true).size(), 3u);
    }
}

// "tick done after 1.8 s" -> 1.8
double seconds_in(const std::string& line) {
    const std::size_t at = line.rfind("after ");
    return at == std::string::npos ? -1 : std::stod(line.substr(at + 6));
}

TEST_F(Demos, EventLoopLinesInterleaveByTimeAndSayWhenEachFinished) {
    // Animated, as on the slide: the lines still come at once, so typing
    // never holds up the loop.
    const Ran r = run("event-loop", params(true));
    EXPECT_EQ(r.outcome, "finished");
    std::vector<std::string> lines = test::texts(r.lines);
    ASSERT_EQ(lines.size(), 19u);
    // The times vary by a few milliseconds: check them apart.
    std::vector<double> took;
    for (std::string& line : lines)
        if (line.find(" done after ") != std::string::npos) {
            took.push_back(seconds_in(line));
            line = line.substr(0, line.find(" after "));
        }
    EXPECT_EQ(lines, (std::vector<std::string>{"# run until complete", "solo 1", "solo 2", "solo done",
                                               "# gather: run several together", "tick 1", "tock 1", "tick 2",
                                               "tock 2", "tick 3", "tick done", "tock done",
                                               "# async_sleep(0) gives control back", "ping 1", "pong 1", "ping 2",
                                               "pong 2", "ping done", "pong done"}));
    // solo: 2 x 0.5 s; tick 3 x 0.6 s and tock 2 x 1.0 s together, so the
    // gather takes the longer of the two, not their sum; ping and pong: no time.
    ASSERT_EQ(took.size(), 5u);
    EXPECT_NEAR(took[0], 1.0, 0.15);
    EXPECT_NEAR(took[1], 1.8, 0.15);
    EXPECT_NEAR(took[2], 2.0, 0.15);
    EXPECT_NEAR(took[3], 0.0, 0.15);
    EXPECT_NEAR(took[4], 0.0, 0.15);
    EXPECT_GE(r.end, 1.0 + 2.0);
    EXPECT_LT(r.end, 1.0 + 2.0 + 1.0);
    // Each line is one event: nothing is typed a character at a time.
    for (const Event& e : r.events) {
        if (e.kind == EventKind::Text) {
            EXPECT_EQ(e.text.back(), '\n') << e.text;
        }
    }
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
              (std::vector<std::string>{"example: started", "Please wait 0 seconds", "send(None) -> 0",
                                        "example: resumed after the first await", "Please wait 5 seconds",
                                        "send(None) -> 5", "example: resumed after the second",
                                        "send(None) -> StopIteration"}));
}

TEST_F(Demos, CoroutineByHandWaitsForTheSlidesDelay) {
    Params p = params(false);
    p.delay = 0.5;
    const Ran r = run("coroutine-by-hand", p);
    EXPECT_EQ(r.outcome, "finished");
    const auto lines = test::texts(r.lines);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "Please wait 0.5 seconds"), lines.end());
    EXPECT_NE(std::find(lines.begin(), lines.end(), "send(None) -> 0.5"), lines.end());
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

// [SECTION] Typing on the event loop ------------------------------------------

// Typing a line on the loop's thread would hold up the loop: a reply that
// came meanwhile would be taken a line later. There each line is one
// TypedLine that the views type; the threads still type their own.
TEST_F(Demos, FarmAwaitTakesTheRepliesTogetherWhileItsLinesType) {
    farm::Server slow("127.0.0.1", 0, 1s);
    Params p = params(true);
    p.farm_url = slow.url();
    p.char_interval = 50ms;  // as on the slide
    const Ran r = run("farm-await", p);
    EXPECT_EQ(r.outcome, "finished");
    const auto dones = r.times(EventKind::RequestDone);
    ASSERT_EQ(dones.size(), 3u);
    // Typed in the loop, the second reply would wait for the first line
    // (about 1.3 s), the third for two.
    EXPECT_LT(*std::max_element(dones.begin(), dones.end()) - *std::min_element(dones.begin(), dones.end()), 0.1);
    EXPECT_TRUE(r.times(EventKind::Text).empty());
    double typed_until = 0;
    int typed = 0;
    for (const Event& e : r.events)
        if (e.kind == EventKind::TypedLine) {
            ++typed;
            EXPECT_DOUBLE_EQ(e.interval, 0.05);
            EXPECT_GT(e.line, 0);
            typed_until = std::max(typed_until, typed_end(e));
        }
    EXPECT_EQ(typed, 3);
    EXPECT_EQ(line_set(r.lines), sentences);
    // The run ends when its lines are typed, as when it typed them itself.
    EXPECT_GE(r.end, typed_until);
    EXPECT_LT(r.end, typed_until + 0.3);
}

TEST_F(Demos, FarmAwaitWithAThousandAnimalsAnimatedFailsNone) {
    farm::Server slow("127.0.0.1", 0, 1s);
    Params p = params(true);
    p.farm_url = slow.url();
    p.char_interval = 50ms;
    p.request_timeout = 5000ms;
    p.animals.clear();
    for (int i = 0; i < 1000; ++i) p.animals.push_back(std::string(farm::animals()[static_cast<std::size_t>(i) % 12].name));
    const auto t0 = std::chrono::steady_clock::now();
    const Ran r = run("farm-await", p);
    EXPECT_EQ(r.outcome, "finished");
    EXPECT_TRUE(r.times(EventKind::RequestFailed).empty());
    EXPECT_EQ(r.times(EventKind::RequestDone).size(), 1000u);
    EXPECT_EQ(r.times(EventKind::TypedLine).size(), 1000u);
    EXPECT_EQ(r.lines.size(), 1000u);
    // One delay, then the last line's typing (about 30 characters).
    EXPECT_LT(r.end, 1.0 + 2.0 + 1.0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
}

TEST_F(Demos, ThreadsAndScriptsStillTypeTheirLinesThemselves) {
    // The threads' lesson is their slow prints interleaving; a script's (the
    // demo's body, even on the loop's thread) is its lines one after another.
    for (const char* name : {"threads-unsynced", "sequential", "generator-countdown"}) {
        SCOPED_TRACE(name);
        const Ran r = run(name, params(true));
        EXPECT_EQ(r.outcome, "finished");
        EXPECT_TRUE(r.times(EventKind::TypedLine).empty());
        std::size_t chars = 0;
        for (const Event& e : r.events) chars += e.kind == EventKind::Text && e.text.size() == 1 && e.text != "\n";
        std::size_t shown = 0;
        for (const OutputLine& l : r.lines) shown += l.text.size();
        EXPECT_EQ(chars, shown);  // one Text event per character
        EXPECT_GT(chars, 0u);
    }
}
