#include "views/slide_view.hpp"

#include <algorithm>
#include <string>

#include "deck/highlight.hpp"

namespace livedeck::views {

using render::Face;

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
    float x, width;
    int line;
};

}  // namespace

float draw_spans(const Canvas& canvas, const std::vector<deck::Span>& spans, ImVec2 pos,
                 float width, TextStyle style, bool draw) {
    const Theme& t = *canvas.theme;
    const float line_h = style.size * t.layout.line_height;
    const float code_size = style.size * 0.9f;
    const float code_pad = style.size * 0.18f;
    std::vector<Piece> pieces;
    float x = 0;
    int line = 0;
    bool pending_space = false;
    float space_width = canvas.text_width(style.bold ? Face::SansBold : Face::Sans, style.size, " ");

    auto place = [&](std::string word, Face face, ImU32 color, bool code) {
        const float size = code ? code_size : style.size;
        float w = canvas.text_width(face, size, word) + (code ? 2 * code_pad : 0);
        float gap = pending_space && x > 0 ? space_width : 0;
        if (x > 0 && x + gap + w > width) {
            ++line;
            x = 0;
            gap = 0;
        }
        x += gap;
        pieces.push_back({std::move(word), face, color, code, x, w, line});
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
        const ImU32 color = code ? t.color.inline_code
                            : (span.style & deck::SpanStyle_Link) ? t.color.link
                                                                  : style.color;
        if (code) {
            if (!span.text.empty() && span.text.front() == ' ') pending_space = true;
            place(span.text, face, color, true);
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
            place(span.text.substr(i, end - i), face, color, false);
            i = end;
        }
    }
    if (draw) {
        for (const Piece& p : pieces) {
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
        }
    }
    return static_cast<float>(line + 1) * line_h;
}

float draw_code_block(const Canvas& canvas, const std::string& code, const std::string& lang,
                      ImVec2 pos, float width, bool draw) {
    const Theme& t = *canvas.theme;
    const float size = t.size.code;
    const float line_h = size * 1.4f;
    const float pad = t.layout.code_padding;
    // Highlighted once (when the deck loaded, or on first sight), not per frame.
    const std::shared_ptr<const deck::HighlightedCode> highlighted = deck::highlighted(code, lang);
    const std::vector<deck::TokenLine>& lines = highlighted->lines;
    const float height = static_cast<float>(std::max<std::size_t>(lines.size(), 1)) * line_h + 2 * pad;
    if (!draw) return height;
    canvas.fill(pos, ImVec2(pos.x + width, pos.y + height), t.color.code_bg, t.layout.radius);
    canvas.clip(pos, ImVec2(pos.x + width - pad * 0.5f, pos.y + height));
    float y = pos.y + pad;
    for (const deck::TokenLine& tokens : lines) {
        float x = pos.x + pad;
        for (const deck::Token& token : tokens) {
            canvas.text(Face::Mono, size, ImVec2(x, y + (line_h - size) * 0.5f),
                        t.token_color(token.kind), token.text);
            x += canvas.text_width(Face::Mono, size, token.text);
        }
        y += line_h;
    }
    canvas.unclip();
    return height;
}

namespace {

float draw_image(const Canvas& canvas, const deck::Block& block, float x, float y, float width, bool draw) {
    const Theme& t = *canvas.theme;
    const ImageInfo image = canvas.image_info(block.image_path);
    if (!image.error.empty() || image.width <= 0 || image.height <= 0) {
        const std::vector<deck::Span> message{
            {"Image " + block.image_path.filename().string() + ": " + image.error, 0}};
        return draw_spans(canvas, message, ImVec2(x, y), width, {t.size.body * 0.8f, false, t.color.error}, draw);
    }
    // Fit the width and at most half the canvas height; never upscale past 1.5x.
    const float max_h = t.canvas_height * 0.5f;
    float scale = std::min({width / static_cast<float>(image.width),
                            max_h / static_cast<float>(image.height), 1.5f});
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

}  // namespace

float draw_blocks(const Canvas& canvas, render::ImageCache& images,
                  std::span<const deck::Block> blocks, float x, float y, float width, bool draw,
                  int depth) {
    const Theme& t = *canvas.theme;
    const float body = depth > 0 ? t.size.body * 0.92f : t.size.body;
    bool first = true;
    for (const deck::Block& block : blocks) {
        if (!first) y += depth > 0 ? t.layout.block_gap * 0.4f : t.layout.block_gap;
        first = false;
        switch (block.kind) {
        case deck::BlockKind::Heading: {
            const float size = block.level == 1 ? t.size.h1 : block.level == 2 ? t.size.h2 : t.size.h3;
            const ImU32 color = block.level == 1 ? t.color.heading : t.color.accent;
            y += draw_spans(canvas, block.spans, ImVec2(x, y), width, {size, true, color}, draw);
            break;
        }
        case deck::BlockKind::Paragraph:
            y += draw_spans(canvas, block.spans, ImVec2(x, y), width, {body, false, t.color.text}, draw);
            break;
        case deck::BlockKind::List: {
            const float indent = t.layout.list_indent;
            for (std::size_t i = 0; i < block.items.size(); ++i) {
                if (i > 0) y += t.layout.block_gap * 0.45f;
                const std::string marker = list_marker(block, i, depth);
                const float marker_size = block.ordered ? body : body * 0.9f;
                if (draw) {
                    const float mw = canvas.text_width(Face::SansBold, marker_size, marker);
                    canvas.text(Face::SansBold, marker_size,
                                ImVec2(x + indent - mw - body * 0.4f,
                                       y + (body * t.layout.line_height - marker_size) * 0.5f),
                                t.color.accent, marker);
                }
                y = draw_blocks(canvas, images, block.items[i].blocks, x + indent, y, width - indent,
                                draw, depth + 1);
            }
            break;
        }
        case deck::BlockKind::Code:
            y += draw_code_block(canvas, block.text, block.lang, ImVec2(x, y), width, draw);
            break;
        case deck::BlockKind::Image:
            y += draw_image(canvas, block, x, y, width, draw);
            break;
        case deck::BlockKind::Quote: {
            const float top = y;
            const float bar = 8;
            y = draw_blocks(canvas, images, block.children, x + bar + 28, y, width - bar - 28, draw, depth);
            if (draw) canvas.rect(ImVec2(x, top), ImVec2(x + bar, y), t.color.accent, bar * 0.5f);
            break;
        }
        case deck::BlockKind::Rule:
            if (draw) canvas.line(ImVec2(x, y + 12), ImVec2(x + width, y + 12), t.color.pane_border, 3);
            y += 24;
            break;
        }
    }
    return y;
}

}  // namespace livedeck::views
