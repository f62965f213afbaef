#include <algorithm>
#include <string>

#include "views/panes.hpp"

namespace livedeck::views {

using render::Face;

namespace {

// Splits a line into rows of at most `columns` bytes, breaking after a
// space where there is one (a word longer than a row is cut). A multi-byte
// character is never split.
std::vector<std::string_view> wrap(std::string_view text, std::size_t columns) {
    std::vector<std::string_view> rows;
    if (text.empty()) rows.push_back(text);
    while (!text.empty()) {
        std::size_t n = std::min(columns, text.size());
        if (n < text.size()) {
            const std::size_t space = text.substr(0, n + 1).rfind(' ');
            if (space != std::string_view::npos && space > columns / 3) n = space + 1;
        }
        while (n < text.size() && n > 1 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
        rows.push_back(text.substr(0, n));
        text.remove_prefix(n);
    }
    return rows;
}

}  // namespace

void draw_output_pane(const Canvas& canvas, ImVec2 min, ImVec2 max, const OutputPane& pane,
                      const std::vector<demos::OutputLine>& lines) {
    const Theme& t = *canvas.theme;
    const ImVec2 body = draw_pane_frame(canvas, min, max, pane.title, pane.status, pane.status_color);
    const float pad = 20;
    const float size = t.size.pane;
    const float line_h = size * 1.4f;
    const float char_w = canvas.text_width(Face::Mono, size, "M");
    const auto columns = static_cast<std::size_t>(std::max(8.0f, (max.x - min.x - 2 * pad) / char_w));
    const int visible = std::max(1, static_cast<int>((max.y - body.y - 2 * pad) / line_h));

    if (lines.empty()) {
        if (!pane.placeholder.empty())
            canvas.text(Face::Sans, t.size.small, ImVec2(body.x + pad, body.y + pad), t.color.muted,
                        pane.placeholder);
        if (pane.cursor)
            canvas.rect(ImVec2(body.x + pad, body.y + pad), ImVec2(body.x + pad + char_w, body.y + pad + size * 1.15f),
                        t.color.cursor);
        return;
    }

    struct Row {
        std::string_view text;
        bool error;
    };
    std::vector<Row> rows;
    for (const demos::OutputLine& line : lines)
        for (std::string_view r : wrap(line.text, columns)) rows.push_back({r, line.error});
    // A terminal shows the newest rows: scroll the rest off the top.
    const std::size_t first = rows.size() > static_cast<std::size_t>(visible) ? rows.size() - static_cast<std::size_t>(visible) : 0;

    canvas.clip(ImVec2(min.x + 2, body.y), ImVec2(max.x - 2, max.y - 2));
    float y = body.y + pad;
    for (std::size_t i = first; i < rows.size(); ++i) {
        const Row& row = rows[i];
        if (row.error)
            canvas.rect(ImVec2(body.x + pad * 0.5f, y), ImVec2(max.x - pad * 0.5f, y + line_h), t.color.error_bg);  // square: wrapped rows of one error join up
        canvas.text(Face::Mono, size, ImVec2(body.x + pad, y + (line_h - size) * 0.5f),
                    row.error ? t.color.error : t.color.text, row.text);
        if (pane.cursor && i + 1 == rows.size() && !row.error) {
            const float x = body.x + pad + char_w * static_cast<float>(row.text.size());
            canvas.rect(ImVec2(x + 2, y + line_h * 0.12f), ImVec2(x + char_w, y + line_h * 0.88f), t.color.cursor);
        }
        y += line_h;
    }
    canvas.unclip();
}

}  // namespace livedeck::views
