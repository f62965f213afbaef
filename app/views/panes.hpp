// The panes of a demo slide: the demo's source (highlighted, with line
// numbers, the lines that are running marked, following them when the file
// is longer than the pane) and its output (the trace folded into terminal
// lines at time t). The timeline has its own header (views/timeline.hpp).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deck/highlight.hpp"
#include "runtime/trace.hpp"
#include "views/canvas.hpp"

namespace livedeck::views {

// A framed pane with a header strip; returns the top-left of its body.
ImVec2 draw_pane_frame(const Canvas& canvas, ImVec2 min, ImVec2 max, std::string_view title,
                       std::string_view status = {}, ImU32 status_color = 0);
// Height of a pane's header strip, in canvas units.
float pane_header_height(const Theme& theme);

// [SECTION] Code pane (code_pane.cpp)

// One row of a code pane: a line of the file, or a fold (lines the slide's
// `lines=` hides), drawn as one row.
struct CodeRow {
    int first = 0, last = 0;  // 1-based lines: first == last for a line of code
    bool fold = false;
};
// The rows that show `ranges` of a file of `line_count` lines (every line
// when there are none), with a fold row for each gap.
std::vector<CodeRow> code_rows(std::size_t line_count, const std::vector<std::pair<int, int>>& ranges);

// Where a code pane's text goes, from its rectangle and its rows alone, so
// that every target and `livedeck check` get the same answer: the type as
// big as the theme's code size, as small as the widest row needs, and,
// when the rows do not fit at the theme's floor (code_floor), the floor,
// and the pane scrolls.
struct CodeLayout {
    float size = 0;        // the type's size, canvas units (px at 1080p)
    float line_h = 0;
    float pad = 18;
    float gutter = 0;      // the line numbers' column
    float body_top = 0;    // the first row's top
    float body_bottom = 0; // the last row's bottom limit
    int visible = 1;       // whole rows that fit
    bool scrolls = false;  // more rows than fit
    bool width_bound = false;     // the widest row set the size
    std::size_t widest = 0;       // characters of the widest row
};
CodeLayout code_layout(const Canvas& canvas, ImVec2 min, ImVec2 max, const std::vector<deck::TokenLine>& lines,
                       const std::vector<CodeRow>& rows);

// The lines running at a time: the lowest and highest, from the moment `t`.
struct LineStep {
    double t = 0;
    int lo = 0, hi = 0;  // 0: none
};
// The first row shown at time `t` (a fraction while it glides): it stays
// put while the running lines are in view, and when they leave it, it
// moves to put the first of them a third of the way down, easing there
// over a fraction of a second. A function of the steps and t alone.
float code_scroll(const CodeLayout& layout, const std::vector<CodeRow>& rows, const std::vector<LineStep>& steps,
                  double t);

struct CodePane {
    std::string_view title;
    const std::vector<deck::TokenLine>* lines = nullptr;
    const std::vector<CodeRow>* rows = nullptr;
    std::vector<int> active;               // lines running at t
    const std::vector<LineStep>* steps = nullptr;  // null: never ran
    double t = 0;
};
void draw_code_pane(const Canvas& canvas, ImVec2 min, ImVec2 max, const CodePane& pane);

// [SECTION] Output pane (output_pane.cpp)

struct OutputPane {
    std::string title = "Output";
    std::string status;          // e.g. "running 2.4 s", "finished in 6.3 s"
    ImU32 status_color = 0;
    std::string placeholder;     // shown when there is no output yet
    bool cursor = false;         // a terminal cursor after the last character
};

void draw_output_pane(const Canvas& canvas, ImVec2 min, ImVec2 max, const OutputPane& pane,
                      const std::vector<demos::OutputLine>& lines);

}  // namespace livedeck::views
