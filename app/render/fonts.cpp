#include "render/fonts.hpp"

#include "render/fonts_fallback.hpp"

#include <fontconfig/fontconfig.h>
#include <glad/gl.h>
#include <imgui.h>
#include <imgui_freetype.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <cstdint>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace livedeck::render {

namespace {

// Basic Latin, Latin-1, dashes, quotes, bullet, ellipsis, arrows, the
// control glyphs (run, stop, restart) and check marks.
constexpr ImWchar glyph_ranges[] = {
    0x0020, 0x00FF, 0x2013, 0x2014, 0x2018, 0x201F, 0x2022, 0x2022, 0x2026, 0x2026,
    0x2190, 0x2193, 0x21BB, 0x21BB, 0x21D2, 0x21D2, 0x23CE, 0x23CE, 0x25A0, 0x25A0, 0x25B6, 0x25B6,
    0x25CF, 0x25CF, 0x2713, 0x2717, 0,
};

// See Fonts::build.
constexpr float max_raster_pixels = 200.0f;

}  // namespace

namespace {

using FcConfigPtr = std::unique_ptr<FcConfig, decltype(&FcConfigDestroy)>;

FcConfigPtr load_fontconfig() {
    FcConfigPtr config(FcInitLoadConfigAndFonts(), FcConfigDestroy);
    if (!config) throw std::runtime_error("fontconfig: cannot load its configuration");
    return config;
}

using PatternPtr = std::unique_ptr<FcPattern, decltype(&FcPatternDestroy)>;

// The pattern a face is looked up with (substituted, as fontconfig's own
// match and sort want it) and the match.
struct Lookup {
    PatternPtr pattern{nullptr, FcPatternDestroy};
    PatternPtr match{nullptr, FcPatternDestroy};
    std::string file;
};

Lookup look_up(FcConfig* config, const std::string& family, bool bold, bool italic) {
    Lookup l;
    l.pattern.reset(FcNameParse(reinterpret_cast<const FcChar8*>(family.c_str())));
    if (!l.pattern) throw std::runtime_error("fontconfig: bad font name '" + family + "'");
    FcPatternAddInteger(l.pattern.get(), FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(l.pattern.get(), FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
    FcConfigSubstitute(config, l.pattern.get(), FcMatchPattern);
    FcDefaultSubstitute(l.pattern.get());
    FcResult result = FcResultNoMatch;
    l.match.reset(FcFontMatch(config, l.pattern.get(), &result));
    FcChar8* file = nullptr;
    if (!l.match || FcPatternGetString(l.match.get(), FC_FILE, 0, &file) != FcResultMatch || !file)
        throw std::runtime_error("fontconfig: no font file for '" + family + "'");
    l.file = reinterpret_cast<const char*>(file);
    return l;
}

}  // namespace

std::string find_font_file(const std::string& family, bool bold, bool italic) {
    return look_up(load_fontconfig().get(), family, bold, italic).file;
}

Fonts::Fonts(const std::string& sans_family, const std::string& mono_family) {
    // One configuration for all six lookups: loading it reads the font cache.
    // Kept for the fallback chain, which sorts the fonts only when a
    // character outside the faces' own files turns up.
    FcConfigPtr config = load_fontconfig();
    std::array<Lookup, face_count> lookups;
    auto find = [&](Face face, const std::string& family, bool bold, bool italic) {
        lookups[static_cast<std::size_t>(face)] = look_up(config.get(), family, bold, italic);
        files_[static_cast<std::size_t>(face)] = lookups[static_cast<std::size_t>(face)].file;
    };
    find(Face::Sans, sans_family, false, false);
    find(Face::SansBold, sans_family, true, false);
    find(Face::SansItalic, sans_family, false, true);
    find(Face::SansBoldItalic, sans_family, true, true);
    find(Face::Mono, mono_family, false, false);
    find(Face::MonoBold, mono_family, true, false);
    std::array<FcPattern*, face_count> patterns{}, matches{};
    for (std::size_t i = 0; i < face_count; ++i) {
        patterns[i] = lookups[i].pattern.release();
        matches[i] = lookups[i].match.release();
    }
    chain_ = std::make_unique<FallbackChain>(config.release(), patterns, matches);
    // Sizes are ImGui's: the line (ascender - descender), not the em.
    FT_Library library = nullptr;
    if (FT_Init_FreeType(&library)) throw std::runtime_error("FreeType: cannot start");
    for (std::size_t i = 0; i < face_count; ++i) {
        FT_Face ft = nullptr;
        if (FT_New_Face(library, files_[i].c_str(), 0, &ft) || !ft) {
            FT_Done_FreeType(library);
            throw std::runtime_error("FreeType: cannot load the font " + files_[i]);
        }
        const double line = static_cast<double>(ft->ascender - ft->descender);
        advance_[i] = 0.6f;  // a bitmap font or odd metrics: a typical monospaced advance
        if (FT_IS_SCALABLE(ft) && line > 0 && FT_Load_Char(ft, 'M', FT_LOAD_NO_SCALE) == 0)
            advance_[i] = static_cast<float>(static_cast<double>(ft->glyph->advance.x) / line);
        FT_Done_Face(ft);
    }
    FT_Done_FreeType(library);
}

bool Fonts::in_base_set(char32_t c) {
    for (const ImWchar* r = glyph_ranges; r[0]; r += 2)
        if (c >= r[0] && c <= r[1]) return true;
    return false;
}

bool Fonts::own_has(Face face, char32_t c) const {
    const std::lock_guard<std::mutex> lock(chain_mutex_);
    return chain_->own_has(face, c);
}

const FallbackFont* Fonts::fallback(Face face, char32_t c) const {
    const std::lock_guard<std::mutex> lock(chain_mutex_);
    return chain_->find(face, c);
}

namespace {

// Sorted, distinct code points as ImGui's glyph ranges (pairs, then 0),
// after `base` ranges (without their 0).
std::vector<ImWchar> ranges_of(const std::vector<char32_t>& points, const ImWchar* base) {
    std::vector<ImWchar> out;
    for (const ImWchar* r = base; r && r[0]; r += 2) out.insert(out.end(), {r[0], r[1]});
    for (std::size_t i = 0; i < points.size();) {
        std::size_t j = i;
        while (j + 1 < points.size() && points[j + 1] == points[j] + 1) ++j;
        out.push_back(static_cast<ImWchar>(points[i]));
        out.push_back(static_cast<ImWchar>(points[j]));
        i = j + 1;
    }
    out.push_back(0);
    return out;
}

// What one face takes from where: its own file, then each fallback font.
struct FacePlan {
    std::vector<char32_t> own;
    std::vector<std::pair<const FallbackFont*, std::vector<char32_t>>> merged;
};

const std::vector<char>& read_font(std::map<std::string, std::vector<char>>& files, const std::string& path) {
    std::vector<char>& data = files[path];
    if (data.empty()) {
        std::ifstream in(path, std::ios::binary);
        data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) data.clear();
        if (data.empty()) throw std::runtime_error("cannot read font " + path);
    }
    return data;
}

}  // namespace

void Fonts::build(std::span<const FontRequest> requests, float scale, std::span<const char32_t> text) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontAtlas* atlas = io.Fonts;
    ImGui_ImplOpenGL3_DestroyFontsTexture();  // one the backend made itself, if any
    release_texture();
    atlas->Clear();
    atlas->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    entries_.clear();
    ranges_.clear();
    report_ = {};

    // Where each character beyond the base set comes from, for each face used.
    std::array<bool, face_count> used{};
    for (const FontRequest& request : requests) used[static_cast<std::size_t>(request.face)] = true;
    std::array<FacePlan, face_count> plans;
    {
        const std::lock_guard<std::mutex> lock(chain_mutex_);
        for (const char32_t c : text) {
            if (in_base_set(c)) continue;
            ++report_.asked;
            if (c > 0xFFFF) {  // ImWchar is 16 bits in Debian's libimgui
                report_.astral.push_back(c);
                continue;
            }
            if (report_.own + report_.merged >= max_extra_glyphs) {
                report_.cut.push_back(c);
                continue;
            }
            bool own = false, merged = false;
            for (std::size_t f = 0; f < face_count; ++f) {
                if (!used[f]) continue;
                const Face face = static_cast<Face>(f);
                if (chain_->own_has(face, c)) {
                    plans[f].own.push_back(c);
                    own = true;
                } else if (const FallbackFont* font = chain_->find(face, c)) {
                    auto& groups = plans[f].merged;
                    auto group = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == font; });
                    if (group == groups.end()) group = groups.insert(groups.end(), {font, {}});
                    group->second.push_back(c);
                    merged = true;
                }
            }
            if (merged) ++report_.merged;
            else if (own) ++report_.own;
            else report_.missing.push_back(c);
        }
    }
    if (!report_.cut.empty())
        std::cerr << "livedeck: " << report_.cut.size() << " characters past the font atlas's cap of "
                  << max_extra_glyphs << " are drawn as '?'\n";
    // One set of ranges per face and per (face, fallback font), shared by its sizes.
    std::array<const ImWchar*, face_count> own_ranges{};
    std::array<std::vector<const ImWchar*>, face_count> merged_ranges;
    ranges_.reserve(face_count * 4);
    for (std::size_t f = 0; f < face_count; ++f) {
        if (!used[f]) continue;
        own_ranges[f] = ranges_.emplace_back(ranges_of(plans[f].own, glyph_ranges)).data();
        for (const auto& group : plans[f].merged)
            merged_ranges[f].push_back(ranges_.emplace_back(ranges_of(group.second, nullptr)).data());
    }

    // Each font file is read once, however many sizes use it, and is not
    // the atlas's to keep: it goes when the build is done.
    std::map<std::string, std::vector<char>> bytes;
    for (const FontRequest& request : requests) {
        const std::size_t f = static_cast<std::size_t>(request.face);
        const std::vector<char>& data = read_font(bytes, file(request.face));
        ImFontConfig config;
        config.OversampleH = 1;
        config.OversampleV = 1;
        config.PixelSnapH = true;
        config.FontDataOwnedByAtlas = false;
        // imgui_freetype 1.86 copies each glyph into 256 KB scratch chunks of 4
        // bytes a pixel and overruns one with a glyph over ~256x256 px (heap
        // corruption at 8K): rasterize at most this big, and draw bigger
        // text scaled from it.
        const float pixels = std::clamp(std::round(request.size * scale), 4.0f, max_raster_pixels);
        // ImGui reads the bytes and never writes them.
        ImFont* font = atlas->AddFontFromMemoryTTF(const_cast<char*>(data.data()), static_cast<int>(data.size()),
                                                   pixels, &config, own_ranges[f]);
        if (!font) throw std::runtime_error("cannot load font " + file(request.face));
        for (std::size_t g = 0; g < plans[f].merged.size(); ++g) {
            const FallbackFont& fallback = *plans[f].merged[g].first;
            const std::vector<char>& more = read_font(bytes, fallback.file);
            ImFontConfig merge = config;
            merge.MergeMode = true;
            merge.FontNo = fallback.index;
            merge.FontBuilderFlags = 0;
            if (fallback.embolden) merge.FontBuilderFlags |= ImGuiFreeTypeBuilderFlags_Bold;
            if (fallback.oblique) merge.FontBuilderFlags |= ImGuiFreeTypeBuilderFlags_Oblique;
            if (!atlas->AddFontFromMemoryTTF(const_cast<char*>(more.data()), static_cast<int>(more.size()), pixels,
                                             &merge, merged_ranges[f][g]))
                throw std::runtime_error("cannot load font " + fallback.file);
        }
        entries_.push_back({request.face, request.size, font});
    }
    if (!atlas->Build()) throw std::runtime_error("cannot build the font atlas");
    // One byte a texel (GL_R8, read as white with that alpha) instead of the
    // backend's RGBA: a quarter of the memory, and no copy kept on the CPU.
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    atlas->GetTexDataAsAlpha8(&pixels, &width, &height);
    GLint previous = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
    glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
    atlas->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture_)));
    atlas->ClearTexData();
    // The font files' bytes, copied in for each of the sizes: not needed to draw.
    atlas->ClearInputData();
    texture_size_ = {width, height};
    scale_ = scale;
}

Fonts::~Fonts() { release_texture(); }

void Fonts::release_texture() {
    if (texture_) glDeleteTextures(1, &texture_);
    texture_ = 0;
}

ImFont* Fonts::get(Face face, float size) const {
    const Entry* best = nullptr;
    for (const Entry& e : entries_) {
        if (e.face != face) continue;
        if (!best || std::abs(e.size - size) < std::abs(best->size - size)) best = &e;
    }
    if (!best && !entries_.empty()) best = &entries_.front();
    return best ? best->font : nullptr;
}

}  // namespace livedeck::render
