// Drawing on the slide canvas: views lay out in canvas units (the theme's
// 1920x1080) and the canvas maps them to the target rectangle the slide
// occupies, whatever the window's size or pixel density, and hands them to
// its painter: ImGui for windows and offscreen frames, cairo for PDF pages.
#pragma once

#include <imgui.h>

#include <filesystem>
#include <string_view>

#include "render/fonts.hpp"
#include "views/painter.hpp"
#include "views/theme.hpp"

namespace livedeck::views {

struct Canvas {
    Painter* painter = nullptr;
    ImVec2 origin{0, 0};  // target position of canvas (0,0)
    float k = 1;          // target units per canvas unit
    const Theme* theme = nullptr;

    ImVec2 screen(ImVec2 p) const { return ImVec2(origin.x + p.x * k, origin.y + p.y * k); }
    ImVec2 canvas(ImVec2 s) const { return ImVec2((s.x - origin.x) / k, (s.y - origin.y) / k); }

    // The ImGui font for widgets drawn on the canvas (demo buttons); nullptr
    // unless the painter is ImGui's.
    ImFont* font(render::Face face, float size) const;
    // Width of text in canvas units.
    float text_width(render::Face face, float size, std::string_view text) const;
    void text(render::Face face, float size, ImVec2 pos, ImU32 color, std::string_view text) const;
    // A monospaced face's advance per unit of size (the font file's, the
    // same on every target), and text drawn on that grid.
    float advance_per_px(render::Face face) const { return painter->advance_per_px(face); }
    void mono_text(render::Face face, float size, ImVec2 pos, ImU32 color, std::string_view text) const;
    void rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding = 0) const;
    // An opaque rectangle as big as a pane: cleared, not shaded (see render/fills.hpp).
    void fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding = 0) const;
    // An opaque vertical gradient, e.g. the slide's background.
    void gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) const;
    void frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) const;
    void line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) const;
    void clip(ImVec2 min, ImVec2 max) const;
    void unclip() const;
    // A deck's image: its size in pixels (or why it cannot be read), and the
    // image drawn into a rectangle.
    ImageInfo image_info(const std::filesystem::path& path) const { return painter->image_info(path); }
    void image(const std::filesystem::path& path, ImVec2 min, ImVec2 max, float rounding = 0) const;
};

}  // namespace livedeck::views
