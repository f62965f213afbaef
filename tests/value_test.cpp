// Value, the int-or-string of the delegation demos' generators: compares,
// converts and prints as the Python values it stands for.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

#include "runtime/demo.hpp"

TEST(Value, ComparesLikePython) {
    EXPECT_EQ(Value(3), Value(3));
    EXPECT_NE(Value(3), Value("3"));
    EXPECT_EQ(Value("fault"), "fault");
    const std::optional<Value> sent = Value("fault");
    EXPECT_TRUE(sent == "fault");
    const std::optional<Value> none;
    EXPECT_FALSE(none == "fault");  // next() sent None
}

TEST(Value, ConvertsToIntOnlyFromAnInt) {
    EXPECT_EQ(int(Value(2)), 2);
    EXPECT_THROW((void)int(Value("fault")), std::invalid_argument);  // Python: TypeError
}

TEST(Value, PrintsAsPythonsRepr) {
    EXPECT_EQ(repr(Value(3)), "3");
    EXPECT_EQ(repr(Value("Set.")), "'Set.'");
    EXPECT_EQ(repr(std::optional<Value>(Value(-1))), "-1");
    EXPECT_EQ(repr(std::optional<Value>()), "StopIteration");
}

TEST(Value, FlowsThroughAGeneratorBothWays) {
    auto g = []() -> generator<Value, Value> {
        int n = 2;
        while (n > 0) {
            auto v = co_yield n;
            if (v) n = int(*v);
            n = n - 1;
        }
        co_yield "done";
    }();
    EXPECT_EQ(g.next(), Value(2));
    EXPECT_EQ(g.send(5), Value(4));
    EXPECT_EQ(g.next(), Value(3));
    EXPECT_THROW(g.send("fault"), std::invalid_argument);  // a string where the countdown wants an int
    EXPECT_TRUE(g.done());
}
