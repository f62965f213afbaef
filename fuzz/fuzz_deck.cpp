// Whole decks through the parser, as `livedeck check` and a hot reload see
// them: deck::parse with the demo registry's checks (demo names, parameters,
// `animals=@FILE`), then what the views do with a parsed deck: highlight
// each code block, print each diagnostic. Images resolve against
// tests/data/decks, which holds a good and a broken PNG.
//
// Besides the sanitizers, it checks that every diagnostic and slide points
// at a line of the input (or at the whole file, line 0).
#include "deck/deck.hpp"
#include "deck/highlight.hpp"
#include "show/presentation.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace livedeck;

void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz_deck: %s\n", what);
    std::abort();
}

void visit(const std::vector<deck::Block>& blocks, int lines, int steps) {
    for (const deck::Block& b : blocks) {
        require(b.line >= 0 && b.line <= lines, "a block's line is outside the deck");
        if (b.kind == deck::BlockKind::Code) {
            std::size_t tokens = 0;
            const std::vector<deck::TokenLine> code = deck::highlight(b.text, b.lang);
            for (const deck::TokenLine& line : code) tokens += line.size();
            (void)tokens;
            // Line highlights: in step order, within the slide's steps, on the block's lines.
            int step = b.step;
            for (const deck::CodeHighlight& h : b.highlights) {
                require(h.step >= step && h.step <= steps, "a line highlight's step is out of order");
                step = h.step;
                for (const deck::LineRange& r : h.lines)
                    require(r.first >= 1 && r.first <= r.last && r.last <= static_cast<int>(code.size()),
                            "a line highlight marks a line the block does not have");
            }
        }
        (void)deck::plain_text(b.spans);
        for (const deck::ListItem& item : b.items) visit(item.blocks, lines, steps);
        visit(b.children, lines, steps);
        for (const deck::Column& c : b.columns) visit(c.blocks, lines, steps);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const deck::DemoValidator validate = show::demo_validator(LIVEDECK_SOURCE_DIR "/tests/data/decks");
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));

    const deck::Deck d = deck::parse(text, "fuzz.md", LIVEDECK_SOURCE_DIR "/tests/data/decks", validate);
    for (const deck::Diagnostic& diagnostic : d.diagnostics) {
        require(diagnostic.line >= 0 && diagnostic.line <= lines, "a diagnostic's line is outside the deck");
        (void)diagnostic.str();
    }
    int number = 0;
    for (const deck::Slide& slide : d.slides) {
        require(slide.number == ++number, "slides are not numbered 1, 2, 3...");
        require(slide.line >= 1 && slide.line <= lines, "a slide's line is outside the deck");
        visit(slide.blocks, lines, slide.steps);
    }
    return 0;
}
