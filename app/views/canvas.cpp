#include "views/canvas.hpp"

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

void Canvas::frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) const {
    draw->AddRect(screen(min), screen(max), color, rounding * k, 0, thickness * k);
}

void Canvas::line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) const {
    draw->AddLine(screen(a), screen(b), color, thickness * k);
}

void Canvas::clip(ImVec2 min, ImVec2 max) const { draw->PushClipRect(screen(min), screen(max), true); }
void Canvas::unclip() const { draw->PopClipRect(); }

}  // namespace livedeck::views
