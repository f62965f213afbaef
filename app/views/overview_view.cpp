// The overview: every slide as a thumbnail, the current one framed; a click
// opens a slide.
#include "views/layouts.hpp"

namespace livedeck::views {

void draw_overview(const Canvas& ui, const Frame& frame, Stage& stage, Intents& intents) {
    const Theme& t = *ui.theme;
    const int columns = 5;
    const float gap = 24, margin = 40;
    const float w = (t.canvas_width - 2 * margin - gap * (columns - 1)) / columns;
    const float h = w * t.canvas_height / t.canvas_width;
    const int rows_visible = std::max(1, static_cast<int>((t.canvas_height - 2 * margin + gap) / (h + gap)));
    const int current = frame.show.current();
    const int count = frame.show.slide_count();
    // Keep the current slide's row in view.
    const int first_row = std::max(0, current / columns - rows_visible + 1);
    for (int i = first_row * columns; i < count; ++i) {
        const int row = i / columns - first_row;
        if (row >= rows_visible) break;
        const ImVec2 min(margin + static_cast<float>(i % columns) * (w + gap), margin + static_cast<float>(row) * (h + gap));
        draw_slide_canvas(ui, min, w, frame, i, stage, nullptr);
        const bool selected = i == current;
        ui.frame(ImVec2(min.x - 4, min.y - 4), ImVec2(min.x + w + 4, min.y + h + 4),
                 selected ? t.color.accent : t.color.pane_border, 8, selected ? 6.0f : 2.0f);
        ImGui::SetCursorScreenPos(ui.screen(min));
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##thumb", ImVec2(w * ui.k, h * ui.k))) intents.open_slide = i;
        ImGui::PopID();
    }
}

}  // namespace livedeck::views
