// The two panes of a demo slide: the demo's source (highlighted, with line
// numbers, the lines that are running marked) and its output (the trace
// folded into terminal lines at time t).
#pragma once

#include <string>
#include <string_view>
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

void draw_code_pane(const Canvas& canvas, ImVec2 min, ImVec2 max, std::string_view title,
                    const std::vector<deck::TokenLine>& lines, const std::vector<int>& active_lines);

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
