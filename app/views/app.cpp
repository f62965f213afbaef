#include "views/app.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stop_token>

#include "farm/farm.hpp"
#include "render/context.hpp"
#include "views/canvas.hpp"
#include "views/panes.hpp"
#include "views/slide_view.hpp"
#include "views/theme.hpp"

#ifndef LIVEDECK_SOURCE_DIR
#define LIVEDECK_SOURCE_DIR "."
#endif

namespace livedeck::views {

using render::Face;

// [SECTION] Deck loading -----------------------------------------------------

std::filesystem::path default_deck() {
    const std::filesystem::path relative = "slides/talk.md";
    if (std::filesystem::exists(relative)) return relative;
    const std::filesystem::path built = std::filesystem::path(LIVEDECK_SOURCE_DIR) / relative;
    return std::filesystem::exists(built) ? built : relative;
}

deck::Deck load_deck(const std::filesystem::path& path) {
    return deck::load(path, [](const deck::DemoRef& ref) -> std::optional<std::string> {
        if (!demos::find_demo(ref.name)) {
            std::string known;
            for (const demos::Demo& d : demos::all_demos()) known += (known.empty() ? "" : ", ") + std::string(d.name);
            return "unknown demo '" + ref.name + "' (known: " + known + ")";
        }
        // Every bad parameter, not just the first.
        demos::Params params;
        std::string errors;
        for (const auto& [key, value] : ref.params)
            if (auto error = demos::apply_param(params, key, value))
                errors += (errors.empty() ? "demo " + ref.name + ": " : "; ") + *error;
        if (errors.empty()) return std::nullopt;
        return errors;
    });
}

// [SECTION] App: state and input -------------------------------------------

std::optional<Layout> parse_layout(const std::string& name) {
    if (name == "audience") return Layout::Audience;
    if (name == "presenter") return Layout::Presenter;
    if (name == "overview") return Layout::Overview;
    return std::nullopt;
}

App::App(AppOptions options)
    : options_(std::move(options)), deck_(load_deck(options_.deck_path)), layout_(options_.layout) {
    const Theme& t = theme();
    fonts_ = std::make_unique<render::Fonts>(t.sans_family, t.mono_family);
}

App::~App() {
    slots_.clear();  // stop every run before the farm goes
    farm_.reset();
}

std::string App::farm_url() {
    if (!options_.farm_url.empty()) return options_.farm_url;
    if (!farm_) {
        farm_ = std::make_unique<farm::Server>(
            "127.0.0.1", 0,
            std::chrono::milliseconds(static_cast<long long>(options_.farm_delay * 1000)));
    }
    return farm_->url();
}

void App::go(int index) {
    current_ = std::clamp(index, 0, std::max(0, slide_count() - 1));
    jump_.clear();
}

std::string App::window_title() const {
    if (deck_.slides.empty()) return "livedeck - " + deck_.path.string() + " (cannot be shown)";
    const deck::Slide& s = deck_.slides[static_cast<std::size_t>(current_)];
    std::string title = "livedeck - " + std::to_string(current_ + 1) + "/" + std::to_string(slide_count());
    if (!s.title.empty()) title += " - " + s.title;
    return title;
}

void App::key(int key, int mods) {
    const bool shift = mods & GLFW_MOD_SHIFT;
    switch (key) {
    case GLFW_KEY_RIGHT: case GLFW_KEY_DOWN: case GLFW_KEY_SPACE: case GLFW_KEY_PAGE_DOWN: case GLFW_KEY_N:
        go(current_ + 1);
        break;
    case GLFW_KEY_LEFT: case GLFW_KEY_UP: case GLFW_KEY_PAGE_UP: case GLFW_KEY_P:
        go(current_ - 1);
        break;
    case GLFW_KEY_HOME: go(0); break;
    case GLFW_KEY_END: go(slide_count() - 1); break;
    case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER:
        if (!jump_.empty()) {
            // A number that is not a slide is dropped, not clamped.
            const int number = std::stoi(jump_);
            jump_.clear();
            if (number >= 1 && number <= slide_count()) go(number - 1);
        }
        else if (layout_ == Layout::Overview) layout_ = Layout::Audience;
        else step();
        break;
    case GLFW_KEY_BACKSPACE:
        if (!jump_.empty()) jump_.pop_back();
        break;
    case GLFW_KEY_ESCAPE:
        if (!jump_.empty()) jump_.clear();
        else if (layout_ == Layout::Overview) layout_ = Layout::Audience;
        else leave_fullscreen_ = true;
        break;
    case GLFW_KEY_F: toggle_fullscreen_ = true; break;
    case GLFW_KEY_TAB:  // the presenter's own view; attendees have no notes
        if (!options_.browse) layout_ = layout_ == Layout::Presenter ? Layout::Audience : Layout::Presenter;
        break;
    case GLFW_KEY_O:
        layout_ = layout_ == Layout::Overview ? Layout::Audience : Layout::Overview;
        break;
    case GLFW_KEY_R:
        if (shift || current_run()) restart();
        else run();
        break;
    case GLFW_KEY_S: stop(); break;
    case GLFW_KEY_Q:
        if (mods & GLFW_MOD_CONTROL) quit_ = true;
        break;
    default: break;
    }
}

void App::text(unsigned codepoint) {
    if (codepoint >= '0' && codepoint <= '9' && jump_.size() < 4) jump_ += static_cast<char>(codepoint);
}

void App::reload() {
    deck::Deck fresh = load_deck(options_.deck_path);
    slots_.clear();
    images_.clear();
    deck_ = std::move(fresh);
    go(current_);
}

// [SECTION] App: demos ------------------------------------------------------

App::DemoSlot* App::slot(int index) {
    if (index < 0 || index >= slide_count()) return nullptr;
    const deck::Slide& s = deck_.slides[static_cast<std::size_t>(index)];
    if (!s.demo) return nullptr;
    auto it = slots_.find(index);
    if (it != slots_.end()) return &it->second;
    const demos::Demo* demo = demos::find_demo(s.demo->name);
    if (!demo) return nullptr;
    DemoSlot fresh;
    fresh.demo = demo;
    demos::apply_params(fresh.params, s.demo->params);  // validated when the deck loaded
    fresh.tokens = deck::highlight(demo->source(), "cpp");
    return &slots_.emplace(index, std::move(fresh)).first->second;
}

const App::DemoSlot* App::slot(int index) const {
    auto it = slots_.find(index);
    return it == slots_.end() ? nullptr : &it->second;
}

bool App::has_demo() const {
    return current_ < slide_count() && deck_.slides[static_cast<std::size_t>(current_)].demo &&
           demos::find_demo(deck_.slides[static_cast<std::size_t>(current_)].demo->name);
}

void App::run() {
    DemoSlot* s = slot(current_);
    if (!s || (s->run && !s->run->done())) return;
    demos::Params params = s->params;
    if (!params.delay) params.delay = options_.request_delay;  // the slide's own delay wins
    params.manual_steps = options_.manual_steps;  // in the window, the presenter takes each step
    params.farm_in_process = options_.farm_url.empty();
    try {
        params.farm_url = farm_url();
    } catch (const std::exception& e) {
        // The demo still runs: its fetches fail and say why in the pane.
        params.farm_url = "http://127.0.0.1:1/animals";
        std::cerr << "livedeck: cannot start the embedded farm: " << e.what() << "\n";
    }
    s->events.clear();
    s->seen = 0;
    s->run = std::make_unique<demos::Run>(
        [body = s->demo->body](demos::Context& ctx) { body(ctx); }, std::move(params));
}

void App::step() {
    if (DemoSlot* s = slot(current_); s && s->run && s->run->waiting_for_step()) s->run->step();
}

bool App::waiting_for_step() const {
    const demos::Run* r = current_run();
    return r && r->waiting_for_step();
}

void App::stop() {
    if (DemoSlot* s = slot(current_); s && s->run) s->run->stop();
}

void App::restart() {
    if (DemoSlot* s = slot(current_)) {
        s->run.reset();
        run();
    }
}

const demos::Run* App::current_run() const {
    const DemoSlot* s = slot(current_);
    return s && s->run ? s->run.get() : nullptr;
}

bool App::animating() const {
    const demos::Run* r = current_run();
    return r && !r->done();
}

double App::redraw_interval() const {
    if (animating()) return 1.0 / 60.0;
    if (layout_ == Layout::Presenter) return 1.0;  // the timer ticks
    return -1;
}

// [SECTION] App: drawing ----------------------------------------------------

namespace {

struct Letterbox {
    ImVec2 origin;
    float k;
};

Letterbox letterbox(ImVec2 display, const Theme& t) {
    const float k = std::min(display.x / t.canvas_width, display.y / t.canvas_height);
    return {ImVec2((display.x - t.canvas_width * k) * 0.5f, (display.y - t.canvas_height * k) * 0.5f), k};
}

std::string seconds(double s) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", s);
    return buffer;
}

}  // namespace

void App::prepare_fonts(ImVec2 display, float pixel_scale) {
    const Theme& t = theme();
    const float raster = letterbox(main_canvas_size(display), t).k * pixel_scale;
    if (raster <= 0) return;
    if (fonts_->scale() > 0 && std::abs(raster - fonts_->scale()) / fonts_->scale() < 0.01f) return;
    const std::vector<render::FontRequest> requests = t.font_requests();
    fonts_->build(requests, raster);
}

ImVec2 App::main_canvas_size(ImVec2 display) const {
    // The presenter layout shows the slide at 62% of the display's width.
    return layout_ == Layout::Presenter ? ImVec2(display.x * 0.62f, display.y * 0.62f) : display;
}

void App::draw(ImVec2 display, float pixel_scale, std::optional<double> at) {
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
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, 0), display, t.color.letterbox);
    // The whole display as a 1920x1080 design space, for the layouts' own
    // furniture (labels, notes, timer, thumbnails).
    const Letterbox screen = letterbox(display, t);
    const Canvas ui{ImGui::GetWindowDrawList(), screen.origin, screen.k, fonts_.get(), &t};
    switch (layout_) {
    case Layout::Audience: draw_canvas(ui, ImVec2(0, 0), t.canvas_width, current_, at, true); break;
    case Layout::Presenter: draw_presenter(ui, at); break;
    case Layout::Overview: draw_overview(ui); break;
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
}

void App::draw_canvas(const Canvas& ui, ImVec2 min, float width, int index, std::optional<double> at,
                      bool interactive) {
    const Theme& t = *ui.theme;
    Canvas canvas = ui;
    canvas.origin = ui.screen(min);
    canvas.k = ui.k * width / t.canvas_width;
    canvas.draw->AddRectFilledMultiColor(canvas.screen(ImVec2(0, 0)),
                                         canvas.screen(ImVec2(t.canvas_width, t.canvas_height)),
                                         t.color.background, t.color.background, t.color.background_edge,
                                         t.color.background_edge);
    canvas.clip(ImVec2(0, 0), ImVec2(t.canvas_width, t.canvas_height));
    if (deck_.slides.empty())
        draw_deck_error(canvas);
    else
        draw_slide(canvas, index, at, interactive);
    canvas.unclip();
}

void App::draw_slide(const Canvas& canvas, int index, std::optional<double> at, bool interactive) {
    const Theme& t = *canvas.theme;
    const deck::Slide& s = deck_.slides[static_cast<std::size_t>(index)];
    const float left = t.layout.margin_x;
    const float width = t.canvas_width - 2 * t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;

    // The slide's first heading is its title, drawn bigger.
    const deck::Block* heading =
        !s.blocks.empty() && s.blocks.front().kind == deck::BlockKind::Heading ? &s.blocks.front() : nullptr;
    const std::span<const deck::Block> body(s.blocks.data() + (heading ? 1 : 0),
                                            s.blocks.size() - (heading ? 1 : 0));
    const bool title_slide = index == 0 && !s.demo;

    if (title_slide) {
        // Centred vertically: title, accent rule, then the rest.
        float h = heading ? draw_spans(canvas, heading->spans, {}, width, {t.size.title, true, t.color.heading}, false) : 0;
        h += t.layout.heading_gap * 1.5f;
        const float rest = draw_blocks(canvas, images_, body, left, 0, width, false);
        float y = std::max(t.layout.margin_top, (t.canvas_height - h - rest) * 0.5f);
        if (heading) y += draw_spans(canvas, heading->spans, ImVec2(left, y), width, {t.size.title, true, t.color.heading});
        canvas.rect(ImVec2(left, y + 18), ImVec2(left + 160, y + 26), t.color.accent, 4);
        y += t.layout.heading_gap * 1.5f;
        draw_blocks(canvas, images_, body, left, y, width);
    } else {
        float y = t.layout.margin_top;
        if (heading) {
            y += draw_spans(canvas, heading->spans, ImVec2(left, y), width, {t.size.h1, true, t.color.heading});
            canvas.rect(ImVec2(left, y + 8), ImVec2(left + 110, y + 14), t.color.accent, 3);
            y += t.layout.heading_gap;
        }
        if (DemoSlot* demo = slot(index)) {
            if (!body.empty()) y = draw_blocks(canvas, images_, body, left, y, width) + t.layout.block_gap;
            draw_demo(canvas, *demo, y, at, interactive);
        } else {
            draw_blocks(canvas, images_, body, left, y, width);
        }
    }

    // Footer: slide number, and the jump prompt while digits are typed.
    const std::string number = std::to_string(index + 1) + " / " + std::to_string(slide_count());
    const float nw = canvas.text_width(Face::Sans, t.size.small, number);
    canvas.text(Face::Sans, t.size.small, ImVec2(t.canvas_width - left - nw, bottom + 20), t.color.muted, number);
    if (interactive && !jump_.empty()) {
        const std::string prompt = "Go to slide " + jump_ + "_";
        const float pw = canvas.text_width(Face::SansBold, t.size.body, prompt);
        const ImVec2 min((t.canvas_width - pw) * 0.5f - 30, t.canvas_height * 0.5f - 50);
        canvas.rect(min, ImVec2(min.x + pw + 60, min.y + 100), t.color.button, t.layout.radius);
        canvas.text(Face::SansBold, t.size.body, ImVec2(min.x + 30, min.y + 30), t.color.heading, prompt);
    }
    if (!s.errors.empty()) draw_errors(canvas, s.errors, bottom);
}

void App::draw_presenter(const Canvas& ui, std::optional<double> at) {
    const Theme& t = *ui.theme;
    const float margin = 40;
    const float main_w = t.canvas_width * 0.62f;
    const float main_h = main_w * t.canvas_height / t.canvas_width;
    draw_canvas(ui, ImVec2(margin, margin), main_w, current_, at, true);

    // Right column: the clock, then the next slide.
    const float x = margin * 2 + main_w;
    const float w = t.canvas_width - x - margin;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    char timer[32];
    std::snprintf(timer, sizeof timer, "%02d:%02d", static_cast<int>(elapsed) / 60, static_cast<int>(elapsed) % 60);
    ui.text(Face::MonoBold, t.size.h1, ImVec2(x, margin - 10), t.color.heading, timer);
    const std::string position = "slide " + std::to_string(current_ + 1) + " of " + std::to_string(slide_count());
    ui.text(Face::Sans, t.size.small, ImVec2(x, margin + t.size.h1 + 4), t.color.muted, position);
    const float next_y = margin + t.size.h1 + 60;
    ui.text(Face::SansBold, t.size.small, ImVec2(x, next_y), t.color.pane_title, "NEXT");
    if (current_ + 1 < slide_count())
        draw_canvas(ui, ImVec2(x, next_y + 36), w, current_ + 1, std::nullopt, false);
    else
        ui.text(Face::Sans, t.size.small, ImVec2(x, next_y + 36), t.color.muted, "End of the deck");

    // Below the slide: the speaker notes.
    const float notes_y = margin * 2 + main_h;
    ui.text(Face::SansBold, t.size.small, ImVec2(margin, notes_y), t.color.pane_title, "NOTES");
    const std::string& notes = deck_.slides.empty() ? std::string() : deck_.slides[static_cast<std::size_t>(current_)].notes;
    std::vector<deck::Span> spans{{notes.empty() ? "(no notes for this slide)" : notes, 0}};
    for (std::size_t i = 0; (i = spans[0].text.find('\n', i)) != std::string::npos;) spans[0].text[i] = ' ';
    ui.clip(ImVec2(margin, notes_y), ImVec2(t.canvas_width - margin, t.canvas_height - margin * 0.5f));
    draw_spans(ui, spans, ImVec2(margin, notes_y + 40), t.canvas_width - 2 * margin,
               {t.size.notes, false, notes.empty() ? t.color.muted : t.color.text});
    ui.unclip();
}

void App::draw_overview(const Canvas& ui) {
    const Theme& t = *ui.theme;
    const int columns = 5;
    const float gap = 24, margin = 40;
    const float w = (t.canvas_width - 2 * margin - gap * (columns - 1)) / columns;
    const float h = w * t.canvas_height / t.canvas_width;
    const int rows_visible = std::max(1, static_cast<int>((t.canvas_height - 2 * margin + gap) / (h + gap)));
    // Keep the current slide's row in view.
    const int row_of_current = current_ / columns;
    const int first_row = std::max(0, row_of_current - rows_visible + 1);
    for (int i = first_row * columns; i < slide_count(); ++i) {
        const int row = i / columns - first_row;
        if (row >= rows_visible) break;
        const ImVec2 min(margin + static_cast<float>(i % columns) * (w + gap), margin + static_cast<float>(row) * (h + gap));
        draw_canvas(ui, min, w, i, std::nullopt, false);
        const bool selected = i == current_;
        ui.frame(ImVec2(min.x - 4, min.y - 4), ImVec2(min.x + w + 4, min.y + h + 4),
                 selected ? t.color.accent : t.color.pane_border, 8, selected ? 6.0f : 2.0f);
        // A click on a thumbnail opens that slide.
        ImGui::SetCursorScreenPos(ui.screen(min));
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##thumb", ImVec2(w * ui.k, h * ui.k))) {
            go(i);
            layout_ = Layout::Audience;
        }
        ImGui::PopID();
    }
}

void App::draw_demo(const Canvas& canvas, DemoSlot& slot, float top, std::optional<double> at, bool interactive) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    const float right = t.canvas_width - t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;
    const float gap = t.layout.pane_gap;
    const float split = left + (right - left) * 0.6f;  // source lines are longer than output lines
    const float controls_h = t.size.small * 2.6f;

    // The time shown: given (recording, shot) or the run's live clock.
    double now = 0;
    const demos::Run* run = slot.run.get();
    if (run) {
        slot.seen = run->trace().read(slot.seen, slot.events);  // only what is new
        now = at ? *at : run->trace().now();
    }
    const std::vector<demos::Event>& events = slot.events;

    // One pass up to `now`: how the run ended, if it did, and the source line
    // of every actor's last event (the lines running now, while it runs).
    bool done = false;
    double done_at = 0;
    std::string outcome;
    std::map<int, int> last_line;
    for (const demos::Event& e : events) {
        if (e.t > now) break;
        if (e.line > 0) last_line[e.actor] = e.line;
        if (e.kind == demos::EventKind::Done) {
            done = true;
            done_at = e.t;
            outcome = e.text;
        }
    }
    std::vector<int> active;
    if (!done)
        for (const auto& [actor, line] : last_line) active.push_back(line);

    draw_code_pane(canvas, ImVec2(left, top), ImVec2(split - gap * 0.5f, bottom),
                   std::string(slot.demo->file), slot.tokens, active);

    OutputPane pane;
    pane.title = "Output - " + std::string(slot.demo->name);
    if (!run) {
        pane.placeholder = "Press R or click Run to start the demo.";
    } else if (!done) {
        pane.status = "running  " + seconds(now);
        pane.status_color = t.color.accent;
        pane.cursor = true;
    } else if (outcome == "finished") {
        pane.status = "finished in " + seconds(done_at);
        pane.status_color = t.color.ok;
    } else {
        pane.status = outcome + " after " + seconds(done_at);
        pane.status_color = t.color.error;
    }
    const ImVec2 out_min(split + gap * 0.5f, top);
    const ImVec2 out_max(right, bottom - controls_h - 16);
    draw_output_pane(canvas, out_min, out_max, pane, demos::fold_lines(events, now));
    if (interactive) draw_controls(canvas, slot, ImVec2(out_min.x, bottom - controls_h), ImVec2(right, bottom));
}

void App::draw_controls(const Canvas& canvas, DemoSlot& slot, ImVec2 min, ImVec2 max) {
    const Theme& t = *canvas.theme;
    const bool running = slot.run && !slot.run->done();
    struct Button {
        const char* label;
        bool enabled;
        void (App::*action)();
    };
    const bool stepping = slot.run && slot.run->waiting_for_step();
    std::vector<Button> buttons{
        {"\xE2\x96\xB6  Run   R", !running && !slot.run, &App::run},
        {"\xE2\x96\xA0  Stop   S", running, &App::stop},
        {"\xE2\x86\xBB  Restart   R", slot.run != nullptr, &App::restart},
    };
    // Hand-driven demos wait for the presenter between steps.
    if (stepping || (running && slot.demo->name == "coroutine-by-hand"))
        buttons.insert(buttons.begin(), Button{"\xE2\x8F\x8E  Step", stepping, &App::step});
    ImGui::PushFont(canvas.font(Face::SansBold, t.size.small));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, t.layout.radius * canvas.k);
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(t.color.button));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(t.color.button_hover));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::ColorConvertU32ToFloat4(t.color.accent));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(t.color.button_text));
    const float gap = 16;
    const float count = static_cast<float>(buttons.size());
    const float w = (max.x - min.x - gap * (count - 1)) / count;
    for (std::size_t i = 0; i < buttons.size(); ++i) {
        const Button& b = buttons[i];
        ImGui::SetCursorScreenPos(canvas.screen(ImVec2(min.x + static_cast<float>(i) * (w + gap), min.y)));
        ImGui::PushID(static_cast<int>(i));
        if (!b.enabled) ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.35f);
        const bool clicked = ImGui::Button(b.label, ImVec2(w * canvas.k, (max.y - min.y) * canvas.k));
        if (!b.enabled) ImGui::PopStyleVar();
        if (clicked && b.enabled) (this->*b.action)();
        ImGui::PopID();
    }
    ImGui::PopStyleColor(4);
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

void App::draw_errors(const Canvas& canvas, const std::vector<deck::Diagnostic>& errors, float bottom) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    const float width = t.canvas_width - 2 * left;
    std::vector<deck::Span> spans;
    for (const deck::Diagnostic& d : errors) {
        if (!spans.empty()) spans.push_back({"\n", 0});
        spans.push_back({d.str(), 0});
    }
    const TextStyle style{t.size.small, false, t.color.error};
    const float h = draw_spans(canvas, spans, {}, width - 40, style, false);
    const ImVec2 min(left, bottom - h - 40);
    canvas.rect(min, ImVec2(left + width, bottom), t.color.error_bg, t.layout.radius);
    draw_spans(canvas, spans, ImVec2(left + 20, min.y + 20), width - 40, style);
}

void App::draw_deck_error(const Canvas& canvas) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    float y = t.layout.margin_top;
    y += draw_spans(canvas, {{"This deck cannot be shown", 0}}, ImVec2(left, y), t.canvas_width - 2 * left,
                    {t.size.h1, true, t.color.error});
    y += t.layout.heading_gap;
    std::vector<deck::Span> spans;
    for (const deck::Diagnostic& d : deck_.diagnostics) {
        if (!spans.empty()) spans.push_back({"\n", 0});
        spans.push_back({d.str(), deck::SpanStyle_Code});
    }
    y += draw_spans(canvas, spans, ImVec2(left, y), t.canvas_width - 2 * left, {t.size.body, false, t.color.text});
    y += t.layout.block_gap * 2;
    draw_spans(canvas, {{"Fix the file and save it: livedeck reloads it.", 0}}, ImVec2(left, y),
               t.canvas_width - 2 * left, {t.size.body, false, t.color.muted});
}

// [SECTION] Entry points ----------------------------------------------------

namespace {

// Watches the deck file and wakes the window when it changes.
class DeckWatcher {
public:
    explicit DeckWatcher(std::filesystem::path path)
        : path_(std::move(path)), thread_([this](std::stop_token stop) { watch(stop); }) {}
    bool take_changed() { return changed_.exchange(false); }

private:
    std::filesystem::file_time_type stamp() const {
        std::error_code ec;
        auto t = std::filesystem::last_write_time(path_, ec);
        return ec ? std::filesystem::file_time_type{} : t;
    }
    void watch(std::stop_token stop) {
        auto last = stamp();
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        while (!stop.stop_requested()) {
            // Returns early when the watcher is stopped.
            cv.wait_for(lock, stop, std::chrono::milliseconds(400), [] { return false; });
            if (auto now = stamp(); now != last) {
                last = now;
                changed_ = true;
                render::Window::wake();
            }
        }
    }
    std::filesystem::path path_;
    std::atomic<bool> changed_{false};
    std::jthread thread_;
};

}  // namespace

int present(const AppOptions& options) {
    App app(options);
    render::Window window(app.window_title(), 1280, 720,
                          {[&](int key, int mods) { app.key(key, mods); },
                           [&](unsigned c) { app.text(c); }});
    DeckWatcher watcher(options.deck_path);
    std::string title = app.window_title();
    int frames_to_draw = 2;  // ImGui settles hover state one frame after input
    while (!window.should_close() && !app.quit_requested()) {
        const double interval = app.redraw_interval();
        if (frames_to_draw > 0)
            window.wait_events(interval < 0 ? 0.0 : std::min(interval, 1.0 / 60.0));
        else
            window.wait_events(interval);  // idle (-1): sleep until something happens
        if (watcher.take_changed()) app.reload();
        if (app.take_fullscreen_toggle()) window.toggle_fullscreen();
        if (app.take_leave_fullscreen()) window.leave_fullscreen();
        frames_to_draw = frames_to_draw > 0 ? frames_to_draw - 1 : 1;

        const ImVec2 display(static_cast<float>(window.framebuffer_width()) / window.content_scale(),
                             static_cast<float>(window.framebuffer_height()) / window.content_scale());
        app.prepare_fonts(display, window.content_scale());
        window.new_frame();
        app.draw(ImGui::GetIO().DisplaySize, window.content_scale());
        window.render();
        window.swap();
        if (std::string t = app.window_title(); t != title) window.set_title(title = t);
    }
    return 0;
}

int shot(const ShotOptions& options) {
    AppOptions app_options = options.app;
    app_options.manual_steps = false;  // nobody is there to press Step
    App app(app_options);
    if (!app.deck().ok())
        for (const deck::Diagnostic& d : app.deck().diagnostics) std::cerr << d.str() << "\n";
    // --slide: a 1-based number or the name of a demo.
    int index = 0;
    if (!options.slide.empty()) {
        if (std::all_of(options.slide.begin(), options.slide.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            index = std::stoi(options.slide) - 1;
            if (index < 0 || index >= app.slide_count()) {
                std::cerr << "livedeck shot: slide " << options.slide << " does not exist (the deck has "
                          << app.slide_count() << " slides)\n";
                return 2;
            }
        } else {
            const auto& slides = app.deck().slides;
            auto it = std::find_if(slides.begin(), slides.end(),
                                   [&](const deck::Slide& s) { return s.demo && s.demo->name == options.slide; });
            if (it == slides.end()) {
                std::cerr << "livedeck shot: no slide shows the demo '" << options.slide << "'\n";
                return 2;
            }
            index = static_cast<int>(it - slides.begin());
        }
    }
    render::Headless gl(options.width, options.height);
    app.go(index);
    if (options.run) {
        if (!app.has_demo()) {
            std::cerr << "livedeck shot: slide " << index + 1 << " has no demo to --run\n";
            return 2;
        }
        app.run();
        // Wait for the moment to show: --at seconds into the run, or its end.
        const demos::Run* run = app.current_run();
        const double until = options.at.value_or(600.0);
        std::size_t seen = 0;
        while (!run->done() && run->trace().now() < until)
            seen = run->trace().wait(seen, std::chrono::milliseconds(20));
    }
    const ImVec2 display(static_cast<float>(options.width), static_cast<float>(options.height));
    app.prepare_fonts(display, 1.0f);
    // Two frames: ImGui lays out widgets on the first.
    std::optional<double> at = options.at;
    if (options.run && !at && app.current_run()) at = app.current_run()->trace().now();
    for (int frame = 0; frame < 2; ++frame) {
        gl.new_frame(1.0f / 60.0f);
        app.draw(display, 1.0f, at);
        gl.render();
    }
    app.stop();
    std::string error;
    if (!render::write_png(options.output, gl.read_back(), error)) {
        std::cerr << "livedeck shot: " << error << "\n";
        return 1;
    }
    return 0;
}

int check(const std::filesystem::path& deck_path) {
    const deck::Deck d = load_deck(deck_path);
    for (const deck::Diagnostic& diagnostic : d.diagnostics) std::cerr << diagnostic.str() << "\n";
    if (!d.ok()) {
        std::cerr << d.diagnostics.size() << (d.diagnostics.size() == 1 ? " problem" : " problems") << " in "
                  << deck_path.string() << "\n";
        return 1;
    }
    std::cout << deck_path.string() << ": " << d.slides.size() << " slides, ok\n";
    return 0;
}

}  // namespace livedeck::views
