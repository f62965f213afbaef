// Decks written for other tools (presenterm, Slidev, Marp, reveal.js,
// Pandoc): front matter, separators, notes, reveal steps, columns, tables,
// HTML and math, parsed as those tools' documentation writes them. Every
// warning is asserted exactly: nothing is dropped without `check` saying so.

#include "deck/deck.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace deck = livedeck::deck;
using deck::Block;
using deck::BlockKind;
using deck::Span;

namespace {

const std::filesystem::path kDecks = std::filesystem::path(LIVEDECK_SOURCE_DIR) / "tests" / "data" / "decks";

deck::Deck parse(std::string_view text) { return deck::parse(text, "d.md", kDecks); }

deck::Deck load(const std::string& name) { return deck::load(kDecks / "dialects" / name); }

std::vector<std::string> strings(const std::vector<deck::Diagnostic>& ds, bool strip_path = true) {
    std::vector<std::string> out;
    for (const auto& d : ds) {
        std::string s = d.str();
        if (strip_path) s = s.substr(s.rfind('/') + 1);
        out.push_back(s);
    }
    return out;
}

std::vector<std::string> texts(const std::vector<Block>& blocks) {
    std::vector<std::string> out;
    for (const Block& b : blocks) out.push_back(deck::plain_text(b.spans));
    return out;
}

// Every block and list item's step, in document order, as "text@step".
void steps_of(const std::vector<Block>& blocks, std::vector<std::string>& out) {
    for (const Block& b : blocks) {
        if (b.kind == BlockKind::List) {
            for (const deck::ListItem& item : b.items) {
                out.push_back("item " + deck::plain_text(item.blocks.at(0).spans) + "@" + std::to_string(item.step));
                for (size_t i = 1; i < item.blocks.size(); ++i) steps_of({item.blocks[i]}, out);
            }
        } else if (b.kind == BlockKind::Columns) {
            for (const deck::Column& c : b.columns) steps_of(c.blocks, out);
        } else {
            out.push_back(deck::plain_text(b.spans) + "@" + std::to_string(b.step));
        }
    }
}

std::vector<std::string> steps_of(const deck::Slide& s) {
    std::vector<std::string> out;
    steps_of(s.blocks, out);
    return out;
}

}  // namespace

// ---- Separators and front matter

TEST(DialectSplit, ASetextUnderlineIsAHeadingNotASeparator) {
    auto d = parse("Title\n---\n\ntext under it\n\n---\n\n# Two\n");
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_EQ(d.slides[0].title, "Title");
    EXPECT_EQ(d.slides[0].blocks.at(0).kind, BlockKind::Heading);
    EXPECT_EQ(d.slides[0].blocks.at(0).level, 2);
    EXPECT_EQ(d.slides[1].title, "Two");
    // Under a heading, a list, a quote, a comment or a table, `---` separates.
    for (const char* before : {"# Heading", "- item", "> quote", "<!-- note -->", "| a |\n|---|\n| b |", "```\nx\n```"}) {
        auto s = parse(std::string(before) + "\n---\n# Next\n");
        EXPECT_EQ(s.slides.size(), 2u) << before;
    }
    // A paragraph continued in a list is still the list's.
    EXPECT_EQ(parse("- item\n  more\n---\n# Next\n").slides.size(), 2u);
    // After a blank line, text at the margin is a paragraph of its own.
    EXPECT_EQ(parse("- item\n\ntext\n---\n").slides.size(), 1u);
}

TEST(DialectSplit, EndSlideSeparatesAndMakesDashesRules) {
    auto d = parse("# One\n\n---\n\nstill one\n<!-- end_slide -->\n# Two\n```\n<!-- end_slide -->\n```\n");
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_EQ(d.slides[0].blocks.at(1).kind, BlockKind::Rule);
    EXPECT_EQ(d.slides[1].blocks.at(1).text, "<!-- end_slide -->");  // in code: kept
    // presenterm's end_slide_shorthand: `---` separates too.
    auto s = parse("---\noptions:\n  end_slide_shorthand: true\n---\n# One\n\n---\n\n# Two\n<!-- end_slide -->\n# Three\n");
    EXPECT_EQ(s.slides.size(), 3u);
    EXPECT_TRUE(s.warnings.empty()) << strings(s.warnings).front();
}

TEST(DialectFrontMatter, MetadataMakesTheTitleSlideAndUnknownKeysAreWarnings) {
    auto d = parse("---\n# a YAML comment\ntitle: My *talk*\nsubtitle: Sub\nauthor: [Ann, Bob]\ndate: 2024-05-01\n"
                   "theme: seriph\n---\n\nIntro text without a heading\n");
    ASSERT_EQ(d.slides.size(), 1u);
    EXPECT_EQ(d.meta.title, "My *talk*");
    EXPECT_EQ(d.meta.author, "Ann, Bob");
    const auto& b = d.slides[0].blocks;
    EXPECT_EQ(texts(b), (std::vector<std::string>{"My talk", "Sub", "Ann, Bob", "2024-05-01", "Intro text without a heading"}));
    EXPECT_EQ(b[0].kind, BlockKind::Heading);
    EXPECT_EQ(b[0].spans.at(1), (Span{"talk", deck::SpanStyle_Italic}));
    EXPECT_EQ(b[0].line, 3);
    EXPECT_EQ(d.slides[0].title, "My talk");
    EXPECT_EQ(strings(d.warnings), std::vector<std::string>{"d.md:7: front matter key 'theme' is not used by livedeck: ignored"});
    EXPECT_TRUE(d.ok());

    // The first slide has its own heading: the metadata gets a slide of its own...
    auto own = parse("---\ntitle: Deck\nauthor: Ann\n---\n\n# First\n");
    ASSERT_EQ(own.slides.size(), 2u);
    EXPECT_EQ(texts(own.slides[0].blocks), (std::vector<std::string>{"Deck", "Ann"}));
    EXPECT_EQ(own.slides[1].number, 2);
    // ...unless it only repeats that heading (Slidev's title).
    EXPECT_EQ(parse("---\ntitle: First\n---\n\n# First\n").slides.size(), 1u);
    // Front matter followed by a separator: the metadata alone is the first slide.
    EXPECT_EQ(texts(parse("---\ntitle: Alone\n---\n\n---\n\n# Next\n").slides.at(0).blocks),
              std::vector<std::string>{"Alone"});
}

TEST(DialectFrontMatter, BadYamlIsAnErrorAtItsLine) {
    auto d = parse("---\ntitle: a\nauthor: [unclosed\n---\n\n# One\n");
    ASSERT_EQ(d.diagnostics.size(), 1u);
    EXPECT_EQ(d.diagnostics[0].line, 4);
    EXPECT_NE(d.diagnostics[0].message.find("front matter is not valid YAML"), std::string::npos);
    // Not front matter at all (a deck that starts with a separator): plain slides.
    auto p = parse("---\n# Slide\n\ntext\n\n---\n# Two\n");
    EXPECT_TRUE(p.ok());
    EXPECT_EQ(p.slides.size(), 2u);
}

TEST(DialectFrontMatter, SlidevSlideFrontMatterIsFoldedIntoItsSlide) {
    auto d = parse("# One\n\n---\nlayout: image-right\nimage: tiny.png\ndemo: sequential\n---\n\n# Two\n\n---\n\n# Three\n");
    ASSERT_EQ(d.slides.size(), 3u);
    const deck::Slide& two = d.slides[1];
    EXPECT_EQ(two.title, "Two");
    ASSERT_TRUE(two.demo.has_value());
    EXPECT_EQ(two.demo->name, "sequential");
    EXPECT_EQ(two.demo->line, 6);
    ASSERT_EQ(two.blocks.size(), 2u);
    EXPECT_EQ(two.blocks[1].kind, BlockKind::Image);
    EXPECT_EQ(two.blocks[1].line, 5);
    EXPECT_EQ(strings(d.warnings),
              std::vector<std::string>{"d.md:4: slide front matter key 'layout' is not used by livedeck: ignored"});
}

// ---- Notes

TEST(DialectNotes, EveryDialectsNotesAreKeptInOrderAndNeverDrawn) {
    auto d = parse("# Slide\n\nshown\n\n<!-- speaker_note: first -->\n\n::: notes\nPandoc *note*\n:::\n\n"
                   "<aside class=\"notes\">\n  Aside &amp; <em>note</em>\n</aside>\n\n"
                   "<!-- speaker_note: second -->\n\n<!--\nspeaker_note: |\n  third on\n  two lines\n-->\n"
                   "<!-- trailing comment -->\n\nNote: reveal.js\nto the end <!-- kept words -->\n");
    ASSERT_EQ(d.slides.size(), 1u);
    EXPECT_EQ(d.slides[0].notes,
              "first\n\nPandoc *note*\n\nAside & note\n\nsecond\n\nthird on\ntwo lines\n\ntrailing comment\n\n"
              "reveal.js\nto the end  kept words");
    EXPECT_EQ(texts(d.slides[0].blocks), (std::vector<std::string>{"Slide", "shown"}));
    EXPECT_TRUE(d.warnings.empty()) << strings(d.warnings).front();
    EXPECT_TRUE(d.ok());
}

TEST(DialectNotes, CommandsAndDirectivesAreNotNotes) {
    auto d = parse("# S\n\ntext\n\n<!-- pause -->\n\nmore\n\n<!-- _class: lead -->\n<!-- // a comment to the author -->\n"
                   "<!-- jump_to_middle -->\n");
    EXPECT_EQ(d.slides.at(0).notes, "");
    EXPECT_EQ(strings(d.warnings), (std::vector<std::string>{
                                       "d.md:9: Marp directives are not supported: ignored (_class)",
                                       "d.md:11: presenterm command 'jump_to_middle' is not supported: ignored"}));
}

// ---- Reveal steps

TEST(DialectReveal, PausesAndIncrementalListsCountSteps) {
    auto d = parse("# P\n\none\n\n<!-- pause -->\n\ntwo\n\n<!-- incremental_lists: true -->\n\n- a\n- b\n  - b1\n\n"
                   "<!-- incremental_lists: false -->\n\n- c\n- d\n\n<!-- pause -->\n");
    const deck::Slide& s = d.slides.at(0);
    EXPECT_EQ(steps_of(s), (std::vector<std::string>{"P@0", "one@0", "two@1", "item a@2", "item b@3", "item b1@4",
                                                     "item c@4", "item d@4"}));
    EXPECT_EQ(s.steps, 4);  // a pause at the end reveals nothing: no step
}

TEST(DialectReveal, PandocRevealJsAndFrontMatterIncremental) {
    auto p = parse("# P\n\n::: incremental\n- a\n- b\n:::\n\nafter\n\n. . .\n\nlast\n");
    EXPECT_EQ(steps_of(p.slides.at(0)), (std::vector<std::string>{"P@0", "item a@1", "item b@2", "after@2", "last@3"}));
    auto r = parse("# R\n\n- x <!-- .element: class=\"fragment\" -->\n- y <!-- .element: class=\"fragment\" -->\n");
    EXPECT_EQ(steps_of(r.slides.at(0)), (std::vector<std::string>{"R@0", "item x@1", "item y@2"}));
    auto f = parse("---\nincremental: true\n---\n\n# F\n\n- a\n- b\n\n::: nonincremental\n- c\n- d\n:::\n");
    EXPECT_EQ(steps_of(f.slides.at(0)),
              (std::vector<std::string>{"F@0", "item a@1", "item b@2", "item c@2", "item d@2"}));
    auto o = parse("---\noptions:\n  incremental_lists: true\n---\n\n# O\n\n- a\n- b\n");
    EXPECT_EQ(o.slides.at(0).steps, 2);
}

// ---- Columns

TEST(DialectColumns, PresentermAndPandocColumns) {
    auto d = parse("# C\n\n<!-- column_layout: [1, 2] -->\n<!-- column: 0 -->\nleft\n<!-- column: 1 -->\nright\n\n"
                   "<!-- reset_layout -->\n\nbelow\n");
    const auto& b = d.slides.at(0).blocks;
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[1].kind, BlockKind::Columns);
    ASSERT_EQ(b[1].columns.size(), 2u);
    EXPECT_EQ(b[1].columns[0].weight, 1);
    EXPECT_EQ(b[1].columns[1].weight, 2);
    EXPECT_EQ(texts(b[1].columns[0].blocks), std::vector<std::string>{"left"});
    EXPECT_EQ(texts(b[1].columns[1].blocks), std::vector<std::string>{"right"});
    EXPECT_EQ(b[1].columns[1].blocks[0].line, 7);
    EXPECT_EQ(deck::plain_text(b[2].spans), "below");

    auto p = parse("# P\n\n:::: columns\n::: {.column width=\"30%\"}\nl\n:::\n::: column\nm\n:::\n::: column\nr\n:::\n::::\n\nend\n");
    const auto& c = p.slides.at(0).blocks.at(1);
    ASSERT_EQ(c.columns.size(), 3u);
    EXPECT_FLOAT_EQ(c.columns[0].weight, 30);
    EXPECT_FLOAT_EQ(c.columns[1].weight, 35);  // the others share what is left
    EXPECT_EQ(texts(c.columns[2].blocks), std::vector<std::string>{"r"});
    EXPECT_EQ(texts({p.slides[0].blocks.at(2)}), std::vector<std::string>{"end"});
    EXPECT_TRUE(p.warnings.empty()) << strings(p.warnings).front();

    auto bad = parse("# B\n\n<!-- column: 0 -->\n<!-- column_layout: [1, x] -->\n::: column\nz\n:::\n");
    EXPECT_EQ(strings(bad.warnings),
              (std::vector<std::string>{"d.md:3: 'column: 0' without a column_layout before it: ignored",
                                        "d.md:4: column_layout needs 1 to 8 positive widths, e.g. [1, 2]: ignored",
                                        "d.md:5: '::: column' outside '::: columns': shown as plain content"}));
}

// ---- Tables, strikethrough, task lists, HTML, math

TEST(DialectMarkdown, TablesStrikethroughAndTaskLists) {
    auto d = parse("| Animal | *Sound* |\n|:--|--:|\n| Cow | Moo |\n| Pig |\n\n~~old~~ ~new~\n\n- [x] done\n- [ ] open\n- plain\n");
    const auto& b = d.slides.at(0).blocks;
    ASSERT_EQ(b.size(), 3u);
    ASSERT_EQ(b[0].kind, BlockKind::Table);
    EXPECT_EQ(b[0].head_rows, 1);
    ASSERT_EQ(b[0].rows.size(), 3u);
    EXPECT_EQ(b[0].rows[0].cells.at(1), (std::vector<Span>{{"Sound", deck::SpanStyle_Italic}}));
    EXPECT_EQ(deck::plain_text(b[0].rows[1].cells.at(1)), "Moo");
    EXPECT_EQ(b[0].rows[2].cells.size(), 2u);  // md4c pads a short row
    EXPECT_EQ(b[0].align, (std::vector<deck::Align>{deck::Align::Left, deck::Align::Right}));
    EXPECT_EQ(b[0].line, 1);
    EXPECT_EQ(b[1].spans, (std::vector<Span>{{"old", deck::SpanStyle_Strike}, {" ", 0}, {"new", deck::SpanStyle_Strike}}));
    ASSERT_EQ(b[2].items.size(), 3u);
    EXPECT_EQ(b[2].items[0].task, deck::Task::Done);
    EXPECT_EQ(b[2].items[1].task, deck::Task::Open);
    EXPECT_EQ(b[2].items[2].task, deck::Task::None);
    EXPECT_EQ(deck::plain_text(b[2].items[1].blocks.at(0).spans), "open");
    EXPECT_TRUE(d.warnings.empty());
}

TEST(DialectMarkdown, MathIsShownAsItsSourceWithAWarning) {
    auto d = parse("Euler: $e^{i\\pi} + 1 = 0$ and\n\n$$\n\\frac{a}{b} \\{x\\}\n$$\n");
    const auto& b = d.slides.at(0).blocks;
    ASSERT_EQ(b.size(), 2u);
    const unsigned math = deck::SpanStyle_Code | deck::SpanStyle_Math;
    EXPECT_EQ(b[0].spans, (std::vector<Span>{{"Euler: ", 0}, {"$e^{i\\pi} + 1 = 0$", math}, {" and", 0}}));
    EXPECT_EQ(deck::plain_text(b[1].spans), "$$\\frac{a}{b} \\{x\\} $$");  // escapes kept
    EXPECT_EQ(strings(d.warnings),
              (std::vector<std::string>{"d.md:1: math is shown as its LaTeX source: livedeck does not typeset it",
                                        "d.md:4: math is shown as its LaTeX source: livedeck does not typeset it"}));
}

TEST(DialectMarkdown, HtmlBreaksHeadingsAndDroppedTags) {
    auto d = parse("<div>\n<h2>Title</h2>\n<p>one<br/>two</p>\n<img src=\"x.png\">\n<script>var x = 1;</script>\n</div>\n\n"
                   "text <span style=\"color:red\">red</span> <kbd>Ctrl</kbd>\n");
    const auto& b = d.slides.at(0).blocks;
    ASSERT_EQ(b.size(), 4u);
    EXPECT_EQ(b[0].kind, BlockKind::Heading);
    EXPECT_EQ(b[0].level, 2);
    EXPECT_EQ(d.slides[0].title, "Title");
    EXPECT_EQ(b[1].spans, (std::vector<Span>{{"one", 0}, {"\n", 0}, {"two", 0}}));
    EXPECT_EQ(b[2].kind, BlockKind::Image);  // an <img> is an image (this one is missing: an error)
    EXPECT_EQ(b[2].line, 4);
    EXPECT_EQ(b[3].spans, (std::vector<Span>{{"text red ", 0}, {"Ctrl", deck::SpanStyle_Code}}));
    EXPECT_EQ(b[0].line, 2);
    EXPECT_EQ(b[1].line, 3);
    EXPECT_EQ(strings(d.warnings), (std::vector<std::string>{"d.md:1: raw HTML <div> is not drawn: its text is kept",
                                                             "d.md:5: raw HTML <script> is not drawn",
                                                             "d.md:8: raw HTML <span> is not drawn: its text is kept"}));
}

// ---- The dialect decks (tests/data/decks/dialects), as check reads them

TEST(DialectDecks, Presenterm) {
    auto d = load("presenterm.md");
    EXPECT_TRUE(d.ok()) << strings(d.diagnostics).front();
    ASSERT_EQ(d.slides.size(), 5u);
    EXPECT_EQ(d.slides[0].title, "Farm animals in presenterm");  // the introduction slide
    EXPECT_EQ(d.slides[1].title, "Slide titles");
    EXPECT_EQ(d.slides[1].notes, "First note.\n\nSecond note.");
    EXPECT_EQ(d.slides[2].steps, 4);
    EXPECT_EQ(d.slides[3].notes, "A note on two lines,\nwritten as YAML.");
    EXPECT_EQ(d.slides[3].blocks.at(1).kind, BlockKind::Columns);
    EXPECT_EQ(d.slides[4].title, "A table");
    EXPECT_EQ(d.slides[4].blocks.at(3).kind, BlockKind::Rule);  // `---` is a rule in an end_slide deck
    EXPECT_EQ(strings(d.warnings),
              (std::vector<std::string>{"presenterm.md:5: front matter key 'theme' is not used by livedeck: ignored",
                                        "presenterm.md:60: presenterm command 'jump_to_middle' is not supported: ignored"}));
}

TEST(DialectDecks, Slidev) {
    auto d = load("slidev.md");
    EXPECT_TRUE(d.ok()) << strings(d.diagnostics).front();
    ASSERT_EQ(d.slides.size(), 4u);  // no empty slides from the slides' front matter
    EXPECT_EQ(d.slides[0].notes, "The last comment block of each slide is its notes.");
    EXPECT_EQ(d.slides[1].blocks.back().kind, BlockKind::Image);
    EXPECT_EQ(d.slides[3].title, "Centred");
    EXPECT_EQ(strings(d.warnings),
              (std::vector<std::string>{"slidev.md:2: front matter key 'theme' is not used by livedeck: ignored",
                                        "slidev.md:4: front matter key 'class' is not used by livedeck: ignored",
                                        "slidev.md:16: slide front matter key 'layout' is not used by livedeck: ignored",
                                        "slidev.md:28: math is shown as its LaTeX source: livedeck does not typeset it",
                                        "slidev.md:30: raw HTML <div> is not drawn: its text is kept",
                                        "slidev.md:33: slide front matter key 'layout' is not used by livedeck: ignored"}));
}

TEST(DialectDecks, Marp) {
    auto d = load("marp.md");
    EXPECT_TRUE(d.ok());
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_EQ(d.slides[0].notes, "This comment is a presenter note.");
    EXPECT_EQ(d.slides[1].notes, "");  // a directive, not a note
    EXPECT_EQ(strings(d.warnings),
              (std::vector<std::string>{"marp.md:3: front matter key 'theme' is not used by livedeck: ignored",
                                        "marp.md:4: front matter key 'paginate' is not used by livedeck: ignored",
                                        "marp.md:7: Marp directives are not supported: ignored (_class)",
                                        "marp.md:22: Marp directives are not supported: ignored (backgroundColor)"}));
}

TEST(DialectDecks, RevealJs) {
    auto d = load("revealjs.md");
    EXPECT_TRUE(d.ok());
    ASSERT_EQ(d.slides.size(), 3u);
    EXPECT_EQ(d.slides[0].notes, "This will only display in the notes window.\nAnd this line too.");
    EXPECT_EQ(texts(d.slides[0].blocks), (std::vector<std::string>{"Slide one", "A paragraph with a link."}));
    EXPECT_EQ(d.slides[1].notes, "Shhh, these are your private notes.");
    EXPECT_EQ(d.slides[1].steps, 2);
    EXPECT_EQ(d.slides[2].notes, "Everything from here on is for the speaker.");
    EXPECT_EQ(strings(d.warnings),
              std::vector<std::string>{"revealjs.md:21: reveal.js slide attributes are not supported: ignored"});
}

TEST(DialectDecks, Pandoc) {
    auto d = load("pandoc.md");
    EXPECT_TRUE(d.ok());
    ASSERT_EQ(d.slides.size(), 4u);
    EXPECT_EQ(texts(d.slides[0].blocks), (std::vector<std::string>{"Habits", "John Doe, Jane Roe", "March 22, 2005"}));
    EXPECT_EQ(d.slides[1].notes, "This is my note.\n\n- It can contain Markdown\n- like this list");
    EXPECT_EQ(d.slides[1].steps, 2);
    EXPECT_EQ(d.slides[2].steps, 1);
    EXPECT_EQ(d.slides[3].blocks.at(1).kind, BlockKind::Columns);
    EXPECT_EQ(strings(d.warnings),
              std::vector<std::string>{"pandoc.md:53: Pandoc div '.callout' is not supported: its content is shown as is"});
}

// ---- Robustness

TEST(DialectRobustness, RandomDialectSoupNeverCrashesAndKeepsLines) {
    std::mt19937 rng(2024);
    const std::vector<std::string> tokens = {
        "---\n", "\n", "# T\n", "text\n", "- item\n", ":::: columns\n", "::: column\n", "::: notes\n", ":::\n",
        "::: {.column width=\"40%\"}\n", "<!-- pause -->\n", "<!-- column_layout: [1, 2] -->\n", "<!-- column: 1 -->\n",
        "<!-- reset_layout -->\n", "<!-- end_slide -->\n", "<!-- speaker_note: |\n  x\n-->\n", "<!--\n", "-->\n",
        "Note: n\n", "<aside class=\"notes\">", "</aside>\n", "| a | b |\n", "|---|---|\n", "$x$ ", "$$\n", "<b>",
        "</div>\n", "<div>\n", "title: x\n", "layout: y\n", "```\n", "~~s~~ ", "- [x] t\n", ". . .\n",
        "<!-- incremental_lists: true -->\n", "demo: sequential\n", "===\n", "<br>", "&amp;", "\xEF\xBF\xBD"};
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const size_t n = rng() % 40;
        for (size_t i = 0; i < n; ++i) text += tokens[rng() % tokens.size()];
        const auto d = parse(text);
        const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
        for (const auto& s : d.slides) {
            EXPECT_GT(s.line, 0);
            EXPECT_GE(s.steps, 0);
        }
        for (const auto& w : d.warnings) EXPECT_LE(w.line, lines) << text;
        for (const auto& e : d.diagnostics) EXPECT_LE(e.line, lines) << text;
    }
}

TEST(DialectRobustness, BigDecksStayFast) {
    std::string text;
    for (int i = 0; i < 10000; ++i)
        text += "# Slide " + std::to_string(i) + "\n\n- a\n\n<!-- pause -->\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
                "<!-- speaker_note: n -->\n\n---\n\n";
    text += std::string(200000, '<') + "\n" + std::string(100000, ':') + "\n";
    for (int i = 0; i < 20000; ++i) text += "<aside class=\"notes\">x</aside>\n";
    const auto start = std::chrono::steady_clock::now();
    const auto d = parse(text);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(d.slides.size(), 10001u);
    EXPECT_LT(seconds, 10.0);
}

// A form feed in an HTML block is a space: the text scanner stopped at it
// without moving (found by fuzz_deck: an endless loop).
TEST(DialectRobustness, AFormFeedInHtmlIsASpace) {
    const deck::Deck d = deck::parse("# Slide\n\n<div>\na\f\fb\n</div>\n", "ff.md", {});
    ASSERT_EQ(d.slides.size(), 1u);
    std::string text;
    for (const Block& b : d.slides[0].blocks)
        if (b.kind == BlockKind::Paragraph) text += deck::plain_text(b.spans);
    EXPECT_EQ(text, "a b");
}

// Every block's line lies in the deck (found by fuzz_deck: a BOM, notes,
// fragments and a broken entity put one past the end).
TEST(DialectRobustness, EveryBlockLineLiesInTheDeck) {
    std::ifstream in(std::string(LIVEDECK_SOURCE_DIR) + "/tests/fuzz/fuzz_deck/regression-block-line-past-the-deck",
                     std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty());
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    const deck::Deck d = deck::parse(text, "f.md", {});
    std::function<void(const std::vector<Block>&, int)> visit = [&](const std::vector<Block>& blocks, int slide) {
        for (const Block& b : blocks) {
            EXPECT_LE(b.line, lines) << "slide " << slide << " block kind " << static_cast<int>(b.kind) << " '"
                                     << deck::plain_text(b.spans) << "'";
            EXPECT_GE(b.line, 0);
            for (const deck::ListItem& item : b.items) visit(item.blocks, slide);
            visit(b.children, slide);
        }
    };
    for (const deck::Slide& s : d.slides) visit(s.blocks, s.number);
}
