#include "runtime/trace.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace livedeck::demos;

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
