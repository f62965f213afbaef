// The presenter console: the slide as the room sees it, the next slide, the
// notes, the talk's timer, the wall clock, the time on this slide, the
// audience screen's state and the deck's problems. Only the presenter's
// window draws it.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "views/layouts.hpp"
#include "views/slide_view.hpp"

namespace livedeck::views {

using render::Face;

namespace {

std::string clock_text(double s) {
    const long total = static_cast<long>(s);
    char buffer[32];
    if (total >= 3600)
        std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", total / 60, total % 60);
    return buffer;
}

std::string wall_text(std::time_t wall) {
    if (wall == 0) return {};
    std::tm local{};
    if (!localtime_r(&wall, &local)) return {};
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%H:%M", &local);
    return buffer;
}

}  // namespace

void draw_presenter(const Canvas& ui, const Frame& frame, Stage& stage, Intents& intents) {
    const Theme& t = *ui.theme;
    const show::Presentation& show = frame.show;
    const float margin = 40;
    const float main_w = t.canvas_width * 0.62f;
    const float main_h = main_w * t.canvas_height / t.canvas_width;
    draw_slide_canvas(ui, ImVec2(margin, margin), main_w, frame, show.current(), stage, &intents);
    // What the room sees instead, when it is blacked or whited out.
    if (show.screen() != show::Screen::Slide) {
        const bool black = show.screen() == show::Screen::Black;
        const char* label = black ? "AUDIENCE SCREEN BLACK  (B)" : "AUDIENCE SCREEN WHITE  (W)";
        const float w = ui.text_width(Face::SansBold, t.size.small, label) + 48;
        const ImVec2 min(margin + (main_w - w) * 0.5f, margin + 20);
        ui.rect(min, ImVec2(min.x + w, min.y + 56), black ? IM_COL32(0, 0, 0, 235) : IM_COL32(255, 255, 255, 235),
                t.layout.radius);
        ui.text(Face::SansBold, t.size.small, ImVec2(min.x + 24, min.y + 14),
                black ? IM_COL32_WHITE : IM_COL32_BLACK, label);
    }

    // Recording: REC and its time, or why it stopped (the console only).
    if (frame.ui.recording || !frame.ui.record_status.empty()) {
        const std::string rec = frame.ui.recording ? "\xE2\x97\x8F REC  " + clock_text(frame.ui.recorded) : "";
        std::string line = rec;
        if (!frame.ui.record_status.empty()) line += (line.empty() ? "" : "   ") + frame.ui.record_status;
        const float lw = ui.text_width(Face::SansBold, t.size.small, line);
        ui.text(Face::SansBold, t.size.small, ImVec2(t.canvas_width - margin - lw, margin + t.size.h2 * 0.7f + 20),
                frame.ui.recording ? t.color.error : t.color.muted, line);
    }

    // Right column: the clocks, then the next slide.
    const float x = margin * 2 + main_w;
    const float w = t.canvas_width - x - margin;
    const show::Timer& timer = show.timer();
    const std::string elapsed = clock_text(timer.elapsed(frame.t));
    ui.text(Face::MonoBold, t.size.h1, ImVec2(x, margin - 10), timer.paused() ? t.color.muted : t.color.heading,
            elapsed);
    const std::string state = !timer.started() ? "starts at the first slide change"
                              : timer.paused() ? "paused  (T resumes)"
                                               : "";
    if (!state.empty())
        ui.text(Face::Sans, t.size.small, ImVec2(x + ui.text_width(Face::MonoBold, t.size.h1, elapsed) + 24, margin + 20),
                t.color.muted, state);
    if (const std::string wall = wall_text(frame.wall); !wall.empty()) {
        const float ww = ui.text_width(Face::MonoBold, t.size.h2 * 0.7f, wall);
        ui.text(Face::MonoBold, t.size.h2 * 0.7f, ImVec2(t.canvas_width - margin - ww, margin), t.color.text, wall);
    }
    // Time on this slide, while the timer runs (it ticks with it).
    std::string position = "slide " + std::to_string(show.current() + 1) + " of " + std::to_string(show.slide_count());
    const deck::Slide* shown = show.slide(show.current());
    const int steps = shown ? shown->steps : 0;
    if (steps > 0) position += "   \xC2\xB7   step " + std::to_string(show.reveal() + 1) + " of " + std::to_string(steps + 1);
    if (timer.started() && !timer.paused())
        position += "   \xC2\xB7   on this slide " + clock_text(frame.t - show.slide_shown_at());
    ui.text(Face::Sans, t.size.small, ImVec2(x, margin + t.size.h1 + 4), t.color.muted, position);
    const float next_y = margin + t.size.h1 + 60;
    // Next: the slide's next reveal step while it has one, else the next slide.
    const bool next_step = show.reveal() < steps;
    ui.text(Face::SansBold, t.size.small, ImVec2(x, next_y), t.color.pane_title,
            next_step ? "NEXT  (step " + std::to_string(show.reveal() + 2) + " of " + std::to_string(steps + 1) + ")"
                      : std::string("NEXT"));
    const float thumb_h = w * t.canvas_height / t.canvas_width;
    if (next_step)
        draw_slide_canvas(ui, ImVec2(x, next_y + 36), w, frame, show.current(), stage, nullptr, show.reveal() + 1);
    else if (show.current() + 1 < show.slide_count())
        draw_slide_canvas(ui, ImVec2(x, next_y + 36), w, frame, show.current() + 1, stage, nullptr, 0);
    else
        ui.text(Face::Sans, t.size.small, ImVec2(x, next_y + 36), t.color.muted, "End of the deck");

    // Under the next slide: the deck's problems, for the presenter only.
    const float problems_y = next_y + 36 + thumb_h + 24;
    const float notes_y = margin * 2 + main_h;
    const std::vector<deck::Diagnostic>& problems = show.problems();
    if (!problems.empty()) {
        std::vector<deck::Span> spans;
        spans.push_back({show.reload_rejected() ? "Not reloaded, showing the last good deck:" : "Deck problems:",
                         deck::SpanStyle_Bold});
        for (const deck::Diagnostic& d : problems) {
            spans.push_back({"\n", 0});
            spans.push_back({d.str(), 0});
        }
        ui.rect(ImVec2(x, problems_y), ImVec2(x + w, notes_y - 16), t.color.error_bg, t.layout.radius);
        ui.clip(ImVec2(x, problems_y), ImVec2(x + w, notes_y - 16));
        draw_spans(ui, spans, ImVec2(x + 16, problems_y + 12), w - 32, {t.size.small * 0.8f, false, t.color.error});
        ui.unclip();
    }

    // Below the slide: the speaker notes.
    ui.text(Face::SansBold, t.size.small, ImVec2(margin, notes_y), t.color.pane_title, "NOTES");
    // Publishing: the broker link and the followers, right of the NOTES label.
    if (!frame.ui.publish_status.empty()) {
        const std::string& line = frame.ui.publish_status;
        const float lw = std::min(ui.text_width(Face::SansBold, t.size.small, line), t.canvas_width * 0.7f);
        const ImVec2 at(t.canvas_width - margin - lw, notes_y);
        ui.clip(at, ImVec2(t.canvas_width - margin, notes_y + t.size.small * 1.5f));
        ui.text(Face::SansBold, t.size.small, at, frame.ui.publish_trouble ? t.color.error : t.color.ok, line);
        ui.unclip();
    }
    const deck::Slide* slide = show.slide(show.current());
    const std::string notes = slide ? slide->notes : std::string();
    std::vector<deck::Span> spans{{notes.empty() ? "(no notes for this slide)" : notes, 0}};
    for (std::size_t i = 0; (i = spans[0].text.find('\n', i)) != std::string::npos;) spans[0].text[i] = ' ';
    ui.clip(ImVec2(margin, notes_y), ImVec2(t.canvas_width - margin, t.canvas_height - margin * 0.5f));
    draw_spans(ui, spans, ImVec2(margin, notes_y + 40), t.canvas_width - 2 * margin,
               {t.size.notes, false, notes.empty() ? t.color.muted : t.color.text});
    ui.unclip();
}

void draw_go_to(const Canvas& ui, const UiState& state) {
    const Theme& t = *ui.theme;
    const float w = 1100, row = 56;
    const float h = 130 + row * static_cast<float>(std::max<std::size_t>(state.hits.size(), 1));
    const ImVec2 min((t.canvas_width - w) * 0.5f, 160);
    ui.rect(ImVec2(min.x - 4, min.y - 4), ImVec2(min.x + w + 4, min.y + h + 4), t.color.accent, t.layout.radius + 2);
    ui.rect(min, ImVec2(min.x + w, min.y + h), t.color.button, t.layout.radius);
    ui.text(Face::SansBold, t.size.body, ImVec2(min.x + 30, min.y + 26), t.color.heading, "Go to: " + state.query + "_");
    float y = min.y + 100;
    if (state.hits.empty()) {
        ui.text(Face::Sans, t.size.small, ImVec2(min.x + 30, y + 12), t.color.muted,
                state.query.empty() ? "Type a slide number or words from it; Enter jumps, Esc cancels"
                                    : "No slide matches");
        return;
    }
    for (std::size_t i = 0; i < state.hits.size(); ++i) {
        const show::SearchHit& hit = state.hits[i];
        const bool selected = static_cast<int>(i) == state.selected;
        if (selected) ui.rect(ImVec2(min.x + 12, y), ImVec2(min.x + w - 12, y + row), t.color.active_line, 8);
        ui.text(Face::MonoBold, t.size.small, ImVec2(min.x + 30, y + 14), selected ? t.color.accent : t.color.muted,
                std::to_string(hit.slide + 1));
        ui.clip(ImVec2(min.x + 110, y), ImVec2(min.x + w - 20, y + row));
        ui.text(Face::Sans, t.size.small, ImVec2(min.x + 110, y + 14), selected ? t.color.heading : t.color.text,
                hit.title);
        ui.unclip();
        y += row;
    }
}

}  // namespace livedeck::views
