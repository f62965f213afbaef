// slide_fit.cpp: an ordinary slide laid out on the canvas, its body fitted
// into the box under its title. Content that does not fit is drawn smaller,
// down to a floor (body text 24 px, code 22 px at 1080p); below that it is
// cut at the box's edges. The audience view draws with this layout and
// `check` warns from it: one computation, not two.
#include "views/slide_view.hpp"

#include <cairo.h>

#include <algorithm>
#include <exception>
#include <memory>

#include "views/painter_cairo.hpp"
#include "views/theme.hpp"

namespace livedeck::views {

namespace {

// The body measured at `scale`: its height in the box's units, and what crossed.
float measure(const Canvas& canvas, render::ImageCache& images, std::span<const deck::Block> blocks, float width,
              float height, float scale, Flow& flow) {
    // Text widths scale with the text: measuring at 1 in a box 1/scale as big is the same.
    flow.draw = false;
    flow.bottom = height / scale;
    return draw_blocks(canvas, images, blocks, 0, 0, width / scale, flow) * scale;
}

}  // namespace

Fit fit_blocks(const Canvas& canvas, render::ImageCache& images, std::span<const deck::Block> blocks, float width,
               float height) {
    const Theme& t = *canvas.theme;
    Flow flow;
    if (measure(canvas, images, blocks, width, height, 1, flow) <= height && !flow.wide) return {};
    const float floor = std::min(1.0f, std::max(min_body_px / t.size.body, min_code_px / t.size.code));
    Flow at_floor;
    const float floor_height = measure(canvas, images, blocks, width, height, floor, at_floor);
    if (floor_height > height || at_floor.wide) {
        Fit fit;
        fit.scale = floor;
        fit.cut = floor_height > height;
        fit.cut_line = fit.cut ? at_floor.cut_line : 0;
        fit.wide = at_floor.wide;
        fit.wide_line = at_floor.wide_line;
        return fit;
    }
    // The largest scale that fits (wrapping changes with the width, so search).
    float lo = floor, hi = 1;
    for (int i = 0; i < 8; ++i) {
        const float mid = (lo + hi) * 0.5f;
        Flow f;
        if (measure(canvas, images, blocks, width, height, mid, f) <= height && !f.wide) lo = mid;
        else hi = mid;
    }
    Fit fit;
    fit.scale = lo;
    return fit;
}

SlideLayout layout_slide(const Canvas& canvas, render::ImageCache& images, const deck::Slide& s, bool title_slide) {
    const Theme& t = *canvas.theme;
    SlideLayout l;
    l.title_slide = title_slide;
    l.heading = !s.blocks.empty() && s.blocks.front().kind == deck::BlockKind::Heading ? &s.blocks.front() : nullptr;
    l.body = std::span<const deck::Block>(s.blocks.data() + (l.heading ? 1 : 0), s.blocks.size() - (l.heading ? 1 : 0));
    const float width = t.canvas_width - 2 * t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;
    if (title_slide) {
        // Centred vertically: title, accent rule, then the rest.
        const float title_h =
            l.heading ? draw_spans(canvas, l.heading->spans, {}, width, {t.size.title, true, t.color.heading}, false) : 0;
        const float h = title_h + t.layout.heading_gap * 1.5f;
        const float room = bottom - t.layout.margin_top - h;
        l.fit = fit_blocks(canvas, images, l.body, width, room);
        Flow flow;
        const float rest = l.fit.scale == 1 ? draw_blocks(canvas, images, l.body, t.layout.margin_x, 0, width, false)
                                            : std::min(room, measure(canvas, images, l.body, width, room, l.fit.scale, flow));
        l.heading_y = std::max(t.layout.margin_top, (t.canvas_height - h - rest) * 0.5f);
        l.rule_y = l.heading_y + title_h + 18;
        l.body_top = l.heading_y + h;
    } else {
        float y = t.layout.margin_top;
        l.heading_y = y;
        if (l.heading) {
            y += draw_spans(canvas, l.heading->spans, ImVec2(t.layout.margin_x, y), width,
                            {t.size.h1, true, t.color.heading}, false);
            l.rule_y = y + 8;
            y += t.layout.heading_gap;
        }
        l.body_top = y;
        l.fit = fit_blocks(canvas, images, l.body, width, bottom - y);
    }
    l.body_height = bottom - l.body_top;
    return l;
}

void draw_body(const Canvas& canvas, render::ImageCache& images, const SlideLayout& l, int reveal) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    const float width = t.canvas_width - 2 * left;
    Flow flow;
    flow.reveal = reveal;
    if (l.fit.scale == 1 && !l.fit.cut && !l.fit.wide) {
        draw_blocks(canvas, images, l.body, left, l.body_top, width, flow);
        return;
    }
    // Smaller: the same layout on a canvas drawn at the fitted scale; what
    // does not fit even so is cut at the box's edges.
    Canvas scaled = canvas;
    scaled.origin = canvas.screen(ImVec2(left, l.body_top));
    scaled.k = canvas.k * l.fit.scale;
    canvas.clip(ImVec2(left * 0.5f, l.body_top - 4), ImVec2(t.canvas_width - left * 0.5f, l.body_top + l.body_height));
    draw_blocks(scaled, images, l.body, 0, 0, width / l.fit.scale, flow);
    canvas.unclip();
}

std::vector<deck::Diagnostic> layout_warnings(const deck::Deck& deck) {
    std::vector<deck::Diagnostic> out;
    const Theme& t = theme();
    const std::string file = deck.path.string();
    try {
        render::Fonts fonts(t.sans_family, t.mono_family);
        std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
            cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8), cairo_surface_destroy);
        std::unique_ptr<cairo_t, void (*)(cairo_t*)> cr(cairo_create(surface.get()), cairo_destroy);
        CairoPainter painter(cr.get(), fonts);
        const Canvas canvas{&painter, ImVec2(0, 0), 1, &t};
        render::ImageCache images;  // not read: images come through the painter
        for (std::size_t i = 0; i < deck.slides.size(); ++i) {
            const deck::Slide& s = deck.slides[i];
            if (s.demo) continue;  // a demo slide's panes take what its text leaves
            const SlideLayout l = layout_slide(canvas, images, s, i == 0);
            const std::string which = "slide " + std::to_string(i + 1);
            if (l.fit.cut)
                out.push_back({file, l.fit.cut_line ? l.fit.cut_line : s.line,
                               which + " does not fit even at the smallest text (body " +
                                   std::to_string(static_cast<int>(min_body_px)) + " px, code " +
                                   std::to_string(static_cast<int>(min_code_px)) +
                                   " px): cut from here to the slide's end"});
            if (l.fit.wide)
                out.push_back({file, l.fit.wide_line ? l.fit.wide_line : s.line,
                               which + ": a line here is too wide even at the smallest text: cut at the right edge"});
        }
    } catch (const std::exception& e) {
        out.push_back({file, 0, std::string("cannot measure the slides (fonts): ") + e.what()});
    }
    return out;
}

}  // namespace livedeck::views
