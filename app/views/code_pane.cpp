#include <algorithm>
#include <string>

#include "views/panes.hpp"

namespace livedeck::views {

using render::Face;

float pane_header_height(const Theme& theme) { return theme.size.small * 2.1f; }

ImVec2 draw_pane_frame(const Canvas& canvas, ImVec2 min, ImVec2 max, std::string_view title,
                       std::string_view status, ImU32 status_color) {
    const Theme& t = *canvas.theme;
    const float header = pane_header_height(t);
    const float r = t.layout.radius;
    canvas.fill(min, max, t.color.code_bg, r);
    canvas.frame(min, max, t.color.pane_border, r, 2);
    canvas.line(ImVec2(min.x, min.y + header), ImVec2(max.x, min.y + header), t.color.pane_border, 2);
    const float text_y = min.y + (header - t.size.small) * 0.5f;
    canvas.text(Face::Mono, t.size.small, ImVec2(min.x + 22, text_y), t.color.pane_title, title);
    if (!status.empty()) {
        const float w = canvas.text_width(Face::SansBold, t.size.small, status);
        canvas.text(Face::SansBold, t.size.small, ImVec2(max.x - 22 - w, text_y),
                    status_color ? status_color : t.color.muted, status);
    }
    return ImVec2(min.x, min.y + header);
}

void draw_code_pane(const Canvas& canvas, ImVec2 min, ImVec2 max, std::string_view title,
                    const std::vector<deck::TokenLine>& lines, const std::vector<int>& active_lines) {
    const Theme& t = *canvas.theme;
    const ImVec2 body = draw_pane_frame(canvas, min, max, title);
    const float pad = 18;
    const float avail_h = max.y - body.y - 2 * pad;
    const float count = static_cast<float>(std::max<std::size_t>(lines.size(), 1));
    // The whole file should be readable from the back of the room: shrink
    // only as far as needed to fit, and never below a floor.
    // Fit the longest line too (the font is monospaced: width grows with size).
    std::size_t longest = 1;
    for (const deck::TokenLine& line : lines) {
        std::size_t n = 0;
        for (const deck::Token& token : line) n += token.text.size();
        longest = std::max(longest, n);
    }
    const float digits = static_cast<float>(std::to_string(lines.size()).size());
    const float em = canvas.text_width(Face::Mono, 100, "M") / 100;  // advance per unit of size
    const float fit_w = (max.x - min.x - 2 * pad - 40) / ((static_cast<float>(longest) + digits) * em);
    const float spacing = count > 30 ? 1.2f : 1.32f;  // long files: tighter lines before smaller type
    const float size = std::clamp(std::min(avail_h / (count * spacing), fit_w), 14.0f, t.size.code * 1.1f);
    const float line_h = size * spacing;
    const int visible = std::max(1, static_cast<int>(avail_h / line_h));
    int first = 0;
    if (static_cast<int>(lines.size()) > visible && !active_lines.empty()) {
        // Scroll so the first running line is in view, a third from the top.
        const int target = *std::min_element(active_lines.begin(), active_lines.end()) - 1;
        first = std::clamp(target - visible / 3, 0, static_cast<int>(lines.size()) - visible);
    }
    const float gutter = canvas.text_width(Face::Mono, size, std::to_string(lines.size())) + 30;
    canvas.clip(ImVec2(min.x + 2, body.y), ImVec2(max.x - 2, max.y - 2));
    float y = body.y + pad;
    for (int i = first; i < static_cast<int>(lines.size()) && i < first + visible; ++i) {
        const int number = i + 1;
        const bool active = std::find(active_lines.begin(), active_lines.end(), number) != active_lines.end();
        if (active) {
            canvas.rect(ImVec2(min.x + 4, y), ImVec2(max.x - 4, y + line_h), t.color.active_line);
            canvas.rect(ImVec2(min.x + 4, y), ImVec2(min.x + 10, y + line_h), t.color.accent);
        }
        const std::string n = std::to_string(number);
        const float text_y = y + (line_h - size) * 0.5f;
        canvas.text(Face::Mono, size, ImVec2(min.x + gutter - 12 - canvas.text_width(Face::Mono, size, n), text_y),
                    active ? t.color.accent : t.color.line_number, n);
        float x = min.x + gutter + 8;
        for (const deck::Token& token : lines[static_cast<std::size_t>(i)]) {
            canvas.text(Face::Mono, size, ImVec2(x, text_y), t.token_color(token.kind), token.text);
            x += canvas.text_width(Face::Mono, size, token.text);
        }
        y += line_h;
    }
    canvas.unclip();
}

}  // namespace livedeck::views
