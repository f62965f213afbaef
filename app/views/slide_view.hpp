// Draws a slide's Markdown blocks on the canvas: headings, paragraphs with
// bold, italic, struck, inline code and links, nested and task lists,
// highlighted code blocks (with their line highlights), images, quotes,
// rules, tables and columns; only what the slide's reveal step shows. Also
// fits a slide's content into its box (shrinking it down to a floor, then
// cutting it), the one layout computation that both the audience view and
// `check` use.
#pragma once

#include <cfloat>
#include <climits>
#include <span>
#include <vector>

#include "deck/deck.hpp"
#include "render/images.hpp"
#include "views/canvas.hpp"

namespace livedeck::views {

// One pass over blocks: drawn or only measured, what is revealed, where
// the box ends; and what the pass found.
struct Flow {
    bool draw = true;
    int reveal = INT_MAX;    // draw what appears at this reveal step or before
    float bottom = FLT_MAX;  // the box's bottom: content below it is cut
    // Found:
    int cut_line = 0;   // file line of the first content crossing `bottom`
    int wide_line = 0;  // file line of the first content wider than its column
    bool wide = false;  // something is wider than its column
};

// Lays out and draws `blocks` in a column starting at (x, y) of the given
// width. Returns the y below the last block. Images come through the
// canvas's painter: `images` is not read (it stays until its callers drop it).
float draw_blocks(const Canvas& canvas, render::ImageCache& images, std::span<const deck::Block> blocks, float x,
                  float y, float width, Flow& flow, int depth = 0);
// The same, everything drawn (or, with `draw` false, only measured).
float draw_blocks(const Canvas& canvas, render::ImageCache& images,
                  std::span<const deck::Block> blocks, float x, float y, float width,
                  bool draw = true, int depth = 0);

// Rich text: spans wrapped into lines of `width`. Returns the height used;
// `widest`, if given, gets the right-most extent of a line (more than
// `width` when a word does not fit).
struct TextStyle {
    float size;
    bool bold = false;
    ImU32 color;
};
float draw_spans(const Canvas& canvas, const std::vector<deck::Span>& spans, ImVec2 pos,
                 float width, TextStyle style, bool draw = true, float* widest = nullptr);

// A highlighted code block (fenced code on a slide), as reveal step
// `reveal` shows it: its line highlight's lines marked (a band and a bar in
// the accent colour) and the others dimmed, with a gutter of line numbers
// if it asks for one. `widest`, if given, gets the width its longest line
// needs.
float draw_code_block(const Canvas& canvas, const deck::Block& code, ImVec2 pos, float width,
                      int reveal = INT_MAX, bool draw = true, float* widest = nullptr);
// The width of a code block's gutter of line numbers (0 without one).
float code_gutter(const Canvas& canvas, const deck::Block& code);

// [SECTION] Fitting ------------------------------------------------------------

// The smallest text a slide shrinks to, in pixels at 1080p: below this,
// content is cut instead (and `check` says where).
inline constexpr float min_body_px = 24;
inline constexpr float min_code_px = 22;

// How a slide's body fits its box.
struct Fit {
    float scale = 1;   // 1, or less (down to the floor) when it does not fit
    bool cut = false;  // too tall even at the floor: cut at the box's bottom
    int cut_line = 0;  // file line of the first content cut
    bool wide = false;  // too wide even at the floor: cut at the right
    int wide_line = 0;
};

// The scale `blocks` are drawn at in a box of `width` x `height`.
Fit fit_blocks(const Canvas& canvas, render::ImageCache& images, std::span<const deck::Block> blocks, float width,
               float height);

// An ordinary slide laid out on the canvas: its title (the first heading,
// drawn bigger) and the box its other blocks fit into. The title slide
// (the deck's first, without a demo) is centred vertically.
struct SlideLayout {
    const deck::Block* heading = nullptr;
    std::span<const deck::Block> body;
    bool title_slide = false;
    float heading_y = 0;  // top of the title
    float rule_y = 0;     // the accent rule under it
    float body_top = 0;   // the body's box
    float body_height = 0;
    Fit fit;
};
SlideLayout layout_slide(const Canvas& canvas, render::ImageCache& images, const deck::Slide& slide,
                         bool title_slide);

// Draws the body of a laid-out slide, at its fitted scale, up to `reveal`.
void draw_body(const Canvas& canvas, render::ImageCache& images, const SlideLayout& layout, int reveal);

// What `check` says of the deck's layout: every slide whose content is cut
// even at the smallest size, at the file line of the first content cut.
// Measures with the deck's fonts through cairo: no GL, no display.
std::vector<deck::Diagnostic> layout_warnings(const deck::Deck& deck);

}  // namespace livedeck::views
