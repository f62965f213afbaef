// The fallback chain: for a character the face's own file lacks ("ł", "Ж",
// "漢", "★"), the first installed font in fontconfig's order for that face
// (FcFontSort on the face's own pattern) whose character set has it. Used by
// render::Fonts to merge those glyphs into the ImGui atlas, and by the PDF
// painter to draw them with cairo. No GL.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "render/fonts.hpp"

typedef struct _FcConfig FcConfig;
typedef struct _FcPattern FcPattern;
typedef struct _FcFontSet FcFontSet;

namespace livedeck::render {

class FallbackChain {
public:
    // Takes the configuration, and for each face the pattern it was looked up
    // with (substituted) and the match fontconfig gave (its own file).
    FallbackChain(FcConfig* config, std::array<FcPattern*, face_count> patterns,
                  std::array<FcPattern*, face_count> matches);
    ~FallbackChain();
    FallbackChain(const FallbackChain&) = delete;
    FallbackChain& operator=(const FallbackChain&) = delete;

    // Whether the face's own file has the character.
    bool own_has(Face face, char32_t c) const;
    // The font that draws `c` in `face` when its own file lacks it; nullptr
    // when the own file has it, or when no installed (scalable, monochrome)
    // font has it. The first call for a face sorts the fonts (a few ms).
    const FallbackFont* find(Face face, char32_t c);

private:
    struct Chain {
        FcFontSet* sorted = nullptr;  // lazily: FcFontSort of the face's pattern
        std::vector<FallbackFont> fonts;  // one per usable entry of `sorted`, same order
        std::vector<int> entry;           // fonts[i] is sorted->fonts[entry[i]]
        std::map<char32_t, int> found;    // code point -> index into fonts, -1: none
    };
    void sort(Face face);

    FcConfig* config_;
    std::array<FcPattern*, face_count> patterns_;
    std::array<FcPattern*, face_count> matches_;
    std::array<Chain, face_count> chains_;
};

}  // namespace livedeck::render
