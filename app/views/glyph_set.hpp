// The characters a deck draws beyond ASCII, for the font atlas (which
// rasterizes only what is used, see render::Fonts::build) and for `livedeck
// check`, which warns about characters no installed font has.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "deck/deck.hpp"
#include "render/fonts.hpp"

namespace livedeck::views {

// Every text the views may draw from the deck, with its deck line: front
// matter, headings, paragraphs, lists, tables, code blocks, image alt text,
// notes, and the source of each demo a slide shows.
void for_each_text(const deck::Deck& deck, const std::function<void(std::string_view text, int line)>& fn);

// The code point of UTF-8 `s` at byte `i`, moving `i` past it; 0 for a
// malformed sequence (one byte skipped).
char32_t next_code_point(std::string_view s, std::size_t& i);

// Adds the code points of UTF-8 `text` above U+007F to `out` (unsorted;
// malformed bytes are skipped).
void add_code_points(std::string_view text, std::vector<char32_t>& out);

// The deck's code points above U+007F, sorted and distinct.
std::vector<char32_t> deck_code_points(const deck::Deck& deck);

// `check`'s warnings: each line with characters that no installed font can
// draw (file:line), and the characters the atlas leaves out past its cap.
std::vector<deck::Diagnostic> glyph_warnings(const deck::Deck& deck, const render::Fonts& fonts);
// The same with the theme's fonts.
std::vector<deck::Diagnostic> glyph_warnings(const deck::Deck& deck);

}  // namespace livedeck::views
