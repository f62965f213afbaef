#include "render/fonts_fallback.hpp"

#include <fontconfig/fontconfig.h>

namespace livedeck::render {

FallbackChain::FallbackChain(FcConfig* config, std::array<FcPattern*, face_count> patterns,
                             std::array<FcPattern*, face_count> matches)
    : config_(config), patterns_(patterns), matches_(matches) {}

FallbackChain::~FallbackChain() {
    for (Chain& chain : chains_)
        if (chain.sorted) FcFontSetDestroy(chain.sorted);
    for (FcPattern* p : patterns_)
        if (p) FcPatternDestroy(p);
    for (FcPattern* p : matches_)
        if (p) FcPatternDestroy(p);
    if (config_) FcConfigDestroy(config_);
}

bool FallbackChain::own_has(Face face, char32_t c) const {
    FcCharSet* set = nullptr;
    FcPattern* match = matches_[static_cast<std::size_t>(face)];
    return match && FcPatternGetCharSet(match, FC_CHARSET, 0, &set) == FcResultMatch && set &&
           FcCharSetHasChar(set, static_cast<FcChar32>(c));
}

void FallbackChain::sort(Face face) {
    Chain& chain = chains_[static_cast<std::size_t>(face)];
    FcPattern* pattern = patterns_[static_cast<std::size_t>(face)];
    FcResult result = FcResultNoMatch;
    // Trimmed: a font that adds nothing to the ones before it is left out.
    chain.sorted = FcFontSort(config_, pattern, FcTrue, nullptr, &result);
    if (!chain.sorted) return;
    int weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
    FcPatternGetInteger(pattern, FC_WEIGHT, 0, &weight);
    FcPatternGetInteger(pattern, FC_SLANT, 0, &slant);
    FcChar8* own = nullptr;
    FcPatternGetString(matches_[static_cast<std::size_t>(face)], FC_FILE, 0, &own);
    for (int i = 0; i < chain.sorted->nfont; ++i) {
        FcPattern* font = chain.sorted->fonts[i];
        FcChar8* file = nullptr;
        FcBool scalable = FcFalse, color = FcFalse;
        if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch || !file) continue;
        // The atlas is one byte a texel: no bitmap strikes, no colour emoji.
        if (FcPatternGetBool(font, FC_SCALABLE, 0, &scalable) == FcResultMatch && !scalable) continue;
        if (FcPatternGetBool(font, FC_COLOR, 0, &color) == FcResultMatch && color) continue;
        if (own && FcStrCmp(file, own) == 0) continue;
        FallbackFont f;
        f.file = reinterpret_cast<const char*>(file);
        FcPatternGetInteger(font, FC_INDEX, 0, &f.index);
        int w = FC_WEIGHT_REGULAR, s = FC_SLANT_ROMAN;
        FcPatternGetInteger(font, FC_WEIGHT, 0, &w);
        FcPatternGetInteger(font, FC_SLANT, 0, &s);
        f.embolden = weight >= FC_WEIGHT_DEMIBOLD && w < FC_WEIGHT_DEMIBOLD;
        f.oblique = slant != FC_SLANT_ROMAN && s == FC_SLANT_ROMAN;
        chain.fonts.push_back(std::move(f));
        chain.entry.push_back(i);
    }
}

const FallbackFont* FallbackChain::find(Face face, char32_t c) {
    if (own_has(face, c)) return nullptr;
    Chain& chain = chains_[static_cast<std::size_t>(face)];
    if (auto it = chain.found.find(c); it != chain.found.end())
        return it->second < 0 ? nullptr : &chain.fonts[static_cast<std::size_t>(it->second)];
    if (!chain.sorted) sort(face);
    int found = -1;
    for (std::size_t i = 0; i < chain.fonts.size() && found < 0; ++i) {
        FcCharSet* set = nullptr;
        if (FcPatternGetCharSet(chain.sorted->fonts[chain.entry[i]], FC_CHARSET, 0, &set) == FcResultMatch && set &&
            FcCharSetHasChar(set, static_cast<FcChar32>(c)))
            found = static_cast<int>(i);
    }
    // Bounded: a deck has at most a few thousand distinct characters, and
    // each is looked up once per face.
    if (chain.found.size() < 65536) chain.found.emplace(c, found);
    return found < 0 ? nullptr : &chain.fonts[static_cast<std::size_t>(found)];
}

}  // namespace livedeck::render
