#include "views/painter_imgui.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cstdint>

namespace livedeck::views {

// Characters beyond U+FFFF (emoji) are in the atlas under private-use
// stand-ins (render::Fonts::map_text): every text goes through the map.

float ImGuiPainter::text_width(const FontSpec& font, std::string_view original) {
    std::string scratch;
    const std::string_view text = fonts_->map_text(original, scratch);
    return fonts_->get(font.face, font.design)
        ->CalcTextSizeA(font.px, FLT_MAX, 0, text.data(), text.data() + text.size())
        .x;
}

void ImGuiPainter::text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view original) {
    std::string scratch;
    const std::string_view text = fonts_->map_text(original, scratch);
    draw_->AddText(fonts_->get(font.face, font.design), font.px, pos, color, text.data(), text.data() + text.size());
}

void ImGuiPainter::mono_text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view original, float advance) {
    std::string scratch;
    const std::string_view text = fonts_->map_text(original, scratch);
    ImFont* f = fonts_->get(font.face, font.design);
    // Glyphs come from the atlas: make it the draw command's texture.
    const ImTextureID atlas = f->ContainerAtlas->TexID;
    const bool push = draw_->_CmdHeader.TextureId != atlas;
    if (push) draw_->PushTextureID(atlas);
    const char* s = text.data();
    const char* const end = s + text.size();
    float x = pos.x;
    while (s < end) {
        unsigned int c = 0;
        s += std::max(1, ImTextCharFromUtf8(&c, s, end));
        if (c != ' ' && c != '\t' && c < 0x10000) f->RenderChar(draw_, font.px, ImVec2(x, pos.y), color, static_cast<ImWchar>(c));
        x += advance;
    }
    if (push) draw_->PopTextureID();
}

void ImGuiPainter::rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding) {
    draw_->AddRectFilled(min, max, color, rounding);
}

void ImGuiPainter::fill(ImVec2 a, ImVec2 b, ImU32 color, float rounding) {
    if (!fills_) return rect(a, b, color, rounding);
    const float r = std::min(rounding, std::min(b.x - a.x, b.y - a.y) * 0.5f);
    if (r < 0.5f) {
        fills_->rect(draw_, a, b, color);
        return;
    }
    // The middle and the sides between the corners are cleared; only the four
    // corner squares are shaded, as parts of the rounded rectangle.
    fills_->rect(draw_, ImVec2(a.x + r, a.y), ImVec2(b.x - r, b.y), color);
    fills_->rect(draw_, ImVec2(a.x, a.y + r), ImVec2(a.x + r, b.y - r), color);
    fills_->rect(draw_, ImVec2(b.x - r, a.y + r), ImVec2(b.x, b.y - r), color);
    const ImVec2 corners[4] = {a, ImVec2(b.x - r, a.y), ImVec2(a.x, b.y - r), ImVec2(b.x - r, b.y - r)};
    for (const ImVec2& c : corners) {
        draw_->PushClipRect(c, ImVec2(c.x + r, c.y + r), true);
        draw_->AddRectFilled(a, b, color, r);
        draw_->PopClipRect();
    }
}

void ImGuiPainter::gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) {
    if (fills_)
        fills_->gradient(draw_, min, max, top, bottom);
    else
        draw_->AddRectFilledMultiColor(min, max, top, top, bottom, bottom);
}

void ImGuiPainter::frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) {
    draw_->AddRect(min, max, color, rounding, 0, thickness);
}

void ImGuiPainter::line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) { draw_->AddLine(a, b, color, thickness); }

void ImGuiPainter::push_clip(ImVec2 min, ImVec2 max) { draw_->PushClipRect(min, max, true); }
void ImGuiPainter::pop_clip() { draw_->PopClipRect(); }

ImageInfo ImGuiPainter::image_info(const std::filesystem::path& path) {
    if (!images_) return {0, 0, "no image cache"};
    const render::Texture& texture = images_->get(path);
    if (!texture.id) return {0, 0, texture.error.empty() ? "cannot read image" : texture.error};
    return {texture.width, texture.height, {}};
}

void ImGuiPainter::image(const std::filesystem::path& path, ImVec2 min, ImVec2 max, float rounding) {
    if (!images_) return;
    // (An SVG is rasterized for the pixels it covers.)
    const render::Texture& texture = images_->get(path, static_cast<int>(max.x - min.x + 0.5f),
                                                   static_cast<int>(max.y - min.y + 0.5f));
    if (!texture.id) return;
    draw_->AddImageRounded(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture.id)), min, max,
                           ImVec2(0, 0), ImVec2(1, 1), IM_COL32_WHITE, rounding);
}

}  // namespace livedeck::views
