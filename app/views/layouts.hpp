// The layouts, one file each: the audience slide (audience_view.cpp), a demo
// slide's panes and controls (demo_view.cpp), the presenter console
// (presenter_view.cpp) and the overview (overview_view.cpp). draw_window()
// (layouts.cpp) picks one for a window from its role and the presenter's
// screen state.
#pragma once

#include <optional>

#include "deck/highlight.hpp"
#include "render/context.hpp"
#include "runtime/trace.hpp"
#include "views/panes.hpp"
#include "views/view.hpp"

namespace livedeck::views {

// One frame into a target: its fonts fitted, drawn, rendered (not swapped).
// Returns the commands of buttons clicked in it.
Intents draw_frame(render::Target& target, Stage& stage, const Frame& frame);

// Draws a whole window (or headless target) into the current ImGui frame.
void draw_window(const Frame& frame, Stage& stage, ImVec2 display, float pixel_scale, Intents& intents);
// Pixels per canvas unit that the fonts of this window need.
float raster_scale(const Frame& frame, ImVec2 display, float pixel_scale);

// A slide on a canvas `width` design units wide whose top-left is at `min`
// of the `ui` canvas. With `intents` the slide is live: demo buttons, and
// (outside the audience's window) the jump prompt. `reveal` is the reveal
// step to show; -1: the show's for the current slide, all of any other.
void draw_slide_canvas(const Canvas& ui, ImVec2 min, float width, const Frame& frame, int index, Stage& stage,
                       Intents* intents, int reveal = -1);

// A demo slide's demo at some time: everything its panes show.
struct DemoFrame {
    const demos::Demo* demo = nullptr;
    const std::vector<deck::TokenLine>* tokens = nullptr;
    const std::vector<demos::Event>* events = nullptr;  // nullptr: never run
    demos::Fold* fold = nullptr;  // a cache to continue from (may be null)
    double t = 0;                 // seconds into the run
    bool waiting_for_step = false;
    const deck::DemoView* view = nullptr;             // the slide's layout keys (null: the defaults)
    const std::vector<std::string>* actors = nullptr;  // the actors' names, by id (may be null)
    double axis = 0;  // the timeline's axis in seconds (0: fitted to this run alone)
};
DemoFrame demo_frame(const show::DemoSlot& slot, double session_t);
// The axis every timeline of the show shares at session time t: fitted to
// the longest run drawn on a timeline so far (finished, or still going).
double shared_timeline_axis(const show::Presentation& show, double session_t);

// What a demo's panes show at the frame's time, computed from the events
// alone: the view draws this, tests check it.
struct DemoState {
    bool ran = false;      // a run exists (its events, maybe none yet)
    bool done = false;     // its Done event is at or before t
    double done_at = 0;
    std::string outcome;   // "finished", "stopped", "failed", "deadlocked"
    std::string status;    // "running  2.4 s", "finished in 6.3 s"
    std::vector<int> active_lines;  // source lines running at t
    std::vector<LineStep> line_steps;  // how the running lines moved up to t (the code pane follows them)
    std::vector<demos::OutputLine> lines;  // the output folded up to t
};
DemoState demo_state(const DemoFrame& demo);

// Where a demo slide's panes go, from `top` down to the canvas's bottom
// margin: the code on the left (view.split percent of the width), the
// output on the right, the timeline under it when the slide asks, and the
// demo's buttons at the bottom right.
struct DemoPanes {
    ImVec2 code_min, code_max;
    ImVec2 output_min, output_max;
    ImVec2 timeline_min, timeline_max;  // empty without a timeline
    ImVec2 controls_min, controls_max;
};
DemoPanes demo_panes(const Theme& theme, float top, const deck::DemoView& view);

// Where a demo slide's panes start: below its title and the text above them.
float demo_top(const Canvas& canvas, const deck::Slide& slide, render::ImageCache& images);

// A demo slide's code pane as the audience view lays it out (the same
// computation draw_demo makes): `livedeck check` and the tests read it.
CodeLayout demo_code_layout(const Canvas& canvas, const deck::Slide& slide, const std::vector<deck::TokenLine>& tokens,
                            render::ImageCache& images);

// The panes from `top` down to the canvas's bottom margin.
void draw_demo(const Canvas& canvas, const DemoFrame& demo, float top, Intents* intents);

void draw_presenter(const Canvas& ui, const Frame& frame, Stage& stage, Intents& intents);
void draw_overview(const Canvas& ui, const Frame& frame, Stage& stage, Intents& intents);
// The G prompt and its hits, over whatever the presenter sees.
void draw_go_to(const Canvas& ui, const UiState& state);

}  // namespace livedeck::views
