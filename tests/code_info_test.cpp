// A fenced code block's info string (app/deck/code_info.cpp): line
// highlights as Slidev, presenterm, reveal.js and Pandoc write them, the
// reveal steps they take among the slide's others, and the exact warnings
// for what does not fit or is not supported.

#include "deck/deck.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <ostream>
#include <string>
#include <vector>

namespace deck = livedeck::deck;
using deck::Block;
using deck::BlockKind;
using deck::CodeHighlight;
using Mode = deck::CodeHighlight::Mode;

namespace livedeck::deck {

// Readable failures: "lines 1-2 @0", "all @2", "hide @1".
void PrintTo(const CodeHighlight& h, std::ostream* os) {
    *os << (h.mode == CodeHighlight::Mode::All ? "all" : h.mode == CodeHighlight::Mode::Hide ? "hide" : "lines");
    for (const LineRange& r : h.lines) *os << " " << r.first << "-" << r.last;
    *os << " @" << h.step;
}

}  // namespace livedeck::deck

namespace {

const std::filesystem::path kDecks = std::filesystem::path(LIVEDECK_SOURCE_DIR) / "tests" / "data" / "decks";

deck::Deck parse(std::string_view text) { return deck::parse(text, "d.md", kDecks); }

// The first code block of the deck's first slide, from a fence with `info`
// around `lines` lines of code.
Block code(const std::string& info, int lines = 6, std::vector<std::string>* warnings = nullptr) {
    std::string md = "# T\n\n```" + info + "\n";
    for (int i = 1; i <= lines; ++i) md += "line " + std::to_string(i) + "\n";
    md += "```\n";
    const deck::Deck d = parse(md);
    if (warnings)
        for (const deck::Diagnostic& w : d.warnings) warnings->push_back(w.str());
    for (const Block& b : d.slides.at(0).blocks)
        if (b.kind == BlockKind::Code) return b;
    ADD_FAILURE() << "no code block for " << info;
    return {};
}

CodeHighlight lines(int step, std::vector<deck::LineRange> ranges) { return {step, Mode::Lines, std::move(ranges)}; }
CodeHighlight all(int step) { return {step, Mode::All, {}}; }

// Every block's step as "text@step", a code block's as "code@step[h0,h1...]".
std::vector<std::string> steps_of(const std::vector<Block>& blocks) {
    std::vector<std::string> out;
    for (const Block& b : blocks) {
        if (b.kind == BlockKind::List) {
            for (const deck::ListItem& item : b.items)
                out.push_back("item " + deck::plain_text(item.blocks.at(0).spans) + "@" + std::to_string(item.step));
        } else if (b.kind == BlockKind::Code) {
            std::string s = b.lang + "@" + std::to_string(b.step) + "[";
            for (size_t i = 0; i < b.highlights.size(); ++i)
                s += (i ? "," : "") + std::to_string(b.highlights[i].step);
            out.push_back(s + "]");
        } else {
            out.push_back(deck::plain_text(b.spans) + "@" + std::to_string(b.step));
        }
    }
    return out;
}

}  // namespace

// ---- The specs

TEST(CodeInfo, SlidevAndPresentermStepsAreGroupsBetweenBars) {
    const Block b = code("rust {1-2|4|all}");
    EXPECT_EQ(b.lang, "rust");
    EXPECT_EQ(b.highlights, (std::vector<CodeHighlight>{lines(0, {{1, 2}}), lines(1, {{4, 4}}), all(2)}));
    EXPECT_FALSE(b.line_numbers);
    // presenterm writes the same, with its attributes after.
    const Block p = code("rust {1,3|5-6} +line_numbers");
    EXPECT_EQ(p.lang, "rust");
    EXPECT_EQ(p.highlights, (std::vector<CodeHighlight>{lines(0, {{1, 1}, {3, 3}}), lines(1, {{5, 6}})}));
    EXPECT_TRUE(p.line_numbers);
    EXPECT_EQ(code("rust +line_numbers {2}").highlights, (std::vector<CodeHighlight>{lines(0, {{2, 2}})}));
}

TEST(CodeInfo, OneGroupMarksLinesWithoutSteps) {
    EXPECT_EQ(code("python {1,3-4}").highlights, (std::vector<CodeHighlight>{lines(0, {{1, 1}, {3, 4}})}));
    EXPECT_EQ(code("ts{2}").highlights, (std::vector<CodeHighlight>{lines(0, {{2, 2}})}));  // Slidev: no space needed
    EXPECT_EQ(code("ts{2}").lang, "ts");
    // Every line marked is none marked out: no highlight at all.
    for (const char* info : {"go {*}", "go {all}", "go {all}{lines:false}"}) {
        const Block b = code(info);
        EXPECT_TRUE(b.highlights.empty()) << info;
        EXPECT_EQ(b.lang, "go") << info;
    }
    // Slidev's `none` and `0` dim every line; `hide` hides the code.
    EXPECT_EQ(code("ts {none|0|hide}").highlights,
              (std::vector<CodeHighlight>{lines(0, {}), lines(1, {}), {2, Mode::Hide, {}}}));
    // Slidev lets the language out.
    EXPECT_TRUE(code("{2} +line_numbers").line_numbers);
    const Block bare = code("{1|3}");
    EXPECT_EQ(bare.lang, "");
    EXPECT_EQ(bare.highlights, (std::vector<CodeHighlight>{lines(0, {{1, 1}}), lines(1, {{3, 3}})}));
}

TEST(CodeInfo, SlidevOptionsNumberTheLines) {
    const Block b = code("ts {2,3}{lines:true,startLine:5}");
    EXPECT_EQ(b.highlights, (std::vector<CodeHighlight>{lines(0, {{2, 2}, {3, 3}})}));
    EXPECT_TRUE(b.line_numbers);
    EXPECT_EQ(b.first_number, 5);
    const Block star = code("ts {*}{lines:true}");
    EXPECT_TRUE(star.highlights.empty());
    EXPECT_TRUE(star.line_numbers);
}

TEST(CodeInfo, RevealJsBracketsNumberTheLinesAndMayOffsetThem) {
    const Block b = code("js [1|3-5]");
    EXPECT_EQ(b.lang, "js");
    EXPECT_EQ(b.highlights, (std::vector<CodeHighlight>{lines(0, {{1, 1}}), lines(1, {{3, 5}})}));
    EXPECT_TRUE(b.line_numbers);
    EXPECT_EQ(b.first_number, 1);
    const Block offset = code("js [712: 1-2|3]");
    EXPECT_EQ(offset.first_number, 712);
    EXPECT_EQ(offset.highlights, (std::vector<CodeHighlight>{lines(0, {{1, 2}}), lines(1, {{3, 3}})}));  // the block's own lines
    const Block numbers_only = code("js []");
    EXPECT_TRUE(numbers_only.line_numbers);
    EXPECT_TRUE(numbers_only.highlights.empty());
}

TEST(CodeInfo, PandocAndQuartoAttributes) {
    const Block b = code("{.rust .numberLines startFrom=\"5\"}");
    EXPECT_EQ(b.lang, "rust");
    EXPECT_TRUE(b.line_numbers);
    EXPECT_EQ(b.first_number, 5);
    EXPECT_TRUE(b.highlights.empty());
    const Block q = code("{.python code-line-numbers=\"1|3\"}");
    EXPECT_EQ(q.lang, "python");
    EXPECT_EQ(q.highlights, (std::vector<CodeHighlight>{lines(0, {{1, 1}}), lines(1, {{3, 3}})}));
    EXPECT_EQ(code("rust,ignore").lang, "rust");  // rustdoc
    EXPECT_EQ(code("").lang, "");
}

TEST(CodeInfo, TheHighlightAtAStep) {
    const Block b = code("rust {1-2|4|all}");
    EXPECT_EQ(deck::highlight_at(b, 0), &b.highlights[0]);
    EXPECT_EQ(deck::highlight_at(b, 1), &b.highlights[1]);
    EXPECT_EQ(deck::highlight_at(b, 2), &b.highlights[2]);
    EXPECT_EQ(deck::highlight_at(b, INT_MAX), &b.highlights[2]);  // everything shown: the last
    EXPECT_TRUE(deck::emphasised(deck::highlight_at(b, 0), 2));
    EXPECT_FALSE(deck::emphasised(deck::highlight_at(b, 0), 3));
    EXPECT_TRUE(deck::emphasised(deck::highlight_at(b, 1), 4));
    EXPECT_FALSE(deck::emphasised(deck::highlight_at(b, 1), 1));
    EXPECT_TRUE(deck::emphasised(deck::highlight_at(b, 2), 3));
    EXPECT_EQ(deck::highlight_at(code("rust"), 0), nullptr);
    EXPECT_TRUE(deck::emphasised(nullptr, 1));
}

// ---- Steps among the slide's reveals

TEST(CodeSteps, CodeStepsComeBeforeTheNextPause) {
    const deck::Deck d = parse("# T\n\n```rust {1|2|3}\na\nb\nc\n```\n\nwith the code\n\n<!-- pause -->\n\nafter\n");
    const deck::Slide& s = d.slides.at(0);
    EXPECT_EQ(steps_of(s.blocks), (std::vector<std::string>{"T@0", "rust@0[0,1,2]", "with the code@0", "after@3"}));
    EXPECT_EQ(s.steps, 3);  // a pause and a three-step code block
}

TEST(CodeSteps, CodeAfterAPauseStepsFromThere) {
    const deck::Deck d = parse("# T\n\nintro\n\n<!-- pause -->\n\n```js [1|2]\na\nb\n```\n\n. . .\n\nlast\n");
    EXPECT_EQ(steps_of(d.slides.at(0).blocks), (std::vector<std::string>{"T@0", "intro@0", "js@1[1,2]", "last@3"}));
    EXPECT_EQ(d.slides.at(0).steps, 3);
}

TEST(CodeSteps, TwoBlocksStepInDocumentOrder) {
    const deck::Deck d = parse("# T\n\n```c {1|2}\na\nb\n```\n\n```go {2|1}\na\nb\n```\n");
    EXPECT_EQ(steps_of(d.slides.at(0).blocks), (std::vector<std::string>{"T@0", "c@0[0,1]", "go@0[0,2]"}));
    EXPECT_EQ(d.slides.at(0).steps, 2);
}

TEST(CodeSteps, IncrementalItemsAfterCodeFollowItsSteps) {
    const deck::Deck d = parse("# T\n\n<!-- incremental_lists: true -->\n\n```py {1|2}\na\nb\n```\n\n- x\n- y\n");
    EXPECT_EQ(steps_of(d.slides.at(0).blocks), (std::vector<std::string>{"T@0", "py@0[0,1]", "item x@2", "item y@3"}));
    EXPECT_EQ(d.slides.at(0).steps, 3);
}

TEST(CodeSteps, TheTestDeck) {
    const deck::Deck d = deck::load(kDecks / "code_steps.md");
    EXPECT_TRUE(d.ok());
    ASSERT_EQ(d.slides.size(), 5u);
    std::vector<int> steps;
    for (const deck::Slide& s : d.slides) steps.push_back(s.steps);
    EXPECT_EQ(steps, (std::vector<int>{0, 3, 0, 1, 1}));
}

// ---- Warnings, exact

TEST(CodeInfoWarnings, BadSpecsSayWhatIsWrongAndKeepTheirSteps) {
    struct Case {
        const char* info;
        std::vector<std::string> warnings;
        std::vector<CodeHighlight> highlights;
    };
    const std::vector<Case> cases = {
        {"rust {3-1}", {"d.md:3: line highlight {3-1}: 3-1 runs backwards: ignored"}, {}},
        {"go {1-2|9}",
         {"d.md:3: line highlight {1-2|9}: line 9 is past the block's end (line 6): ignored"},
         {lines(0, {{1, 2}}), all(1)}},
        {"go {5-9}", {"d.md:3: line highlight {5-9}: lines 5-9 run past the block's end (line 6): cut there"},
         {lines(0, {{5, 6}})}},
        {"go {7-9|1}", {"d.md:3: line highlight {7-9|1}: lines 7-9 are past the block's end (line 6): ignored"},
         {all(0), lines(1, {{1, 1}})}},
        {"go {1||3}", {"d.md:3: line highlight {1||3}: step 2 is empty: it shows every line as usual"},
         {lines(0, {{1, 1}}), all(1), lines(2, {{3, 3}})}},
        {"go {1|two}", {"d.md:3: line highlight {1|two}: 'two' is not a line number or range: ignored"},
         {lines(0, {{1, 1}}), all(1)}},
        {"js [1|0-2]", {"d.md:3: line highlight [1|0-2]: '0-2' is not a line number or range: ignored"},
         {lines(0, {{1, 1}}), all(1)}},
    };
    for (const Case& c : cases) {
        std::vector<std::string> warnings;
        const Block b = code(c.info, 6, &warnings);
        EXPECT_EQ(warnings, c.warnings) << c.info;
        EXPECT_EQ(b.highlights, c.highlights) << c.info;
    }
}

TEST(CodeInfoWarnings, UnsupportedAttributesAreNamed) {
    struct Case {
        const char* info;
        std::string warning;
    };
    const std::vector<Case> cases = {
        {"bash +exec", "d.md:3: presenterm's +exec is not supported: the code is shown, not run"},
        {"rust +exec_replace +line_numbers", "d.md:3: presenterm's +exec_replace is not supported: the code is shown, not run"},
        {"latex +render", "d.md:3: presenterm's +render is not supported: the code is shown as its source, not rendered"},
        {"rust +no_background", "d.md:3: presenterm attribute +no_background is not supported: ignored"},
        {"ts {monaco}", "d.md:3: Slidev's Monaco editor {monaco} is not supported: shown as a plain code block"},
        {"ts {2}{maxHeight:'100px'}", "d.md:3: Slidev code option 'maxHeight' is not supported: ignored"},
        {"ts twoslash", "d.md:3: code block attribute 'twoslash' is not supported: ignored"},
        {"{python}", "d.md:3: '{python}' is a cell that Quarto runs: livedeck shows its code and does not run it"},
        {"{.rust #main .numberLines filename=\"main.rs\"}", "d.md:3: Pandoc code attribute 'filename' is not supported: ignored"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> warnings;
        code(c.info, 6, &warnings);
        EXPECT_EQ(warnings, std::vector<std::string>{c.warning}) << c.info;
    }
    // What is supported says nothing.
    for (const char* info : {"rust {1|2} +line_numbers", "ts {2,3}{lines:true,startLine:5}", "js [712: 1-2|3]",
                             "{.rust .numberLines startFrom=\"5\"}", "rust,ignore", "ts {hide|none|all}"}) {
        std::vector<std::string> warnings;
        code(info, 6, &warnings);
        EXPECT_TRUE(warnings.empty()) << info << ": " << warnings.front();
    }
}

TEST(CodeInfoWarnings, HostileSpecsAreBounded) {
    std::string many = "c {";
    for (int i = 0; i < 1000; ++i) many += "1|";
    many += "1}";
    std::vector<std::string> warnings;
    const Block b = code(many, 2, &warnings);
    EXPECT_EQ(b.highlights.size(), 64u);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("more than 64 steps: the rest are ignored"), std::string::npos) << warnings[0];
    for (const char* info : {"c {99999999999-1}", "c {1-99999999999}", "c {-}", "c {|}", "c [:]", "c [x:1]", "c {{{",
                             "c [[[", "c {1", "c [1", "+", "{", "{.", "{=}", "c {lines:}"})
        code(info, 2);  // no crash, no hang
}
