// render::Fonts: the faces found through fontconfig, and the ImGui atlas
// built for a raster scale and the characters the text uses.
//   - base set and fontconfig look-ups (look_up, the constructor)
//   - the characters beyond the base set: the fallback chain's answers
//     (fonts_fallback.cpp), the atlas's bounds (fitting)
//   - the build: each face's own file, the fallback fonts merged in
//     (MergeMode, ranges of the used code points only), characters beyond
//     U+FFFF rasterized by hand into custom rects under private-use
//     stand-ins (map_text), the texture uploaded as one byte a texel
#include "render/fonts.hpp"

#include "render/fonts_fallback.hpp"

#include <fontconfig/fontconfig.h>
#include <glad/gl.h>
#include <imgui.h>
#include <imgui_freetype.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_SYNTHESIS_H
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

namespace {

float raster_pixels(float size, float scale) { return std::clamp(std::round(size * scale), 4.0f, max_raster_pixels); }

// East Asian wide characters (Hangul, CJK, kana, fullwidth forms) and
// emoji: a square box; the rest about 0.6 of the line.
bool wide(char32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || c >= 0x1F000;
}

}  // namespace

std::size_t Fonts::fitting(std::span<const FontRequest> requests, float scale, std::span<const char32_t> text) {
    double square = 0, narrow = 0;  // texels of one character at every size
    for (const FontRequest& r : requests) {
        const double px = raster_pixels(r.size, scale);
        square += (px + 2) * (px + 2);
        narrow += (px * 0.6 + 2) * (px + 2);
    }
    double texels = 0;
    std::size_t count = 0;
    for (const char32_t c : text) {
        if (in_base_set(c)) continue;
        texels += wide(c) ? square : narrow;
        if (count >= max_extra_glyphs || texels > max_extra_texels) break;
        ++count;
    }
    return count;
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

// A font file to rasterize a character from.
struct Source {
    const std::string* file;
    int index = 0;
    bool embolden = false, oblique = false;
};

// What one face takes from where: its own file, then each fallback font;
// and the characters beyond U+FFFF, rasterized by hand into custom rects.
struct FacePlan {
    std::vector<char32_t> own;
    std::vector<std::pair<const FallbackFont*, std::vector<char32_t>>> merged;
    std::vector<std::pair<char32_t, Source>> astral;
};

// A character beyond U+FFFF rasterized for one font, waiting for the atlas
// to place its rect.
struct Pending {
    int rect;
    ImFont* font;
    ImWchar id;
    int width, height;
    std::vector<unsigned char> alpha;
};

// FreeType faces opened while a build rasterizes characters beyond U+FFFF.
class Faces {
public:
    Faces() {
        if (FT_Init_FreeType(&library_)) throw std::runtime_error("FreeType: cannot start");
    }
    ~Faces() {
        for (auto& [key, face] : faces_) FT_Done_Face(face);
        FT_Done_FreeType(library_);
    }
    Faces(const Faces&) = delete;
    Faces& operator=(const Faces&) = delete;
    FT_Face get(const std::string& file, int index) {
        auto [it, fresh] = faces_.try_emplace({file, index}, nullptr);
        if (fresh && FT_New_Face(library_, file.c_str(), index, &it->second)) it->second = nullptr;
        return it->second;
    }

private:
    FT_Library library_ = nullptr;
    std::map<std::pair<std::string, int>, FT_Face> faces_;
};

// `c` rasterized as imgui_freetype rasterizes: sized by the line (REAL_DIM),
// light hinting, FreeType's own emboldening and slant. False if it cannot.
bool rasterize(FT_Face face, char32_t c, float pixels, const Source& source, Pending& out, ImVec2& offset,
               float& advance) {
    if (!face) return false;
    FT_Size_RequestRec request{};
    request.type = FT_SIZE_REQUEST_TYPE_REAL_DIM;
    request.height = static_cast<FT_Long>(pixels * 64);
    if (FT_Request_Size(face, &request)) return false;
    const FT_UInt index = FT_Get_Char_Index(face, c);
    if (!index || FT_Load_Glyph(face, index, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT)) return false;
    if (source.embolden) FT_GlyphSlot_Embolden(face->glyph);
    if (source.oblique) FT_GlyphSlot_Oblique(face->glyph);
    if (FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL)) return false;
    const FT_Bitmap& bitmap = face->glyph->bitmap;
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return false;
    out.width = static_cast<int>(bitmap.width);
    out.height = static_cast<int>(bitmap.rows);
    out.alpha.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
    for (int y = 0; y < out.height; ++y)
        std::copy_n(bitmap.buffer + static_cast<std::ptrdiff_t>(y) * bitmap.pitch, out.width,
                    out.alpha.begin() + static_cast<std::ptrdiff_t>(y) * out.width);
    // Relative to the line's baseline for now; moved under the font's ascent
    // once the atlas knows it.
    offset = ImVec2(static_cast<float>(face->glyph->bitmap_left), -static_cast<float>(face->glyph->bitmap_top));
    advance = std::ceil(static_cast<float>(face->glyph->advance.x) / 64.0f);
    return true;
}

// A font file's bytes in ImGui's own allocation. ImGui 1.86's AddFont copies
// bytes it does not own, once for each size (19 copies of a 5 MB CJK font
// is 100 MB at the peak): the atlas is given these as its own, so that it
// does not copy them, and told right after that they are not, so that it
// does not free them; they go with the build.
struct FontBytes {
    void* data = nullptr;
    int size = 0;
    FontBytes() = default;
    FontBytes(const FontBytes&) = delete;
    FontBytes& operator=(const FontBytes&) = delete;
    ~FontBytes() { ImGui::MemFree(data); }
};

const FontBytes& read_font(std::map<std::string, FontBytes>& files, const std::string& path) {
    FontBytes& bytes = files[path];
    if (bytes.data) return bytes;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
    if (size <= 0 || size > (1 << 30)) throw std::runtime_error("cannot read font " + path);
    bytes.data = ImGui::MemAlloc(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!bytes.data || !in.read(static_cast<char*>(bytes.data), size)) throw std::runtime_error("cannot read font " + path);
    bytes.size = static_cast<int>(size);
    return bytes;
}

// Adds a font from `bytes` without the atlas copying them (see FontBytes).
ImFont* add_font(ImFontAtlas* atlas, const FontBytes& bytes, float pixels, ImFontConfig config, const ImWchar* ranges) {
    config.FontDataOwnedByAtlas = true;
    ImFont* font = atlas->AddFontFromMemoryTTF(bytes.data, bytes.size, pixels, &config, ranges);
    if (font) atlas->ConfigData.back().FontDataOwnedByAtlas = false;
    return font;
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
    // As tall as the glyphs need, not the next power of two: GL 3.3 takes any size.
    atlas->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    entries_.clear();
    ranges_.clear();
    report_ = {};

    // Where each character beyond the base set comes from, for each face used.
    std::array<bool, face_count> used{};
    for (const FontRequest& request : requests) used[static_cast<std::size_t>(request.face)] = true;
    std::array<FacePlan, face_count> plans;
    {
        const std::size_t fit = fitting(requests, scale, text);
        const std::lock_guard<std::mutex> lock(chain_mutex_);
        for (const char32_t c : text) {
            if (in_base_set(c)) continue;
            if (report_.asked++ >= fit) {
                report_.cut.push_back(c);
                continue;
            }
            bool own = false, merged = false;
            for (std::size_t f = 0; f < face_count; ++f) {
                if (!used[f]) continue;
                const Face face = static_cast<Face>(f);
                const FallbackFont* font = nullptr;
                if (chain_->own_has(face, c)) {
                    own = true;
                } else if ((font = chain_->find(face, c))) {
                    merged = true;
                } else {
                    continue;
                }
                if (c > 0xFFFF) {  // ImWchar is 16 bits in Debian's libimgui
                    plans[f].astral.push_back(
                        {c, font ? Source{&font->file, font->index, font->embolden, font->oblique} : Source{&files_[f]}});
                } else if (!font) {
                    plans[f].own.push_back(c);
                } else {
                    auto& groups = plans[f].merged;
                    auto group = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == font; });
                    if (group == groups.end()) group = groups.insert(groups.end(), {font, {}});
                    group->second.push_back(c);
                }
            }
            if (merged) ++report_.merged;
            else if (own) ++report_.own;
            else report_.missing.push_back(c);
            if ((own || merged) && c > 0xFFFF) ++report_.astral;
        }
    }
    // A private-use stand-in for each character beyond U+FFFF, from U+F8FF
    // down, skipping any the text uses itself.
    stand_ins_.clear();
    {
        char32_t next = 0xF8FF;
        for (const char32_t c : text) {
            if (c <= 0xFFFF) continue;
            bool drawn = false;
            for (const FacePlan& plan : plans)
                for (const auto& a : plan.astral) drawn = drawn || a.first == c;
            if (!drawn) continue;
            while (next >= 0xE000 && std::binary_search(text.begin(), text.end(), next)) --next;
            if (next < 0xE000) break;
            stand_ins_.push_back({c, static_cast<ImWchar16>(next--)});
        }
    }
    if (!report_.cut.empty())
        std::cerr << "livedeck: the font atlas holds " << report_.asked - report_.cut.size() << " of the "
                  << report_.asked << " characters beyond Latin-1 at this size; the other " << report_.cut.size()
                  << " are drawn as '?'\n";
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
    std::map<std::string, FontBytes> bytes;
    Faces faces;
    std::vector<Pending> pending;
    for (const FontRequest& request : requests) {
        const std::size_t f = static_cast<std::size_t>(request.face);
        const FontBytes& data = read_font(bytes, file(request.face));
        ImFontConfig config;
        config.OversampleH = 1;
        config.OversampleV = 1;
        config.PixelSnapH = true;
        // imgui_freetype 1.86 copies each glyph into 256 KB scratch chunks of 4
        // bytes a pixel and overruns one with a glyph over ~256x256 px (heap
        // corruption at 8K): rasterize at most this big, and draw bigger
        // text scaled from it.
        const float pixels = raster_pixels(request.size, scale);
        ImFont* font = add_font(atlas, data, pixels, config, own_ranges[f]);
        if (!font) throw std::runtime_error("cannot load font " + file(request.face));
        for (std::size_t g = 0; g < plans[f].merged.size(); ++g) {
            const FallbackFont& fallback = *plans[f].merged[g].first;
            const FontBytes& more = read_font(bytes, fallback.file);
            ImFontConfig merge = config;
            merge.MergeMode = true;
            merge.FontNo = fallback.index;
            merge.FontBuilderFlags = 0;
            if (fallback.embolden) merge.FontBuilderFlags |= ImGuiFreeTypeBuilderFlags_Bold;
            if (fallback.oblique) merge.FontBuilderFlags |= ImGuiFreeTypeBuilderFlags_Oblique;
            if (!add_font(atlas, more, pixels, merge, merged_ranges[f][g]))
                throw std::runtime_error("cannot load font " + fallback.file);
        }
        for (const auto& [c, source] : plans[f].astral) {
            const ImWchar16 id = stand_in(c);
            Pending p{0, font, id, 0, 0, {}};
            ImVec2 offset;
            float advance = 0;
            if (!id || !rasterize(faces.get(*source.file, source.index), c, pixels, source, p, offset, advance) ||
                p.width == 0 || p.height == 0)
                continue;
            p.rect = atlas->AddCustomRectFontGlyph(font, id, p.width, p.height, advance, offset);
            pending.push_back(std::move(p));
        }
        entries_.push_back({request.face, request.size, font});
    }
    if (!atlas->Build()) throw std::runtime_error("cannot build the font atlas");
    // One byte a texel (GL_R8, read as white with that alpha) instead of the
    // backend's RGBA: a quarter of the memory, and no copy kept on the CPU.
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    atlas->GetTexDataAsAlpha8(&pixels, &width, &height);
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    if ((width > max_size || height > max_size) && !text.empty()) {
        std::cerr << "livedeck: the font atlas (" << width << "x" << height << ") is larger than this GL takes ("
                  << max_size << "): characters beyond Latin-1 are drawn as '?'\n";
        return build(requests, scale, {});
    }
    // The characters beyond U+FFFF into their rects, and under the ascent as
    // imgui_freetype puts its own glyphs.
    for (const Pending& p : pending) {
        const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(p.rect);
        if (!r || !r->IsPacked()) continue;
        for (int y = 0; y < p.height; ++y)
            std::copy_n(p.alpha.begin() + static_cast<std::ptrdiff_t>(y) * p.width, p.width,
                        pixels + static_cast<std::ptrdiff_t>(r->Y + y) * width + r->X);
        if (auto* glyph = const_cast<ImFontGlyph*>(p.font->FindGlyphNoFallback(p.id))) {
            const float ascent = std::round(p.font->Ascent);
            glyph->Y0 += ascent;
            glyph->Y1 += ascent;
        }
    }
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
    // The configurations (the font bytes go with `bytes`): not needed to draw.
    atlas->ClearInputData();
    texture_size_ = {width, height};
    scale_ = scale;
}

Fonts::~Fonts() { release_texture(); }

ImWchar16 Fonts::stand_in(char32_t c) const {
    auto it = std::lower_bound(stand_ins_.begin(), stand_ins_.end(), std::make_pair(c, ImWchar16{0}));
    return it != stand_ins_.end() && it->first == c ? it->second : ImWchar16{0};
}

std::string_view Fonts::map_text(std::string_view text, std::string& scratch) const {
    if (stand_ins_.empty()) return text;
    // Only 4-byte sequences are beyond U+FFFF.
    if (std::none_of(text.begin(), text.end(), [](char b) { return (static_cast<unsigned char>(b) & 0xF8) == 0xF0; }))
        return text;
    scratch.clear();
    scratch.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if ((b & 0xF8) == 0xF0 && i + 4 <= text.size()) {
            const char32_t c = (b & 0x07u) << 18 | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 12 |
                               (static_cast<unsigned char>(text[i + 2]) & 0x3Fu) << 6 |
                               (static_cast<unsigned char>(text[i + 3]) & 0x3Fu);
            if (const ImWchar16 id = stand_in(c)) {
                scratch += static_cast<char>(0xE0 | (id >> 12));
                scratch += static_cast<char>(0x80 | ((id >> 6) & 0x3F));
                scratch += static_cast<char>(0x80 | (id & 0x3F));
                i += 4;
                continue;
            }
        }
        scratch += text[i++];
    }
    return scratch;
}

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
