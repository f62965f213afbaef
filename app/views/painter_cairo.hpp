// The painter of PDF pages (and any other cairo surface): the same font
// files as the windows' fonts (render::Fonts finds them through fontconfig),
// loaded with FreeType, so a PDF holds real, embedded, searchable text
// (characters a face lacks come from fontconfig's fallback fonts); the
// deck's images decoded once per file (deck/image_formats.hpp); an SVG is
// drawn as vectors through librsvg.
#pragma once

#include <cairo.h>

#include <array>
#include <map>
#include <memory>
#include <vector>

#include "render/fonts.hpp"
#include "views/painter.hpp"

namespace livedeck::views {

class CairoPainter final : public Painter {
public:
    // Draws on `cr` (not owned), whose user space is the target's units.
    // Throws std::runtime_error when FreeType cannot load a face's file.
    CairoPainter(cairo_t* cr, const render::Fonts& fonts);
    ~CairoPainter() override;
    CairoPainter(const CairoPainter&) = delete;
    CairoPainter& operator=(const CairoPainter&) = delete;

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
    struct Face {
        cairo_font_face_t* face = nullptr;
        // ImGui sizes a font by its line (ascender - descender); cairo by its em.
        double em_per_px = 1;
        double ascent_per_px = 0.8;  // the baseline below the line's top
    };
    struct Image {
        cairo_surface_t* surface = nullptr;  // a raster image's pixels
        std::shared_ptr<void> svg;           // an SVG's RsvgHandle: drawn as vectors
        ImageInfo info;
    };
    // A run of text drawn with one font file: the face's own, or a fallback
    // for characters it lacks (render::Fonts::fallback).
    struct Run {
        std::size_t begin, end;  // bytes of the text
        const Face* face;
    };
    std::vector<Run> runs(render::Face face, std::string_view text);
    const Face& fallback_face(const render::FallbackFont& font);
    // The face at `px`, set on the context; its scaled fonts are cached.
    cairo_scaled_font_t* use_font(const FontSpec& font);
    cairo_scaled_font_t* use_face(const Face& face, float px);
    const Image& load(const std::filesystem::path& path);

    cairo_t* cr_;
    const render::Fonts* fonts_;
    std::array<Face, render::face_count> faces_{};
    cairo_font_options_t* options_ = nullptr;
    std::map<const render::FallbackFont*, Face> fallbacks_;
    std::map<std::pair<const Face*, float>, cairo_scaled_font_t*> scaled_;
    std::map<std::filesystem::path, Image> images_;
};

}  // namespace livedeck::views
