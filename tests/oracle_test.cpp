// The step scripts of the generator and coroutine demos, replayed against
// the original talk's Python examples themselves (not scripts written here),
// run by /usr/bin/python3: every next() and send() a demo prints must give
// what the same call gives on the original generator or coroutine.
//
// The script is read from the demo's own output: each "next() -> 5" or
// "send('fault') -> 'On your marks.'" line is a step, a blank line starts
// the next generator. tests/data/python/replay.py makes each generator with
// the original module's function (countdown(3), example('A')), replays
// the steps and prints their results the same way.
//
// The originals are not part of this repository: CMake looks for them next
// to the checkout (../shared/seed/original/examples, or
// -DLIVEDECK_ORIGINAL_EXAMPLES=DIR), and the test is skipped without them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <regex>
#include <string>
#include <vector>

#include "process.hpp"
#include "registry.hpp"
#include "test_support.hpp"

using namespace livedeck;
using namespace std::chrono_literals;

namespace {

struct OracleCase {
    const char* demo;                // the registry's name
    const char* module;              // the original example that the demo stands for
    std::vector<std::string> calls;  // one per generator the demo drives, in order
};

void PrintTo(const OracleCase& c, std::ostream* os) { *os << c.demo; }

const std::vector<OracleCase>& cases() {
    static const std::vector<OracleCase> all = {
        {"generator-send", "improved_generator.py", {"countdown(5)", "footrace()"}},
        {"delegation-wrong", "generator_delegation_wrong.py", {"countdown(3)"}},
        {"delegation-yield-from", "generator_delegation_correct.py", {"countdown(3)"}},
        {"delegation-return", "generator_delegation_return.py", {"countdown(3)"}},
        {"coroutine-by-hand", "coroutine_by_hand.py", {"example('A')"}},  // its name only shows in its prints
    };
    return all;
}

// The demo's output, run to its end without animation.
std::vector<std::string> demo_lines(const std::string& name) {
    const demos::Demo* demo = demos::find_demo(name);
    if (!demo) {
        ADD_FAILURE() << "no demo " << name;
        return {};
    }
    demos::Params params;
    params.animate = false;
    demos::Run run(demo->body, params);
    EXPECT_TRUE(test::wait_done(run, 10s)) << name;
    const auto events = run.trace().events();
    EXPECT_EQ(events.back().text, "finished") << name;
    return test::texts(demos::fold_lines(events, 1e9));
}

// The step lines of an output, with "" between generators.
std::vector<std::string> step_lines(const std::vector<std::string>& lines) {
    static const std::regex step(R"(^(next\(\)|send\(.*\)) -> .*$)");
    std::vector<std::string> out;
    for (const std::string& line : lines) {
        if (std::regex_match(line, step))
            out.push_back(line);
        else if (line.empty() && !out.empty() && !out.back().empty())
            out.push_back("");
    }
    if (!out.empty() && out.back().empty()) out.pop_back();
    return out;
}

std::string quoted(const std::string& arg) {
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class Oracle : public testing::TestWithParam<OracleCase> {};

TEST_P(Oracle, EveryStepAgreesWithTheOriginalPython) {
    const std::filesystem::path originals = LIVEDECK_ORIGINAL_EXAMPLES;
    const std::filesystem::path module = originals / GetParam().module;
    if (!std::filesystem::exists(module)) GTEST_SKIP() << "the original examples are not here: " << module;
    if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";

    const std::vector<std::string> steps = step_lines(demo_lines(GetParam().demo));
    ASSERT_FALSE(steps.empty());

    // The command: replay.py MODULE CALL STEP... -- CALL STEP...
    std::string command = "/usr/bin/python3 -B " + quoted(test::source_dir() + "/tests/data/python/replay.py") +
                          " " + quoted(module.string());
    std::size_t block = 0;
    command += " " + quoted(GetParam().calls.at(0));
    for (const std::string& line : steps) {
        if (line.empty()) {
            ++block;
            ASSERT_LT(block, GetParam().calls.size()) << "more generators in the output than calls";
            command += " -- " + quoted(GetParam().calls[block]);
        } else {
            command += " " + quoted(line.substr(0, line.find(" -> ")));
        }
    }
    ASSERT_EQ(block + 1, GetParam().calls.size()) << "fewer generators in the output than calls";

    const test::Output python = test::run_command(command);
    ASSERT_EQ(python.status, 0) << command << "\n" << python.text;
    std::vector<std::string> expected;
    std::size_t begin = 0;
    while (begin < python.text.size()) {
        std::size_t end = python.text.find('\n', begin);
        if (end == std::string::npos) end = python.text.size();
        expected.push_back(python.text.substr(begin, end - begin));
        begin = end + 1;
    }
    EXPECT_EQ(steps, expected) << command;
}

INSTANTIATE_TEST_SUITE_P(Demos, Oracle, testing::ValuesIn(cases()), [](const testing::TestParamInfo<OracleCase>& p) {
    std::string name = p.param.demo;
    for (char& c : name)
        if (c == '-') c = '_';
    return name;
});

// The shape the issue asks of the delegation demos: the countdown first,
// reset by a send(), then the race; the last one yields its verdict as a
// value, and every run ends with one StopIteration.
TEST(OracleScripts, DelegationDemosCountDownFirstAndStopOnce) {
    for (const char* name : {"delegation-wrong", "delegation-yield-from", "delegation-return"}) {
        SCOPED_TRACE(name);
        const std::vector<std::string> steps = step_lines(demo_lines(name));
        ASSERT_GE(steps.size(), 4u);
        EXPECT_EQ(steps[0], "next() -> 3");
        EXPECT_EQ(steps[1], "send(2) -> 1");
        EXPECT_EQ(steps[2], "next() -> 'On your marks.'");
        EXPECT_EQ(steps.back(), "next() -> StopIteration");
        EXPECT_EQ(std::count_if(steps.begin(), steps.end(),
                                [](const std::string& s) { return s.ends_with("StopIteration"); }),
                  1);
    }
    const std::vector<std::string> steps = step_lines(demo_lines("delegation-return"));
    EXPECT_NE(std::find(steps.begin(), steps.end(), "next() -> 'Race started after 2 faults.'"), steps.end());
}

}  // namespace
