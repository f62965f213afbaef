// Draws a slide's Markdown blocks on the canvas: headings, paragraphs with
// bold, italic, inline code and links, nested lists, highlighted code
// blocks, images, quotes and rules.
#pragma once

#include <span>
#include <vector>

#include "deck/deck.hpp"
#include "render/images.hpp"
#include "views/canvas.hpp"

namespace livedeck::views {

// Lays out and draws `blocks` in a column starting at (x, y) of the given
// width. Returns the y below the last block. With `draw` false it only
// measures. Images come through the canvas's painter: `images` is not read
// (it stays until its callers drop it).
float draw_blocks(const Canvas& canvas, render::ImageCache& images,
                  std::span<const deck::Block> blocks, float x, float y, float width,
                  bool draw = true, int depth = 0);

// Rich text: spans wrapped into lines of `width`. Returns the height used.
struct TextStyle {
    float size;
    bool bold = false;
    ImU32 color;
};
float draw_spans(const Canvas& canvas, const std::vector<deck::Span>& spans, ImVec2 pos,
                 float width, TextStyle style, bool draw = true);

// A highlighted code block (fenced code on a slide).
float draw_code_block(const Canvas& canvas, const std::string& code, const std::string& lang,
                      ImVec2 pos, float width, bool draw = true);

}  // namespace livedeck::views
