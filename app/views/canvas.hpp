// Drawing on the slide canvas: views lay out in canvas units (the theme's
// 1920x1080) and the canvas maps them to the screen rectangle the slide
// occupies, whatever the window's size or pixel density.
#pragma once

#include <imgui.h>

#include <string_view>

#include "render/fills.hpp"
#include "render/fonts.hpp"
#include "views/theme.hpp"

namespace livedeck::views {

struct Canvas {
    ImDrawList* draw = nullptr;
    ImVec2 origin{0, 0};  // screen position of canvas (0,0)
    float k = 1;          // screen units per canvas unit
    const render::Fonts* fonts = nullptr;
    const Theme* theme = nullptr;
    render::Fills* fills = nullptr;  // cheap opaque fills; without it, plain quads

    ImVec2 screen(ImVec2 p) const { return ImVec2(origin.x + p.x * k, origin.y + p.y * k); }
    ImVec2 canvas(ImVec2 s) const { return ImVec2((s.x - origin.x) / k, (s.y - origin.y) / k); }

    ImFont* font(render::Face face, float size) const { return fonts->get(face, size); }
    // Width of text in canvas units.
    float text_width(render::Face face, float size, std::string_view text) const;
    void text(render::Face face, float size, ImVec2 pos, ImU32 color, std::string_view text) const;
    void rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding = 0) const;
    // An opaque rectangle as big as a pane: cleared, not shaded (see render/fills.hpp).
    void fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding = 0) const;
    // An opaque vertical gradient, e.g. the slide's background.
    void gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) const;
    void frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) const;
    void line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) const;
    void clip(ImVec2 min, ImVec2 max) const;
    void unclip() const;
};

}  // namespace livedeck::views
