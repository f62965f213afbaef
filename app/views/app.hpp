// The presentation: a deck, the demo runs of its slides, and the audience
// layout drawn from (deck, traces, t). The window loop (present) and the
// headless renderer (shot) both drive an App; only they read a clock.
//
// Index
//   [SECTION] Options
//   [SECTION] App
//   [SECTION] Entry points used by main.cpp
#pragma once

#include <imgui.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "deck/deck.hpp"
#include "deck/highlight.hpp"
#include "registry.hpp"
#include "render/fonts.hpp"
#include "render/images.hpp"
#include "runtime/runner.hpp"

namespace livedeck::farm {
class Server;
}

namespace livedeck::views {

// [SECTION] Options ---------------------------------------------------------

// What the window shows.
enum class Layout {
    Audience,   // the slide, letterboxed: what the room sees
    Presenter,  // the slide, the next one, the notes and a timer (Tab)
    Overview,   // every slide as a thumbnail (O)
};

struct AppOptions {
    std::filesystem::path deck_path;
    std::string farm_url;      // empty: start the embedded farm on a loopback port
    double farm_delay = 2.0;   // the embedded farm's delay, seconds
    // Asked of the farm per request (`?delay=S`) unless a slide sets its own:
    // how --delay reaches a farm that is not the embedded one.
    std::optional<double> request_delay;
    bool browse = false;       // attendee mode: no notes, free navigation
    Layout layout = Layout::Audience;
    bool manual_steps = true;  // hand-driven demos wait for Step (false: they pace themselves)
};

// The deck to use when none is named: slides/talk.md from the working
// directory, else from the source tree the program was built from.
std::filesystem::path default_deck();

// Loads a deck, checking its demo directives against the demo registry.
deck::Deck load_deck(const std::filesystem::path& path);

// [SECTION] App -------------------------------------------------------------

class App {
public:
    explicit App(AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    const deck::Deck& deck() const { return deck_; }
    int slide_count() const { return static_cast<int>(deck_.slides.size()); }
    int current() const { return current_; }  // 0-based
    void go(int index);                       // clamped
    std::string window_title() const;

    // Input (GLFW key codes). Keys: Right/Down/Space/PgDn/N forward,
    // Left/Up/PgUp/P back, Home/End, digits then Enter to jump, F
    // fullscreen, Esc leaves fullscreen or cancels a jump, R run or restart,
    // S stop, Enter step (a hand-driven demo), Ctrl+Q quit.
    void key(int key, int mods);
    void text(unsigned codepoint);

    // The current slide's demo, if it has one.
    bool has_demo() const;
    void run();
    void stop();
    void restart();
    // Hand-driven demos: resume the one waiting for the presenter.
    void step();
    bool waiting_for_step() const;
    const demos::Run* current_run() const;

    // True while something on screen moves (a demo runs on this slide).
    bool animating() const;
    // Seconds until the screen changes by itself: 1/60 while animating, 1
    // for the presenter's timer, -1 when only input can change it.
    double redraw_interval() const;
    Layout layout() const { return layout_; }

    // Reloads the deck from disk (keeps the slide number where possible).
    void reload();

    // Requests the window loop reads and clears.
    bool take_fullscreen_toggle() { return std::exchange(toggle_fullscreen_, false); }
    bool take_leave_fullscreen() { return std::exchange(leave_fullscreen_, false); }
    bool quit_requested() const { return quit_; }

    // Makes the fonts fit a canvas drawn at `screen_scale` screen units per
    // canvas unit on a display of `pixel_scale` pixels per unit. Call
    // before ImGui::NewFrame(); rebuilds the atlas only when needed.
    void prepare_fonts(ImVec2 display, float pixel_scale);

    // Draws the audience layout into the current ImGui frame. `at`: the demo
    // time to show (seconds since the run started); live time when absent.
    void draw(ImVec2 display, float pixel_scale, std::optional<double> at = std::nullopt);

    // Base URL of the farm the demos use (starts the embedded one if needed).
    std::string farm_url();

private:
    struct DemoSlot {
        const demos::Demo* demo = nullptr;
        demos::Params params;
        std::vector<deck::TokenLine> tokens;
        std::unique_ptr<demos::Run> run;
        std::vector<demos::Event> events;  // the run's trace, read incrementally
        std::size_t seen = 0;
    };
    ImVec2 main_canvas_size(ImVec2 display) const;

    DemoSlot* slot(int index);
    const DemoSlot* slot(int index) const;
    // A slide on a canvas `width` design units wide at `min` of the ui canvas.
    // Only an interactive one has buttons and the jump prompt.
    void draw_canvas(const struct Canvas& ui, ImVec2 min, float width, int index, std::optional<double> at,
                     bool interactive);
    void draw_slide(const struct Canvas& canvas, int index, std::optional<double> at, bool interactive);
    void draw_demo(const struct Canvas& canvas, DemoSlot& slot, float top, std::optional<double> at,
                   bool interactive);
    void draw_presenter(const struct Canvas& ui, std::optional<double> at);
    void draw_overview(const struct Canvas& ui);
    void draw_controls(const struct Canvas& canvas, DemoSlot& slot, ImVec2 min, ImVec2 max);
    void draw_errors(const struct Canvas& canvas, const std::vector<deck::Diagnostic>& errors, float bottom);
    void draw_deck_error(const struct Canvas& canvas);

    AppOptions options_;
    deck::Deck deck_;
    int current_ = 0;
    std::map<int, DemoSlot> slots_;
    std::unique_ptr<farm::Server> farm_;
    std::unique_ptr<render::Fonts> fonts_;
    render::ImageCache images_;
    std::string jump_;  // digits typed so far
    Layout layout_ = Layout::Audience;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    bool toggle_fullscreen_ = false, leave_fullscreen_ = false, quit_ = false;
};

// [SECTION] Entry points used by main.cpp --------------------------------

// Opens the window and presents until it is closed. Returns the exit code.
int present(const AppOptions& options);

struct ShotOptions {
    AppOptions app;
    std::string output;
    std::string slide;  // 1-based number or a demo name; empty: 1
    bool run = false;
    std::optional<double> at;  // seconds after the demo started
    int width = 1920, height = 1080;
};

// "audience", "presenter" or "overview".
std::optional<Layout> parse_layout(const std::string& name);

// Renders one slide headless (EGL) into a PNG. Returns the exit code.
int shot(const ShotOptions& options);

// Validates a deck: prints every diagnostic as file:line: message.
// Returns 0 when clean, 1 otherwise.
int check(const std::filesystem::path& deck_path);

}  // namespace livedeck::views
