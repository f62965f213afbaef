// The theme: colours, type scale, margins and code colours, read from
// assets/theme.json (embedded at build time, so the program needs no files
// beside it). Every view takes its look from here and nowhere else.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "deck/highlight.hpp"
#include "render/fonts.hpp"

namespace livedeck::views {

struct Theme {
    float canvas_width = 1920, canvas_height = 1080;
    std::string sans_family, mono_family;

    struct Sizes {
        float title, subtitle, h1, h2, h3, body, code, pane, small, notes;
        // The smallest a demo slide's code may be drawn to fit (px at 1080p):
        // a longer file scrolls instead; `livedeck check` warns below it.
        float code_floor;
    } size{};
    struct Layout {
        float margin_x, margin_top, margin_bottom, heading_gap, block_gap, line_height,
            list_indent, code_padding, pane_gap, radius;
        float code_dim;  // the share of its colour a code line keeps when a line highlight dims it
    } layout{};
    struct Colors {
        ImU32 background, background_edge, text, heading, accent, muted, inline_code,
            inline_code_bg, link, code_bg, pane_border, pane_title, line_number, active_line,
            error, error_bg, ok, button, button_hover, button_text, cursor, letterbox;
    } color{};
    ImU32 syntax[deck::token_kind_count]{};  // indexed by deck::TokenKind

    ImU32 token_color(deck::TokenKind kind) const { return syntax[static_cast<int>(kind)]; }
    // `c` as a code line a line highlight dims: code_dim of it over code_bg.
    ImU32 dimmed(ImU32 c) const;
    // Every (face, size) the views draw with, for the font atlas.
    std::vector<render::FontRequest> font_requests() const;
};

// The built-in theme (assets/theme.json). Throws std::runtime_error naming
// the bad key if the JSON does not fit.
const Theme& theme();
Theme parse_theme(const std::string& json);

}  // namespace livedeck::views
