// The code pane: a demo's source, highlighted, with line numbers; the
// slide's `lines=` folds the rest away; the type is as big as fits and
// never smaller than the theme's floor: a longer file scrolls, following
// the running lines smoothly (the scroll is a function of the trace and t).
//
// Index
//   [SECTION] Pane frame (shared by every pane)
//   [SECTION] Rows and layout
//   [SECTION] Following the running lines
//   [SECTION] Drawing
#include <algorithm>
#include <cmath>
#include <string>

#include "views/panes.hpp"

namespace livedeck::views {

using render::Face;

// [SECTION] Pane frame ---------------------------------------------------------

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

// [SECTION] Rows and layout ------------------------------------------------------

namespace {

std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// What a fold row says.
std::string fold_text(const CodeRow& row) {
    return "\xE2\x80\xA6 lines " + std::to_string(row.first) + "-" + std::to_string(row.last);  // …
}

}  // namespace

std::vector<CodeRow> code_rows(std::size_t line_count, const std::vector<std::pair<int, int>>& ranges) {
    const int n = static_cast<int>(line_count);
    std::vector<CodeRow> rows;
    if (ranges.empty()) {
        for (int i = 1; i <= n; ++i) rows.push_back({i, i, false});
        return rows;
    }
    int next = 1;  // the first line not placed yet
    for (const auto& [a, b] : ranges) {
        const int from = std::max(a, next), to = std::min(b, n);
        if (from > to) continue;
        if (from > next) rows.push_back({next, from - 1, true});
        for (int i = from; i <= to; ++i) rows.push_back({i, i, false});
        next = to + 1;
    }
    if (next <= n) rows.push_back({next, n, true});
    return rows;
}

CodeLayout code_layout(const Canvas& canvas, ImVec2 min, ImVec2 max, const std::vector<deck::TokenLine>& lines,
                       const std::vector<CodeRow>& rows) {
    const Theme& t = *canvas.theme;
    CodeLayout l;
    l.body_top = min.y + pane_header_height(t) + l.pad;
    l.body_bottom = max.y - l.pad;
    const float avail_h = std::max(1.0f, l.body_bottom - l.body_top);
    for (const CodeRow& row : rows) {
        std::size_t n = 0;
        if (row.fold) {
            n = code_points(fold_text(row));
        } else if (row.first >= 1 && static_cast<std::size_t>(row.first) <= lines.size()) {
            for (const deck::Token& token : lines[static_cast<std::size_t>(row.first - 1)]) n += code_points(token.text);
        }
        l.widest = std::max(l.widest, n);
    }
    // Every target measures monospaced text with the font file's own
    // advance, so a window, a PDF page and `livedeck check` agree.
    const float em = canvas.painter->advance_per_px(Face::Mono);
    const auto digits = static_cast<float>(std::to_string(std::max<std::size_t>(lines.size(), 1)).size());
    // The text starts after the gutter (digits + 30) and 8 more, and ends a pad from the right.
    const float size_w = (max.x - min.x - 38 - l.pad) / ((static_cast<float>(l.widest) + digits) * em);
    const auto count = static_cast<float>(std::max<std::size_t>(rows.size(), 1));
    float spacing = 1.32f;
    float size_h = avail_h / (count * spacing);
    if (size_h < t.size.code_floor) {  // tighter lines before smaller type, or scrolling
        spacing = 1.2f;
        size_h = avail_h / (count * spacing);
    }
    const float tall = std::min(t.size.code * 1.1f, std::max(size_h, t.size.code_floor));
    l.width_bound = size_w < tall;
    l.size = std::max(4.0f, std::min(tall, size_w));
    l.line_h = l.size * spacing;
    l.visible = std::max(1, static_cast<int>(avail_h / l.line_h + 1e-3f));
    l.scrolls = static_cast<int>(rows.size()) > l.visible;
    l.gutter = digits * em * l.size + 30;
    return l;
}

// [SECTION] Following the running lines --------------------------------------------

float code_scroll(const CodeLayout& layout, const std::vector<CodeRow>& rows, const std::vector<LineStep>& steps,
                  double t) {
    const int n = static_cast<int>(rows.size());
    if (!layout.scrolls || n <= layout.visible) return 0;
    const int visible = layout.visible;
    const int last_first = n - visible;
    const int margin = visible >= 6 ? 1 : 0;
    // The row a line is on (a folded line: its fold row).
    auto row_of = [&](int line) {
        const auto it = std::lower_bound(rows.begin(), rows.end(), line,
                                         [](const CodeRow& r, int l) { return r.last < l; });
        return static_cast<int>(std::min(it - rows.begin(), static_cast<std::ptrdiff_t>(n - 1)));
    };
    struct Move {
        double t;
        int from, to;
    };
    std::vector<Move> moves;
    int first = 0;
    for (const LineStep& s : steps) {
        if (s.t > t) break;
        if (s.lo <= 0) continue;
        const int lo = row_of(s.lo), hi = row_of(std::max(s.lo, s.hi));
        const int top = first + (first > 0 ? margin : 0);
        const int bottom = first + visible - 1 - (first < last_first ? margin : 0);
        if (lo >= top && hi <= bottom) continue;
        int to = std::clamp(lo - visible / 3, 0, last_first);
        // Both ends in view when they fit together.
        if (hi - lo < visible - 2 * margin && hi > to + visible - 1 - margin)
            to = std::clamp(hi - visible + 1 + margin, 0, last_first);
        if (to != first) moves.push_back({s.t, first, to});
        first = to;
    }
    // Each move eases in exponentially: the sum of the steps, each smoothed,
    // is continuous however close together they come.
    const double tau = 0.12;
    double pos = first;
    for (const Move& m : moves) {
        const double age = t - m.t;
        if (age < 12 * tau) pos += (m.from - m.to) * std::exp(-age / tau);
    }
    return static_cast<float>(std::clamp(pos, 0.0, static_cast<double>(last_first)));
}

// [SECTION] Drawing -------------------------------------------------------------------

void draw_code_pane(const Canvas& canvas, ImVec2 min, ImVec2 max, const CodePane& pane) {
    const Theme& t = *canvas.theme;
    const ImVec2 body = draw_pane_frame(canvas, min, max, pane.title);
    const std::vector<deck::TokenLine>& lines = *pane.lines;
    const std::vector<CodeRow>& rows = *pane.rows;
    const CodeLayout l = code_layout(canvas, min, max, lines, rows);
    const float pos = pane.steps ? code_scroll(l, rows, *pane.steps, pane.t) : 0.0f;
    const int first = static_cast<int>(std::floor(pos));
    const float size = l.size;
    const float cell = canvas.advance_per_px(Face::Mono) * size;
    auto is_active = [&](const CodeRow& row) {
        return std::any_of(pane.active.begin(), pane.active.end(),
                           [&](int line) { return line >= row.first && line <= row.last; });
    };
    // Whole rows only, at rest: a row that does not fit is not shown in part.
    const float rows_bottom = l.body_top + static_cast<float>(l.visible) * l.line_h;
    canvas.clip(ImVec2(min.x + 2, body.y + 2), ImVec2(max.x - 2, std::min(max.y - 2, rows_bottom + 1)));
    float y = l.body_top - (pos - static_cast<float>(first)) * l.line_h;
    for (int i = first; i < static_cast<int>(rows.size()) && y < rows_bottom; ++i, y += l.line_h) {
        const CodeRow& row = rows[static_cast<std::size_t>(i)];
        if (is_active(row)) {
            canvas.rect(ImVec2(min.x + 4, y), ImVec2(max.x - 4, y + l.line_h), t.color.active_line);
            canvas.rect(ImVec2(min.x + 4, y), ImVec2(min.x + 10, y + l.line_h), t.color.accent);
        }
        const float text_y = y + (l.line_h - size) * 0.5f;
        const float x0 = min.x + l.gutter + 8;
        if (row.fold) {
            canvas.mono_text(Face::Mono, size, ImVec2(x0, text_y), t.color.line_number, fold_text(row));
            continue;
        }
        // On the grid the layout measured: every target draws the same columns.
        const std::string n = std::to_string(row.first);
        canvas.mono_text(Face::Mono, size, ImVec2(min.x + l.gutter - 12 - static_cast<float>(n.size()) * cell, text_y),
                         is_active(row) ? t.color.accent : t.color.line_number, n);
        if (row.first < 1 || static_cast<std::size_t>(row.first) > lines.size()) continue;
        std::size_t column = 0;
        for (const deck::Token& token : lines[static_cast<std::size_t>(row.first - 1)]) {
            canvas.mono_text(Face::Mono, size, ImVec2(x0 + static_cast<float>(column) * cell, text_y),
                             t.token_color(token.kind), token.text);
            column += code_points(token.text);
        }
    }
    // Where the pane is in a file longer than it: a thin bar on the right.
    if (l.scrolls) {
        const float track_top = l.body_top, track_h = l.body_bottom - l.body_top;
        const auto n = static_cast<float>(rows.size());
        const float thumb_h = track_h * static_cast<float>(l.visible) / n;
        const float thumb_y = track_top + track_h * pos / n;
        canvas.rect(ImVec2(max.x - 11, track_top), ImVec2(max.x - 6, track_top + track_h), t.color.pane_border, 2.5f);
        canvas.rect(ImVec2(max.x - 11, thumb_y), ImVec2(max.x - 6, thumb_y + thumb_h), t.color.line_number, 2.5f);
    }
    canvas.unclip();
}

}  // namespace livedeck::views
