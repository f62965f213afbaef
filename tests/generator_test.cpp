// generator<Yield, Send, Return>: iteration, next(), send(), co_return,
// delegation with co_yield from(), exceptions, moving and lifetimes.
#include "runtime/generator.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using livedeck::demos::from;
using livedeck::demos::generator;
using livedeck::demos::repr;

static_assert(std::ranges::input_range<generator<int>>);
static_assert(std::ranges::input_range<generator<std::string, std::string, int>>);
static_assert(!std::is_copy_constructible_v<generator<int>>);
static_assert(std::is_nothrow_move_constructible_v<generator<int>>);

// Counts its constructions and destructions (after cppcoro's test/counted.hpp),
// so a test can prove that every object it made was destroyed exactly once.
struct Counted {
    static inline int constructed = 0;
    static inline int destroyed = 0;
    static int alive() { return constructed - destroyed; }
    static void reset() { constructed = destroyed = 0; }

    int id = 0;
    Counted(int i = 0) : id(i) { ++constructed; }
    Counted(const Counted& other) : id(other.id) { ++constructed; }
    Counted(Counted&& other) noexcept : id(other.id) { ++constructed; }
    Counted& operator=(const Counted&) = default;
    Counted& operator=(Counted&&) = default;
    ~Counted() { ++destroyed; }
};

struct Boom : std::runtime_error {
    Boom() : std::runtime_error("boom") {}
};

// ---- Iteration and next() --------------------------------------------------

generator<int> countdown(int n) {
    while (n > 0) co_yield n--;
}

TEST(Generator, RangeForYieldsEveryValue) {
    std::vector<int> seen;
    for (int n : countdown(5)) seen.push_back(n);
    EXPECT_EQ(seen, (std::vector<int>{5, 4, 3, 2, 1}));
}

TEST(Generator, EmptyGeneratorLoopsZeroTimes) {
    int loops = 0;
    for ([[maybe_unused]] int n : countdown(0)) ++loops;
    EXPECT_EQ(loops, 0);
}

TEST(Generator, NextIsEmptyOnceExhaustedAndStaysEmpty) {
    auto g = countdown(2);
    EXPECT_FALSE(g.done());
    EXPECT_EQ(g.next(), 2);
    EXPECT_EQ(g.next(), 1);
    EXPECT_EQ(g.next(), std::nullopt);
    EXPECT_TRUE(g.done());
    EXPECT_EQ(g.next(), std::nullopt);
}

TEST(Generator, IsLazyLikePython) {
    int ran = 0;
    auto body = [](int& r) -> generator<int> {
        ++r;
        co_yield 1;
        ++r;
    };
    auto g = body(ran);
    EXPECT_EQ(ran, 0);
    EXPECT_EQ(g.next(), 1);
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(g.next(), std::nullopt);
    EXPECT_EQ(ran, 2);
}

TEST(Generator, IteratorWorksWithRangesAlgorithms) {
    auto g = countdown(4);
    std::vector<int> seen;
    std::ranges::copy(g, std::back_inserter(seen));
    EXPECT_EQ(seen, (std::vector<int>{4, 3, 2, 1}));
}

// ---- send() ------------------------------------------------------------------

// Python: while n > 0: v = yield n; if v is not None: n = v; n -= 1
generator<int, int> restartable_countdown(int n) {
    while (n > 0) {
        std::optional<int> v = co_yield n;
        if (v) n = *v;
        n -= 1;
    }
}

TEST(GeneratorSend, SentValueIsTheValueOfCoYield) {
    auto c = restartable_countdown(5);
    EXPECT_EQ(c.next(), 5);
    EXPECT_EQ(c.send(10), 9);
    EXPECT_EQ(c.next(), 8);
    EXPECT_EQ(c.send(2), 1);
    EXPECT_EQ(c.next(), std::nullopt);
    EXPECT_EQ(c.send(3), std::nullopt);  // exhausted: StopIteration, as in Python
}

TEST(GeneratorSend, NextMakesCoYieldEvaluateToEmpty) {
    auto echo = []() -> generator<std::string, std::string> {
        while (true) {
            std::optional<std::string> v = co_yield "ready";
            std::string echoed = v ? *v : "None";  // GCC 12 miscompiles `co_yield c ? a : b`
            co_yield echoed;
        }
    };
    auto g = echo();
    EXPECT_EQ(g.next(), "ready");
    EXPECT_EQ(g.send("hi"), "hi");
    EXPECT_EQ(g.next(), "ready");
    EXPECT_EQ(g.next(), "None");
}

TEST(GeneratorSend, SendingToAJustStartedGeneratorThrowsAndChangesNothing) {
    auto c = restartable_countdown(3);
    try {
        (void)c.send(10);
        FAIL() << "send() to a just-started generator must throw";
    } catch (const std::logic_error& e) {
        EXPECT_STREQ(e.what(), "can't send non-None value to a just-started generator");
    }
    EXPECT_EQ(c.next(), 3);  // still usable, as in Python
    EXPECT_EQ(c.send(1), std::nullopt);
}

TEST(GeneratorSend, RangeForWorksOnAGeneratorThatTakesSends) {
    std::vector<int> seen;
    for (int n : restartable_countdown(3)) seen.push_back(n);
    EXPECT_EQ(seen, (std::vector<int>{3, 2, 1}));
}

// ---- co_return and result() -------------------------------------------------

generator<int, void, std::string> two_then_return() {
    co_yield 1;
    co_yield 2;
    co_return "done";
}

TEST(GeneratorReturn, ResultIsTheCoReturnValueOnceExhausted) {
    auto g = two_then_return();
    EXPECT_THROW((void)g.result(), std::logic_error);
    EXPECT_EQ(g.next(), 1);
    EXPECT_EQ(g.next(), 2);
    EXPECT_THROW((void)g.result(), std::logic_error);
    EXPECT_EQ(g.next(), std::nullopt);
    EXPECT_EQ(g.result(), "done");
}

// ---- Exceptions ----------------------------------------------------------------

generator<int> one_then_throw() {
    co_yield 1;
    throw Boom();
}

TEST(GeneratorException, ReachesNextThenTheGeneratorIsFinished) {
    auto g = one_then_throw();
    EXPECT_EQ(g.next(), 1);
    EXPECT_THROW((void)g.next(), Boom);
    EXPECT_TRUE(g.done());
    EXPECT_EQ(g.next(), std::nullopt);
}

TEST(GeneratorException, ReachesTheRangeForLoop) {
    std::vector<int> seen;
    EXPECT_THROW(
        {
            for (int n : one_then_throw()) seen.push_back(n);
        },
        Boom);
    EXPECT_EQ(seen, std::vector<int>{1});
}

TEST(GeneratorException, ThrownBeforeTheFirstYieldReachesBegin) {
    auto g = []() -> generator<int> {
        throw Boom();
        co_return;
    }();
    EXPECT_THROW((void)g.begin(), Boom);
}

TEST(GeneratorException, ResumingARunningGeneratorThrowsInsteadOfUB) {
    generator<int>* self = nullptr;
    auto body = [](generator<int>** me) -> generator<int> {
        co_yield 1;
        (void)(*me)->next();  // Python: ValueError: generator already executing
        co_yield 2;
    };
    auto g = body(&self);
    self = &g;
    EXPECT_EQ(g.next(), 1);
    try {
        (void)g.next();
        FAIL() << "re-entrant next() must throw";
    } catch (const std::logic_error& e) {
        EXPECT_STREQ(e.what(), "generator already executing");
    }
    EXPECT_TRUE(g.done());
}

// ---- Delegation: co_yield from() ------------------------------------------------

generator<std::string, std::string, int> footrace() {
    int faults = 0;
    while (true) {
        auto v = co_yield "On your marks.";
        if (v == "fault") {
            ++faults;
            continue;
        }
        v = co_yield "Set.";
        if (v == "fault") {
            ++faults;
            continue;
        }
        co_yield "Go!";
        co_return faults;
    }
}

generator<std::string, std::string, int> race() {
    int faults = co_yield from(footrace());
    co_yield "after " + std::to_string(faults);
    co_return faults * 10;
}

TEST(GeneratorFrom, YieldsForwardsSendsAndEvaluatesToTheReturnValue) {
    auto r = race();
    EXPECT_EQ(r.next(), "On your marks.");
    EXPECT_EQ(r.send("fault"), "On your marks.");
    EXPECT_EQ(r.next(), "Set.");
    EXPECT_EQ(r.send("fault"), "On your marks.");
    EXPECT_EQ(r.send("not a fault"), "Set.");
    EXPECT_EQ(r.next(), "Go!");
    EXPECT_EQ(r.next(), "after 2");
    EXPECT_EQ(r.next(), std::nullopt);
    EXPECT_EQ(r.result(), 20);
}

TEST(GeneratorFrom, NestsThreeDeep) {
    auto outer = []() -> generator<std::string, std::string, int> {
        int r = co_yield from(race());
        co_yield "outer " + std::to_string(r);
        co_return r + 1;
    };
    auto g = outer();
    EXPECT_EQ(g.next(), "On your marks.");
    EXPECT_EQ(g.send("fault"), "On your marks.");
    EXPECT_EQ(g.next(), "Set.");
    EXPECT_EQ(g.next(), "Go!");
    EXPECT_EQ(g.next(), "after 1");
    EXPECT_EQ(g.next(), "outer 10");
    EXPECT_EQ(g.next(), std::nullopt);
    EXPECT_EQ(g.result(), 11);
}

TEST(GeneratorFrom, RangeForOverADelegatingGenerator) {
    auto both = []() -> generator<int> {
        co_yield from(countdown(2));
        co_yield 0;
        co_yield from(countdown(3));
    };
    std::vector<int> seen;
    for (int n : both()) seen.push_back(n);
    EXPECT_EQ(seen, (std::vector<int>{2, 1, 0, 3, 2, 1}));
}

TEST(GeneratorFrom, SubGeneratorThatYieldsNothingReturnsAtOnce) {
    auto outer = []() -> generator<int, void, int> {
        auto empty = []() -> generator<int, void, int> { co_return 7; };
        int r = co_yield from(empty());
        co_yield r;
        co_return r;
    };
    auto g = outer();
    EXPECT_EQ(g.next(), 7);
    EXPECT_EQ(g.next(), std::nullopt);
    EXPECT_EQ(g.result(), 7);
}

TEST(GeneratorFrom, AStartedSubGeneratorContinuesWhereItWas) {
    auto outer = [](generator<int> sub) -> generator<int> { co_yield from(std::move(sub)); };
    auto sub = countdown(3);
    EXPECT_EQ(sub.next(), 3);
    std::vector<int> seen;
    for (int n : outer(std::move(sub))) seen.push_back(n);
    EXPECT_EQ(seen, (std::vector<int>{2, 1}));
}

TEST(GeneratorFrom, SubGeneratorExceptionCanBeCaughtAtCoYieldFrom) {
    auto outer = []() -> generator<int> {
        bool caught = false;  // C++ allows no co_yield inside a catch handler
        try {
            co_yield from(one_then_throw());
        } catch (const Boom&) {
            caught = true;
        }
        if (caught) co_yield -1;
        co_yield 99;
    };
    std::vector<int> seen;
    for (int n : outer()) seen.push_back(n);
    EXPECT_EQ(seen, (std::vector<int>{1, -1, 99}));
}

TEST(GeneratorFrom, UncaughtSubGeneratorExceptionReachesTheConsumer) {
    auto outer = []() -> generator<int> { co_yield from(one_then_throw()); };
    auto g = outer();
    EXPECT_EQ(g.next(), 1);
    EXPECT_THROW((void)g.next(), Boom);
    EXPECT_EQ(g.next(), std::nullopt);
}

TEST(GeneratorFrom, SubGeneratorThrowingAtItsFirstStep) {
    auto outer = []() -> generator<int> {
        auto bad = []() -> generator<int> {
            throw Boom();
            co_return;
        };
        bool caught = false;
        try {
            co_yield from(bad());
        } catch (const Boom&) {
            caught = true;
        }
        if (caught) co_yield 5;
    };
    auto g = outer();
    EXPECT_EQ(g.next(), 5);
    EXPECT_EQ(g.next(), std::nullopt);
}

TEST(GeneratorFrom, SendingThroughALoopDoesNotReachTheSubGenerator) {
    // The lesson of the delegation-wrong demo: a plain loop drops sends.
    auto loop = []() -> generator<std::string, std::string> {
        for (std::string s : footrace()) co_yield s;
    };
    auto g = loop();
    EXPECT_EQ(g.next(), "On your marks.");
    EXPECT_EQ(g.next(), "Set.");
    EXPECT_EQ(g.send("fault"), "Go!");
    EXPECT_EQ(g.next(), std::nullopt);
}

// ---- Moving ------------------------------------------------------------------------

TEST(GeneratorMove, MovedToGeneratorCarriesOnAndMovedFromIsEmpty) {
    auto a = countdown(3);
    EXPECT_EQ(a.next(), 3);
    generator<int> b = std::move(a);
    EXPECT_EQ(b.next(), 2);
    EXPECT_EQ(a.next(), std::nullopt);  // NOLINT(bugprone-use-after-move): defined as empty
    EXPECT_TRUE(a.done());
    int loops = 0;
    for ([[maybe_unused]] int n : a) ++loops;
    EXPECT_EQ(loops, 0);
}

TEST(GeneratorMove, MoveAssignmentDestroysTheOldFrame) {
    Counted::reset();
    auto holding = []() -> generator<int> {
        Counted local(1);
        co_yield 1;
        co_yield 2;
    };
    auto a = holding();
    EXPECT_EQ(a.next(), 1);
    EXPECT_EQ(Counted::alive(), 1);
    a = countdown(1);
    EXPECT_EQ(Counted::alive(), 0);
    EXPECT_EQ(a.next(), 1);
    auto& same = a;
    a = std::move(same);  // self-move keeps the frame
    EXPECT_EQ(a.next(), std::nullopt);
}

// ---- Lifetimes -------------------------------------------------------------------------

generator<Counted, Counted, Counted> counted_echo(int n) {
    Counted local(-1);
    for (int i = 0; i < n; ++i) {
        std::optional<Counted> got = co_yield Counted(i);
        if (got) co_yield *got;
    }
    co_return Counted(100);
}

TEST(GeneratorLifetime, EveryYieldedSentAndReturnedValueIsDestroyed) {
    Counted::reset();
    {
        auto g = counted_echo(3);
        EXPECT_EQ(g.next()->id, 0);
        EXPECT_EQ(g.send(Counted(42))->id, 42);
        EXPECT_EQ(g.next()->id, 1);
        EXPECT_EQ(g.next()->id, 2);
        EXPECT_FALSE(g.next());
        EXPECT_EQ(g.result().id, 100);
    }
    EXPECT_GT(Counted::constructed, 0);
    EXPECT_EQ(Counted::constructed, Counted::destroyed);
}

TEST(GeneratorLifetime, DestroyingAnUnfinishedGeneratorDestroysItsLocals) {
    Counted::reset();
    {
        auto g = counted_echo(5);
        EXPECT_EQ(g.next()->id, 0);
        EXPECT_GT(Counted::alive(), 0);  // `local`, the yielded value's slot
    }
    EXPECT_EQ(Counted::alive(), 0);
    EXPECT_EQ(Counted::constructed, Counted::destroyed);
}

TEST(GeneratorLifetime, DestroyingMidDelegationDestroysTheSubGenerator) {
    Counted::reset();
    auto outer = []() -> generator<Counted, Counted, Counted> {
        Counted mine(7);
        Counted r = co_yield from(counted_echo(5));
        co_yield r;
    };
    {
        auto g = outer();
        EXPECT_EQ(g.next()->id, 0);
        EXPECT_EQ(g.send(Counted(3))->id, 3);
        EXPECT_GE(Counted::alive(), 2);  // outer's `mine` and sub's `local`
    }
    EXPECT_EQ(Counted::alive(), 0);
    EXPECT_EQ(Counted::constructed, Counted::destroyed);
}

TEST(GeneratorLifetime, NeverStartedGeneratorOnlyHoldsItsArguments) {
    Counted::reset();
    {
        auto take = [](Counted c) -> generator<int> { co_yield c.id; };
        auto g = take(Counted(4));
        EXPECT_EQ(Counted::alive(), 1);  // the parameter copy in the frame
    }
    EXPECT_EQ(Counted::alive(), 0);
}

generator<Counted> counted_then_throw() {
    Counted local(1);
    co_yield Counted(2);
    throw Boom();
}

TEST(GeneratorLifetime, ExceptionPathsLeakNothing) {
    Counted::reset();
    {
        auto outer = []() -> generator<Counted> {
            Counted mine(3);
            try {
                co_yield from(counted_then_throw());
            } catch (const Boom&) {
            }
            co_yield Counted(4);
        };
        std::vector<int> seen;
        for (const Counted& c : outer()) seen.push_back(c.id);
        EXPECT_EQ(seen, (std::vector<int>{2, 4}));
        auto g = counted_then_throw();
        EXPECT_EQ(g.next()->id, 2);
        EXPECT_THROW((void)g.next(), Boom);
    }
    EXPECT_EQ(Counted::constructed, Counted::destroyed);
}

// ---- repr() ------------------------------------------------------------------------------

TEST(Repr, LikePython) {
    EXPECT_EQ(repr(5), "5");
    EXPECT_EQ(repr(-3), "-3");
    EXPECT_EQ(repr(true), "True");
    EXPECT_EQ(repr("Go!"), "'Go!'");
    EXPECT_EQ(repr(std::string("On your marks.")), "'On your marks.'");
    EXPECT_EQ(repr("it's"), "\"it's\"");
    EXPECT_EQ(repr("it's \"x\""), "'it\\'s \"x\"'");
    EXPECT_EQ(repr("a\\b\n\t\x01"), "'a\\\\b\\n\\t\\x01'");
    EXPECT_EQ(repr(std::optional<int>(9)), "9");
    EXPECT_EQ(repr(std::optional<int>()), "StopIteration");
    EXPECT_EQ(repr(std::optional<std::string>("x")), "'x'");
}

}  // namespace
