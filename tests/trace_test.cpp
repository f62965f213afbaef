#include "runtime/trace.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "test_support.hpp"

using namespace livedeck::demos;
namespace test = livedeck::test;

namespace {

Event text(double t, int actor, std::string s) { return Event{t, EventKind::Text, actor, std::move(s), 0}; }

}  // namespace

TEST(Trace, RecordsInOrderWithMonotonicTimes) {
    Trace trace;
    const int a = trace.actor("cow");
    const int b = trace.actor("pig");
    EXPECT_EQ(trace.actor("cow"), a);
    EXPECT_NE(a, b);
    std::jthread writer([&] {
        for (int i = 0; i < 1000; ++i) trace.record(EventKind::Text, b, "x");
    });
    for (int i = 0; i < 1000; ++i) trace.record(EventKind::Text, a, "y");
    writer.join();
    const auto events = trace.events();
    ASSERT_EQ(events.size(), 2000u);
    for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].t, events[i].t);
    EXPECT_EQ(trace.actors(), (std::vector<std::string>{"cow", "pig"}));
}

TEST(Trace, ReadFollowsIncrementally) {
    Trace trace;
    trace.record(EventKind::Text, 0, "a");
    std::vector<Event> out;
    std::size_t seen = trace.read(0, out);
    EXPECT_EQ(seen, 1u);
    trace.record(EventKind::Text, 0, "b");
    trace.record(EventKind::Done, 0, "finished");
    seen = trace.read(seen, out);
    EXPECT_EQ(seen, 3u);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1].text, "b");
    EXPECT_TRUE(trace.done());
}

TEST(Trace, WaitReturnsWhenAnEventArrives) {
    Trace trace;
    std::jthread writer([&] { trace.record(EventKind::Text, 0, "a"); });
    // Waits for the event itself; the long timeout is only a safety net.
    EXPECT_EQ(trace.wait(0, std::chrono::seconds(10)), 1u);
}

TEST(FoldLines, JoinsCharactersIntoLines) {
    const std::vector<Event> events{text(0.1, 0, "H"), text(0.2, 0, "i"), text(0.3, 0, "\n"),
                                    text(0.4, 0, "Y"), text(0.5, 0, "o")};
    const auto lines = fold_lines(events, 10);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, "Hi");
    EXPECT_EQ(lines[1].text, "Yo");
    EXPECT_FALSE(lines[0].error);
}

TEST(FoldLines, StopsAtTheGivenTime) {
    const std::vector<Event> events{text(0.1, 0, "H"), text(0.2, 0, "i"), text(0.3, 0, "!")};
    const auto lines = fold_lines(events, 0.25);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "Hi");
    EXPECT_TRUE(fold_lines(events, 0.05).empty());
}

TEST(FoldLines, InterleavesWritersLikeATerminal) {
    // Two unsynchronized writers share one terminal line.
    const std::vector<Event> events{text(0.1, 0, "a"), text(0.1, 1, "b"), text(0.2, 0, "c"),
                                    text(0.2, 1, "d"), text(0.3, 0, "\n"), text(0.3, 1, "\n")};
    const auto lines = fold_lines(events, 1);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, "abcd");
    EXPECT_EQ(lines[1].text, "");
}

TEST(FoldLines, ErrorsTakeALineOfTheirOwnAboveTheLineBeingTyped) {
    const std::vector<Event> events{text(0.1, 0, "Th"), Event{0.2, EventKind::Error, 0, "boom", 0},
                                    text(0.3, 0, "x")};
    const auto lines = fold_lines(events, 1);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, "boom");
    EXPECT_TRUE(lines[0].error);
    EXPECT_EQ(lines[1].text, "Thx");  // the interrupted line goes on intact
    EXPECT_FALSE(lines[1].error);
}

Event typed(double t, int actor, std::string s, double interval = 0.05) {
    return Event{t, EventKind::TypedLine, actor, std::move(s), 0, interval};
}

TEST(FoldLines, ATypedLineShowsTheCharactersTypedByThen) {
    const std::vector<Event> events{typed(1.0, 0, "Hello")};
    EXPECT_TRUE(fold_lines(events, 0.99).empty());
    EXPECT_EQ(test::texts(fold_lines(events, 1.0)), std::vector<std::string>{""});
    EXPECT_EQ(test::texts(fold_lines(events, 1.12)), std::vector<std::string>{"He"});
    EXPECT_EQ(test::texts(fold_lines(events, 1.15)), std::vector<std::string>{"Hel"});  // exactly 3 intervals
    EXPECT_EQ(test::texts(fold_lines(events, 1.25)), std::vector<std::string>{"Hello"});
    EXPECT_EQ(test::texts(fold_lines(events, 9)), std::vector<std::string>{"Hello"});
    // A fold continued frame to frame reads the same at every time.
    Fold fold;
    for (const double t : {0.5, 1.0, 1.07, 1.12, 1.2, 1.3, 2.0})
        EXPECT_EQ(test::texts(fold.at(events, t)), test::texts(fold_lines(events, t))) << t;
}

TEST(FoldLines, TypedLinesTypeSideBySideOnRowsOfTheirOwn) {
    // Three coroutines print at once; an error and a character-typed line
    // come between. Each typed line keeps its row and types from its time.
    const std::vector<Event> events{typed(1.0, 1, "aaaa"), typed(1.02, 2, "bbbb"), text(1.03, 0, "x"),
                                    typed(1.04, 3, "cc"), Event{1.05, EventKind::Error, 0, "boom", 0},
                                    text(1.06, 0, "y")};
    EXPECT_EQ(test::texts(fold_lines(events, 1.1)), (std::vector<std::string>{"aa", "b", "c", "boom", "xy"}));
    EXPECT_EQ(test::texts(fold_lines(events, 1.5)), (std::vector<std::string>{"aaaa", "bbbb", "cc", "boom", "xy"}));
    Fold fold;
    for (const double t : {1.0, 1.03, 1.1, 1.16, 1.5})
        EXPECT_EQ(test::texts(fold.at(events, t)), test::texts(fold_lines(events, t))) << t;
    // Without an interval the line is there at once.
    EXPECT_EQ(test::texts(fold_lines({typed(1.0, 0, "now", 0)}, 1.0)), std::vector<std::string>{"now"});
}

TEST(FoldLines, ARunStoppedMidLineLeavesItCut) {
    const std::vector<Event> events{typed(1.0, 0, "Hello"), Event{1.1, EventKind::Done, 0, "stopped", 0}};
    EXPECT_EQ(test::texts(fold_lines(events, 5)), std::vector<std::string>{"He"});
}
