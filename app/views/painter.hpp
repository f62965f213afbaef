// What a canvas draws with. The views lay out in canvas units and call the
// Canvas; the Canvas maps to the target's units and calls a Painter: ImGui's
// draw lists for windows and offscreen frames (painter_imgui.hpp), cairo for
// PDF pages (painter_cairo.hpp). Every coordinate and size a Painter is
// given is already in its target's units (screen pixels or PDF points).
#pragma once

#include <imgui.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "render/fonts.hpp"

namespace livedeck::views {

// A face at a size. `px` is the line height drawn on the target (ImGui's
// font size: ascender minus descender); `design` is the size the layout
// asked for in canvas units, which picks a rasterized ImGui font.
struct FontSpec {
    render::Face face;
    float px;
    float design;
};

// An image's size in pixels, or why it cannot be drawn.
struct ImageInfo {
    int width = 0, height = 0;
    std::string error;  // non-empty: nothing to draw
};

class Painter {
public:
    virtual ~Painter() = default;

    // The advance of UTF-8 `text`.
    virtual float text_width(const FontSpec& font, std::string_view text) = 0;
    // A monospaced face's advance per unit of size, from its font file
    // (render::Fonts::advance_per_px): the same on every target, for layouts
    // that must come out the same on each (the code pane).
    virtual float advance_per_px(render::Face face) = 0;
    // `pos` is the top-left of the line box (ImGui's convention), not the baseline.
    virtual void text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view text) = 0;
    // Text whose characters stand exactly `advance` apart (a monospaced grid
    // laid out with advance_per_px), whatever the rasterized font's own,
    // rounded advances would add up to.
    virtual void mono_text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view text, float advance) = 0;
    virtual void rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding) = 0;
    // An opaque rectangle as big as a pane (a window clears it, see render/fills.hpp).
    virtual void fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding) = 0;
    // An opaque vertical gradient.
    virtual void gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) = 0;
    virtual void frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) = 0;
    virtual void line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) = 0;
    // Clips what follows to the rectangle, inside the current clip; pop_clip() undoes it.
    virtual void push_clip(ImVec2 min, ImVec2 max) = 0;
    virtual void pop_clip() = 0;
    // A deck's image (PNG, JPEG), loaded on first use.
    virtual ImageInfo image_info(const std::filesystem::path& path) = 0;
    virtual void image(const std::filesystem::path& path, ImVec2 min, ImVec2 max, float rounding) = 0;
};

// A painter that measures text as the PDF's painter does (cairo, the real
// font files) and draws nothing: layouts computed without a window or a
// page (`livedeck check`, tests). Defined in painter_cairo.cpp.
std::unique_ptr<Painter> measuring_painter(const render::Fonts& fonts);

}  // namespace livedeck::views
