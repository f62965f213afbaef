// What every view is given: the frame to draw (the show, the presenter's
// screen state and the time, all read-only), the render target's own fonts
// and textures, and a list to put the commands of clicked buttons in. Views
// read no clock and change nothing but caches; what they draw depends only on
// the frame.
#pragma once

#include <imgui.h>

#include <ctime>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "render/fills.hpp"
#include "render/fonts.hpp"
#include "render/images.hpp"
#include "show/presentation.hpp"
#include "views/canvas.hpp"
#include "views/controller.hpp"
#include "views/theme.hpp"

namespace livedeck::views {

// Who looks at a window.
enum class Role {
    Audience,  // the room: the slide only (never notes, timer, paths, presenter controls)
    Console,   // the presenter's own window: every layout
    Single,    // one window for both: today's behaviour, Tab for the console
};

struct Frame {
    const show::Presentation& show;
    const UiState& ui;
    double t = 0;          // session seconds to draw
    std::time_t wall = 0;  // the wall clock the console shows (0: none)
    Role role = Role::Single;
};

// Commands from buttons clicked while drawing; the caller applies them.
struct Intents {
    std::vector<show::Command> commands;
    int open_slide = -1;  // a thumbnail was clicked
};

// One render target's own resources: fonts rasterized for its pixel scale and
// the textures of the deck's images (GL objects belong to one context).
class Stage {
public:
    Stage();
    // Makes the fonts fit a canvas drawn at `raster` pixels per canvas unit,
    // with every code point of `text` (sorted, distinct; see glyph_set.hpp).
    // Call before ImGui::NewFrame(); rebuilds the atlas only when the scale
    // changed or `text` has a code point no build has been asked for yet (a
    // reloaded deck with new characters).
    void prepare_fonts(float raster, std::span<const char32_t> text = {});
    // The code points a frame of `show` draws beyond ASCII: the deck's, and
    // what the current slide's demo printed so far (read on from where the
    // last call stopped, so a noise with a new character gets it a frame
    // later), and what the presenter `typed` (the search prompt). Sorted,
    // distinct.
    std::vector<char32_t> code_points(const show::Presentation& show, std::string_view typed = {});
    const render::Fonts& fonts() const { return *fonts_; }
    render::ImageCache& images() { return images_; }
    render::Fills& fills() { return fills_; }

private:
    std::unique_ptr<render::Fonts> fonts_;
    std::vector<char32_t> text_;  // the code points the atlas was last built for
    // What demo output added, and how far its events have been read.
    std::vector<char32_t> output_points_;
    const show::DemoSlot* output_slot_ = nullptr;
    std::size_t output_seen_ = 0, output_actors_ = 0;
    render::ImageCache images_;
    render::Fills fills_;
};

struct Letterbox {
    ImVec2 origin;
    float k;
};
// The 16:9 canvas fitted into a display, centred.
Letterbox letterbox(ImVec2 display, const Theme& t);

// "2.4 s"
std::string seconds(double s);

}  // namespace livedeck::views
