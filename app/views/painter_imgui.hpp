// The painter of windows and offscreen frames: an ImGui draw list, the
// target's rasterized fonts, its cheap opaque fills and its image textures.
#pragma once

#include "render/fills.hpp"
#include "render/fonts.hpp"
#include "render/images.hpp"
#include "views/painter.hpp"

namespace livedeck::views {

class ImGuiPainter final : public Painter {
public:
    // `fills` and `images` may be null: plain quads, and no images.
    ImGuiPainter(ImDrawList* draw, const render::Fonts* fonts, render::Fills* fills, render::ImageCache* images)
        : draw_(draw), fonts_(fonts), fills_(fills), images_(images) {}

    // The atlas font nearest to `design` canvas units (for ImGui widgets).
    ImFont* font(render::Face face, float design) const { return fonts_->get(face, design); }
    ImDrawList* draw_list() const { return draw_; }

    float text_width(const FontSpec& font, std::string_view text) override;
    float advance_per_px(render::Face face) override { return fonts_->advance_per_px(face); }
    void text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view text) override;
    void mono_text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view text, float advance) override;
    void rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding) override;
    void fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding) override;
    void gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) override;
    void frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) override;
    void line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) override;
    void push_clip(ImVec2 min, ImVec2 max) override;
    void pop_clip() override;
    ImageInfo image_info(const std::filesystem::path& path) override;
    void image(const std::filesystem::path& path, ImVec2 min, ImVec2 max, float rounding) override;

private:
    ImDrawList* draw_;
    const render::Fonts* fonts_;
    render::Fills* fills_;
    render::ImageCache* images_;
};

}  // namespace livedeck::views
