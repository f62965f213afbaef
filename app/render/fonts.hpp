// Fonts from Debian's font packages, found through fontconfig and
// rasterized by FreeType for the real pixel scale, so text is crisp at any
// window size and on HiDPI screens.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct ImFont;
typedef unsigned short ImWchar16;

namespace livedeck::render {

enum class Face { Sans, SansBold, SansItalic, SansBoldItalic, Mono, MonoBold };
inline constexpr std::size_t face_count = 6;

// A font file that draws characters a face's own file lacks (fontconfig's
// fallback order for that face; see fonts_fallback.hpp).
struct FallbackFont {
    std::string file;
    int index = 0;          // the face inside a collection (.ttc)
    bool embolden = false;  // the face is bold, this file is not: FreeType emboldens it
    bool oblique = false;   // the face is italic, this file is upright: FreeType slants it
};

// What the last atlas build did with the characters beyond the base set.
struct GlyphReport {
    std::size_t asked = 0;           // distinct code points beyond the base set
    std::size_t own = 0;             // drawn from the faces' own files
    std::size_t merged = 0;          // drawn from fallback fonts
    std::vector<char32_t> cut;       // left out by the cap (drawn as '?')
    std::vector<char32_t> missing;   // no installed font has them (drawn as '?')
    std::size_t astral = 0;          // of those drawn, how many are beyond U+FFFF (see map_text)
};

class FallbackChain;

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
    // `text` lists the code points the text to draw uses beyond the base set
    // (sorted, distinct): each is rasterized from the face's own file where
    // it has it, else merged in from the first fallback font that has it;
    // as many as fit (see fitting), the rest drawn as '?' and logged.
    void build(std::span<const FontRequest> requests, float scale, std::span<const char32_t> text = {});
    // The atlas's bounds for characters beyond the base set: at most this
    // many, and at most this many texels of boxes for all their sizes
    // together (48 M, one byte each; the glyphs' real ink boxes are about
    // 3/4 of these, so with the base set the texture stays within 4096x16384,
    // which the GLs the program runs on take and ImGui's packer never
    // overflows).
    static constexpr std::size_t max_extra_glyphs = 3000;
    static constexpr double max_extra_texels = 48.0 * 1024 * 1024;
    // How many of `text`'s code points beyond the base set (in order) a
    // build of `requests` at `scale` takes before the bounds cut: each costs
    // its box at every size (a wide CJK or emoji box is a square, others
    // are narrower).
    static std::size_t fitting(std::span<const FontRequest> requests, float scale, std::span<const char32_t> text);
    // The code points every build has in the atlas (Latin-1 and a few symbols).
    static bool in_base_set(char32_t c);
    const GlyphReport& report() const { return report_; }

    // Debian's ImGui holds 16-bit characters only: the atlas keeps each
    // character beyond U+FFFF (emoji) under a private-use code point
    // (U+F8FF down). Returns `text` with those characters replaced by
    // theirs, in `scratch` when there was any to replace.
    std::string_view map_text(std::string_view text, std::string& scratch) const;
    // The private-use code point standing for `c`, or 0.
    ImWchar16 stand_in(char32_t c) const;

    // The font that draws `c` in `face` when the face's own file lacks it:
    // nullptr when the own file has it or when no installed font does.
    const FallbackFont* fallback(Face face, char32_t c) const;
    bool own_has(Face face, char32_t c) const;
    // Whether any installed font (the face's own file or a fallback) has it.
    bool drawable(Face face, char32_t c) const { return own_has(face, c) || fallback(face, c); }

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

    std::unique_ptr<FallbackChain> chain_;
    mutable std::mutex chain_mutex_;  // the chain sorts and caches on first use
    GlyphReport report_;
    std::vector<std::vector<ImWchar16>> ranges_;
    std::vector<std::pair<char32_t, ImWchar16>> stand_ins_;  // sorted by the character  // the glyph ranges of the last build (ImGui keeps pointers)

    std::vector<Entry> entries_;
    float scale_ = 0;
    unsigned texture_ = 0;
    std::pair<int, int> texture_size_{0, 0};
};

// The file fontconfig picks for a pattern such as "DejaVu Sans:bold".
std::string find_font_file(const std::string& family, bool bold, bool italic);

}  // namespace livedeck::render
