#include "views/theme.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "embedded.hpp"

std::span<const livedeck::EmbeddedFile> asset_files();

namespace livedeck::views {

namespace {

ImU32 parse_color(const std::string& key, const std::string& hex) {
    unsigned r = 0, g = 0, b = 0, a = 255;
    const bool ok = (hex.size() == 7 && std::sscanf(hex.c_str(), "#%02x%02x%02x", &r, &g, &b) == 3) ||
                    (hex.size() == 9 &&
                     std::sscanf(hex.c_str(), "#%02x%02x%02x%02x", &r, &g, &b, &a) == 4);
    if (!ok) throw std::runtime_error("theme: colour " + key + " is not #rrggbb: " + hex);
    return IM_COL32(r, g, b, a);
}

}  // namespace

std::vector<render::FontRequest> Theme::font_requests() const {
    using render::Face;
    return {
        {Face::SansBold, size.title}, {Face::Sans, size.subtitle},  {Face::SansBold, size.h1},
        {Face::SansBold, size.h2},    {Face::SansBold, size.h3},    {Face::Sans, size.body},
        {Face::SansBold, size.body},  {Face::SansItalic, size.body}, {Face::SansBoldItalic, size.body},
        {Face::Mono, size.body},      {Face::Mono, size.code},      {Face::MonoBold, size.code},
        {Face::Mono, size.pane},      {Face::Sans, size.small},     {Face::SansBold, size.small},
        {Face::Mono, size.small},     {Face::Sans, size.notes},     {Face::MonoBold, size.h1},
        {Face::Mono, size.code_floor},
    };
}

ImU32 Theme::dimmed(ImU32 c) const {
    const ImU32 bg = color.code_bg;
    auto channel = [&](int shift) {
        const float a = static_cast<float>((c >> shift) & 0xFF), b = static_cast<float>((bg >> shift) & 0xFF);
        return static_cast<ImU32>(b + (a - b) * layout.code_dim + 0.5f) << shift;
    };
    return channel(IM_COL32_R_SHIFT) | channel(IM_COL32_G_SHIFT) | channel(IM_COL32_B_SHIFT) | (c & IM_COL32_A_MASK);
}

Theme parse_theme(const std::string& text) {
    const nlohmann::json j = nlohmann::json::parse(text);
    auto number = [&](const char* group, const char* key) -> float {
        try {
            return j.at(group).at(key).get<float>();
        } catch (const nlohmann::json::exception&) {
            throw std::runtime_error(std::string("theme: missing number ") + group + "." + key);
        }
    };
    auto color = [&](const char* group, const char* key) -> ImU32 {
        try {
            return parse_color(std::string(group) + "." + key, j.at(group).at(key).get<std::string>());
        } catch (const nlohmann::json::exception&) {
            throw std::runtime_error(std::string("theme: missing colour ") + group + "." + key);
        }
    };
    Theme t;
    t.canvas_width = number("canvas", "width");
    t.canvas_height = number("canvas", "height");
    t.sans_family = j.at("fonts").at("sans").get<std::string>();
    t.mono_family = j.at("fonts").at("mono").get<std::string>();
    t.size = {number("sizes", "title"), number("sizes", "subtitle"), number("sizes", "h1"),
              number("sizes", "h2"),    number("sizes", "h3"),       number("sizes", "body"),
              number("sizes", "code"),  number("sizes", "pane"),     number("sizes", "small"),
              number("sizes", "notes"), number("sizes", "code_floor")};
    t.layout = {number("layout", "margin_x"),     number("layout", "margin_top"),
                number("layout", "margin_bottom"), number("layout", "heading_gap"),
                number("layout", "block_gap"),    number("layout", "line_height"),
                number("layout", "list_indent"),  number("layout", "code_padding"),
                number("layout", "pane_gap"),     number("layout", "radius"),
                number("layout", "code_dim")};
    if (!(t.layout.code_dim >= 0 && t.layout.code_dim <= 1))
        throw std::runtime_error("theme: layout.code_dim must be from 0 to 1");
    const char* c = "colors";
    t.color = {color(c, "background"),   color(c, "background_edge"), color(c, "text"),
               color(c, "heading"),      color(c, "accent"),          color(c, "muted"),
               color(c, "inline_code"),  color(c, "inline_code_bg"),  color(c, "link"),
               color(c, "code_bg"),      color(c, "pane_border"),     color(c, "pane_title"),
               color(c, "line_number"),  color(c, "active_line"),     color(c, "error"),
               color(c, "error_bg"),     color(c, "ok"),              color(c, "button"),
               color(c, "button_hover"), color(c, "button_text"),     color(c, "cursor"),
               color(c, "letterbox")};
    const char* kinds[deck::token_kind_count] = {"plain",    "keyword",     "type",     "string",
                                                 "number",   "comment",     "preprocessor",
                                                 "function", "punctuation", "inserted", "deleted"};
    for (int i = 0; i < deck::token_kind_count; ++i) t.syntax[i] = color("syntax", kinds[i]);
    return t;
}

const Theme& theme() {
    static const Theme built_in = [] {
        for (const EmbeddedFile& f : asset_files())
            if (f.name == "theme.json") return parse_theme(std::string(f.contents));
        throw std::runtime_error("theme.json is not embedded");
    }();
    return built_in;
}

}  // namespace livedeck::views
