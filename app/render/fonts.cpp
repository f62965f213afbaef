#include "render/fonts.hpp"

#include <fontconfig/fontconfig.h>
#include <glad/gl.h>
#include <imgui.h>
#include <imgui_freetype.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <fstream>
#include <iterator>
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

std::string find_font_file(FcConfig* config, const std::string& family, bool bold, bool italic) {
    std::unique_ptr<FcPattern, decltype(&FcPatternDestroy)> pattern(
        FcNameParse(reinterpret_cast<const FcChar8*>(family.c_str())), FcPatternDestroy);
    if (!pattern) throw std::runtime_error("fontconfig: bad font name '" + family + "'");
    FcPatternAddInteger(pattern.get(), FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pattern.get(), FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
    FcConfigSubstitute(config, pattern.get(), FcMatchPattern);
    FcDefaultSubstitute(pattern.get());
    FcResult result = FcResultNoMatch;
    std::unique_ptr<FcPattern, decltype(&FcPatternDestroy)> match(
        FcFontMatch(config, pattern.get(), &result), FcPatternDestroy);
    FcChar8* file = nullptr;
    if (!match || FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch || !file)
        throw std::runtime_error("fontconfig: no font file for '" + family + "'");
    return reinterpret_cast<const char*>(file);
}

}  // namespace

std::string find_font_file(const std::string& family, bool bold, bool italic) {
    return find_font_file(load_fontconfig().get(), family, bold, italic);
}

Fonts::Fonts(const std::string& sans_family, const std::string& mono_family) {
    // One configuration for all six lookups: loading it reads the font cache.
    const FcConfigPtr config = load_fontconfig();
    auto find = [&](Face face, const std::string& family, bool bold, bool italic) {
        files_[static_cast<std::size_t>(face)] = find_font_file(config.get(), family, bold, italic);
    };
    find(Face::Sans, sans_family, false, false);
    find(Face::SansBold, sans_family, true, false);
    find(Face::SansItalic, sans_family, false, true);
    find(Face::SansBoldItalic, sans_family, true, true);
    find(Face::Mono, mono_family, false, false);
    find(Face::MonoBold, mono_family, true, false);
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

void Fonts::build(std::span<const FontRequest> requests, float scale) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontAtlas* atlas = io.Fonts;
    ImGui_ImplOpenGL3_DestroyFontsTexture();  // one the backend made itself, if any
    release_texture();
    atlas->Clear();
    atlas->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    entries_.clear();
    // Each face's file is read once, however many sizes use it, and is not
    // the atlas's to keep: it goes when the build is done.
    std::array<std::vector<char>, face_count> bytes;
    for (const FontRequest& request : requests) {
        std::vector<char>& data = bytes[static_cast<std::size_t>(request.face)];
        if (data.empty()) {
            std::ifstream in(file(request.face), std::ios::binary);
            data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof()) data.clear();
            if (data.empty()) throw std::runtime_error("cannot read font " + file(request.face));
        }
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
        ImFont* font = atlas->AddFontFromMemoryTTF(data.data(), static_cast<int>(data.size()), pixels, &config,
                                                   glyph_ranges);
        if (!font) throw std::runtime_error("cannot load font " + file(request.face));
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
