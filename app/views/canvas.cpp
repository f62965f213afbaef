#include "views/canvas.hpp"

#include <algorithm>
#include <cfloat>

namespace livedeck::views {

float Canvas::text_width(render::Face face, float size, std::string_view text) const {
    ImFont* f = font(face, size);
    return f->CalcTextSizeA(size * k, FLT_MAX, 0, text.data(), text.data() + text.size()).x / k;
}

void Canvas::text(render::Face face, float size, ImVec2 pos, ImU32 color, std::string_view text) const {
    draw->AddText(font(face, size), size * k, screen(pos), color, text.data(),
                  text.data() + text.size());
}

void Canvas::rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding) const {
    draw->AddRectFilled(screen(min), screen(max), color, rounding * k);
}

void Canvas::fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding) const {
    if (!fills) return rect(min, max, color, rounding);
    const ImVec2 a = screen(min), b = screen(max);
    const float r = std::min(rounding * k, std::min(b.x - a.x, b.y - a.y) * 0.5f);
    if (r < 0.5f) {
        fills->rect(draw, a, b, color);
        return;
    }
    // The middle and the sides between the corners are cleared; only the four
    // corner squares are shaded, as parts of the rounded rectangle.
    fills->rect(draw, ImVec2(a.x + r, a.y), ImVec2(b.x - r, b.y), color);
    fills->rect(draw, ImVec2(a.x, a.y + r), ImVec2(a.x + r, b.y - r), color);
    fills->rect(draw, ImVec2(b.x - r, a.y + r), ImVec2(b.x, b.y - r), color);
    const ImVec2 corners[4] = {a, ImVec2(b.x - r, a.y), ImVec2(a.x, b.y - r), ImVec2(b.x - r, b.y - r)};
    for (const ImVec2& c : corners) {
        draw->PushClipRect(c, ImVec2(c.x + r, c.y + r), true);
        draw->AddRectFilled(a, b, color, r);
        draw->PopClipRect();
    }
}

void Canvas::gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) const {
    if (fills)
        fills->gradient(draw, screen(min), screen(max), top, bottom);
    else
        draw->AddRectFilledMultiColor(screen(min), screen(max), top, top, bottom, bottom);
}

void Canvas::frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) const {
    draw->AddRect(screen(min), screen(max), color, rounding * k, 0, thickness * k);
}

void Canvas::line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) const {
    draw->AddLine(screen(a), screen(b), color, thickness * k);
}

void Canvas::clip(ImVec2 min, ImVec2 max) const { draw->PushClipRect(screen(min), screen(max), true); }
void Canvas::unclip() const { draw->PopClipRect(); }

}  // namespace livedeck::views
