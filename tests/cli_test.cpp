// The command line, as a user types it.
#include <gtest/gtest.h>


#include <filesystem>
#include <fstream>

#include "farm/farm.hpp"
#include "process.hpp"
#include "runtime/context.hpp"

using livedeck::test::program;
using livedeck::test::run_command;

namespace {

std::string write_deck(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST(Cli, HelpForEverySubcommand) {
    for (const char* sub : {"", "browse", "demo", "farm", "shot", "check", "follow"}) {
        const auto out = run_command(program() + " " + sub + " --help");
        EXPECT_EQ(out.status, 0) << sub;
        EXPECT_NE(out.text.find("Usage"), std::string::npos) << sub << ": " << out.text;
    }
}

TEST(Cli, CheckAcceptsTheTalk) {
    // Warning-free, so strict too.
    const auto out = run_command(program() + " check --strict " + livedeck::test::talk());
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_EQ(out.text.find("warning"), std::string::npos) << out.text;
    EXPECT_TRUE(out.text.ends_with(" slides, ok\n")) << out.text;
}

TEST(Cli, CheckReportsEveryProblemWithFileAndLine) {
    const std::string deck = write_deck("broken.md",
                                        "# One\n"                       // 1
                                        "\n"                            // 2
                                        "---\n"                         // 3
                                        "demo: no-such-demo\n"          // 4
                                        "# Two\n"                       // 5
                                        "---\n"                         // 6
                                        "# Three\n"                     // 7
                                        "\n"                            // 8
                                        "![a cow](missing-cow.png)\n"); // 9
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 1) << out.text;
    EXPECT_NE(out.text.find(deck + ":4: unknown demo 'no-such-demo'"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find(deck + ":9: "), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("missing-cow.png"), std::string::npos) << out.text;
}

TEST(Cli, CheckReportsAMissingDeck) {
    const auto out = run_command(program() + " check /nonexistent/talk.md");
    EXPECT_EQ(out.status, 1);
    EXPECT_NE(out.text.find("/nonexistent/talk.md"), std::string::npos) << out.text;
}

TEST(Cli, CheckReportsABadDemoParameter) {
    const std::string deck = write_deck("badparam.md", "demo: sequential delay=soon\n# Seq\n");
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 1);
    EXPECT_NE(out.text.find(deck + ":1: "), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("delay"), std::string::npos) << out.text;
}

TEST(Cli, CheckWarnsWhenCodeWouldBeDrawnBelowTheFloor) {
    // At 30% of the width, threads-lock's longest line needs type under 22 px.
    const std::string deck = write_deck("narrow.md",
                                        "# One\n"                                       // 1
                                        "---\n"                                         // 2
                                        "demo: threads-lock split=30 timeline=on\n"     // 3
                                        "# Narrow\n"                                    // 4
                                        "---\n"                                         // 5
                                        "demo: sequential split=60\n"                   // 6
                                        "# Wide enough\n");                             // 7
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 0) << "a warning is not an error: " << out.text;
    EXPECT_NE(out.text.find(deck + ":3: warning: the code of threads_lock.cpp is drawn at "), std::string::npos)
        << out.text;
    EXPECT_NE(out.text.find("below the 22.0 px floor"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("split="), std::string::npos) << "it says what would fix it: " << out.text;
    EXPECT_EQ(out.text.find(deck + ":6:"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("(1 warning)"), std::string::npos) << out.text;
}

TEST(Cli, CheckReportsBadLayoutKeys) {
    const std::string deck = write_deck("badview.md",
                                        "demo: sequential lines=3-40 split=95 timeline=maybe\n"
                                        "# Seq\n"
                                        "---\n"
                                        "demo: sequential lines=4-9\n"
                                        "# Folded\n");
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 1) << out.text;
    // The first bad key of a directive is reported at its line.
    EXPECT_NE(out.text.find(deck + ":1: "), std::string::npos) << out.text;
    EXPECT_EQ(out.text.find(deck + ":4:"), std::string::npos) << out.text;
    const std::string past = write_deck("pastend.md", "demo: sequential lines=3-40\n# Seq\n");
    const auto late = run_command(program() + " check " + past);
    EXPECT_EQ(late.status, 1) << late.text;
    EXPECT_NE(late.text.find("lines: 40 is past the end of sequential.cpp"), std::string::npos) << late.text;
}

TEST(Cli, DemoListsTheDemos) {
    const auto out = run_command(program() + " demo --list");
    EXPECT_EQ(out.status, 0);
    EXPECT_EQ(out.text.rfind("sequential", 0), 0u) << out.text;
}

TEST(Cli, DemoPrintsWholeLinesWithoutAnimation) {
    const auto out = run_command(program() + " demo sequential --no-animate --delay 0.05");
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_EQ(out.text, "The cow says \"Moo!\".\nThe pig says \"Oink!\".\nThe chicken says \"Cluck!\".\n");
}

TEST(Cli, DemoTypesTheLinesOfAnEventLoopItself) {
    // farm-await's lines are typed by whoever shows them (TypedLine): here
    // the terminal, a line after another, each whole and on its own line.
    const auto out = run_command(program() + " demo farm-await --delay 0.05 --animals cow,pig");
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_TRUE(out.text == "The cow says \"Moo!\".\nThe pig says \"Oink!\".\n" ||
                out.text == "The pig says \"Oink!\".\nThe cow says \"Moo!\".\n")
        << out.text;
}

TEST(Cli, DemoTakesAnimals) {
    const auto out = run_command(program() + " demo sequential --no-animate --delay 0 --animals duck,frog");
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_EQ(out.text, "The duck says \"Quack!\".\nThe frog says \"Ribbit!\".\n");
}

TEST(Cli, DemoShowsFarmErrorsAndFails) {
    const auto out = run_command(program() + " demo sequential --no-animate --animals cow,unicorn --delay 0");
    EXPECT_EQ(out.status, 1);
    EXPECT_NE(out.text.find("The cow says \"Moo!\"."), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("The animal unicorn was not found."), std::string::npos) << out.text;
}

TEST(Cli, DemoAgainstAFarmThatIsDown) {
    const auto out = run_command(program() + " demo sequential --no-animate --farm http://127.0.0.1:1/animals");
    EXPECT_EQ(out.status, 1);
    EXPECT_NE(out.text.find("127.0.0.1:1"), std::string::npos) << out.text;
}

TEST(Cli, UnknownDemoIsAClearError) {
    const auto out = run_command(program() + " demo unicorns");
    EXPECT_EQ(out.status, 2);
    EXPECT_NE(out.text.find("unknown demo 'unicorns'"), std::string::npos) << out.text;
}

TEST(Cli, ShotRejectsASlideThatDoesNotExist) {
    const auto out = run_command(program() + " shot -o /tmp/never.png --slide 999 " + livedeck::test::talk());
    EXPECT_EQ(out.status, 2);
    EXPECT_NE(out.text.find("slide 999 does not exist"), std::string::npos) << out.text;
}

TEST(Cli, FarmServesUntilInterrupted) {
    // timeout sends SIGINT after a second; 124 means the farm then exited by
    // itself (a farm that ignored it would be killed 5 s later: 137).
    const auto out = run_command("timeout -s INT -k 5 1 " + program() + " farm --port 0 --delay 0");
    EXPECT_EQ(out.status, 124) << out.text;
    EXPECT_NE(out.text.find("Serving the animals at http://127.0.0.1:"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("/animals/cow"), std::string::npos) << out.text;
}

TEST(Cli, DemoNeedsAName) {
    const auto out = run_command(program() + " demo");
    EXPECT_EQ(out.status, 2);
    EXPECT_NE(out.text.find("name a demo"), std::string::npos) << out.text;
}

TEST(Cli, UnexpectedArgumentsAreErrors) {
    auto out = run_command(program() + " demo sequential extra");
    EXPECT_NE(out.status, 0);
    EXPECT_NE(out.text.find("not expected: extra"), std::string::npos) << out.text;
    out = run_command(program() + " demo sequential --animals ''");
    EXPECT_EQ(out.status, 2);
    EXPECT_NE(out.text.find("animals"), std::string::npos) << out.text;
    out = run_command(program() + " shot -o /tmp/never.png --at 1 " + livedeck::test::talk());
    EXPECT_EQ(out.status, 2);
    EXPECT_NE(out.text.find("--at needs --run"), std::string::npos) << out.text;
}

TEST(Cli, DelayIsAskedOfAnotherFarm) {
    // A farm that would take 30 s per animal answers at once when asked to.
    livedeck::farm::Server slow("127.0.0.1", 0, std::chrono::seconds(30));
    const auto out = run_command(program() + " demo sequential --no-animate --delay 0 --farm " + slow.url());
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_EQ(out.text, "The cow says \"Moo!\".\nThe pig says \"Oink!\".\nThe chicken says \"Cluck!\".\n");
}

TEST(Cli, CheckReportsEveryBadParameter) {
    const std::string deck = write_deck("twobad.md", "demo: sequential delay=abc animals=cow,,pig\n# Seq\n");
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 1);
    EXPECT_NE(out.text.find("delay: 'abc'"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("animals: empty name"), std::string::npos) << out.text;
}

TEST(Cli, NotANumberIsNotADelayOrATime) {
    for (const char* args : {"farm --delay nan", "demo sequential --delay inf", "shot -o /tmp/x.png --run --at nan"}) {
        const auto out = run_command(program() + " " + args);
        EXPECT_NE(out.status, 0) << args;
        EXPECT_NE(out.text.find("is not a number of seconds from 0 to"), std::string::npos) << args << ": " << out.text;
    }
}

TEST(Cli, OutOfRangeSaysTheRangeReadably) {
    // CLI11's own range check printed DBL_MAX in full (1.8e308, 300 digits).
    const auto at = run_command(program() + " shot -o /tmp/x.png --run --at -5");
    EXPECT_NE(at.status, 0);
    EXPECT_NE(at.text.find("'-5' is not a number of seconds from 0 to 86400"), std::string::npos) << at.text;
    EXPECT_EQ(at.text.find("17976931"), std::string::npos) << at.text;
    const auto delay = run_command(program() + " farm --delay 61");
    EXPECT_NE(delay.status, 0);
    EXPECT_NE(delay.text.find("'61' is not a number of seconds from 0 to 60"), std::string::npos) << delay.text;
}

TEST(Cli, SigtermEndsAnExportWith143) {
    // A walk-through that takes a while; SIGTERM leaves a playable file and says which signal.
    const std::string out = ::testing::TempDir() + "term.mkv";
    const auto result = run_command("sh -c '" + program() + " export " + out +
                                    " --quiet --delay 1 & pid=$!; sleep 3; kill -TERM $pid; wait $pid'");
    EXPECT_EQ(result.status, 143) << result.text;
    EXPECT_NE(result.text.find("interrupted"), std::string::npos) << result.text;
}

TEST(Cli, CheckDecodesImagesAndWarnsOfWhatIsNotAsMeant) {
    // A PNG cut in half keeps a good header: only a decode finds it out.
    const std::string dir = ::testing::TempDir();
    const std::string whole = dir + "whole.png";
    ASSERT_EQ(run_command(program() + " shot --size 320x180 -o " + whole).status, 0);
    const auto size = std::filesystem::file_size(whole);
    std::filesystem::copy_file(whole, dir + "half.png", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(dir + "half.png", size / 2);
    const std::string deck = write_deck("images.md",
                                        "# Whole\n\n![whole](whole.png)\n\n---\n\n# Half\n\n![half](half.png)\n"
                                        "\n---\n\n# Mid\n\nSome text\n\ndemo: sequential\n");
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 1) << out.text;
    EXPECT_NE(out.text.find("images.md:9: " + dir + "half.png: cannot be decoded (truncated or corrupt)"),
              std::string::npos)
        << out.text;
    EXPECT_EQ(out.text.find("whole.png:"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find(deck + ":17: warning: 'demo:' in the middle of the slide is shown as text"),
              std::string::npos)
        << out.text;
    EXPECT_NE(out.text.find("1 problem (1 warning) in"), std::string::npos) << out.text;
}

TEST(Cli, CheckWarnsOfARunThisMachineCannotServeAtOnce) {
    livedeck::demos::Params params;
    params.animals.assign(livedeck::demos::http2_budget + 1, "cow");
    const long budget = livedeck::demos::run_budget(params);  // over HTTP/2: a cap for memory
    ASSERT_EQ(budget, livedeck::demos::http2_budget);
    {
        std::ofstream names(::testing::TempDir() + "many.txt");
        for (long i = 0; i <= budget; ++i) names << "cow\n";
    }
    const std::string deck = write_deck("many.md", "demo: farm-await animals=@many.txt delay=1\n# Many\n");
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 0) << out.text;  // a warning, not an error: the run queues
    EXPECT_NE(out.text.find(deck + ":1: warning: animals: " + std::to_string(budget + 1) +
                            " requests, but this machine keeps at most " + std::to_string(budget) + " in flight"),
              std::string::npos)
        << out.text;
    EXPECT_NE(out.text.find("in flight (over HTTP/2, for memory): the others queue, so the run takes 2 rounds of "
                            "the delay"),
              std::string::npos)
        << out.text;
    EXPECT_NE(out.text.find("1 slides, ok (1 warning)"), std::string::npos) << out.text;
}

// ---- Decks from other tools, and what does not fit

TEST(Cli, CheckSaysExactlyWhatADialectDeckLoses) {
    const std::string dir = livedeck::test::source_dir() + "/tests/data/decks/dialects/";
    struct Case {
        const char* deck;
        std::vector<std::string> warnings;  // "file:line: message", printed as DIR file:line: warning: message
        const char* summary;
    };
    const std::vector<Case> cases = {
        {"presenterm.md",
         {"presenterm.md:5: front matter key 'theme' is not used by livedeck: ignored",
          "presenterm.md:60: presenterm command 'jump_to_middle' is not supported: ignored"},
         "5 slides, ok (2 warnings)"},
        {"slidev.md",
         {"slidev.md:2: front matter key 'theme' is not used by livedeck: ignored",
          "slidev.md:4: front matter key 'class' is not used by livedeck: ignored",
          "slidev.md:16: slide front matter key 'layout' is not used by livedeck: ignored",
          "slidev.md:28: math is shown as its LaTeX source: livedeck does not typeset it",
          "slidev.md:30: raw HTML <div> is not drawn: its text is kept",
          "slidev.md:33: slide front matter key 'layout' is not used by livedeck: ignored"},
         "4 slides, ok (6 warnings)"},
        {"marp.md",
         {"marp.md:3: front matter key 'theme' is not used by livedeck: ignored",
          "marp.md:4: front matter key 'paginate' is not used by livedeck: ignored",
          "marp.md:7: Marp directives are not supported: ignored (_class)",
          "marp.md:22: Marp directives are not supported: ignored (backgroundColor)"},
         "2 slides, ok (4 warnings)"},
        {"revealjs.md", {"revealjs.md:21: reveal.js slide attributes are not supported: ignored"}, "3 slides, ok (1 warning)"},
        {"pandoc.md", {"pandoc.md:53: Pandoc div '.callout' is not supported: its content is shown as is"},
         "4 slides, ok (1 warning)"},
    };
    for (const Case& c : cases) {
        const auto out = run_command(program() + " check " + dir + c.deck);
        EXPECT_EQ(out.status, 0) << out.text;
        std::string expected;
        for (const std::string& w : c.warnings) {
            const auto colon = w.find(": ");  // after file:line
            expected += dir + w.substr(0, colon) + ": warning:" + w.substr(colon + 1) + "\n";
        }
        expected += dir + c.deck + ": " + c.summary + "\n";
        EXPECT_EQ(out.text, expected);
        // --strict: the same warnings, and they fail the check.
        const auto strict = run_command(program() + " check --strict " + dir + c.deck);
        EXPECT_EQ(strict.status, 1) << strict.text;
        EXPECT_NE(strict.text.find(std::to_string(c.warnings.size()) + (c.warnings.size() == 1 ? " warning in " : " warnings in ") +
                                   dir + c.deck + ": errors with --strict"),
                  std::string::npos)
            << strict.text;
    }
}

TEST(Cli, CheckWarnsWhereASlideIsCutEvenAtTheSmallestText) {
    std::string code = "# Code\n\nintro\n\n---\n\n# Sixty lines\n\n```cpp\n";
    for (int i = 0; i < 60; ++i) code += "int line_" + std::to_string(i) + " = " + std::to_string(i) + ";\n";
    code += "```\n\n---\n\n# Forty bullets\n\n";
    for (int i = 0; i < 40; ++i) code += "- bullet " + std::to_string(i) + "\n";
    code += "\n---\n\n# Wide\n\n```\n" + std::string(400, 'x') + "\n```\n";
    code += "\n---\n\n# Fourteen bullets shrink to fit\n\n";
    for (int i = 0; i < 14; ++i) code += "- bullet " + std::to_string(i) + "\n";
    const std::string deck = write_deck("overflow.md", code);
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 0) << out.text;
    // The 60 lines start at line 10: at 22 px, 25 of them fit under the title
    // (793 px: 26 of padding, 31 a line). 18 of the 40 bullets (line 76 on) fit.
    const std::string cut = " does not fit even at the smallest text (body 24 px, code 22 px): cut from here to the slide's end\n";
    EXPECT_EQ(out.text, deck + ":35: warning: slide 2" + cut +
                            deck + ":94: warning: slide 3" + cut +
                            deck + ":122: warning: slide 4: a line here is too wide even at the smallest text: cut at "
                            "the right edge\n" +
                            deck + ": 5 slides, ok (3 warnings)\n");
    EXPECT_EQ(run_command(program() + " check --strict " + deck).status, 1);
}

TEST(Cli, CheckSaysWhatACodeBlockAsksForAndDoesNotGet) {
    const std::string deck = livedeck::test::source_dir() + "/tests/data/decks/code_steps.md";
    const auto out = run_command(program() + " check " + deck);
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_EQ(out.text, deck + ":51: warning: line highlight {3-1}: 3-1 runs backwards: ignored\n" +
                            deck + ":55: warning: line highlight {1-2|9}: line 9 is past the block's end (line 3): ignored\n" +
                            deck + ":61: warning: presenterm's +exec is not supported: the code is shown, not run\n" +
                            deck + ":65: warning: code block language 'klingon' is not known: shown without "
                                   "highlighting\n" +
                            deck + ": 5 slides, ok (4 warnings)\n");
    EXPECT_EQ(run_command(program() + " check --strict " + deck).status, 1);
    // A diagram is drawn as its source; `text` asks for no highlighting.
    const std::string diagram =
        write_deck("diagram.md", "# D\n\n```mermaid\ngraph TD\n  A --> B\n```\n\n```text\nplain\n```\n");
    const auto drawn = run_command(program() + " check " + diagram);
    EXPECT_EQ(drawn.text, diagram + ":3: warning: mermaid diagrams are not drawn: the code block shows their source\n" +
                              diagram + ": 1 slides, ok (1 warning)\n");
}

// Following and publishing: a URL that is not one, and options that do not
// go together, are errors before any window opens (exit 2), naming what is wrong.
TEST(Cli, FollowRejectsBadUrls) {
    auto out = run_command(program() + " follow http://127.0.0.1/talk");
    EXPECT_EQ(out.status, 2) << out.text;
    EXPECT_NE(out.text.find("livedeck follow: "), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("mqtt://HOST[:PORT]/TALK"), std::string::npos) << out.text;
    out = run_command(program() + " follow mqtt://127.0.0.1:1883/");
    EXPECT_EQ(out.status, 2) << out.text;
    out = run_command(program() + " follow 'mqtt://127.0.0.1:99999/talk'");
    EXPECT_EQ(out.status, 2) << out.text;
    out = run_command(program() + " follow 'mqtt://127.0.0.1/a/b'");
    EXPECT_EQ(out.status, 2) << out.text;
    out = run_command(program() + " follow");
    EXPECT_NE(out.status, 0) << out.text;
    EXPECT_NE(out.text.find("url"), std::string::npos) << out.text;
    out = run_command(program() + " browse --follow nonsense " + livedeck::test::talk());
    EXPECT_EQ(out.status, 2) << out.text;
    EXPECT_NE(out.text.find("--follow: "), std::string::npos) << out.text;
}

TEST(Cli, PublishRejectsBadOptions) {
    auto out = run_command(program() + " --publish ftp://127.0.0.1/talk " + livedeck::test::talk());
    EXPECT_EQ(out.status, 2) << out.text;
    EXPECT_NE(out.text.find("--publish: "), std::string::npos) << out.text;
    out = run_command(program() + " --publish mqtt://127.0.0.1/talk --publish-address 0.0.0.0 " + livedeck::test::talk());
    EXPECT_EQ(out.status, 2) << out.text;
    EXPECT_NE(out.text.find("embedded broker"), std::string::npos) << out.text;
    out = run_command(program() + " --publish-address 0.0.0.0 " + livedeck::test::talk());
    EXPECT_EQ(out.status, 2) << out.text;
    out = run_command(program() + " --publish mqtt://127.0.0.1/talk --password-file /nonexistent/password " +
                      livedeck::test::talk());
    EXPECT_EQ(out.status, 1) << out.text;
    EXPECT_NE(out.text.find("cannot read the password file /nonexistent/password"), std::string::npos) << out.text;
    const std::string both = write_deck("password", "secret\n");
    out = run_command(program() + " --publish mqtt://me:pw@127.0.0.1/talk --password-file " + both + " " +
                      livedeck::test::talk());
    EXPECT_EQ(out.status, 2) << out.text;
    EXPECT_NE(out.text.find("not both"), std::string::npos) << out.text;
}
