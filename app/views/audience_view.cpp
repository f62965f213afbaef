// The audience slide: background, title, Markdown blocks, a demo's panes,
// the slide number. Nothing meant for the presenter alone: no notes, no
// diagnostics with file paths (the console lists those).
#include <algorithm>
#include <climits>
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

// A demo slide's title (with its accent rule) and the text above the panes;
// returns the y below them. With `draw` false it only measures: demo_top()
// and draw_slide() share it, so they agree.
float slide_top(const Canvas& canvas, const deck::Slide& s, render::ImageCache& images, bool draw,
                int reveal = INT_MAX) {
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
    if (s.demo && !body.empty()) {
        Flow flow;
        flow.draw = draw;
        flow.reveal = reveal;
        y = draw_blocks(canvas, images, body, left, y, width, flow) + t.layout.block_gap;
    }
    return y;
}

void draw_slide(const Canvas& canvas, const Frame& frame, int index, int reveal, Stage& stage, Intents* intents) {
    const Theme& t = *canvas.theme;
    const show::Presentation& show = frame.show;
    const deck::Slide& s = *show.slide(index);
    const float left = t.layout.margin_x;
    const float width = t.canvas_width - 2 * t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;

    if (const show::DemoSlot* demo = show.demo(index)) {
        // The panes take what the title and the text leave.
        const float y = slide_top(canvas, s, stage.images(), true, reveal);
        DemoFrame f = demo_frame(*demo, frame.t);
        if (demo->view.timeline) f.axis = shared_timeline_axis(show, frame.t);
        draw_demo(canvas, f, y, intents);
    } else {
        // Its title, then the rest fitted into the box below it (the title
        // slide centred: title, accent rule, the rest).
        const SlideLayout l = layout_slide(canvas, stage.images(), s, index == 0);
        if (l.title_slide) {
            if (l.heading)
                draw_spans(canvas, l.heading->spans, ImVec2(left, l.heading_y), width,
                           {t.size.title, true, t.color.heading});
            canvas.rect(ImVec2(left, l.rule_y), ImVec2(left + 160, l.rule_y + 8), t.color.accent, 4);
        } else if (l.heading) {
            draw_spans(canvas, l.heading->spans, ImVec2(left, l.heading_y), width, {t.size.h1, true, t.color.heading});
            canvas.rect(ImVec2(left, l.rule_y), ImVec2(left + 110, l.rule_y + 6), t.color.accent, 3);
        }
        draw_body(canvas, stage.images(), l, reveal);
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

void draw_slide_canvas(const Canvas& ui, ImVec2 min, float width, const Frame& frame, int index, Stage& stage,
                       Intents* intents, int reveal) {
    const Theme& t = *ui.theme;
    Canvas canvas = ui;
    canvas.origin = ui.screen(min);
    canvas.k = ui.k * width / t.canvas_width;
    canvas.gradient(ImVec2(0, 0), ImVec2(t.canvas_width, t.canvas_height), t.color.background,
                    t.color.background_edge);
    canvas.clip(ImVec2(0, 0), ImVec2(t.canvas_width, t.canvas_height));
    if (reveal < 0) reveal = index == frame.show.current() ? frame.show.reveal() : INT_MAX;
    if (frame.show.slide(index))
        draw_slide(canvas, frame, index, reveal, stage, intents);
    else
        draw_no_deck(canvas, frame);
    canvas.unclip();
}

float demo_top(const Canvas& canvas, const deck::Slide& slide, render::ImageCache& images) {
    return slide_top(canvas, slide, images, false);
}

}  // namespace livedeck::views
