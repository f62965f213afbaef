// The program's entry points into the views: presenting in one or two
// windows (window_loop.cpp) and rendering a slide headless (headless.cpp).
// Only these read a clock; they pass the time to the model and the views.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "follow/follow.hpp"
#include "show/presentation.hpp"
#include "views/controller.hpp"

namespace livedeck::views {

// A window's exact place on the desktop: WxH+X+Y.
struct Geometry {
    int width = 0, height = 0, x = 0, y = 0;
};
// Parses "1920x1080+1920+0"; nothing if it is not one.
std::optional<Geometry> parse_geometry(const std::string& text);

struct AppOptions {
    show::Options show;
    bool browse = false;  // attendee mode: no notes, free navigation
    Layout layout = Layout::Audience;
    // Two windows: the audience's full screen on this monitor (default: the
    // second, when there are two or more), the console on the first.
    std::optional<int> audience_monitor;
    // Two windows, the audience's exactly here (a projector that the desktop
    // joins into one wide screen; Xvfb's single output in tests).
    std::optional<Geometry> audience_geometry;
    bool single_window = false;  // one window, Tab for the console
    // Record from the start into this directory (Ctrl+R starts and stops
    // recordings in the window either way).
    std::optional<std::filesystem::path> record;
    // Record the microphone with it: a PulseAudio source ("": the default).
    std::optional<std::string> mic;
    // Publish the session to this broker and talk (--publish), with the
    // presenter's credentials: followers see what the room sees.
    std::optional<follow::Url> publish;
    // Follow the talk published there (`follow URL`, `browse --follow URL`):
    // the window shows the presenter's slide and replays the demo output
    // until the follower breaks away (any navigation, a local run); J rejoins.
    std::optional<follow::Url> follow;
};

// "audience", "presenter" or "overview".
std::optional<Layout> parse_layout(const std::string& name);

// Opens the window(s) and presents until the console is closed. Returns the
// exit code.
int present(const AppOptions& options);

struct ShotOptions {
    AppOptions app;
    std::string output;
    std::string slide;  // 1-based number or a demo name; empty: 1
    bool run = false;
    std::optional<double> at;  // seconds after the demo started
    std::optional<int> step;   // the reveal step to show (default: all of the slide)
    int width = 1920, height = 1080;
};

// Renders one slide headless (EGL) into a PNG. Returns the exit code.
int shot(const ShotOptions& options);

// For `livedeck check`: a warning for every demo slide whose code the
// audience view would draw below the theme's floor (code_floor px at
// 1080p), with what would fix it. Measures without a window (check.cpp).
std::vector<deck::Diagnostic> legibility_warnings(const deck::Deck& deck);

// For `livedeck check`: a warning for every fenced code block whose language
// the highlighter does not know (its code is drawn plain) or that is a
// diagram (mermaid, plantuml: drawn as its source). Loads the syntax
// definitions, which loading a deck to present it does not wait for
// (check.cpp).
std::vector<deck::Diagnostic> code_warnings(const deck::Deck& deck);

}  // namespace livedeck::views
