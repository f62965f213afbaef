// Tests for the deck model: splitting, directives, notes, Markdown blocks,
// images, diagnostics, and robustness against garbage.

#include "deck/deck.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include <cstdint>
#include <random>
#include <string>

namespace deck = livedeck::deck;
using deck::Block;
using deck::BlockKind;
using deck::Span;

namespace {

const std::filesystem::path kDataDir = std::filesystem::path(LIVEDECK_SOURCE_DIR) / "tests" / "data" / "decks";

deck::Deck parse(std::string_view text, const deck::DemoValidator& v = {}) {
    return deck::parse(text, "talk.md", kDataDir, v);
}

std::vector<std::string> messages(const deck::Deck& d) {
    std::vector<std::string> out;
    for (const auto& diag : d.diagnostics) out.push_back(diag.str());
    return out;
}

}  // namespace

// ---- Splitting

TEST(DeckSplit, SlidesAndLines) {
    auto d = parse("# One\n\ntext\n\n# Two\n---   \n\n# Three\n");
    ASSERT_EQ(d.slides.size(), 2u);
    d = parse("# One\n\ntext\n<!-- note -->\n---\n# Two\n---   \n\n# Three\n");
    ASSERT_EQ(d.slides.size(), 3u);
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(d.slides[0].number, 1);
    EXPECT_EQ(d.slides[0].line, 1);
    EXPECT_EQ(d.slides[0].title, "One");
    EXPECT_EQ(d.slides[1].number, 2);
    EXPECT_EQ(d.slides[1].line, 6);
    EXPECT_EQ(d.slides[1].title, "Two");
    EXPECT_EQ(d.slides[2].line, 8);
    EXPECT_EQ(d.slides[2].title, "Three");
    ASSERT_EQ(d.slides[2].blocks.size(), 1u);
    EXPECT_EQ(d.slides[2].blocks[0].line, 9);
}

TEST(DeckSplit, SeparatorInsideFencedCodeIsKept) {
    auto d = parse("# A\n```\n---\n```\n~~~~\n---\n~~~~\n---\n# B\n");
    ASSERT_EQ(d.slides.size(), 2u);
    ASSERT_EQ(d.slides[0].blocks.size(), 3u);
    EXPECT_EQ(d.slides[0].blocks[1].kind, BlockKind::Code);
    EXPECT_EQ(d.slides[0].blocks[1].text, "---");
    EXPECT_EQ(d.slides[0].blocks[1].line, 2);
    EXPECT_EQ(d.slides[0].blocks[2].text, "---");
    EXPECT_EQ(d.slides[0].blocks[2].line, 5);
    EXPECT_EQ(d.slides[1].line, 9);
}

TEST(DeckSplit, NotSeparators) {
    // Indented, longer, or with text: not separators.
    auto d = parse("a\n\n ---\n\nb\n\n----\n\nc --- d\n");
    ASSERT_EQ(d.slides.size(), 1u);
}

TEST(DeckSplit, BlankChunksAreNotSlides) {
    auto d = parse("\n---\n# A\n---\n   \n---\n# B\n---\n");
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_EQ(d.slides[0].line, 3);
    EXPECT_EQ(d.slides[1].number, 2);
    EXPECT_EQ(d.slides[1].line, 7);
}

TEST(DeckSplit, UnclosedFenceIsReported) {
    auto d = parse("# A\n---\n```cpp\nint x;\n---\n# B\n");
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_EQ(messages(d), std::vector<std::string>{"talk.md:3: code fence is never closed"});
    EXPECT_EQ(d.slides[1].blocks[0].text, "int x;\n---\n# B");
}

TEST(DeckSplit, CrLfLineEndings) {
    auto d = parse("# A\r\n\r\ntext\r\n\r\n---\r\n# B\r\n");
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_EQ(d.slides[0].title, "A");
    EXPECT_EQ(d.slides[1].title, "B");
    EXPECT_EQ(d.slides[1].line, 6);
}

// ---- Headings and paragraphs

TEST(DeckMarkdown, HeadingsAndSpans) {
    auto d = parse("## Hello *world*\n\nPlain **bold *both* `code`** and [a *link*](http://x) &amp; &lt;&#65;&#x42;&gt;&copy;\n");
    ASSERT_EQ(d.slides.size(), 1u);
    const auto& s = d.slides[0];
    EXPECT_EQ(s.title, "Hello world");
    ASSERT_EQ(s.blocks.size(), 2u);
    EXPECT_EQ(s.blocks[0].kind, BlockKind::Heading);
    EXPECT_EQ(s.blocks[0].level, 2);
    EXPECT_EQ(s.blocks[0].line, 1);
    EXPECT_EQ(s.blocks[0].spans, (std::vector<Span>{{"Hello ", deck::SpanStyle_None}, {"world", deck::SpanStyle_Italic}}));
    EXPECT_EQ(s.blocks[1].kind, BlockKind::Paragraph);
    EXPECT_EQ(s.blocks[1].line, 3);
    EXPECT_EQ(s.blocks[1].spans,
              (std::vector<Span>{
                  {"Plain ", deck::SpanStyle_None},
                  {"bold ", deck::SpanStyle_Bold},
                  {"both", deck::SpanStyle_Bold | deck::SpanStyle_Italic},
                  {" ", deck::SpanStyle_Bold},
                  {"code", deck::SpanStyle_Bold | deck::SpanStyle_Code},
                  {" and ", deck::SpanStyle_None},
                  {"a ", deck::SpanStyle_Link},
                  {"link", deck::SpanStyle_Link | deck::SpanStyle_Italic},
                  {" & <AB>\xC2\xA9", deck::SpanStyle_None},
              }));
    EXPECT_EQ(deck::plain_text(s.blocks[1].spans), "Plain bold both code and a link & <AB>\xC2\xA9");
}

TEST(DeckMarkdown, SoftAndHardBreaks) {
    auto d = parse("one\ntwo  \nthree\\\nfour\n");
    ASSERT_EQ(d.slides[0].blocks.size(), 1u);
    EXPECT_EQ(d.slides[0].blocks[0].spans, (std::vector<Span>{{"one two", 0}, {"\n", 0}, {"three", 0}, {"\n", 0}, {"four", 0}}));
}

TEST(DeckMarkdown, TitleIsFirstHeadingAndSetextWorks) {
    auto d = parse("intro\n\nFirst\n=====\n\n# Second\n");
    const auto& s = d.slides[0];
    EXPECT_EQ(s.title, "First");
    ASSERT_EQ(s.blocks.size(), 3u);
    EXPECT_EQ(s.blocks[1].level, 1);
    EXPECT_EQ(s.blocks[1].line, 3);
    EXPECT_EQ(s.blocks[2].line, 6);
    EXPECT_EQ(parse("just text\n").slides[0].title, "");
}

TEST(DeckMarkdown, NestedLists) {
    auto d = parse("# L\n\n3. three\n4. four\n   - a\n     - deep *one*\n     - deep two\n   - b\n5. five\n");
    const auto& s = d.slides[0];
    ASSERT_EQ(s.blocks.size(), 2u);
    const Block& ol = s.blocks[1];
    EXPECT_EQ(ol.kind, BlockKind::List);
    EXPECT_TRUE(ol.ordered);
    EXPECT_EQ(ol.start, 3);
    EXPECT_EQ(ol.line, 3);
    ASSERT_EQ(ol.items.size(), 3u);
    ASSERT_EQ(ol.items[0].blocks.size(), 1u);
    EXPECT_EQ(ol.items[0].blocks[0].kind, BlockKind::Paragraph);
    EXPECT_EQ(ol.items[0].blocks[0].spans, (std::vector<Span>{{"three", 0}}));
    ASSERT_EQ(ol.items[1].blocks.size(), 2u);
    EXPECT_EQ(ol.items[1].blocks[0].spans, (std::vector<Span>{{"four", 0}}));
    const Block& ul = ol.items[1].blocks[1];
    EXPECT_EQ(ul.kind, BlockKind::List);
    EXPECT_FALSE(ul.ordered);
    EXPECT_EQ(ul.line, 5);
    ASSERT_EQ(ul.items.size(), 2u);
    ASSERT_EQ(ul.items[0].blocks.size(), 2u);
    EXPECT_EQ(ul.items[0].blocks[0].spans, (std::vector<Span>{{"a", 0}}));
    const Block& deep = ul.items[0].blocks[1];
    EXPECT_EQ(deep.kind, BlockKind::List);
    EXPECT_EQ(deep.line, 6);
    ASSERT_EQ(deep.items.size(), 2u);
    EXPECT_EQ(deep.items[0].blocks[0].spans, (std::vector<Span>{{"deep ", 0}, {"one", deck::SpanStyle_Italic}}));
    EXPECT_EQ(deep.items[1].blocks[0].spans, (std::vector<Span>{{"deep two", 0}}));
    EXPECT_EQ(deep.items[1].blocks[0].line, 7);
    EXPECT_EQ(ul.items[1].blocks[0].spans, (std::vector<Span>{{"b", 0}}));
    EXPECT_EQ(ol.items[2].blocks[0].spans, (std::vector<Span>{{"five", 0}}));
    EXPECT_EQ(ol.items[2].blocks[0].line, 9);
}

TEST(DeckMarkdown, LooseListItemsHoldParagraphs) {
    auto d = parse("- one\n\n  more\n\n- two\n");
    const Block& ul = d.slides[0].blocks.at(0);
    ASSERT_EQ(ul.items.size(), 2u);
    ASSERT_EQ(ul.items[0].blocks.size(), 2u);
    EXPECT_EQ(ul.items[0].blocks[1].spans, (std::vector<Span>{{"more", 0}}));
    EXPECT_EQ(ul.items[0].blocks[1].line, 3);
    EXPECT_EQ(ul.items[1].blocks[0].line, 5);
}

TEST(DeckMarkdown, CodeBlocks) {
    auto d = parse("# C\n\n```cpp title=x\nint main() {\n  return 0;\n}\n```\n\n~~~python\nprint(1)\n~~~\n\n    indented\n    code\n\n```\n```\n");
    const auto& b = d.slides[0].blocks;
    ASSERT_EQ(b.size(), 5u);
    EXPECT_EQ(b[1].kind, BlockKind::Code);
    EXPECT_EQ(b[1].lang, "cpp");
    EXPECT_EQ(b[1].text, "int main() {\n  return 0;\n}");
    EXPECT_EQ(b[1].line, 3);
    EXPECT_EQ(b[2].lang, "python");
    EXPECT_EQ(b[2].text, "print(1)");
    EXPECT_EQ(b[2].line, 9);
    EXPECT_EQ(b[3].lang, "");
    EXPECT_EQ(b[3].text, "indented\ncode");
    EXPECT_EQ(b[3].line, 13);
    EXPECT_EQ(b[4].text, "");
    EXPECT_EQ(b[4].line, 16);
}

TEST(DeckMarkdown, QuoteAndRule) {
    auto d = parse("> quoted *text*\n> more\n\n***\n\n___\n\nafter\n");
    const auto& b = d.slides[0].blocks;
    ASSERT_EQ(b.size(), 4u);
    EXPECT_EQ(b[0].kind, BlockKind::Quote);
    EXPECT_EQ(b[0].line, 1);
    ASSERT_EQ(b[0].children.size(), 1u);
    EXPECT_EQ(b[0].children[0].spans, (std::vector<Span>{{"quoted ", 0}, {"text", deck::SpanStyle_Italic}, {" more", 0}}));
    EXPECT_EQ(b[1].kind, BlockKind::Rule);
    EXPECT_EQ(b[1].line, 4);
    EXPECT_EQ(b[2].kind, BlockKind::Rule);
    EXPECT_EQ(b[2].line, 6);
    EXPECT_EQ(b[3].line, 8);
}

TEST(DeckMarkdown, RawHtmlKeepsItsText) {
    auto d = parse("a <b>bold</b> c<br>d <span class=\"x\">e</span>\n\n<div>\nkept &amp; <i>shown</i>\n</div>\n\nend\n");
    const auto& b = d.slides[0].blocks;
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0].spans, (std::vector<Span>{{"a ", 0}, {"bold", deck::SpanStyle_Bold}, {" c", 0}, {"\n", 0}, {"d e", 0}}));
    EXPECT_EQ(b[1].spans, (std::vector<Span>{{"kept & ", 0}, {"shown", deck::SpanStyle_Italic}}));
    EXPECT_EQ(b[1].line, 4);
    EXPECT_EQ(deck::plain_text(b[2].spans), "end");
    EXPECT_EQ(b[2].line, 7);
    EXPECT_TRUE(d.ok());
    std::vector<std::string> warnings;
    for (const auto& w : d.warnings) warnings.push_back(w.str());
    EXPECT_EQ(warnings, (std::vector<std::string>{"talk.md:1: raw HTML <span> is not drawn: its text is kept",
                                                  "talk.md:3: raw HTML <div> is not drawn: its text is kept"}));
}

// ---- Images

TEST(DeckImages, ImageAloneIsAnImageBlock) {
    auto d = parse("# I\n\n![A *farm*](tiny.png)\n");
    ASSERT_TRUE(d.ok()) << messages(d).at(0);
    const auto& b = d.slides[0].blocks;
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[1].kind, BlockKind::Image);
    EXPECT_EQ(b[1].alt, "A farm");
    EXPECT_EQ(b[1].image_path, kDataDir / "tiny.png");
    EXPECT_EQ(b[1].line, 3);
}

TEST(DeckImages, ImageInTextFollowsItsParagraph) {
    auto d = parse("see\n![x](tiny.png) here\n");
    ASSERT_TRUE(d.ok());
    const auto& b = d.slides[0].blocks;
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].kind, BlockKind::Paragraph);
    EXPECT_EQ(deck::plain_text(b[0].spans), "see  here");
    EXPECT_EQ(b[1].kind, BlockKind::Image);
    EXPECT_EQ(b[1].line, 2);
}

TEST(DeckImages, MissingAndBrokenImagesAreErrors) {
    auto d = parse("# I\n\ntext\n\n![](nope.png)\n\n- item ![b](broken.png)\n");
    EXPECT_EQ(messages(d), (std::vector<std::string>{
                               "talk.md:5: cannot read image 'nope.png': No such file or directory",
                               "talk.md:7: cannot read image 'broken.png': unknown image type (livedeck reads PNG, JPEG, GIF, WebP or SVG)",
                           }));
    EXPECT_EQ(d.slides[0].errors.size(), 2u);
    EXPECT_EQ(d.slides[0].blocks.at(2).line, 5);
    EXPECT_EQ(d.slides[0].blocks.at(2).image_path, kDataDir / "nope.png");
}

TEST(DeckImages, DirectoryIsNotAnImage) {
    auto d = parse("![](.)\n");
    EXPECT_EQ(messages(d), std::vector<std::string>{"talk.md:1: cannot read image '.': Is a directory"});
}

// ---- Directives

TEST(DeckDirectives, DemoWithParams) {
    auto d = parse("# A\n---\n\ndemo: threads count=3 delay=0.5\n# Threads\n");
    ASSERT_TRUE(d.ok());
    const auto& s = d.slides[1];
    ASSERT_TRUE(s.demo.has_value());
    EXPECT_EQ(s.demo->name, "threads");
    EXPECT_EQ(s.demo->params, (std::map<std::string, std::string>{{"count", "3"}, {"delay", "0.5"}}));
    EXPECT_EQ(s.demo->line, 4);
    ASSERT_EQ(s.blocks.size(), 1u);
    EXPECT_EQ(s.blocks[0].line, 5);
    EXPECT_EQ(s.title, "Threads");
    EXPECT_FALSE(d.slides[0].demo.has_value());
}

TEST(DeckDirectives, LayoutKeysGoToTheViewNotToTheDemo) {
    auto d = parse("demo: threads animals=cow lines=1-3,8-20 split=65 timeline=on\n# T\n---\ndemo: threads\n# U\n");
    ASSERT_TRUE(d.ok()) << messages(d).front();
    const deck::DemoRef& demo = *d.slides[0].demo;
    EXPECT_EQ(demo.params, (std::map<std::string, std::string>{{"animals", "cow"}}));
    EXPECT_EQ(demo.view.lines, (std::vector<std::pair<int, int>>{{1, 3}, {8, 20}}));
    EXPECT_EQ(demo.view.split, 65);
    EXPECT_TRUE(demo.view.timeline);
    // The defaults: every line, 60%, no timeline.
    EXPECT_EQ(d.slides[1].demo->view, deck::DemoView{});
    EXPECT_TRUE(parse("demo: t lines=7\n").slides[0].demo->view.lines == (std::vector<std::pair<int, int>>{{7, 7}}));
    EXPECT_FALSE(parse("demo: t timeline=off\n").slides[0].demo->view.timeline);
}

TEST(DeckDirectives, BadLayoutKeys) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"lines=5-2", "lines: '5-2' is not a list of line ranges"},
        {"lines=0-3", "lines: '0-3' is not a list of line ranges"},
        {"lines=3-", "lines: '3-' is not a list"},
        {"lines=1-3,,5-6", "is not a list"},
        {"lines=3-5,4-9", "must go down the file without overlapping"},
        {"lines=99999999999-1", "is not a list"},
        {"split=20", "split: '20' is not a percentage from 30 to 80"},
        {"split=sixty", "split: 'sixty'"},
        {"timeline=yes", "timeline: 'yes' is neither on nor off"},
        {"split=60 split=70", "duplicate demo parameter 'split'"},
    };
    for (const auto& [param, message] : cases) {
        auto d = parse("demo: threads " + param + "\n# T\n");
        ASSERT_EQ(d.diagnostics.size(), 1u) << param;
        EXPECT_NE(d.diagnostics[0].message.find(message), std::string::npos) << param << ": " << d.diagnostics[0].message;
        EXPECT_EQ(d.diagnostics[0].line, 1) << param;
    }
}

TEST(DeckDirectives, OnlyAtTheStart) {
    auto d = parse("# A\n\ndemo: threads\n");
    EXPECT_TRUE(d.ok());
    EXPECT_FALSE(d.slides[0].demo.has_value());
    EXPECT_EQ(deck::plain_text(d.slides[0].blocks.at(1).spans), "demo: threads");
    // A URL-like line is not a directive.
    auto u = parse("http://example.com\n");
    EXPECT_TRUE(u.ok());
}

TEST(DeckDirectives, Errors) {
    // (A blank line after each `---`: right under one, `key: value` lines
    // closed by another `---` are the slide's front matter, as in Slidev.)
    auto d = parse("demo: a x=1\ncolour: red\ndemo: b\n# One\n---\n\ndemo: c count\n---\n\ndemo:\n---\ndemo: n =v\n");
    EXPECT_EQ(messages(d), (std::vector<std::string>{
                               "talk.md:2: unknown directive 'colour'",
                               "talk.md:3: duplicate demo directive (first one at line 1)",
                               "talk.md:7: malformed demo parameter 'count' (expected key=value)",
                               "talk.md:10: demo directive needs a demo name: 'demo: NAME key=value ...'",
                               "talk.md:12: malformed demo parameter '=v' (expected key=value)",
                           }));
    ASSERT_EQ(d.slides.size(), 4u);
    ASSERT_TRUE(d.slides[0].demo.has_value());
    EXPECT_EQ(d.slides[0].demo->name, "a");
    EXPECT_EQ(d.slides[0].title, "One");
    EXPECT_EQ(d.slides[0].errors.size(), 2u);
    EXPECT_FALSE(d.slides[1].demo.has_value());
    EXPECT_TRUE(d.slides[2].blocks.empty());
}

TEST(DeckDirectives, Validator) {
    std::vector<std::string> seen;
    auto validator = [&](const deck::DemoRef& r) -> std::optional<std::string> {
        seen.push_back(r.name);
        if (r.name == "ghost") return "unknown demo 'ghost'";
        return std::nullopt;
    };
    auto d = parse("demo: real\n---\n# X\n---\ndemo: ghost speed=2\n", validator);
    EXPECT_EQ(seen, (std::vector<std::string>{"real", "ghost"}));
    EXPECT_EQ(messages(d), std::vector<std::string>{"talk.md:5: unknown demo 'ghost'"});
    ASSERT_TRUE(d.slides[2].demo.has_value());  // kept, so views can name it
    EXPECT_EQ(d.slides[2].errors.size(), 1u);

    auto throwing = [](const deck::DemoRef&) -> std::optional<std::string> { throw std::runtime_error("boom"); };
    auto t = parse("demo: x\n", throwing);
    EXPECT_EQ(messages(t), std::vector<std::string>{"talk.md:1: demo check failed: boom"});
}

// ---- Notes

TEST(DeckNotes, TrailingCommentsAreNotes) {
    auto d = parse("# A\n\ntext\n\n<!-- first\n  second line -->\n\n<!--  more  -->\n---\n# B\n<!-- b -->  <!-- c -->\n");
    ASSERT_EQ(d.slides.size(), 2u);
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(d.slides[0].notes, "first\n  second line\n\nmore");
    ASSERT_EQ(d.slides[0].blocks.size(), 2u);
    EXPECT_EQ(d.slides[1].notes, "b\n\nc");
    EXPECT_EQ(d.slides[1].blocks.size(), 1u);
}

TEST(DeckNotes, CommentMidSlideIsDropped) {
    auto d = parse("# A\n\nbefore <!-- hidden --> after\n\n<!-- block\ncomment -->\n\nlast\n\n`<!-- code -->`\n");
    const auto& s = d.slides[0];
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(s.notes, "");
    ASSERT_EQ(s.blocks.size(), 4u);
    EXPECT_EQ(deck::plain_text(s.blocks[1].spans), "before after");
    EXPECT_EQ(deck::plain_text(s.blocks[2].spans), "last");
    EXPECT_EQ(s.blocks[2].line, 8);
    EXPECT_EQ(s.blocks[3].spans, (std::vector<Span>{{"<!-- code -->", deck::SpanStyle_Code}}));
}

TEST(DeckNotes, InlineTrailingCommentIsNotANote) {
    auto d = parse("text <!-- inline -->\n");
    EXPECT_EQ(d.slides[0].notes, "");
    EXPECT_EQ(deck::plain_text(d.slides[0].blocks.at(0).spans), "text");
}

TEST(DeckNotes, CommentInCodeIsKept) {
    auto d = parse("```html\n<!-- kept -->\n```\n");
    EXPECT_EQ(d.slides[0].notes, "");
    EXPECT_EQ(d.slides[0].blocks.at(0).text, "<!-- kept -->");
}

TEST(DeckNotes, UnterminatedComment) {
    auto d = parse("# A\n---\n# B\n\ntext\n<!-- oops\nmore\n---\n# C\n");
    EXPECT_EQ(messages(d), std::vector<std::string>{"talk.md:6: unterminated HTML comment '<!--'"});
    ASSERT_EQ(d.slides.size(), 3u);
    EXPECT_EQ(d.slides[1].errors.size(), 1u);
    EXPECT_EQ(d.slides[1].notes, "");
    EXPECT_EQ(d.slides[1].blocks.size(), 2u);
    EXPECT_TRUE(d.slides[2].errors.empty());
}

// ---- Files

TEST(DeckLoad, SampleDeck) {
    auto path = kDataDir / "sample.md";
    auto d = deck::load(path);
    EXPECT_EQ(d.path, path);
    ASSERT_EQ(d.slides.size(), 3u);
    EXPECT_EQ(d.slides[0].line, 1);
    EXPECT_EQ(d.slides[0].title, "Welcome");
    EXPECT_EQ(d.slides[0].notes, "Say hello.");
    EXPECT_EQ(d.slides[0].blocks.size(), 2u);

    const auto& s = d.slides[1];
    EXPECT_EQ(s.line, 7);
    EXPECT_EQ(s.title, "Sequential");
    ASSERT_TRUE(s.demo.has_value());
    EXPECT_EQ(s.demo->name, "sequential");
    EXPECT_EQ(s.demo->params, (std::map<std::string, std::string>{{"count", "3"}, {"delay", "0.5"}}));
    EXPECT_EQ(s.demo->line, 7);
    ASSERT_EQ(s.blocks.size(), 3u);
    EXPECT_EQ(s.blocks[0].line, 9);
    EXPECT_EQ(s.blocks[1].kind, BlockKind::Image);
    EXPECT_EQ(s.blocks[1].alt, "Farm");
    EXPECT_EQ(s.blocks[1].image_path, kDataDir / "tiny.png");
    EXPECT_EQ(s.blocks[1].line, 11);
    EXPECT_EQ(s.blocks[2].kind, BlockKind::Code);
    EXPECT_EQ(s.blocks[2].lang, "cpp");
    EXPECT_EQ(s.blocks[2].text, "---\nint main() {}");
    EXPECT_EQ(s.blocks[2].line, 13);
    EXPECT_EQ(s.notes, "First note.\nStill the first.\n\nSecond note.");
    EXPECT_TRUE(s.errors.empty());

    const auto& b = d.slides[2];
    EXPECT_EQ(b.line, 22);
    ASSERT_EQ(b.blocks.size(), 3u);
    EXPECT_EQ(b.blocks[1].kind, BlockKind::Image);
    EXPECT_EQ(b.blocks[1].line, 24);
    EXPECT_EQ(b.blocks[2].kind, BlockKind::Image);
    EXPECT_EQ(b.blocks[2].line, 25);
    std::string file = path.string();
    EXPECT_EQ(messages(d), (std::vector<std::string>{
                               file + ":24: cannot read image 'broken.png': unknown image type (livedeck reads PNG, JPEG, GIF, WebP or SVG)",
                               file + ":25: cannot read image 'missing.png': No such file or directory",
                           }));
}

TEST(DeckLoad, MissingFile) {
    auto d = deck::load("slides/does-not-exist.md");
    EXPECT_TRUE(d.slides.empty());
    EXPECT_EQ(messages(d), std::vector<std::string>{"slides/does-not-exist.md: cannot open deck: No such file or directory"});
    EXPECT_EQ(d.diagnostics.at(0).line, 0);
}

TEST(DeckLoad, DirectoryIsUnreadable) {
    auto d = deck::load(kDataDir);
    EXPECT_TRUE(d.slides.empty());
    ASSERT_EQ(d.diagnostics.size(), 1u);
    EXPECT_EQ(d.diagnostics[0].line, 0);
}

TEST(DeckLoad, EmptyFile) {
    auto path = kDataDir / "empty.md";
    auto d = deck::load(path);
    EXPECT_TRUE(d.slides.empty());
    EXPECT_EQ(messages(d), std::vector<std::string>{path.string() + ": deck has no slides"});
    EXPECT_EQ(messages(parse("\n \n---\n\n")), std::vector<std::string>{"talk.md: deck has no slides"});
}

TEST(DeckDiagnostic, Str) {
    EXPECT_EQ((deck::Diagnostic{"a.md", 3, "bad"}).str(), "a.md:3: bad");
    EXPECT_EQ((deck::Diagnostic{"a.md", 0, "bad"}).str(), "a.md: bad");
}

// ---- Robustness

TEST(DeckRobustness, OddInput) {
    // A NUL byte: binary data, not a deck (it used to pass as "ok").
    std::string nul("a\nb\n---\n\0\n", 10);
    auto d = parse(nul);
    EXPECT_TRUE(d.slides.empty());
    ASSERT_EQ(d.diagnostics.size(), 1u);
    EXPECT_EQ(d.diagnostics[0].str(), "talk.md:4: binary data (a NUL byte): not a Markdown deck");
    // Not UTF-8: an error at its line; the slides still parse (and show replacement characters).
    auto latin1 = parse("# Caf\xe9\n\nfine\n");
    ASSERT_EQ(latin1.diagnostics.size(), 1u);
    EXPECT_EQ(latin1.diagnostics[0].str(), "talk.md:1: not UTF-8 (byte 0xE9): save the deck as UTF-8");
    EXPECT_EQ(latin1.slides.size(), 1u);
    // A byte-order mark is dropped, not shown.
    auto bom = parse("\xEF\xBB\xBF# Title\n");
    EXPECT_TRUE(bom.ok());
    EXPECT_EQ(bom.slides.at(0).title, "Title");
    // Real UTF-8 is fine: Latin Extended, CJK, an emoji.
    EXPECT_TRUE(parse("# K\xc5\x82" "ak \xc2\xb7 5 \xe2\x82\xac \xe6\xbc\xa2 \xf0\x9f\x90\x84\n").ok());
    parse("\xff\xfe invalid \xc3 utf-8 **x\n");
    parse(std::string(1 << 20, 'x'));
    parse(std::string(5000, '>') + " deep\n");
    std::string nested;
    for (int i = 0; i < 300; ++i) nested += std::string(static_cast<size_t>(i) * 2, ' ') + "- item\n";
    parse(nested);
    parse(std::string(20000, '*') + "\n" + std::string(20000, '[') + "\n" + std::string(20000, '`'));
    parse("<!--<!--<!-- --> ``` <!--\n---\n```\n-->\n");
    parse("![" + std::string(1000, '!') + "](" + std::string(5000, '(') + "\n");
    parse("demo: " + std::string(10000, '=') + "\n");
}

TEST(DeckRobustness, RandomBytes) {
    std::mt19937 rng(12345);
    const std::string alphabet = "#*_`~-=<>!-[]()\\&;: \n\t\r>|0123456789.abcdemo";
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        size_t len = rng() % 600;
        for (size_t i = 0; i < len; ++i) {
            if (rng() % 4 == 0) text += static_cast<char>(rng() % 256);
            else text += alphabet[rng() % alphabet.size()];
        }
        auto d = parse(text);
        for (const auto& s : d.slides) EXPECT_GT(s.line, 0);
        for (const auto& diag : d.diagnostics) EXPECT_FALSE(diag.message.empty());
    }
}

TEST(DeckMarkdown, EveryBlockHasALine) {
    auto d = parse("# A\n---\n- ***\n- ```\n  x\n  ```\n> ***\n");
    ASSERT_EQ(d.slides.size(), 2u);
    const Block& list = d.slides[1].blocks.at(0);
    EXPECT_EQ(list.line, 3);
    ASSERT_EQ(list.items.size(), 2u);
    EXPECT_EQ(list.items[0].blocks.at(0).kind, BlockKind::Rule);
    EXPECT_EQ(list.items[0].blocks.at(0).line, 3);
    EXPECT_EQ(list.items[1].blocks.at(0).kind, BlockKind::Code);
    EXPECT_EQ(list.items[1].blocks.at(0).line, 4);
    EXPECT_EQ(d.slides[1].blocks.at(1).kind, BlockKind::Quote);
    EXPECT_EQ(d.slides[1].blocks.at(1).line, 7);
}

// Found by fuzz_deck: a lone CR broke the line for md4c only, so lines were
// numbered two ways (a block after a rule, later an HTML image, past the
// deck's end). It is read as a space, with a warning at its line.
TEST(DeckMarkdown, ALoneCarriageReturnIsASpaceAndLinesCountOneWay) {
    auto d = parse("# A\n***\r*\n---\n# B\n");
    ASSERT_EQ(d.slides.size(), 2u);
    for (const Block& b : d.slides[0].blocks) EXPECT_LE(b.line, 2);
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_EQ(d.warnings[0].line, 2);
    EXPECT_NE(d.warnings[0].message.find("carriage return without a line feed"), std::string::npos);
    d = parse("# A\r\n\r\n***\r\ntext\r\n");  // CRLF line endings: nothing to say
    EXPECT_TRUE(d.warnings.empty());
    d = parse("# A\r\r\r\r\n\n<div>\r\r\r\r\n<img src=\"x.png\">\n</div>\n");
    ASSERT_FALSE(d.diagnostics.empty());  // x.png is missing, said at its line
    for (const auto& problem : d.diagnostics) EXPECT_EQ(problem.line, 4) << problem.str();
}

// Found by fuzz_deck: md4c gives an indented line of an HTML block in two
// pieces (the indent, then the rest), and each indented line was counted
// twice, so an image below them was placed lines too low (past the deck's
// end in the fuzzer's input, whose `<?` made one HTML block of it all).
TEST(DeckMarkdown, IndentedLinesInRawHtmlCountOnce) {
    auto d = parse("# A\n\n<div>\n   one\n      two\n\n  three\n<img src=\"x.png\">\n</div>\n");
    ASSERT_EQ(d.diagnostics.size(), 1u);  // x.png is missing, said at its line
    EXPECT_EQ(d.diagnostics[0].line, 8) << d.diagnostics[0].str();
    d = parse("<?php\n  a\n    b\n\n  c\n<img src=\"y.png\">\n");  // one HTML block to the end
    ASSERT_EQ(d.diagnostics.size(), 1u);
    EXPECT_EQ(d.diagnostics[0].line, 6) << d.diagnostics[0].str();
}

// A FIFO would block the open: a deck or an image must be a regular file.
TEST(DeckRobustness, AFifoIsNeitherADeckNorAnImage) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "livedeck_fifo";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ASSERT_EQ(::mkfifo((dir / "deck.md").c_str(), 0600), 0);
    ASSERT_EQ(::mkfifo((dir / "picture.png").c_str(), 0600), 0);
    const deck::Deck fifo_deck = deck::load(dir / "deck.md");
    ASSERT_EQ(fifo_deck.diagnostics.size(), 1u);
    EXPECT_NE(fifo_deck.diagnostics[0].str().find("not a regular file"), std::string::npos);
    const deck::Deck d = deck::parse("# Slide\n\n![a picture](picture.png)\n", "fifo.md", dir);
    ASSERT_EQ(d.diagnostics.size(), 1u);
    EXPECT_EQ(d.diagnostics[0].str().substr(0, 10), "fifo.md:3:");
    EXPECT_NE(d.diagnostics[0].str().find("not a regular file"), std::string::npos) << d.diagnostics[0].str();
}

// A PNG that says it is 20000x20000 is refused before anything decodes it.
TEST(DeckRobustness, AHugeImageIsRefused) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "livedeck_huge";
    std::filesystem::create_directories(dir);
    const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,   // signature
                                 0, 0, 0, 13, 'I', 'H', 'D', 'R',               // IHDR, 13 bytes
                                 0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20,            // 20000 x 20000
                                 8, 0, 0, 0, 0, 0, 0, 0, 0};                    // grey (1.6 GB as RGBA), CRC
    std::ofstream(dir / "huge.png", std::ios::binary).write(reinterpret_cast<const char*>(png), sizeof png);
    const auto problem = deck::image_problem(dir / "huge.png");
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("20000x20000 pixels is too big"), std::string::npos) << *problem;
}
