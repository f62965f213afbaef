// The PDF export: the demos run first, all at once; then every slide is
// drawn at a time after every demo ended, by the audience view, through a
// cairo painter onto a PDF page of 960x540 pt (the 1920x1080 canvas at half
// a point a unit).
#include "views/export_pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "views/layouts.hpp"
#include "views/painter_cairo.hpp"
#include "views/slide_view.hpp"

namespace livedeck::views {

namespace {

constexpr float points_per_unit = 0.5f;
// The longest the demos may run, all together, before the pages are drawn
// anyway (an unfinished demo's page shows it still running).
constexpr auto run_limit = std::chrono::minutes(5);

// [SECTION] Running the demos ----------------------------------------------

// Starts every demo slide's demo at session time 0, all at once (each runs
// on its own thread), and waits until all have ended or run_limit passed.
// Returns a session time after the last event of every run.
double run_all_demos(show::Presentation& show) {
    std::vector<int> slides;
    for (int i = 0; i < show.slide_count(); ++i) {
        if (!show.demo(i)) continue;
        show.apply({show::CommandKind::Jump, i}, 0);
        show.apply({show::CommandKind::Run}, 0);
        slides.push_back(i);
    }
    if (slides.empty()) return 0;
    std::cerr << "livedeck export: running " << slides.size() << (slides.size() == 1 ? " demo" : " demos at once")
              << " (at most "
              << std::chrono::duration_cast<std::chrono::minutes>(run_limit).count() << " minutes)\n";
    const auto deadline = std::chrono::steady_clock::now() + run_limit;
    for (;;) {
        show.update();
        const demos::Run* pending = nullptr;
        for (int i : slides)
            if (const show::DemoSlot* slot = show.demo(i); slot && slot->run && !slot->run->done()) {
                pending = slot->run.get();
                break;
            }
        if (!pending) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            for (int i : slides)
                if (const show::DemoSlot* slot = show.demo(i); slot && slot->run && !slot->run->done())
                    std::cerr << "livedeck export: demo " << slot->demo->name << " (slide " << i + 1
                              << ") did not end within the time limit: its page shows it unfinished\n";
            break;
        }
        pending->trace().wait(pending->trace().size(), std::chrono::milliseconds(200));
    }
    show.update();
    double t = 0;
    for (int i : slides)
        if (const show::DemoSlot* slot = show.demo(i); slot && !slot->events.empty())
            t = std::max(t, slot->started + slot->events.back().t);
    return t + 1;
}

// [SECTION] Notes -----------------------------------------------------------

// The notes as rich text: paragraphs (blank-line separated) kept, the
// lines inside one joined.
std::vector<deck::Span> note_spans(const std::string& notes) {
    std::vector<deck::Span> spans;
    std::size_t at = 0;
    while (at < notes.size()) {
        std::size_t end = notes.find("\n\n", at);
        if (end == std::string::npos) end = notes.size();
        std::string paragraph = notes.substr(at, end - at);
        std::replace(paragraph.begin(), paragraph.end(), '\n', ' ');
        if (paragraph.find_first_not_of(" \t") != std::string::npos) {
            if (!spans.empty()) {
                spans.push_back({"\n", 0});
                spans.push_back({"\n", 0});
            }
            spans.push_back({std::move(paragraph), 0});
        }
        at = notes.find_first_not_of('\n', end);
        if (at == std::string::npos) break;
    }
    return spans;
}

// The notes strip under a slide, in canvas units from the slide's bottom:
// its height, and with `draw` the strip itself.
float notes_strip(const Canvas& canvas, const std::string& notes, bool draw) {
    const Theme& t = *canvas.theme;
    const float top = t.canvas_height;
    const float pad = 48, label_gap = 20;
    const float left = t.layout.margin_x, width = t.canvas_width - 2 * t.layout.margin_x;
    std::vector<deck::Span> spans = note_spans(notes);
    const bool none = spans.empty();
    if (none) spans.push_back({"(no notes for this slide)", 0});
    const TextStyle style{t.size.notes, false, none ? t.color.muted : t.color.text};
    const float text_top = pad + t.size.small * t.layout.line_height + label_gap;
    const float height = text_top + draw_spans(canvas, spans, ImVec2(left, 0), width, style, false) + pad;
    if (!draw) return height;
    canvas.fill(ImVec2(0, top), ImVec2(t.canvas_width, top + height), t.color.code_bg);
    canvas.line(ImVec2(0, top + 1.5f), ImVec2(t.canvas_width, top + 1.5f), t.color.pane_border, 3);
    canvas.text(render::Face::SansBold, t.size.small, ImVec2(left, top + pad), t.color.pane_title, "NOTES");
    draw_spans(canvas, spans, ImVec2(left, top + text_top), width, style);
    return height;
}

// [SECTION] Writing ----------------------------------------------------------

// The PDF's bytes go through stdio so that a failed write can say why.
struct Output {
    std::FILE* file = nullptr;
    int error = 0;  // errno of the first failed write
};

cairo_status_t write_bytes(void* closure, const unsigned char* data, unsigned int length) {
    auto* out = static_cast<Output*>(closure);
    if (out->error) return CAIRO_STATUS_WRITE_ERROR;
    errno = 0;
    if (std::fwrite(data, 1, length, out->file) != length) {
        out->error = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

std::string bookmark(const deck::Slide& slide, int index) {
    return std::to_string(index + 1) + ". " + (slide.title.empty() ? std::string("(no title)") : slide.title);
}

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

// Draws every page; returns the cairo status of the first failure.
cairo_status_t draw_pages(cairo_surface_t* surface, show::Presentation& show, double t, bool notes) {
    const Theme& theme = views::theme();
    const std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface));
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) return cairo_status(cr.get());
    Stage stage;  // the fonts' files (fontconfig); nothing of GL is used
    CairoPainter painter(cr.get(), stage.fonts());
    const Canvas page{&painter, ImVec2(0, 0), points_per_unit, &theme};
    const UiState ui;
    const Frame frame{show, ui, t, 0, Role::Audience};

    if (const deck::Slide* first = show.slide(0); first && !first->title.empty())
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, first->title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "livedeck");

    for (int i = 0; i < show.slide_count(); ++i) {
        show.apply({show::CommandKind::Jump, i}, t);
        show.apply({show::CommandKind::RevealAll}, t);  // a page shows the whole slide
        const deck::Slide& slide = *show.slide(i);
        const float height = theme.canvas_height + (notes ? notes_strip(page, slide.notes, false) : 0);
        cairo_pdf_surface_set_size(surface, theme.canvas_width * points_per_unit, height * points_per_unit);
        draw_slide_canvas(page, ImVec2(0, 0), theme.canvas_width, frame, i, stage, nullptr);
        if (notes) notes_strip(page, slide.notes, true);
        cairo_show_page(cr.get());
        const std::string link = "page=" + std::to_string(i + 1);
        cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, bookmark(slide, i).c_str(), link.c_str(),
                                      cairo_pdf_outline_flags_t{});
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) return cairo_status(cr.get());
        if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) return cairo_surface_status(surface);
    }
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

int export_pdf(const PdfOptions& options) {
    const std::string name = options.output.string();
    Output out;
    auto fail = [&](const std::string& why) {
        std::cerr << "livedeck export: " << why << "\n";
        if (out.file) {
            std::fclose(out.file);
            out.file = nullptr;
            // A partial file is no PDF; never remove what is not a plain file (/dev/full).
            std::error_code ec;
            if (std::filesystem::is_regular_file(options.output, ec)) std::filesystem::remove(options.output, ec);
        }
        return 1;
    };
    try {
        show::Options show_options = options.show;
        show_options.manual_steps = false;  // nobody is there to press Step: hand-driven demos pace themselves
        show::Presentation show(show_options, 0.0);
        if (show.slide_count() == 0)
            return fail(show.deck().path.string() + " has no slides to export");
        const double t = options.run_demos ? run_all_demos(show) : 0.0;

        out.file = std::fopen(name.c_str(), "wb");
        if (!out.file) return fail("cannot write " + name + ": " + std::strerror(errno));
        const std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(cairo_pdf_surface_create_for_stream(
            write_bytes, &out, theme().canvas_width * points_per_unit, theme().canvas_height * points_per_unit));
        cairo_status_t status = cairo_surface_status(surface.get());
        if (status == CAIRO_STATUS_SUCCESS) status = draw_pages(surface.get(), show, t, options.notes);
        cairo_surface_finish(surface.get());
        if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface.get());
        if (status != CAIRO_STATUS_SUCCESS)
            return fail("cannot write " + name + ": " +
                        (status == CAIRO_STATUS_WRITE_ERROR && out.error ? std::strerror(out.error)
                                                                          : cairo_status_to_string(status)));
        errno = 0;
        const bool flushed = std::fflush(out.file) == 0;
        const int flush_error = errno;
        const bool closed = std::fclose(out.file) == 0;
        const int close_error = errno;
        out.file = nullptr;
        if (!flushed || !closed) {
            std::error_code ec;
            if (std::filesystem::is_regular_file(options.output, ec)) std::filesystem::remove(options.output, ec);
            std::cerr << "livedeck export: cannot write " << name << ": "
                      << std::strerror(!flushed ? flush_error : close_error) << "\n";
            return 1;
        }
        std::cout << name << ": " << show.slide_count() << " pages\n";
        return 0;
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}

}  // namespace livedeck::views
