// html.cpp: raw HTML in a deck. Nothing is rendered as HTML, but no text is
// lost: `<img src=... width=...>` is an image, `<br>` breaks the line, the simple inline styles (b, strong, i, em,
// code, kbd, s, del, strike) are kept, block tags end paragraphs, headings
// stay headings, and every other tag is dropped with its text kept (and
// named, so that `check` can say so).

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace livedeck::deck::detail {
namespace {

bool any_of_names(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::optional<HtmlTag> parse_tag(std::string_view t) {
    if (t.size() < 3 || t.front() != '<' || t.back() != '>') return std::nullopt;
    HtmlTag tag;
    size_t i = 1;
    if (t[i] == '/') {
        tag.closing = true;
        ++i;
    }
    const size_t start = i;
    while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '-' || t[i] == '_' || t[i] == ':'))
        ++i;
    if (i == start) return std::nullopt;
    for (size_t k = start; k < i; ++k) tag.name += static_cast<char>(std::tolower(static_cast<unsigned char>(t[k])));
    tag.self_closing = t.size() >= 2 && t[t.size() - 2] == '/';
    return tag;
}

TagUse tag_use(std::string_view name) {
    if (name == "br") return TagUse::Break;
    if (any_of_names(name, {"b", "strong"})) return TagUse::Bold;
    if (any_of_names(name, {"i", "em"})) return TagUse::Italic;
    if (any_of_names(name, {"code", "kbd", "tt", "samp"})) return TagUse::Code;
    if (any_of_names(name, {"s", "del", "strike"})) return TagUse::Strike;
    if (any_of_names(name, {"script", "style", "template"})) return TagUse::DropWithContent;
    if (name == "img") return TagUse::Image;
    if (any_of_names(name, {"video", "audio", "iframe", "embed", "object", "source", "input", "svg", "canvas",
                            "link", "meta"}))
        return TagUse::DropEmpty;
    if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') return TagUse::Heading;
    if (name == "hr") return TagUse::Rule;
    if (any_of_names(name, {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "center",
                            "figure", "figcaption", "blockquote", "ul", "ol", "li", "table", "thead", "tbody",
                            "tfoot", "tr", "td", "th", "pre", "dl", "dt", "dd", "details", "summary", "form",
                            "address", "caption"}))
        return TagUse::Block;
    return TagUse::Drop;
}

namespace {

// The value of attribute `name` in a tag's text (quoted or not), decoded
// entities and all; nothing when it is not there.
std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
    std::string low(tag);
    for (char& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t i = low.find_first_of(" \t\r\n/");  // past the tag's name
    while (i != std::string::npos && i < low.size()) {
        while (i < low.size() && (std::isspace(static_cast<unsigned char>(low[i])) || low[i] == '/')) ++i;
        const size_t key = i;
        while (i < low.size() && low[i] != '=' && low[i] != '>' && low[i] != '/' &&
               !std::isspace(static_cast<unsigned char>(low[i])))
            ++i;
        const std::string_view k = std::string_view(low).substr(key, i - key);
        if (k.empty()) return std::nullopt;
        while (i < low.size() && std::isspace(static_cast<unsigned char>(low[i]))) ++i;
        std::string_view value;
        if (i < low.size() && low[i] == '=') {
            ++i;
            while (i < low.size() && std::isspace(static_cast<unsigned char>(low[i]))) ++i;
            if (i < low.size() && (low[i] == '"' || low[i] == '\'')) {
                const size_t end = low.find(low[i], i + 1);
                if (end == std::string::npos) return std::nullopt;
                value = tag.substr(i + 1, end - i - 1);
                i = end + 1;
            } else {
                const size_t start = i;
                while (i < low.size() && low[i] != '>' && !std::isspace(static_cast<unsigned char>(low[i]))) ++i;
                value = tag.substr(start, i - start);
            }
        }
        if (k == name) {
            std::string out;
            for (size_t j = 0; j < value.size();) {
                const size_t semi = value[j] == '&' ? value.find(';', j) : std::string_view::npos;
                if (semi != std::string_view::npos && semi - j <= 10) {
                    append_entity(out, value.substr(j, semi - j + 1));
                    j = semi + 1;
                } else {
                    out += value[j++];
                }
            }
            return out;
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<Block> html_image(std::string_view tag_text, int line) {
    std::optional<std::string> src = attribute(tag_text, "src");
    if (!src || trim(*src).empty()) return std::nullopt;
    Block img;
    img.kind = BlockKind::Image;
    img.line = line;
    img.image_path = std::string(trim(*src));
    img.alt = std::string(trim(attribute(tag_text, "alt").value_or("")));
    if (std::optional<std::string> width = attribute(tag_text, "width")) {
        char* end = nullptr;
        const float w = std::strtof(width->c_str(), &end);
        const std::string_view unit = trim(std::string_view(end));
        if (std::isfinite(w) && w > 0 && (unit.empty() || unit == "px")) img.image_width = std::min(w, 8192.0f);
        else if (std::isfinite(w) && w > 0 && unit == "%") img.image_width = -std::min(w, 100.0f) / 100.0f;
    }
    return img;
}

std::vector<Block> html_blocks(std::string_view html, int first_line, std::vector<DroppedTag>& dropped) {
    std::vector<Block> blocks;
    Block para;
    int heading = 0;
    int bold = 0, italic = 0, code = 0, strike = 0;
    int line = first_line;
    bool space = false;  // a space is due before the next word
    auto flush = [&] {
        while (!para.spans.empty() && trim(para.spans.back().text).empty() && para.spans.back().text != "\n")
            para.spans.pop_back();
        while (!para.spans.empty() && para.spans.back().text == "\n") para.spans.pop_back();
        if (!para.spans.empty()) {
            if (!para.spans.back().text.empty() && para.spans.back().text.back() == ' ')
                para.spans.back().text.pop_back();
            para.kind = heading ? BlockKind::Heading : BlockKind::Paragraph;
            para.level = heading;
            blocks.push_back(std::move(para));
        }
        para = Block{};
        space = false;
    };
    auto style = [&] {
        unsigned s = SpanStyle_None;
        if (bold > 0 || heading) s |= SpanStyle_Bold;
        if (italic > 0) s |= SpanStyle_Italic;
        if (code > 0) s |= SpanStyle_Code;
        if (strike > 0) s |= SpanStyle_Strike;
        return s;
    };
    auto add = [&](const std::string& text) {
        if (text.empty()) return;
        if (para.spans.empty()) para.line = line;
        const unsigned s = style();
        if (!para.spans.empty() && para.spans.back().style == s && para.spans.back().text != "\n")
            para.spans.back().text += text;
        else
            para.spans.push_back({text, s});
    };
    std::string low(html);  // for finding end tags
    for (char& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool no_more_closes = false;  // no '>' after here: every '<' left is text
    size_t i = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '\n') ++line;
        if (c == '<' && !no_more_closes) {
            const size_t close = html.find('>', i);
            no_more_closes = close == std::string_view::npos;
            const std::optional<HtmlTag> tag =
                close == std::string_view::npos ? std::nullopt : parse_tag(html.substr(i, close - i + 1));
            if (tag) {
                const int at = line;
                const std::string_view tag_text = html.substr(i, close - i + 1);
                line += static_cast<int>(std::count(html.begin() + static_cast<std::ptrdiff_t>(i),
                                                    html.begin() + static_cast<std::ptrdiff_t>(close), '\n'));
                i = close + 1;
                const int d = tag->closing ? -1 : 1;
                switch (tag_use(tag->name)) {
                case TagUse::Break:
                    if (para.spans.empty()) para.line = at;
                    para.spans.push_back({"\n", 0});
                    space = false;
                    break;
                case TagUse::Bold: bold = std::max(0, bold + d); break;
                case TagUse::Italic: italic = std::max(0, italic + d); break;
                case TagUse::Code: code = std::max(0, code + d); break;
                case TagUse::Strike: strike = std::max(0, strike + d); break;
                case TagUse::Heading:
                    flush();
                    heading = tag->closing ? 0 : tag->name[1] - '0';
                    break;
                case TagUse::Rule: {
                    flush();
                    Block rule;
                    rule.kind = BlockKind::Rule;
                    rule.line = at;
                    blocks.push_back(std::move(rule));
                    break;
                }
                case TagUse::Block:
                    flush();
                    if (tag->name != "p" && !tag->closing) dropped.push_back({at, tag->name, true});  // its layout is not drawn
                    break;
                case TagUse::DropWithContent: {
                    if (!tag->closing) dropped.push_back({at, tag->name, false});
                    if (tag->closing || tag->self_closing) break;
                    // Its content is code or markup, not text: skip to its end.
                    const size_t stop = low.find("</" + tag->name, i);
                    const size_t to = stop == std::string::npos ? html.size() : stop;
                    line += static_cast<int>(std::count(html.begin() + static_cast<std::ptrdiff_t>(i),
                                                        html.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
                    i = to;
                    break;
                }
                case TagUse::Image:
                    if (tag->closing) break;
                    if (std::optional<Block> img = html_image(tag_text, at)) {
                        flush();
                        blocks.push_back(std::move(*img));
                    } else {
                        dropped.push_back({at, tag->name, false});  // no src: nothing to show
                    }
                    break;
                // (Named once, at the opening tag.)
                case TagUse::DropEmpty:
                    if (!tag->closing) dropped.push_back({at, tag->name, false});
                    break;
                case TagUse::Drop:
                    if (!tag->closing) dropped.push_back({at, tag->name, true});
                    break;
                }
                continue;
            }
        }
        // Every character the word loop below stops at (a form feed too, or
        // neither would move: found by fuzz_deck).
        if (is_space_or_newline(c)) {
            space = true;
            ++i;
            continue;
        }
        std::string word;
        if (space && !para.spans.empty() && para.spans.back().text != "\n") para.spans.back().text += ' ';
        space = false;
        // (A '<' that starts no tag is text: take it, or this would not move.)
        for (bool first = true; i < html.size() && (first || html[i] != '<') && !is_space_or_newline(html[i]);
             first = false) {
            if (html[i] == '&') {
                const size_t semi = html.find(';', i);
                if (semi != std::string_view::npos && semi - i <= 10) {
                    append_entity(word, html.substr(i, semi - i + 1));
                    i = semi + 1;
                    continue;
                }
            }
            word += html[i++];
        }
        add(word);
    }
    flush();
    return blocks;
}

}  // namespace livedeck::deck::detail

namespace livedeck::deck::detail {

void warn_dropped_tags(const std::vector<DroppedTag>& dropped, const std::string& file,
                       std::vector<Diagnostic>& warnings) {
    std::vector<DroppedTag> sorted = dropped;
    std::stable_sort(sorted.begin(), sorted.end(), [](const DroppedTag& a, const DroppedTag& b) { return a.line < b.line; });
    for (size_t i = 0; i < sorted.size();) {
        const int line = sorted[i].line;
        std::vector<std::string> names;
        bool text = false;
        for (; i < sorted.size() && sorted[i].line == line; ++i) {
            if (std::find(names.begin(), names.end(), sorted[i].name) == names.end()) names.push_back(sorted[i].name);
            text = text || sorted[i].text_kept;
        }
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "<" : ", <") + n + ">";
        const bool one = names.size() == 1;
        warnings.push_back({file, line,
                            "raw HTML " + list + (one ? " is" : " are") + " not drawn" +
                                (text ? (one ? ": its text is kept" : ": their text is kept") : "")});
    }
}

}  // namespace livedeck::deck::detail
