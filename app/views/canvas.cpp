#include "views/canvas.hpp"

#include "views/painter_imgui.hpp"

namespace livedeck::views {

ImFont* Canvas::font(render::Face face, float size) const {
    const auto* imgui = dynamic_cast<const ImGuiPainter*>(painter);
    return imgui ? imgui->font(face, size) : nullptr;
}

float Canvas::text_width(render::Face face, float size, std::string_view text) const {
    return painter->text_width({face, size * k, size}, text) / k;
}

void Canvas::text(render::Face face, float size, ImVec2 pos, ImU32 color, std::string_view text) const {
    painter->text({face, size * k, size}, screen(pos), color, text);
}

void Canvas::mono_text(render::Face face, float size, ImVec2 pos, ImU32 color, std::string_view text) const {
    painter->mono_text({face, size * k, size}, screen(pos), color, text, painter->advance_per_px(face) * size * k);
}

void Canvas::rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding) const {
    painter->rect(screen(min), screen(max), color, rounding * k);
}

void Canvas::fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding) const {
    painter->fill(screen(min), screen(max), color, rounding * k);
}

void Canvas::gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) const {
    painter->gradient(screen(min), screen(max), top, bottom);
}

void Canvas::frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) const {
    painter->frame(screen(min), screen(max), color, rounding * k, thickness * k);
}

void Canvas::line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) const {
    painter->line(screen(a), screen(b), color, thickness * k);
}

void Canvas::clip(ImVec2 min, ImVec2 max) const { painter->push_clip(screen(min), screen(max)); }
void Canvas::unclip() const { painter->pop_clip(); }

void Canvas::image(const std::filesystem::path& path, ImVec2 min, ImVec2 max, float rounding) const {
    painter->image(path, screen(min), screen(max), rounding * k);
}

}  // namespace livedeck::views
