// The iterator, generator, send() and delegation demos: each prints exactly
// the lines written here. The two countdowns also print what their Python
// reference script (tests/data/python/<demo>.py) prints; the send() and
// delegation demos are replayed against the original talk's examples
// themselves (oracle_test.cpp).
#include <gtest/gtest.h>

#include <ostream>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry.hpp"
#include "runtime/runner.hpp"
#include "runtime/trace.hpp"

using livedeck::demos::Context;
void iterator_countdown(Context&);
void generator_countdown(Context&);
void generator_send(Context&);
void delegation_wrong(Context&);
void delegation_yield_from(Context&);
void delegation_return(Context&);

namespace {

using namespace std::chrono_literals;
using livedeck::demos::EventKind;
using livedeck::demos::Params;
using livedeck::demos::Run;
using Lines = std::vector<std::string>;

struct DemoCase {
    const char* name;    // the registry's name
    const char* script;  // tests/data/python/<script>.py
    void (*body)(Context&);
    Lines expected;
};

// How GoogleTest (and so ctest's list) names a case: by its demo.
void PrintTo(const DemoCase& c, std::ostream* os) { *os << c.name; }

// Runs a demo without animation and returns its terminal lines.
Lines run_demo(void (*body)(Context&)) {
    Params params;
    params.animate = false;
    Run run(body, params);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::size_t seen = 0;
    while (!run.done() && std::chrono::steady_clock::now() < deadline)
        seen = run.trace().wait(seen, 100ms);
    EXPECT_TRUE(run.done()) << "the demo did not finish in 10 s";
    const auto events = run.trace().events();
    EXPECT_FALSE(events.empty());
    if (!events.empty()) {
        EXPECT_EQ(events.back().kind, EventKind::Done);
        EXPECT_EQ(events.back().text, "finished");
    }
    Lines lines;
    for (const auto& line : livedeck::demos::fold_lines(events, 1e9)) {
        EXPECT_FALSE(line.error) << line.text;
        lines.push_back(line.text);
    }
    return lines;
}

// Runs a Python script and returns its output lines.
Lines run_python(const std::string& script) {
    const std::string command = "/usr/bin/python3 -B '" + script + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) {
        ADD_FAILURE() << "popen failed: " << command;
        return {};
    }
    std::string out;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    const int status = pclose(pipe.release());
    EXPECT_EQ(status, 0) << command << "\n" << out;
    Lines lines;
    std::size_t begin = 0;
    while (begin < out.size()) {
        std::size_t end = out.find('\n', begin);
        if (end == std::string::npos) end = out.size();
        lines.push_back(out.substr(begin, end - begin));
        begin = end + 1;
    }
    return lines;
}

const std::vector<DemoCase>& cases() {
    static const std::vector<DemoCase> all = {
        {"iterator-countdown", "iterator_countdown", ::iterator_countdown,
         {"5", "4", "3", "2", "1"}},
        {"generator-countdown", "generator_countdown", ::generator_countdown,
         {"5", "4", "3", "2", "1"}},
        {"generator-send", "generator_send", ::generator_send,
         {
             "next() -> 5",
             "send(10) -> 9",
             "next() -> 8",
             "send(2) -> 1",
             "next() -> StopIteration",
             "",
             "next() -> 'On your marks.'",
             "next() -> 'Set.'",
             "send('fault') -> 'On your marks.'",
             "next() -> 'Set.'",
             "next() -> 'Go!'",
             "next() -> StopIteration",
         }},
        {"delegation-wrong", "delegation_wrong", ::delegation_wrong,
         {
             "next() -> 3",
             "send(2) -> 1",
             "next() -> 'On your marks.'",
             "next() -> 'Set.'",
             "send('fault') -> 'Go!'",
             "next() -> StopIteration",
         }},
        {"delegation-yield-from", "delegation_yield_from", ::delegation_yield_from,
         {
             "next() -> 3",
             "send(2) -> 1",
             "next() -> 'On your marks.'",
             "next() -> 'Set.'",
             "send('fault') -> 'On your marks.'",
             "next() -> 'Set.'",
             "next() -> 'Go!'",
             "next() -> StopIteration",
         }},
        {"delegation-return", "delegation_return", ::delegation_return,
         {
             "next() -> 3",
             "send(2) -> 1",
             "next() -> 'On your marks.'",
             "send('fault') -> 'On your marks.'",
             "next() -> 'Set.'",
             "send('fault') -> 'On your marks.'",
             "next() -> 'Set.'",
             "next() -> 'Go!'",
             "next() -> 'Race started after 2 faults.'",
             "next() -> StopIteration",
         }},
    };
    return all;
}

class GeneratorDemo : public testing::TestWithParam<DemoCase> {};

TEST_P(GeneratorDemo, PrintsTheExpectedLines) {
    EXPECT_EQ(run_demo(GetParam().body), GetParam().expected);
}

TEST_P(GeneratorDemo, IsRegisteredWithItsSource) {
    const auto* demo = livedeck::demos::find_demo(GetParam().name);
    ASSERT_NE(demo, nullptr) << GetParam().name;
    EXPECT_EQ(demo->body, GetParam().body);
    EXPECT_EQ(demo->file, std::string(GetParam().script) + ".cpp");
    EXPECT_NE(demo->source().find("void " + std::string(GetParam().script) + "(Context& ctx)"),
              std::string_view::npos);
}

TEST_P(GeneratorDemo, StopsWhenAskedWhileAnimating) {
    Params params;  // animated: 50 ms a character
    livedeck::demos::Run run(GetParam().body, params);
    run.trace().wait(0, 1s);
    run.stop();
    ASSERT_TRUE(run.done());
    EXPECT_EQ(run.trace().events().back().text, "stopped");
}

INSTANTIATE_TEST_SUITE_P(Demos, GeneratorDemo, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<DemoCase>& p) {
                             return std::string(p.param.script);
                         });

TEST(GeneratorDemos, CountdownsPrintWhatTheirPythonReferencePrints) {
    if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
    for (const DemoCase& c : cases()) {
        const std::string script = std::string(LIVEDECK_SOURCE_DIR) + "/tests/data/python/" + c.script + ".py";
        if (c.name != std::string_view("iterator-countdown") && c.name != std::string_view("generator-countdown"))
            continue;  // replayed against the original talk's examples (oracle_test.cpp)
        SCOPED_TRACE(c.name);
        ASSERT_TRUE(std::filesystem::exists(script)) << script;
        EXPECT_EQ(run_demo(c.body), run_python(script));
    }
}

TEST(GeneratorDemos, AreRegisteredInTalkOrder) {
    const auto demos = livedeck::demos::all_demos();
    auto position = [&](std::string_view name) {
        return std::find_if(demos.begin(), demos.end(),
                            [&](const auto& demo) { return demo.name == name; }) -
               demos.begin();
    };
    for (std::size_t i = 1; i < cases().size(); ++i)
        EXPECT_LT(position(cases()[i - 1].name), position(cases()[i].name));
}

}  // namespace
