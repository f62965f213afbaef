// The audience slide: background, title, Markdown blocks, a demo's panes,
// the slide number. Nothing meant for the presenter alone: no notes, no
// diagnostics with file paths (the console lists those).
#include <algorithm>
#include <span>

#include "views/layouts.hpp"
#include "views/slide_view.hpp"

namespace livedeck::views {

using render::Face;

namespace {

// The slide's first heading is its title, drawn bigger.
const deck::Block* title_of(const deck::Slide& s) {
    return !s.blocks.empty() && s.blocks.front().kind == deck::BlockKind::Heading ? &s.blocks.front() : nullptr;
}

// A slide's title (with its accent rule) and, on a demo slide, the text
// above the panes; returns the y below them. With `draw` false it only
// measures: demo_top() and draw_slide() share it, so they agree.
float slide_top(const Canvas& canvas, const deck::Slide& s, render::ImageCache& images, bool draw) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    const float width = t.canvas_width - 2 * t.layout.margin_x;
    const deck::Block* heading = title_of(s);
    const std::span<const deck::Block> body(s.blocks.data() + (heading ? 1 : 0), s.blocks.size() - (heading ? 1 : 0));
    float y = t.layout.margin_top;
    if (heading) {
        y += draw_spans(canvas, heading->spans, ImVec2(left, y), width, {t.size.h1, true, t.color.heading}, draw);
        if (draw) canvas.rect(ImVec2(left, y + 8), ImVec2(left + 110, y + 14), t.color.accent, 3);
        y += t.layout.heading_gap;
    }
    if (s.demo && !body.empty()) y = draw_blocks(canvas, images, body, left, y, width, draw) + t.layout.block_gap;
    return y;
}

void draw_slide(const Canvas& canvas, const Frame& frame, int index, Stage& stage, Intents* intents) {
    const Theme& t = *canvas.theme;
    const show::Presentation& show = frame.show;
    const deck::Slide& s = *show.slide(index);
    const float left = t.layout.margin_x;
    const float width = t.canvas_width - 2 * t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;

    const deck::Block* heading = title_of(s);
    const std::span<const deck::Block> body(s.blocks.data() + (heading ? 1 : 0),
                                            s.blocks.size() - (heading ? 1 : 0));
    const bool title_slide = index == 0 && !s.demo;

    if (title_slide) {
        // Centred vertically: title, accent rule, then the rest.
        float h = heading ? draw_spans(canvas, heading->spans, {}, width, {t.size.title, true, t.color.heading}, false) : 0;
        h += t.layout.heading_gap * 1.5f;
        const float rest = draw_blocks(canvas, stage.images(), body, left, 0, width, false);
        float y = std::max(t.layout.margin_top, (t.canvas_height - h - rest) * 0.5f);
        if (heading) y += draw_spans(canvas, heading->spans, ImVec2(left, y), width, {t.size.title, true, t.color.heading});
        canvas.rect(ImVec2(left, y + 18), ImVec2(left + 160, y + 26), t.color.accent, 4);
        y += t.layout.heading_gap * 1.5f;
        draw_blocks(canvas, stage.images(), body, left, y, width);
    } else {
        const float y = slide_top(canvas, s, stage.images(), true);
        if (const show::DemoSlot* demo = show.demo(index)) {
            DemoFrame f = demo_frame(*demo, frame.t);
            if (demo->view.timeline) f.axis = shared_timeline_axis(show, frame.t);
            draw_demo(canvas, f, y, intents);
        } else if (!s.demo) {
            draw_blocks(canvas, stage.images(), body, left, y, width);
        }
    }

    // Footer: the slide number, and the jump prompt while digits are typed.
    const std::string number = std::to_string(index + 1) + " / " + std::to_string(show.slide_count());
    const float nw = canvas.text_width(Face::Sans, t.size.small, number);
    canvas.text(Face::Sans, t.size.small, ImVec2(t.canvas_width - left - nw, bottom + 20), t.color.muted, number);
    if (intents && frame.role != Role::Audience && !frame.ui.jump.empty()) {
        const std::string prompt = "Go to slide " + frame.ui.jump + "_";
        const float pw = canvas.text_width(Face::SansBold, t.size.body, prompt);
        const ImVec2 min((t.canvas_width - pw) * 0.5f - 30, t.canvas_height * 0.5f - 50);
        canvas.rect(min, ImVec2(min.x + pw + 60, min.y + 100), t.color.button, t.layout.radius);
        canvas.text(Face::SansBold, t.size.body, ImVec2(min.x + 30, min.y + 30), t.color.heading, prompt);
    }
}

// A deck that could not be read at all. The room sees a neutral slide; the
// presenter's console and stderr say what is wrong and where.
void draw_no_deck(const Canvas& canvas, const Frame& frame) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    float y = t.layout.margin_top;
    y += draw_spans(canvas, {{"This deck cannot be shown", 0}}, ImVec2(left, y), t.canvas_width - 2 * left,
                    {t.size.h1, true, frame.role == Role::Audience ? t.color.heading : t.color.error});
    if (frame.role == Role::Audience) return;
    y += t.layout.heading_gap;
    std::vector<deck::Span> spans;
    for (const deck::Diagnostic& d : frame.show.problems()) {
        if (!spans.empty()) spans.push_back({"\n", 0});
        spans.push_back({d.str(), deck::SpanStyle_Code});
    }
    y += draw_spans(canvas, spans, ImVec2(left, y), t.canvas_width - 2 * left, {t.size.body, false, t.color.text});
    y += t.layout.block_gap * 2;
    draw_spans(canvas, {{"Fix the file and save it: livedeck reloads it.", 0}}, ImVec2(left, y),
               t.canvas_width - 2 * left, {t.size.body, false, t.color.muted});
}

}  // namespace

float demo_top(const Canvas& canvas, const deck::Slide& slide, render::ImageCache& images) {
    return slide_top(canvas, slide, images, false);
}

void draw_slide_canvas(const Canvas& ui, ImVec2 min, float width, const Frame& frame, int index, Stage& stage,
                       Intents* intents) {
    const Theme& t = *ui.theme;
    Canvas canvas = ui;
    canvas.origin = ui.screen(min);
    canvas.k = ui.k * width / t.canvas_width;
    canvas.gradient(ImVec2(0, 0), ImVec2(t.canvas_width, t.canvas_height), t.color.background,
                    t.color.background_edge);
    canvas.clip(ImVec2(0, 0), ImVec2(t.canvas_width, t.canvas_height));
    if (frame.show.slide(index))
        draw_slide(canvas, frame, index, stage, intents);
    else
        draw_no_deck(canvas, frame);
    canvas.unclip();
}

}  // namespace livedeck::views
