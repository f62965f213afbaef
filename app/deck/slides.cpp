// slides.cpp: cutting a deck file into slides at its separators, with
// fenced code (whose `---` lines do not count), setext underlines (which are
// headings, not separators) and front matter blocks tracked on the way.
//
// The separator rule (README, "Writing a deck"): a line holding only `---`
// outside fenced code separates slides, unless it sits right under a line of
// paragraph text, which CommonMark reads as a setext heading (`Title` over
// `---`). Under a heading, a list, a quote, a table, a comment or a blank
// line, it separates. `<!-- end_slide -->` alone on a line always separates.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>

namespace livedeck::deck::detail {

// `***`, `___`, `- - -`...: three or more of one of them, spaces between.
bool is_thematic_break(std::string_view t) {
    char c = 0;
    int n = 0;
    for (char ch : t) {
        if (is_space(ch)) continue;
        if (ch != '*' && ch != '-' && ch != '_') return false;
        if (c != 0 && ch != c) return false;
        c = ch;
        ++n;
    }
    return n >= 3;
}

namespace {

bool fence_closed_by(std::string_view line, Fence f) {
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    size_t n = 0;
    while (i + n < line.size() && line[i + n] == f.ch) ++n;
    return n >= f.len && is_blank(line.substr(i + n));
}

bool is_separator(std::string_view line) {
    if (line.substr(0, 3) != "---") return false;
    return is_blank(line.substr(3));
}

size_t indent_of(std::string_view line) {
    size_t n = 0;
    for (char c : line) {
        if (c == ' ') ++n;
        else if (c == '\t') n += 4 - n % 4;
        else break;
    }
    return n;
}

std::string_view unindented(std::string_view line) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    return line;
}

bool is_atx_heading(std::string_view t) {
    size_t n = 0;
    while (n < t.size() && t[n] == '#') ++n;
    return n >= 1 && n <= 6 && (n == t.size() || is_space(t[n]));
}


bool is_list_item(std::string_view t) {
    if (!t.empty() && (t[0] == '-' || t[0] == '*' || t[0] == '+')) return t.size() == 1 || is_space(t[1]);
    size_t n = 0;
    while (n < t.size() && n < 9 && t[n] >= '0' && t[n] <= '9') ++n;
    if (n == 0 || n >= t.size() || (t[n] != '.' && t[n] != ')')) return false;
    return n + 1 == t.size() || is_space(t[n + 1]);
}

// A table's delimiter row: `| --- | :-: |`, `---|---`.
bool is_table_delimiter(std::string_view t) {
    t = trim(t);
    if (t.find('|') == std::string_view::npos && t.find(':') == std::string_view::npos) return false;
    bool dash = false;
    for (char c : t) {
        if (c == '-') dash = true;
        else if (c != '|' && c != ':' && !is_space(c)) return false;
    }
    return dash;
}

// Follows the block structure just far enough to tell whether a `---` line
// would underline the line before it (CommonMark's setext heading).
class ParagraphTracker {
public:
    void reset() { *this = ParagraphTracker{}; }

    // True when a `---` at column 0 right now underlines a paragraph.
    bool underlines() const { return paragraph_ && !container_; }

    void feed(std::string_view line, bool fenced) {
        // A slide's directive lines (`demo: ...`) are not its text.
        if (top_ && !fenced) {
            std::string_view key, value;
            if (is_blank(line)) return;
            if (parse_directive_line(line, key, value) && key != "note" && key != "notes") return;
        }
        top_ = false;
        const bool was_blank = blank_;
        blank_ = false;
        if (comment_) {
            if (line.find("-->") != std::string_view::npos) comment_ = false;
            paragraph_ = false;
            return;
        }
        if (fenced) {
            paragraph_ = false;
            return;
        }
        if (is_blank(line)) {
            paragraph_ = table_ = html_ = false;
            blank_ = true;
            return;
        }
        const size_t ind = indent_of(line);
        const std::string_view t = unindented(line);
        // After a blank line, text at the margin ends a list or a quote.
        if (was_blank && ind < 2 && !is_list_item(t) && t.front() != '>') container_ = false;
        if (html_ || table_) return;
        if (ind >= 4 && !paragraph_) return;  // indented code (or a list's continuation)
        if (t.starts_with("<!--")) {
            comment_ = t.find("-->", 4) == std::string_view::npos;
            paragraph_ = false;
            return;
        }
        if (!paragraph_ && t.front() == '<') {
            html_ = true;
            return;
        }
        if (is_atx_heading(t) || is_thematic_break(t)) {
            if (ind == 0) container_ = false;
            paragraph_ = false;
            return;
        }
        if (paragraph_ && t.find_first_not_of('=') == std::string_view::npos) {  // a setext `===`
            paragraph_ = false;
            return;
        }
        if (paragraph_ && is_table_delimiter(t)) {
            table_ = true;
            paragraph_ = false;
            return;
        }
        if (is_list_item(t) || t.front() == '>') container_ = true;
        paragraph_ = true;
    }

private:
    bool paragraph_ = false;  // the last line is paragraph text
    bool container_ = false;  // inside a list item or a block quote
    bool comment_ = false;    // inside a multi-line HTML comment
    bool html_ = false;       // inside an HTML block (up to a blank line)
    bool table_ = false;      // inside a table (up to a blank line)
    bool blank_ = false;      // the last line is blank
    bool top_ = true;         // only blank and directive lines so far
};

// `key:` at the start of a line, as YAML writes a mapping's key.
bool is_key_line(std::string_view line) {
    size_t i = 0;
    if (line.empty() || !((line[0] >= 'a' && line[0] <= 'z') || (line[0] >= 'A' && line[0] <= 'Z') || line[0] == '_'))
        return false;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == '-'))
        ++i;
    return i < line.size() && line[i] == ':' && (i + 1 == line.size() || is_space(line[i + 1]));
}

// Lines that read as a YAML mapping: keys, indented values, list items,
// blank lines and (where allowed) comments; at least one key.
bool yamlish(const std::vector<std::string_view>& lines, size_t from, size_t to, bool comments) {
    bool key = false;
    for (size_t i = from; i < to; ++i) {
        const std::string_view l = lines[i];
        if (is_blank(l)) continue;
        if (l.front() == '#') {
            if (!comments) return false;
            continue;
        }
        if (is_key_line(l)) {
            key = true;
            continue;
        }
        if (!key) return false;
        if (l.front() == ' ' || l.front() == '\t' || l.starts_with("- ") || l == "-") continue;
        return false;
    }
    return key;
}

// A slide's front matter right after the separator at `sep`: the index of
// its closing `---`, or 0.
size_t slide_front_matter_end(const std::vector<std::string_view>& lines, const std::vector<bool>& fenced,
                              size_t sep) {
    const size_t first = sep + 1;
    if (first >= lines.size() || !is_key_line(lines[first])) return 0;
    for (size_t j = first + 1; j < lines.size() && j < first + 200; ++j) {
        if (fenced[j]) return 0;
        if (is_separator(lines[j])) return yamlish(lines, first, j, false) ? j : 0;
    }
    return 0;
}

}  // namespace

Fence fence_opened_by(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return {};
    char c = line[i];
    size_t n = 0;
    while (i + n < line.size() && line[i + n] == c) ++n;
    if (n < 3) return {};
    if (c == '`' && line.substr(i + n).find('`') != std::string_view::npos) return {};
    return {c, n};
}

// For each line: is it part of a fenced code block (fences included)?
// `unclosed` gets the index of a fence never closed, or -1.
std::vector<bool> fenced_lines(const std::vector<std::string_view>& lines, int& unclosed) {
    std::vector<bool> fenced(lines.size(), false);
    Fence open;
    unclosed = -1;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (open.ch != 0) {
            fenced[i] = true;
            if (fence_closed_by(lines[i], open)) open = {};
        } else if (Fence f = fence_opened_by(lines[i]); f.ch != 0) {
            fenced[i] = true;
            open = f;
            unclosed = static_cast<int>(i);
        }
    }
    if (open.ch == 0) unclosed = -1;
    return fenced;
}

bool is_end_slide(std::string_view line) {
    line = trim(line);
    if (!line.starts_with("<!--") || !line.ends_with("-->") || line.size() < 7) return false;
    return trim(line.substr(4, line.size() - 7)) == "end_slide";
}

std::optional<FrontMatter> deck_front_matter(const std::vector<std::string_view>& lines, size_t& end) {
    if (lines.empty() || !is_separator(lines[0])) return std::nullopt;
    for (size_t j = 1; j < lines.size() && j <= 1000; ++j) {
        const std::string_view l = lines[j];
        if (!is_separator(l) && !(l.starts_with("...") && is_blank(l.substr(3)))) continue;
        if (!yamlish(lines, 1, j, true)) return std::nullopt;
        FrontMatter fm;
        fm.first_line = 2;
        fm.lines.assign(lines.begin() + 1, lines.begin() + static_cast<std::ptrdiff_t>(j));
        end = j + 1;
        return fm;
    }
    return std::nullopt;
}

std::vector<Chunk> split_slides(const std::vector<std::string_view>& lines, size_t start, bool dashes) {
    int unclosed = -1;
    std::vector<bool> fenced = fenced_lines(lines, unclosed);
    std::vector<Chunk> chunks;
    chunks.push_back({static_cast<int>(start) + 1, {}, 0, {}});
    ParagraphTracker paragraph;
    for (size_t i = start; i < lines.size(); ++i) {
        const bool dash = dashes && !fenced[i] && is_separator(lines[i]) && !paragraph.underlines();
        if (dash || (!fenced[i] && is_end_slide(lines[i]))) {
            paragraph.reset();
            Chunk next{static_cast<int>(i) + 2, {}, 0, {}};
            if (dash) {
                if (const size_t close = slide_front_matter_end(lines, fenced, i)) {
                    next.front_matter.first_line = static_cast<int>(i) + 2;
                    next.front_matter.lines.assign(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                                   lines.begin() + static_cast<std::ptrdiff_t>(close));
                    next.first_line = static_cast<int>(close) + 2;
                    i = close;
                }
            }
            chunks.push_back(std::move(next));
            continue;
        }
        paragraph.feed(lines[i], fenced[i]);
        chunks.back().lines.push_back(lines[i]);
        if (static_cast<int>(i) == unclosed) chunks.back().unclosed_fence_line = static_cast<int>(i) + 1;
    }
    std::erase_if(chunks, [](const Chunk& c) {
        return c.front_matter.first_line == 0 &&
               std::all_of(c.lines.begin(), c.lines.end(), [](std::string_view l) { return is_blank(l); });
    });
    return chunks;
}

}  // namespace livedeck::deck::detail
