// slide_view.cpp: a slide's blocks on the canvas.
//
// Index
//   [SECTION] Rich text
//   [SECTION] Code blocks and images
//   [SECTION] Tables
//   [SECTION] Blocks (lists, quotes, columns, reveal steps)
//
// Fitting a slide into its box is in slide_fit.cpp.
#include "views/slide_view.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "deck/highlight.hpp"

namespace livedeck::views {

using render::Face;

//-----------------------------------------------------------------------------
// [SECTION] Rich text
//-----------------------------------------------------------------------------

namespace {

Face face_of(unsigned style, bool bold_base) {
    if (style & deck::SpanStyle_Code) return Face::Mono;
    const bool bold = bold_base || (style & deck::SpanStyle_Bold);
    const bool italic = style & deck::SpanStyle_Italic;
    if (bold && italic) return Face::SansBoldItalic;
    if (bold) return Face::SansBold;
    if (italic) return Face::SansItalic;
    return Face::Sans;
}

// One word (or a whole inline-code span) placed on a line.
struct Piece {
    std::string text;
    Face face;
    ImU32 color;
    bool code;
    bool strike;
    float x, width;
    float gap;  // the space before it on its line
    int line;
};

}  // namespace

float draw_spans(const Canvas& canvas, const std::vector<deck::Span>& spans, ImVec2 pos,
                 float width, TextStyle style, bool draw, float* widest) {
    const Theme& t = *canvas.theme;
    const float line_h = style.size * t.layout.line_height;
    const float code_size = style.size * 0.9f;
    const float code_pad = style.size * 0.18f;
    std::vector<Piece> pieces;
    float x = 0;
    int line = 0;
    bool pending_space = false;
    float space_width = canvas.text_width(style.bold ? Face::SansBold : Face::Sans, style.size, " ");

    auto place = [&](std::string word, Face face, ImU32 color, bool code, bool strike) {
        const float size = code ? code_size : style.size;
        float w = canvas.text_width(face, size, word) + (code ? 2 * code_pad : 0);
        float gap = pending_space && x > 0 ? space_width : 0;
        if (x > 0 && x + gap + w > width) {
            ++line;
            x = 0;
            gap = 0;
        }
        x += gap;
        pieces.push_back({std::move(word), face, color, code, strike, x, w, gap, line});
        x += w;
        pending_space = false;
    };

    for (const deck::Span& span : spans) {
        if (span.text == "\n") {
            ++line;
            x = 0;
            pending_space = false;
            continue;
        }
        const Face face = face_of(span.style, style.bold);
        const bool code = span.style & deck::SpanStyle_Code;
        const bool strike = span.style & deck::SpanStyle_Strike;
        const ImU32 color = code ? t.color.inline_code
                            : (span.style & deck::SpanStyle_Link) ? t.color.link
                                                                  : style.color;
        if (code) {
            if (!span.text.empty() && span.text.front() == ' ') pending_space = true;
            place(span.text, face, color, true, strike);
            continue;
        }
        std::size_t i = 0;
        while (i < span.text.size()) {
            if (span.text[i] == ' ' || span.text[i] == '\t' || span.text[i] == '\n') {
                pending_space = true;
                ++i;
                continue;
            }
            std::size_t end = span.text.find_first_of(" \t\n", i);
            if (end == std::string::npos) end = span.text.size();
            // Words that follow a piece without a space (e.g. "**bold**,") stick to it.
            place(span.text.substr(i, end - i), face, color, false, strike);
            i = end;
        }
    }
    if (widest)
        for (const Piece& p : pieces) *widest = std::max(*widest, p.x + p.width);
    if (draw) {
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            const Piece& p = pieces[i];
            const ImVec2 at(pos.x + p.x, pos.y + static_cast<float>(p.line) * line_h);
            if (p.code) {
                const float top = at.y + (line_h - style.size) * 0.5f - code_pad * 0.2f;
                canvas.rect(ImVec2(at.x, top), ImVec2(at.x + p.width, top + style.size + code_pad * 0.6f),
                            t.color.inline_code_bg, 6);
                canvas.text(p.face, code_size,
                            ImVec2(at.x + code_pad, at.y + (line_h - code_size) * 0.5f), p.color,
                            p.text);
            } else {
                canvas.text(p.face, style.size, ImVec2(at.x, at.y + (line_h - style.size) * 0.5f),
                            p.color, p.text);
                if (p.color == t.color.link)
                    canvas.line(ImVec2(at.x, at.y + line_h * 0.86f),
                                ImVec2(at.x + p.width, at.y + line_h * 0.86f), p.color, 2);
            }
            if (p.strike) {
                // Through the middle of the lower-case letters, joined across the
                // space to a struck word before it on the same line.
                const bool joined = i > 0 && pieces[i - 1].strike && pieces[i - 1].line == p.line;
                const float y = at.y + line_h * 0.55f;
                canvas.line(ImVec2(at.x - (joined ? p.gap : 0), y), ImVec2(at.x + p.width, y), p.color,
                            std::max(2.0f, style.size * 0.07f));
            }
        }
    }
    return static_cast<float>(line + 1) * line_h;
}

//-----------------------------------------------------------------------------
// [SECTION] Code blocks and images
//-----------------------------------------------------------------------------

float code_gutter(const Canvas& canvas, const deck::Block& code) {
    if (!code.line_numbers) return 0;
    const Theme& t = *canvas.theme;
    // As many lines as highlight() gives: a trailing newline adds none.
    const auto lines = static_cast<long long>(std::count(code.text.begin(), code.text.end(), '\n')) +
                       (code.text.empty() || code.text.back() != '\n' ? 1 : 0);
    const std::string last = std::to_string(static_cast<long long>(code.first_number) + lines - 1);
    return canvas.text_width(Face::Mono, t.size.code, last) + t.layout.code_padding * 0.8f;
}

float draw_code_block(const Canvas& canvas, const deck::Block& code, ImVec2 pos, float width, int reveal,
                      bool draw, float* widest) {
    const Theme& t = *canvas.theme;
    const float size = t.size.code;
    const float line_h = size * 1.4f;
    const float pad = t.layout.code_padding;
    // Highlighted once (when the deck loaded, or on first sight), not per frame.
    const std::shared_ptr<const deck::HighlightedCode> highlighted = deck::highlighted(code.text, code.lang);
    const std::vector<deck::TokenLine>& lines = highlighted->lines;
    const float height = static_cast<float>(std::max<std::size_t>(lines.size(), 1)) * line_h + 2 * pad;
    const float gutter = code_gutter(canvas, code);
    if (widest) {
        for (const deck::TokenLine& tokens : lines) {
            float w = 0;
            for (const deck::Token& token : tokens) w += canvas.text_width(Face::Mono, size, token.text);
            *widest = std::max(*widest, w + 2 * pad + gutter);
        }
    }
    if (!draw) return height;
    // The line highlight of this step: its lines marked, the others dimmed.
    const deck::CodeHighlight* mark = deck::highlight_at(code, reveal);
    if (mark && mark->mode == deck::CodeHighlight::Mode::Hide) return height;  // its room kept, its code hidden
    const bool marking = mark && mark->mode == deck::CodeHighlight::Mode::Lines;
    canvas.fill(pos, ImVec2(pos.x + width, pos.y + height), t.color.code_bg, t.layout.radius);
    // The marked lines' bands, the box's full width (the code is clipped short of its right edge).
    for (std::size_t i = 0; marking && i < lines.size(); ++i) {
        if (!deck::emphasised(mark, static_cast<int>(i) + 1)) continue;
        const float top = pos.y + pad + static_cast<float>(i) * line_h;
        canvas.rect(ImVec2(pos.x, top), ImVec2(pos.x + width, top + line_h), t.color.active_line);
        canvas.rect(ImVec2(pos.x, top), ImVec2(pos.x + pad * 0.25f, top + line_h), t.color.accent);
    }
    canvas.clip(pos, ImVec2(pos.x + width - pad * 0.5f, pos.y + height));
    float y = pos.y + pad;
    long long number = code.first_number;
    for (const deck::TokenLine& tokens : lines) {
        const int line = static_cast<int>(number - code.first_number) + 1;
        const bool lit = deck::emphasised(mark, line);
        const float text_y = y + (line_h - size) * 0.5f;
        if (gutter > 0) {
            const std::string n = std::to_string(number);
            const float w = canvas.text_width(Face::Mono, size, n);
            canvas.text(Face::Mono, size, ImVec2(pos.x + pad + gutter - pad * 0.8f - w, text_y),
                        marking && lit ? t.color.accent : t.color.line_number, n);
        }
        float x = pos.x + pad + gutter;
        for (const deck::Token& token : tokens) {
            const ImU32 color = t.token_color(token.kind);
            canvas.text(Face::Mono, size, ImVec2(x, text_y), lit ? color : t.dimmed(color), token.text);
            x += canvas.text_width(Face::Mono, size, token.text);
        }
        y += line_h;
        ++number;
    }
    canvas.unclip();
    return height;
}

namespace {

float draw_image(const Canvas& canvas, const deck::Block& block, float x, float y, float width, bool draw) {
    const Theme& t = *canvas.theme;
    const ImageInfo image = canvas.image_info(block.image_path);
    if (!image.error.empty() || image.width <= 0 || image.height <= 0) {
        // (A remote image's message names its URL; its file name is a hash.)
        const std::string name = block.image_url.empty() ? " " + block.image_path.filename().string() : "";
        const std::vector<deck::Span> message{{"Image" + name + ": " + image.error, 0}};
        return draw_spans(canvas, message, ImVec2(x, y), width, {t.size.body * 0.8f, false, t.color.error}, draw);
    }
    // Fit the width and at most half the canvas height; never upscale past
    // 1.5x. A width the deck asks for (HTML width=, pixels or a share of the
    // room) is kept, within the room and most of the canvas height.
    float max_h = t.canvas_height * 0.5f;
    float room = width, most = 1.5f;
    if (block.image_width != 0) {
        room = std::min(width, block.image_width > 0 ? block.image_width : -block.image_width * width);
        max_h = t.canvas_height * 0.85f;
        most = 1e6f;
    }
    float scale = std::min({room / static_cast<float>(image.width),
                            max_h / static_cast<float>(image.height), most});
    const float w = static_cast<float>(image.width) * scale;
    const float h = static_cast<float>(image.height) * scale;
    if (draw) {
        const float left = x + (width - w) * 0.5f;
        canvas.image(block.image_path, ImVec2(left, y), ImVec2(left + w, y + h), t.layout.radius * 0.5f);
    }
    return h;
}

std::string list_marker(const deck::Block& list, std::size_t index, int depth) {
    if (list.ordered) return std::to_string(list.start + static_cast<int>(index)) + ".";
    static const char* bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x80\xA2"};  // • – •
    return bullets[depth % 3];
}

// A task's box, drawn (fonts need no box glyph): empty, or ticked.
void draw_task_box(const Canvas& canvas, deck::Task task, ImVec2 center, float size) {
    const Theme& t = *canvas.theme;
    const float h = size * 0.5f;
    const ImVec2 min(center.x - h, center.y - h), max(center.x + h, center.y + h);
    canvas.frame(min, max, t.color.accent, size * 0.15f, std::max(2.0f, size * 0.08f));
    if (task != deck::Task::Done) return;
    const float w = std::max(3.0f, size * 0.12f);
    canvas.line(ImVec2(min.x + size * 0.2f, center.y), ImVec2(center.x - size * 0.08f, max.y - size * 0.22f),
                t.color.ok, w);
    canvas.line(ImVec2(center.x - size * 0.08f, max.y - size * 0.22f), ImVec2(max.x - size * 0.15f, min.y + size * 0.2f),
                t.color.ok, w);
}

//-----------------------------------------------------------------------------
// [SECTION] Tables
//-----------------------------------------------------------------------------

// Column widths for a table: each column's natural width (its widest cell
// on one line) when they all fit; otherwise the narrow columns keep theirs
// and the others share what is left.
std::vector<float> column_widths(const std::vector<float>& natural, float available) {
    std::vector<float> widths(natural.size(), 0);
    if (std::accumulate(natural.begin(), natural.end(), 0.0f) <= available) return natural;
    std::vector<bool> fixed(natural.size(), false);
    float left = available;
    std::size_t open = natural.size();
    for (bool changed = true; changed && open > 0;) {
        changed = false;
        const float share = left / static_cast<float>(open);
        for (std::size_t c = 0; c < natural.size(); ++c) {
            if (fixed[c] || natural[c] > share) continue;
            widths[c] = natural[c];
            fixed[c] = true;
            left -= natural[c];
            --open;
            changed = true;
        }
    }
    for (std::size_t c = 0; c < natural.size(); ++c)
        if (!fixed[c]) widths[c] = std::max(1.0f, left / static_cast<float>(open));
    return widths;
}

float draw_table(const Canvas& canvas, const deck::Block& table, float x, float y, float width, bool draw,
                 Flow& flow) {
    const Theme& t = *canvas.theme;
    const float size = t.size.body * 0.85f;
    const float pad_x = size * 0.45f, pad_y = size * 0.22f;
    std::size_t columns = 0;
    for (const deck::TableRow& row : table.rows) columns = std::max(columns, row.cells.size());
    columns = std::min<std::size_t>(columns, 64);
    if (columns == 0) return 0;
    const auto header = [&](std::size_t r) { return static_cast<int>(r) < table.head_rows; };
    const auto style_of = [&](std::size_t r) {
        return TextStyle{size, header(r), header(r) ? t.color.heading : t.color.text};
    };

    std::vector<float> natural(columns, 0);
    for (std::size_t r = 0; r < table.rows.size(); ++r)
        for (std::size_t c = 0; c < std::min(columns, table.rows[r].cells.size()); ++c) {
            float w = 0;
            draw_spans(canvas, table.rows[r].cells[c], {}, 1e9f, style_of(r), false, &w);
            natural[c] = std::max(natural[c], w);
        }
    const float available = width - static_cast<float>(columns) * 2 * pad_x;
    const std::vector<float> widths = column_widths(natural, std::max(available, static_cast<float>(columns)));
    float total = 0;
    for (float w : widths) total += w + 2 * pad_x;

    float row_y = y;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const deck::TableRow& row = table.rows[r];
        float row_h = 0;
        float widest_cell = 0;
        for (std::size_t c = 0; c < std::min(columns, row.cells.size()); ++c) {
            float w = 0;
            row_h = std::max(row_h, draw_spans(canvas, row.cells[c], {}, widths[c], style_of(r), false, &w));
            widest_cell = std::max(widest_cell, w - widths[c]);
        }
        if (row.cells.empty()) row_h = size * t.layout.line_height;
        row_h += 2 * pad_y;
        if (widest_cell > 1 && !flow.wide) {
            flow.wide = true;
            flow.wide_line = table.line;
        }
        if (draw) {
            if (header(r)) canvas.rect(ImVec2(x, row_y), ImVec2(x + total, row_y + row_h), t.color.code_bg, 0);
            float cx = x;
            for (std::size_t c = 0; c < std::min(columns, row.cells.size()); ++c) {
                float w = 0;
                draw_spans(canvas, row.cells[c], {}, widths[c], style_of(r), false, &w);
                const deck::Align align = c < table.align.size() ? table.align[c] : deck::Align::Default;
                float shift = 0;
                if (w <= widths[c] && align == deck::Align::Center) shift = (widths[c] - w) * 0.5f;
                if (w <= widths[c] && align == deck::Align::Right) shift = widths[c] - w;
                draw_spans(canvas, row.cells[c], ImVec2(cx + pad_x + shift, row_y + pad_y), widths[c], style_of(r));
                cx += widths[c] + 2 * pad_x;
            }
            const bool last_head = static_cast<int>(r) + 1 == table.head_rows;
            canvas.line(ImVec2(x, row_y + row_h), ImVec2(x + total, row_y + row_h),
                        last_head ? t.color.accent : t.color.pane_border, last_head ? 3.0f : 2.0f);
        }
        row_y += row_h;
    }
    return row_y - y;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Blocks (lists, quotes, columns, reveal steps)
//-----------------------------------------------------------------------------

namespace {

// Notes what a leaf that ends at `bottom` (and needs `widest`) means for the box.
void note_extent(Flow& flow, int line, float bottom, float widest, float width) {
    if (bottom > flow.bottom && flow.cut_line == 0) flow.cut_line = line;
    if (widest > width + 0.5f && !flow.wide) {
        flow.wide = true;
        flow.wide_line = line;
    }
}

}  // namespace

float draw_blocks(const Canvas& canvas, render::ImageCache& images, std::span<const deck::Block> blocks, float x,
                  float y, float width, bool draw, int depth) {
    Flow flow;
    flow.draw = draw;
    return draw_blocks(canvas, images, blocks, x, y, width, flow, depth);
}

float draw_blocks(const Canvas& canvas, render::ImageCache& images, std::span<const deck::Block> blocks, float x,
                  float y, float width, Flow& flow, int depth) {
    const Theme& t = *canvas.theme;
    const float body = depth > 0 ? t.size.body * 0.92f : t.size.body;
    bool first = true;
    for (const deck::Block& block : blocks) {
        if (!first) y += depth > 0 ? t.layout.block_gap * 0.4f : t.layout.block_gap;
        first = false;
        const bool shown = flow.draw && block.step <= flow.reveal;
        float widest = 0;
        switch (block.kind) {
        case deck::BlockKind::Heading: {
            const float size = block.level == 1 ? t.size.h1 : block.level == 2 ? t.size.h2 : t.size.h3;
            const ImU32 color = block.level == 1 ? t.color.heading : t.color.accent;
            y += draw_spans(canvas, block.spans, ImVec2(x, y), width, {size, true, color}, shown, &widest);
            note_extent(flow, block.line, y, widest, width);
            break;
        }
        case deck::BlockKind::Paragraph:
            y += draw_spans(canvas, block.spans, ImVec2(x, y), width, {body, false, t.color.text}, shown, &widest);
            note_extent(flow, block.line, y, widest, width);
            break;
        case deck::BlockKind::List: {
            const float indent = t.layout.list_indent;
            for (std::size_t i = 0; i < block.items.size(); ++i) {
                if (i > 0) y += t.layout.block_gap * 0.45f;
                const deck::ListItem& item = block.items[i];
                const float mid = y + body * t.layout.line_height * 0.5f;
                if (flow.draw && item.step <= flow.reveal) {
                    if (item.task != deck::Task::None) {
                        draw_task_box(canvas, item.task, ImVec2(x + indent - body * 0.75f, mid), body * 0.62f);
                    } else {
                        const std::string marker = list_marker(block, i, depth);
                        const float marker_size = block.ordered ? body : body * 0.9f;
                        const float mw = canvas.text_width(Face::SansBold, marker_size, marker);
                        canvas.text(Face::SansBold, marker_size,
                                    ImVec2(x + indent - mw - body * 0.4f,
                                           y + (body * t.layout.line_height - marker_size) * 0.5f),
                                    t.color.accent, marker);
                    }
                }
                y = draw_blocks(canvas, images, item.blocks, x + indent, y, width - indent, flow, depth + 1);
            }
            break;
        }
        case deck::BlockKind::Code: {
            const float top = y;
            y += draw_code_block(canvas, block, ImVec2(x, y), width, flow.reveal, shown, &widest);
            if (y > flow.bottom && flow.cut_line == 0) {
                // The first code line below the box.
                const float line_h = t.size.code * 1.4f;
                const int cut = std::max(0, static_cast<int>((flow.bottom - top - t.layout.code_padding) / line_h));
                flow.cut_line = block.line + (block.fenced ? 1 : 0) + cut;
            }
            if (widest > width + 0.5f && !flow.wide) {
                // The first code line too wide.
                int index = 0;
                for (std::size_t from = 0; from <= block.text.size(); ++index) {
                    std::size_t end = block.text.find('\n', from);
                    if (end == std::string::npos) end = block.text.size();
                    const std::string_view line(block.text.data() + from, end - from);
                    if (canvas.text_width(Face::Mono, t.size.code, line) + 2 * t.layout.code_padding +
                            code_gutter(canvas, block) > width + 0.5f)
                        break;
                    from = end + 1;
                }
                flow.wide = true;
                flow.wide_line = block.line + (block.fenced ? 1 : 0) + index;
            }
            note_extent(flow, block.line, y, widest, width);
            break;
        }
        case deck::BlockKind::Image:
            y += draw_image(canvas, block, x, y, width, shown);
            note_extent(flow, block.line, y, 0, width);
            break;
        case deck::BlockKind::Quote: {
            const float top = y;
            const float bar = 8;
            y = draw_blocks(canvas, images, block.children, x + bar + 28, y, width - bar - 28, flow, depth);
            if (shown) canvas.rect(ImVec2(x, top), ImVec2(x + bar, y), t.color.accent, bar * 0.5f);
            break;
        }
        case deck::BlockKind::Rule:
            if (shown) canvas.line(ImVec2(x, y + 12), ImVec2(x + width, y + 12), t.color.pane_border, 3);
            y += 24;
            note_extent(flow, block.line, y, 0, width);
            break;
        case deck::BlockKind::Table:
            y += draw_table(canvas, block, x, y, width, shown, flow);
            note_extent(flow, block.line, y, 0, width);
            break;
        case deck::BlockKind::Columns: {
            const std::size_t n = block.columns.size();
            if (n == 0) break;
            const float gap = t.layout.pane_gap;
            float total = 0;
            for (const deck::Column& c : block.columns) total += c.weight;
            const float room = width - gap * static_cast<float>(n - 1);
            float cx = x, bottom = y;
            for (const deck::Column& c : block.columns) {
                const float w = room * (total > 0 ? c.weight / total : 1.0f / static_cast<float>(n));
                bottom = std::max(bottom, draw_blocks(canvas, images, c.blocks, cx, y, w, flow, depth));
                cx += w + gap;
            }
            y = bottom;
            break;
        }
        }
    }
    return y;
}

}  // namespace livedeck::views
