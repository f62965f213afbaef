#include "views/layouts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <malloc.h>

#include "views/glyph_set.hpp"
#include "views/painter_imgui.hpp"

namespace livedeck::views {

Stage::Stage() {
    const Theme& t = theme();
    fonts_ = std::make_unique<render::Fonts>(t.sans_family, t.mono_family);
}

void Stage::prepare_fonts(float raster, std::span<const char32_t> text) {
    if (raster <= 0) return;
    const bool new_text = !std::includes(text_.begin(), text_.end(), text.begin(), text.end());
    if (!new_text && fonts_->scale() > 0 && std::abs(raster - fonts_->scale()) / fonts_->scale() < 0.01f) return;
    if (new_text) {
        // Characters of earlier decks stay while they fit: going back and
        // forth between two versions of a deck does not rebuild each time.
        std::vector<char32_t> all;
        std::set_union(text_.begin(), text_.end(), text.begin(), text.end(), std::back_inserter(all));
        text_ = all.size() <= render::Fonts::max_extra_glyphs + 512 ? std::move(all)
                                                                    : std::vector<char32_t>(text.begin(), text.end());
    }
    fonts_->build(theme().font_requests(), raster, text_);
    // Rasterizing leaves megabytes of FreeType's and the atlas builder's
    // scratch freed but held by malloc: give them back.
    malloc_trim(0);
}

std::vector<char32_t> Stage::code_points(const show::Presentation& show, std::string_view typed) {
    std::vector<char32_t> points = deck_code_points(show.deck());
    if (typed.size() <= 256) {  // the prompt's length is the controller's; past this, not worth an atlas
        const std::size_t deck = points.size();
        add_code_points(typed, points);
        if (points.size() != deck) {
            std::sort(points.begin(), points.end());
            points.erase(std::unique(points.begin(), points.end()), points.end());
        }
    }
    const show::DemoSlot* slot = show.current_demo();
    if (slot != output_slot_ || (slot && slot->events.size() < output_seen_)) {
        output_slot_ = slot;  // another demo, or this one restarted: read from the start
        output_seen_ = output_actors_ = 0;
    }
    if (slot) {
        // Bounded: past a few thousand, the atlas's cap cuts anyway.
        const std::size_t before = output_points_.size();
        for (; output_seen_ < slot->events.size() && output_points_.size() < 4096; ++output_seen_)
            add_code_points(slot->events[output_seen_].text, output_points_);
        for (; output_actors_ < slot->actors.size() && output_points_.size() < 4096; ++output_actors_)
            add_code_points(slot->actors[output_actors_], output_points_);
        if (output_points_.size() != before) {
            std::sort(output_points_.begin(), output_points_.end());
            output_points_.erase(std::unique(output_points_.begin(), output_points_.end()), output_points_.end());
        }
    }
    if (output_points_.empty()) return points;
    std::vector<char32_t> all;
    std::set_union(points.begin(), points.end(), output_points_.begin(), output_points_.end(), std::back_inserter(all));
    return all;
}

Letterbox letterbox(ImVec2 display, const Theme& t) {
    const float k = std::min(display.x / t.canvas_width, display.y / t.canvas_height);
    return {ImVec2((display.x - t.canvas_width * k) * 0.5f, (display.y - t.canvas_height * k) * 0.5f), k};
}

std::string seconds(double s) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", s);
    return buffer;
}

namespace {

Layout layout_of(const Frame& frame) {
    return frame.role == Role::Audience ? Layout::Audience : frame.ui.layout;
}

// A follower's mode (following, broken away) and the broker link: one small
// line in the footer's left corner, below the slide's content (the slide
// number has the right corner). A dot in green while in step, the accent
// while broken away, red when something is wrong. Never in the room's window.
void draw_follow_status(const Canvas& ui, const UiState& state) {
    const Theme& t = *ui.theme;
    const float y = t.canvas_height - t.layout.margin_bottom + 20;
    const ImU32 dot = state.follow_trouble                            ? t.color.error
                      : state.follow_status.starts_with("Following") ? t.color.ok
                                                                      : t.color.accent;
    const float r = t.size.small * 0.3f;
    const ImVec2 centre(t.layout.margin_x + r, y + t.size.small * 0.55f);
    ui.rect(ImVec2(centre.x - r, centre.y - r), ImVec2(centre.x + r, centre.y + r), dot, r);
    ui.clip(ImVec2(t.layout.margin_x, y - 4), ImVec2(t.canvas_width * 0.75f, t.canvas_height));
    ui.text(render::Face::Sans, t.size.small, ImVec2(t.layout.margin_x + r * 2 + 12, y),
            state.follow_trouble ? t.color.error : t.color.muted, state.follow_status);
    ui.unclip();
}

}  // namespace

float raster_scale(const Frame& frame, ImVec2 display, float pixel_scale) {
    const Theme& t = theme();
    // The presenter layout shows the slide at 62% of the display's width.
    const float part = layout_of(frame) == Layout::Presenter ? 0.62f : 1.0f;
    return letterbox(ImVec2(display.x * part, display.y * part), t).k * pixel_scale;
}

Intents draw_frame(render::Target& target, Stage& stage, const Frame& frame) {
    target.activate();
    const float scale = target.pixel_scale();
    stage.prepare_fonts(raster_scale(frame, target.display(), scale), stage.code_points(frame.show, frame.ui.query));
    target.new_frame();
    Intents intents;
    draw_window(frame, stage, ImGui::GetIO().DisplaySize, scale, intents);
    target.render();
    return intents;
}

void draw_window(const Frame& frame, Stage& stage, ImVec2 display, float pixel_scale, Intents& intents) {
    const Theme& t = theme();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(display);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    ImGui::Begin("##canvas", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNav);
    ImGui::SetWindowFontScale(1.0f / std::max(pixel_scale, 0.01f));
    // The whole display as a 1920x1080 design space, for the layouts' own
    // furniture (labels, notes, timer, thumbnails).
    const Letterbox screen = letterbox(display, t);
    stage.fills().begin_frame();
    ImGuiPainter painter(ImGui::GetWindowDrawList(), &stage.fonts(), &stage.fills(), &stage.images());
    const Canvas ui{&painter, screen.origin, screen.k, &t};
    const bool blank = frame.role == Role::Audience || (frame.role == Role::Single && frame.ui.layout == Layout::Audience);
    if (blank && frame.show.screen() != show::Screen::Slide) {
        // Blacked or whited out: nothing but the colour, to the edges.
        stage.fills().rect(ImGui::GetWindowDrawList(), ImVec2(0, 0), display,
                           frame.show.screen() == show::Screen::White ? IM_COL32_WHITE : IM_COL32_BLACK);
    } else {
        switch (layout_of(frame)) {
        case Layout::Audience:
            draw_slide_canvas(ui, ImVec2(0, 0), t.canvas_width, frame, frame.show.current(), stage, &intents);
            break;
        case Layout::Presenter: draw_presenter(ui, frame, stage, intents); break;
        case Layout::Overview: draw_overview(ui, frame, stage, intents); break;
        }
    }
    if (frame.role != Role::Audience && !frame.ui.follow_status.empty()) draw_follow_status(ui, frame.ui);
    if (frame.role != Role::Audience && frame.ui.go_to) draw_go_to(ui, frame.ui);
    ImGui::End();
    ImGui::PopStyleVar(2);
}

}  // namespace livedeck::views
