// Fonts from Debian's font packages, found through fontconfig and
// rasterized by FreeType for the real pixel scale, so text is crisp at any
// window size and on HiDPI screens.
#pragma once

#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

struct ImFont;

namespace livedeck::render {

enum class Face { Sans, SansBold, SansItalic, SansBoldItalic, Mono, MonoBold };
inline constexpr std::size_t face_count = 6;

struct FontRequest {
    Face face;
    float size;  // logical pixels (on the 1920x1080 slide canvas)
};

class Fonts {
public:
    // Finds the files of every face through fontconfig (e.g. families
    // "DejaVu Sans" and "JetBrains Mono"). Throws std::runtime_error when
    // fontconfig finds nothing usable.
    Fonts(const std::string& sans_family, const std::string& mono_family);
    ~Fonts();  // with its GL context current: deletes the atlas texture
    Fonts(const Fonts&) = delete;
    Fonts& operator=(const Fonts&) = delete;

    // Rebuilds ImGui's font atlas: every request rasterized at
    // `scale` physical pixels per logical pixel. Call between frames, with
    // the GL context current (it re-uploads the atlas texture).
    void build(std::span<const FontRequest> requests, float scale);

    float scale() const { return scale_; }
    // The atlas texture's size in texels (one byte each).
    std::pair<int, int> texture_size() const { return texture_size_; }
    // The font of that face rasterized nearest to `size` (logical pixels).
    // Draw it at size * canvas scale.
    ImFont* get(Face face, float size) const;

    const std::string& file(Face face) const { return files_[static_cast<std::size_t>(face)]; }
    // The advance of 'M' per pixel of size, from the font file itself (no
    // hinting, no rasterization): what layouts that must come out the same
    // on every target (windows, PDF, `livedeck check`) measure monospaced
    // text with.
    float advance_per_px(Face face) const { return advance_[static_cast<std::size_t>(face)]; }

private:
    struct Entry {
        Face face;
        float size;
        ImFont* font;
    };
    std::array<std::string, face_count> files_;
    std::array<float, face_count> advance_{};
    void release_texture();

    std::vector<Entry> entries_;
    float scale_ = 0;
    unsigned texture_ = 0;
    std::pair<int, int> texture_size_{0, 0};
};

// The file fontconfig picks for a pattern such as "DejaVu Sans:bold".
std::string find_font_file(const std::string& family, bool bold, bool italic);

}  // namespace livedeck::render
