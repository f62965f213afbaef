#include "views/painter_cairo.hpp"

#include "deck/deck.hpp"
#include "deck/image_fetch.hpp"
#include "deck/image_formats.hpp"
#include "views/glyph_set.hpp"

#include <cairo-ft.h>
#include <librsvg/rsvg.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <string>

namespace livedeck::views {

namespace {

// One FreeType library for the faces of every painter. Each cairo font face
// holds its FT_Face and a reference to the library: cairo may keep a face
// in its caches after the painter is gone, and frees it (and, with the last
// one, the library) through the user data's destroy function.
struct Library {
    FT_Library ft = nullptr;
    Library() {
        if (FT_Init_FreeType(&ft)) throw std::runtime_error("FreeType: cannot start");
    }
    ~Library() { FT_Done_FreeType(ft); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

std::shared_ptr<Library> library() {
    static std::mutex mutex;
    static std::weak_ptr<Library> shared;
    const std::lock_guard<std::mutex> lock(mutex);
    std::shared_ptr<Library> lib = shared.lock();
    if (!lib) shared = lib = std::make_shared<Library>();
    return lib;
}

struct FaceHolder {
    std::shared_ptr<Library> library;
    FT_Face face = nullptr;
    ~FaceHolder() {
        if (face) FT_Done_Face(face);
    }
};

const cairo_user_data_key_t face_key{};

void set_rgba(cairo_t* cr, ImU32 c) {
    cairo_set_source_rgba(cr, static_cast<double>(c & 0xFF) / 255.0, static_cast<double>((c >> 8) & 0xFF) / 255.0,
                          static_cast<double>((c >> 16) & 0xFF) / 255.0, static_cast<double>(c >> 24) / 255.0);
}

// A rectangle with rounded corners; the radius is clamped as ImGui does.
void rounded_path(cairo_t* cr, ImVec2 a, ImVec2 b, float rounding) {
    const double r = std::min<double>(rounding, std::min(b.x - a.x, b.y - a.y) * 0.5);
    cairo_new_sub_path(cr);
    if (r < 0.01) {
        cairo_rectangle(cr, a.x, a.y, b.x - a.x, b.y - a.y);
        return;
    }
    const double pi = 3.14159265358979323846;
    cairo_arc(cr, b.x - r, a.y + r, r, -pi / 2, 0);
    cairo_arc(cr, b.x - r, b.y - r, r, 0, pi / 2);
    cairo_arc(cr, a.x + r, b.y - r, r, pi / 2, pi);
    cairo_arc(cr, a.x + r, a.y + r, r, pi, 3 * pi / 2);
    cairo_close_path(cr);
}

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

namespace {

// A cairo face for a font file, sized as ImGui sizes it (by its line).
// Throws std::runtime_error when FreeType cannot load it.
cairo_font_face_t* load_face(const std::string& file, int index, double& em_per_px, double& ascent_per_px) {
    auto holder = std::make_unique<FaceHolder>();
    holder->library = library();
    if (FT_New_Face(holder->library->ft, file.c_str(), index, &holder->face) || !holder->face)
        throw std::runtime_error("FreeType: cannot load the font " + file);
    const FT_Face ft = holder->face;
    const double line = static_cast<double>(ft->ascender - ft->descender);
    if (FT_IS_SCALABLE(ft) && line > 0) {
        em_per_px = static_cast<double>(ft->units_per_EM) / line;
        ascent_per_px = static_cast<double>(ft->ascender) / line;
    }
    cairo_font_face_t* face = cairo_ft_font_face_create_for_ft_face(ft, 0);
    if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS ||
        cairo_font_face_set_user_data(face, &face_key, holder.get(),
                                      [](void* p) { delete static_cast<FaceHolder*>(p); }) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(face);
        throw std::runtime_error("cairo: cannot use the font " + file);
    }
    holder.release();  // the font face owns it now
    return face;
}

}  // namespace

CairoPainter::CairoPainter(cairo_t* cr, const render::Fonts& fonts) : cr_(cr), fonts_(&fonts) {
    options_ = cairo_font_options_create();
    cairo_surface_get_font_options(cairo_get_target(cr_), options_);
    for (std::size_t i = 0; i < render::face_count; ++i) {
        Face& face = faces_[i];
        face.face = load_face(fonts.file(static_cast<render::Face>(i)), 0, face.em_per_px, face.ascent_per_px);
    }
}

const CairoPainter::Face& CairoPainter::fallback_face(const render::FallbackFont& font) {
    auto it = fallbacks_.find(&font);
    if (it != fallbacks_.end()) return it->second;
    Face face;
    face.face = load_face(font.file, font.index, face.em_per_px, face.ascent_per_px);
    // As the atlas does (imgui_freetype's Bold and Oblique flags).
    unsigned synthesize = 0;
    if (font.embolden) synthesize |= CAIRO_FT_SYNTHESIZE_BOLD;
    if (font.oblique) synthesize |= CAIRO_FT_SYNTHESIZE_OBLIQUE;
    if (synthesize) cairo_ft_font_face_set_synthesize(face.face, synthesize);
    return fallbacks_.emplace(&font, face).first->second;
}

std::vector<CairoPainter::Run> CairoPainter::runs(render::Face face, std::string_view text) {
    const Face* own = &faces_[static_cast<std::size_t>(face)];
    std::vector<Run> out;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t begin = i;
        const Face* by = own;
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
        } else if (const char32_t c = next_code_point(text, i)) {
            // A character no font has stays with the own face (its missing-glyph box).
            if (const render::FallbackFont* font = fonts_->fallback(face, c)) by = &fallback_face(*font);
        }
        if (!out.empty() && out.back().face == by && out.back().end == begin)
            out.back().end = i;
        else
            out.push_back({begin, i, by});
    }
    return out;
}

CairoPainter::~CairoPainter() {
    for (auto& [key, font] : scaled_) cairo_scaled_font_destroy(font);
    for (Face& face : faces_)
        if (face.face) cairo_font_face_destroy(face.face);
    for (auto& [font, face] : fallbacks_)
        if (face.face) cairo_font_face_destroy(face.face);
    for (auto& [path, image] : images_)
        if (image.surface) cairo_surface_destroy(image.surface);
    cairo_font_options_destroy(options_);
}

cairo_scaled_font_t* CairoPainter::use_face(const Face& face, float px) {
    const auto key = std::make_pair(&face, px);
    auto it = scaled_.find(key);
    if (it == scaled_.end()) {
        cairo_matrix_t size, ctm;
        cairo_matrix_init_scale(&size, px * face.em_per_px, px * face.em_per_px);
        cairo_matrix_init_identity(&ctm);
        it = scaled_.emplace(key, cairo_scaled_font_create(face.face, &size, &ctm, options_)).first;
    }
    cairo_set_scaled_font(cr_, it->second);
    return it->second;
}

cairo_scaled_font_t* CairoPainter::use_font(const FontSpec& font) {
    return use_face(faces_[static_cast<std::size_t>(font.face)], font.px);
}

float CairoPainter::text_width(const FontSpec& font, std::string_view text) {
    double width = 0;
    for (const Run& run : runs(font.face, text)) {
        cairo_text_extents_t extents;
        cairo_scaled_font_text_extents(use_face(*run.face, font.px),
                                       std::string(text.substr(run.begin, run.end - run.begin)).c_str(), &extents);
        width += extents.x_advance;
    }
    return static_cast<float>(width);
}

void CairoPainter::text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view text) {
    if (text.empty()) return;
    set_rgba(cr_, color);
    // One baseline, the own face's, for every run; each show_text moves the
    // current point past its run.
    const double ascent = font.px * faces_[static_cast<std::size_t>(font.face)].ascent_per_px;
    cairo_move_to(cr_, pos.x, pos.y + ascent);
    for (const Run& run : runs(font.face, text)) {
        use_face(*run.face, font.px);
        cairo_show_text(cr_, std::string(text.substr(run.begin, run.end - run.begin)).c_str());
    }
    cairo_new_path(cr_);
}

void CairoPainter::mono_text(const FontSpec& font, ImVec2 pos, ImU32 color, std::string_view all, float advance) {
    if (all.empty()) return;
    const double baseline = pos.y + font.px * faces_[static_cast<std::size_t>(font.face)].ascent_per_px;
    set_rgba(cr_, color);
    std::size_t chars = 0;  // characters before the glyph being placed
    for (const Run& run : runs(font.face, all)) {
        const std::string_view text = all.substr(run.begin, run.end - run.begin);
        cairo_scaled_font_t* scaled = use_face(*run.face, font.px);
        cairo_glyph_t* glyphs = nullptr;
        cairo_text_cluster_t* clusters = nullptr;
        int glyph_count = 0, cluster_count = 0;
        cairo_text_cluster_flags_t flags{};
        if (cairo_scaled_font_text_to_glyphs(scaled, pos.x, baseline, text.data(), static_cast<int>(text.size()),
                                             &glyphs, &glyph_count, &clusters, &cluster_count,
                                             &flags) != CAIRO_STATUS_SUCCESS)
            continue;
        // Each cluster's glyphs on the grid, by the characters before it; the
        // clusters keep the page's text searchable.
        int glyph = 0;
        std::size_t byte = 0;
        for (int c = 0; c < cluster_count; ++c) {
            for (int g = 0; g < clusters[c].num_glyphs && glyph + g < glyph_count; ++g)
                glyphs[glyph + g].x = pos.x + static_cast<double>(chars) * advance;
            glyph += clusters[c].num_glyphs;
            const auto bytes = static_cast<std::size_t>(clusters[c].num_bytes);
            for (std::size_t b = byte; b < byte + bytes && b < text.size(); ++b)
                if ((static_cast<unsigned char>(text[b]) & 0xC0) != 0x80) ++chars;
            byte += bytes;
        }
        cairo_show_text_glyphs(cr_, text.data(), static_cast<int>(text.size()), glyphs, glyph_count, clusters,
                               cluster_count, flags);
        cairo_glyph_free(glyphs);
        cairo_text_cluster_free(clusters);
    }
}

void CairoPainter::rect(ImVec2 min, ImVec2 max, ImU32 color, float rounding) {
    set_rgba(cr_, color);
    rounded_path(cr_, min, max, rounding);
    cairo_fill(cr_);
}

void CairoPainter::fill(ImVec2 min, ImVec2 max, ImU32 color, float rounding) { rect(min, max, color, rounding); }

void CairoPainter::gradient(ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) {
    cairo_pattern_t* pattern = cairo_pattern_create_linear(0, min.y, 0, max.y);
    auto stop = [&](double at, ImU32 c) {
        cairo_pattern_add_color_stop_rgba(pattern, at, static_cast<double>(c & 0xFF) / 255.0,
                                          static_cast<double>((c >> 8) & 0xFF) / 255.0,
                                          static_cast<double>((c >> 16) & 0xFF) / 255.0, static_cast<double>(c >> 24) / 255.0);
    };
    stop(0, top);
    stop(1, bottom);
    cairo_set_source(cr_, pattern);
    cairo_rectangle(cr_, min.x, min.y, max.x - min.x, max.y - min.y);
    cairo_fill(cr_);
    cairo_pattern_destroy(pattern);
}

void CairoPainter::frame(ImVec2 min, ImVec2 max, ImU32 color, float rounding, float thickness) {
    set_rgba(cr_, color);
    rounded_path(cr_, min, max, rounding);
    cairo_set_line_width(cr_, thickness);
    cairo_stroke(cr_);
}

void CairoPainter::line(ImVec2 a, ImVec2 b, ImU32 color, float thickness) {
    set_rgba(cr_, color);
    cairo_move_to(cr_, a.x, a.y);
    cairo_line_to(cr_, b.x, b.y);
    cairo_set_line_width(cr_, thickness);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
    cairo_stroke(cr_);
}

void CairoPainter::push_clip(ImVec2 min, ImVec2 max) {
    cairo_save(cr_);
    cairo_rectangle(cr_, min.x, min.y, std::max(0.0f, max.x - min.x), std::max(0.0f, max.y - min.y));
    cairo_clip(cr_);
}

void CairoPainter::pop_clip() { cairo_restore(cr_); }

const CairoPainter::Image& CairoPainter::load(const std::filesystem::path& path) {
    auto it = images_.find(path);
    if (it != images_.end()) return it->second;
    Image image;
    if (auto problem = deck::image_problem(path)) {
        image.info.error = deck::remote_status(path).state == deck::FetchState::Failed
                               ? deck::remote_status(path).error
                               : "cannot read image: " + *problem;
        return images_.emplace(path, std::move(image)).first->second;
    }
    const deck::ImageHeader header = deck::read_image_header(path);
    if (header.format == deck::ImageFormat::Svg) {
        // Drawn as vectors: the PDF keeps its paths and text.
        GError* error = nullptr;
        RsvgHandle* svg = rsvg_handle_new_from_file(path.c_str(), &error);
        if (!svg) {
            image.info.error = std::string("cannot read image: ") + (error ? error->message : "not valid SVG");
            if (error) g_error_free(error);
            return images_.emplace(path, std::move(image)).first->second;
        }
        image.svg = std::shared_ptr<void>(svg, [](void* p) { g_object_unref(p); });
        image.info = {header.width, header.height, {}};
        return images_.emplace(path, std::move(image)).first->second;
    }
    const deck::Pixels pixels = deck::decode_image(path);
    if (!pixels.error.empty()) {
        image.info.error = "cannot read image: " + pixels.error;
        return images_.emplace(path, std::move(image)).first->second;
    }
    const int w = pixels.width, h = pixels.height;
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        image.info.error = "image too large: " + std::to_string(w) + "x" + std::to_string(h);
        return images_.emplace(path, std::move(image)).first->second;
    }
    // RGBA bytes to cairo's premultiplied, native-endian ARGB words.
    cairo_surface_flush(surface);
    unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < h; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        const std::uint8_t* p = pixels.rgba.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * 4;
        for (int x = 0; x < w; ++x, p += 4) {
            const std::uint32_t a = p[3];
            auto pre = [a](std::uint32_t v) { return (v * a + 127) / 255; };
            row[x] = a << 24 | pre(p[0]) << 16 | pre(p[1]) << 8 | pre(p[2]);
        }
    }
    cairo_surface_mark_dirty(surface);
    // A JPEG goes into a PDF as the file itself, not as decoded pixels; and an
    // image drawn on many pages is embedded once.
    if (pixels.format == deck::ImageFormat::Jpeg) {
        auto* bytes = new std::string(file_bytes(path));
        if (bytes->empty() ||
            cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG,
                                        reinterpret_cast<const unsigned char*>(bytes->data()), bytes->size(),
                                        [](void* p) { delete static_cast<std::string*>(p); }, bytes) !=
                CAIRO_STATUS_SUCCESS)
            delete bytes;
    }
    auto* id = new std::string(std::filesystem::absolute(path).string());
    if (cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_UNIQUE_ID,
                                    reinterpret_cast<const unsigned char*>(id->data()), id->size(),
                                    [](void* p) { delete static_cast<std::string*>(p); }, id) != CAIRO_STATUS_SUCCESS)
        delete id;
    image.surface = surface;
    image.info = {w, h, {}};
    return images_.emplace(path, std::move(image)).first->second;
}

ImageInfo CairoPainter::image_info(const std::filesystem::path& path) { return load(path).info; }

void CairoPainter::image(const std::filesystem::path& path, ImVec2 min, ImVec2 max, float rounding) {
    const Image& image = load(path);
    if ((!image.surface && !image.svg) || max.x <= min.x || max.y <= min.y) return;
    cairo_save(cr_);
    rounded_path(cr_, min, max, rounding);
    cairo_clip(cr_);
    if (image.svg) {
        const RsvgRectangle viewport{min.x, min.y, static_cast<double>(max.x - min.x), static_cast<double>(max.y - min.y)};
        rsvg_handle_render_document(static_cast<RsvgHandle*>(image.svg.get()), cr_, &viewport, nullptr);
        cairo_restore(cr_);
        return;
    }
    cairo_translate(cr_, min.x, min.y);
    cairo_scale(cr_, (max.x - min.x) / static_cast<double>(image.info.width),
                (max.y - min.y) / static_cast<double>(image.info.height));
    cairo_set_source_surface(cr_, image.surface, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_GOOD);
    cairo_paint(cr_);
    cairo_restore(cr_);
}

namespace {

class MeasuringPainter final : public Painter {
public:
    explicit MeasuringPainter(const render::Fonts& fonts)
        : surface_(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)), cr_(cairo_create(surface_)) {
        if (cairo_status(cr_) != CAIRO_STATUS_SUCCESS) {
            cairo_destroy(cr_);
            cairo_surface_destroy(surface_);
            throw std::runtime_error("cairo: cannot make a context to measure text in");
        }
        try {
            cairo_ = std::make_unique<CairoPainter>(cr_, fonts);
        } catch (...) {
            cairo_destroy(cr_);
            cairo_surface_destroy(surface_);
            throw;
        }
    }
    ~MeasuringPainter() override {
        cairo_.reset();
        cairo_destroy(cr_);
        cairo_surface_destroy(surface_);
    }
    MeasuringPainter(const MeasuringPainter&) = delete;
    MeasuringPainter& operator=(const MeasuringPainter&) = delete;

    float text_width(const FontSpec& font, std::string_view text) override { return cairo_->text_width(font, text); }
    float advance_per_px(render::Face face) override { return cairo_->advance_per_px(face); }
    void text(const FontSpec&, ImVec2, ImU32, std::string_view) override {}
    void mono_text(const FontSpec&, ImVec2, ImU32, std::string_view, float) override {}
    void rect(ImVec2, ImVec2, ImU32, float) override {}
    void fill(ImVec2, ImVec2, ImU32, float) override {}
    void gradient(ImVec2, ImVec2, ImU32, ImU32) override {}
    void frame(ImVec2, ImVec2, ImU32, float, float) override {}
    void line(ImVec2, ImVec2, ImU32, float) override {}
    void push_clip(ImVec2, ImVec2) override {}
    void pop_clip() override {}
    ImageInfo image_info(const std::filesystem::path& path) override { return cairo_->image_info(path); }
    void image(const std::filesystem::path&, ImVec2, ImVec2, float) override {}

private:
    cairo_surface_t* surface_;
    cairo_t* cr_;
    std::unique_ptr<CairoPainter> cairo_;
};

}  // namespace

std::unique_ptr<Painter> measuring_painter(const render::Fonts& fonts) {
    return std::make_unique<MeasuringPainter>(fonts);
}

}  // namespace livedeck::views
