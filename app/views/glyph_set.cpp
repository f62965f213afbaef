#include "views/glyph_set.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "registry.hpp"
#include "views/theme.hpp"

namespace livedeck::views {

namespace {

void blocks_text(const std::vector<deck::Block>& blocks, const std::function<void(std::string_view, int)>& fn) {
    for (const deck::Block& b : blocks) {
        for (const deck::Span& s : b.spans) fn(s.text, b.line);
        for (const deck::ListItem& item : b.items) blocks_text(item.blocks, fn);
        if (!b.text.empty()) fn(b.text, b.line);
        if (!b.alt.empty()) fn(b.alt, b.line);
        blocks_text(b.children, fn);
        for (const deck::TableRow& row : b.rows)
            for (const auto& cell : row.cells)
                for (const deck::Span& s : cell) fn(s.text, b.line);
        for (const deck::Column& c : b.columns) blocks_text(c.blocks, fn);
    }
}

std::string describe(char32_t c) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
    std::string out = buffer;
    // The character itself, in UTF-8, so the author sees which one.
    std::string utf8;
    if (c < 0x800) {
        utf8 += static_cast<char>(0xC0 | (c >> 6));
    } else if (c < 0x10000) {
        utf8 += static_cast<char>(0xE0 | (c >> 12));
        utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    } else {
        utf8 += static_cast<char>(0xF0 | (c >> 18));
        utf8 += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    utf8 += static_cast<char>(0x80 | (c & 0x3F));
    return out + " '" + utf8 + "'";
}

}  // namespace

char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(i);
    int length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > s.size()) {
        ++i;
        return 0;
    }
    char32_t c = length == 1 ? b : b & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
        const unsigned char more = byte(i + static_cast<std::size_t>(k));
        if ((more & 0xC0) != 0x80) {
            ++i;
            return 0;
        }
        c = c << 6 | (more & 0x3F);
    }
    i += static_cast<std::size_t>(length);
    static constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[length] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return c;
}

void for_each_text(const deck::Deck& deck, const std::function<void(std::string_view, int)>& fn) {
    const deck::Meta& m = deck.meta;
    for (const std::string* s : {&m.title, &m.subtitle, &m.author, &m.date}) fn(*s, 1);
    for (const std::string& s : m.more) fn(s, 1);
    for (const deck::Slide& slide : deck.slides) {
        fn(slide.title, slide.line);
        blocks_text(slide.blocks, fn);
        fn(slide.notes, slide.line);
        if (slide.demo)
            if (const demos::Demo* demo = demos::find_demo(slide.demo->name)) fn(demo->source(), slide.demo->line);
    }
}

void add_code_points(std::string_view text, std::vector<char32_t>& out) {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        if (const char32_t c = next_code_point(text, i)) out.push_back(c);
    }
}

std::vector<char32_t> deck_code_points(const deck::Deck& deck) {
    std::vector<char32_t> out;
    for_each_text(deck, [&](std::string_view text, int) { add_code_points(text, out); });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<deck::Diagnostic> glyph_warnings(const deck::Deck& deck, const render::Fonts& fonts) {
    // Each line's characters outside the atlas's base set, in the order met.
    std::map<int, std::vector<char32_t>> lines;
    for_each_text(deck, [&](std::string_view text, int line) {
        std::vector<char32_t> points;
        add_code_points(text, points);
        std::vector<char32_t>& at = lines[line];
        for (const char32_t c : points)
            if (!render::Fonts::in_base_set(c) && std::find(at.begin(), at.end(), c) == at.end()) at.push_back(c);
    });
    std::vector<deck::Diagnostic> warnings;
    // What the atlas would leave out at 1080p (the windows' build takes the
    // characters in code point order).
    std::vector<char32_t> all;
    for (const auto& [line, points] : lines) all.insert(all.end(), points.begin(), points.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    const std::size_t fit = render::Fonts::fitting(theme().font_requests(), 1.0f, all);
    const std::set<char32_t> cut(all.begin() + static_cast<std::ptrdiff_t>(std::min(fit, all.size())), all.end());
    bool capped = false;
    for (const auto& [line, points] : lines) {
        std::vector<char32_t> none;
        for (const char32_t c : points) {
            if (!fonts.drawable(render::Face::Sans, c) && !fonts.drawable(render::Face::Mono, c))
                none.push_back(c);
            else if (!capped && cut.count(c)) {
                capped = true;
                warnings.push_back({deck.path.string(), line,
                                    "the font atlas holds " + std::to_string(fit) + " of the deck's " +
                                        std::to_string(all.size()) + " characters beyond Latin-1 at 1080p (fewer at "
                                        "higher resolutions); the windows draw the other " +
                                        std::to_string(cut.size()) + ", from " + describe(c) +
                                        " on, as '?' (the PDF draws them)"});
            }
        }
        auto list = [](const std::vector<char32_t>& v) {
            std::string out;
            for (std::size_t i = 0; i < v.size() && i < 8; ++i) out += (i ? ", " : "") + describe(v[i]);
            if (v.size() > 8) out += " and " + std::to_string(v.size() - 8) + " more";
            return out;
        };
        if (!none.empty())
            warnings.push_back({deck.path.string(), line,
                                "no installed font has " + list(none) + ": drawn as '?' (install a font with it)"});
    }
    return warnings;
}

std::vector<deck::Diagnostic> glyph_warnings(const deck::Deck& deck) {
    const Theme& t = theme();
    const render::Fonts fonts(t.sans_family, t.mono_family);
    return glyph_warnings(deck, fonts);
}

}  // namespace livedeck::views
