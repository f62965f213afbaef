// dialects.cpp: the conventions of other presentation tools in a slide's
// text, taken out before md4c sees it. Line counts never change: what is
// taken out is blanked, so every later stage still knows its file lines.
//
// Index
//   [SECTION] Comments: notes and commands (presenterm, reveal.js, Marp)
//   [SECTION] reveal.js `Note:`
//   [SECTION] <aside class="notes">
//   [SECTION] Pandoc fenced divs, pauses and presenterm columns
//   [SECTION] take_apart

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace livedeck::deck::detail {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

size_t index_of(const std::vector<size_t>& starts, size_t offset) {
    return static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin()) - 1;
}

// Text without its HTML tags, entities decoded, runs of blank lines cut to one.
std::string strip_tags(std::string_view html) {
    std::string out;
    size_t i = 0;
    while (i < html.size()) {
        if (html[i] == '<') {
            const size_t close = html.find('>', i);
            if (close == std::string_view::npos) break;
            i = close + 1;
            continue;
        }
        if (html[i] == '&') {
            const size_t semi = html.find(';', i);
            if (semi != std::string_view::npos && semi - i <= 10) {
                append_entity(out, html.substr(i, semi - i + 1));
                i = semi + 1;
                continue;
            }
        }
        out += html[i++];
    }
    std::string tidy;
    int newlines = 0;
    for (char c : out) {
        if (c == '\n') {
            if (++newlines > 2) continue;
        } else if (!is_space(c)) {
            newlines = 0;
        }
        tidy += c;
    }
    return std::string(trim(tidy));
}

// What a column command or a div marker does to where lines go.
struct LayoutEvent {
    enum Kind { Layout, Column, Reset } kind = Reset;
    std::vector<float> weights;  // Layout
    int column = 0;              // Column
};

// presenterm's `[1, 2]`.
std::optional<std::vector<float>> parse_weights(std::string_view s) {
    s = trim(s);
    if (s.size() < 2 || s.front() != '[' || s.back() != ']') return std::nullopt;
    s = s.substr(1, s.size() - 2);
    std::vector<float> weights;
    while (!s.empty()) {
        const size_t comma = s.find(',');
        const std::string_view piece = trim(s.substr(0, comma));
        float w = 0;
        const auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), w);
        if (ec != std::errc() || end != piece.data() + piece.size() || !(w > 0) || w > 1000) return std::nullopt;
        weights.push_back(w);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    if (weights.empty() || weights.size() > 8) return std::nullopt;
    return weights;
}

std::optional<bool> parse_flag(std::string_view s) {
    const std::string v = lower(trim(s));
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] Comments: notes and commands (presenterm, reveal.js, Marp)
//-----------------------------------------------------------------------------

struct Commands {
    std::vector<int> reveal_points;                          // file lines
    std::vector<std::pair<int, bool>> incremental;           // file line, on
    std::vector<std::pair<int, LayoutEvent>> layout;         // file line, event
    std::vector<NotePiece> notes;
};

// presenterm's commands that livedeck does not follow.
bool unsupported_presenterm(std::string_view cmd) {
    static constexpr std::string_view kWords[] = {"jump_to_middle", "new_line", "newline", "no_footer", "skip_slide"};
    static constexpr std::string_view kKeys[] = {"new_lines:",          "newlines:", "font_size:", "alignment:",
                                                 "list_item_newlines:", "include:",  "snippet_output:"};
    for (std::string_view w : kWords)
        if (cmd == w) return true;
    for (std::string_view k : kKeys)
        if (cmd.starts_with(k)) return true;
    return false;
}

// Sorts the slide's comments into notes and commands. `line_of` gives the
// file line of an offset into `src`.
template <class LineOf>
Commands read_comments(std::string_view src, const std::vector<Comment>& comments, LineOf line_of, Slide& slide,
                       const std::string& file) {
    Commands out;
    std::vector<bool> trailing(comments.size(), false);
    for (size_t i : trailing_comments(src, comments)) trailing[i] = true;
    for (size_t i = 0; i < comments.size(); ++i) {
        const Comment& c = comments[i];
        if (!c.terminated) continue;
        const std::string_view body = src.substr(c.begin + 4, c.end - 3 - (c.begin + 4));
        const std::string_view cmd = trim(body);
        const int line = line_of(c.begin);
        const int end_line = line_of(c.end - 1);
        auto warn = [&](std::string message) { slide.warnings.push_back({file, line, std::move(message)}); };
        if (cmd == "pause") {
            out.reveal_points.push_back(end_line + 1);
        } else if (cmd == "end_slide") {
            warn("'<!-- end_slide -->' ends a slide only alone on its line: ignored here");
        } else if (cmd == "reset_layout") {
            out.layout.push_back({line, {LayoutEvent::Reset, {}, 0}});
        } else if (cmd.starts_with("column_layout:")) {
            if (auto weights = parse_weights(cmd.substr(14)))
                out.layout.push_back({line, {LayoutEvent::Layout, *weights, 0}});
            else
                warn("column_layout needs 1 to 8 positive widths, e.g. [1, 2]: ignored");
        } else if (cmd.starts_with("column:")) {
            const std::string_view n = trim(cmd.substr(7));
            int column = -1;
            const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), column);
            if (ec != std::errc() || end != n.data() + n.size() || column < 0)
                warn("'column:' needs a column number from 0: ignored");
            else
                out.layout.push_back({line, {LayoutEvent::Column, {}, column}});
        } else if (cmd.starts_with("incremental_lists:")) {
            if (auto on = parse_flag(cmd.substr(18))) out.incremental.push_back({line, *on});
            else warn("incremental_lists is true or false: ignored");
        } else if (cmd.starts_with("speaker_note:")) {
            out.notes.push_back({line, speaker_note_text(body)});
        } else if (cmd.starts_with("//") || lower(cmd.substr(0, 8)) == "comment:") {
            // presenterm's comments to the author: shown nowhere.
        } else if (unsupported_presenterm(cmd)) {
            const std::string_view name = cmd.substr(0, cmd.find(':'));
            warn("presenterm command '" + std::string(name) + "' is not supported: ignored");
        } else if (cmd.starts_with(".element:")) {
            if (cmd.find("fragment") != std::string_view::npos) out.reveal_points.push_back(line);
            else warn("reveal.js element attributes are not supported: ignored");
        } else if (cmd.starts_with(".slide:")) {
            warn("reveal.js slide attributes are not supported: ignored");
        } else if (auto keys = marp_directives(cmd)) {
            std::string list;
            for (const std::string& k : *keys) list += (list.empty() ? "" : ", ") + k;
            warn("Marp directives are not supported: ignored (" + list + ")");
        } else if (trailing[i] && !cmd.empty()) {
            out.notes.push_back({line, std::string(cmd)});
        }
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] reveal.js `Note:`
//-----------------------------------------------------------------------------

// `Note:` or `Notes:` (any case) starting a line: the rest of the slide is notes.
size_t notes_prefix(std::string_view line) {
    const std::string_view t = line.substr(line.find_first_not_of(" \t") == std::string_view::npos
                                               ? line.size()
                                               : line.find_first_not_of(" \t"));
    const std::string l = lower(t.substr(0, 6));
    if (l.starts_with("notes:")) return line.size() - t.size() + 6;
    if (l.starts_with("note:")) return line.size() - t.size() + 5;
    return std::string_view::npos;
}

//-----------------------------------------------------------------------------
// [SECTION] <aside class="notes">
//-----------------------------------------------------------------------------

// Takes every `<aside class="notes">...</aside>` outside fenced code out of
// `md` (newlines kept) into notes.
void take_asides(std::string& md, const std::vector<bool>& fenced, int first_line, std::vector<NotePiece>& notes) {
    const std::string low = lower(md);
    std::string out;
    size_t pos = 0;        // copied up to here
    size_t scan = 0;       // lines counted up to here...
    size_t scan_line = 0;  // ...which is on this line
    size_t from = 0;       // search from here
    auto line_at = [&](size_t offset) {
        scan_line += static_cast<size_t>(std::count(md.begin() + static_cast<std::ptrdiff_t>(scan),
                                                    md.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
        scan = offset;
        return scan_line;
    };
    for (;;) {
        const size_t at = low.find("<aside", from);
        if (at == std::string::npos) break;
        from = at + 6;
        const size_t ln = line_at(at);
        const size_t tag_end = low.find('>', at);
        if (tag_end == std::string::npos) break;  // no tag ends after here
        if ((ln < fenced.size() && fenced[ln]) ||
            std::string_view(low).substr(at, tag_end - at).find("notes") == std::string_view::npos)
            continue;
        const size_t close = low.find("</aside>", tag_end);
        const size_t inner_end = close == std::string::npos ? md.size() : close;
        const size_t end = close == std::string::npos ? md.size() : close + 8;
        notes.push_back({first_line + static_cast<int>(ln),
                         strip_tags(std::string_view(md).substr(tag_end + 1, inner_end - tag_end - 1))});
        out.append(md, pos, at - pos);
        const size_t breaks = line_at(end) - ln;
        out.append(breaks, '\n');
        pos = from = end;
    }
    if (pos == 0) return;
    out.append(md, pos, std::string::npos);
    md = std::move(out);
}

//-----------------------------------------------------------------------------
// [SECTION] Pandoc fenced divs, pauses and presenterm columns
//-----------------------------------------------------------------------------

// A `:::` line: its colons, and the attributes of an opening one.
struct DivMarker {
    bool opens = false;
    std::vector<std::string> classes;
    std::optional<float> width;  // width="40%"
};

std::optional<DivMarker> div_marker(std::string_view line) {
    std::string_view t = trim(line);
    size_t n = 0;
    while (n < t.size() && t[n] == ':') ++n;
    if (n < 3) return std::nullopt;
    t = trim(t.substr(n));
    while (!t.empty() && t.back() == ':') t.remove_suffix(1);  // `::: notes :::`
    t = trim(t);
    DivMarker m;
    if (t.empty()) return m;
    m.opens = true;
    if (t.front() != '{') {
        if (t.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
        m.classes.emplace_back(t);
        return m;
    }
    if (t.back() != '}') return std::nullopt;
    t = t.substr(1, t.size() - 2);
    while (!t.empty()) {
        t = trim(t);
        const size_t end = t.find_first_of(" \t");
        std::string_view word = t.substr(0, end);
        t = end == std::string_view::npos ? std::string_view() : t.substr(end);
        if (word.starts_with('.')) {
            m.classes.emplace_back(word.substr(1));
        } else if (word.starts_with("width=")) {
            std::string_view v = word.substr(6);
            if (!v.empty() && (v.front() == '"' || v.front() == '\'')) v = v.substr(1);
            if (!v.empty() && (v.back() == '"' || v.back() == '\'')) v.remove_suffix(1);
            if (!v.empty() && v.back() == '%') v.remove_suffix(1);
            float w = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), w);
            if (ec == std::errc() && p == v.data() + v.size() && w > 0 && w <= 1000) m.width = w;
        }
    }
    return m;
}

bool has_class(const DivMarker& m, std::string_view c) {
    return std::find(m.classes.begin(), m.classes.end(), c) != m.classes.end();
}

// Pandoc's pause: a paragraph of three dots with spaces between.
bool is_dots_pause(std::string_view line) { return trim(line) == ". . ."; }

// Lays the lines out: presenterm's column commands and Pandoc's divs decide
// where each line goes, which lines are notes and where lists are
// incremental.
void lay_out(SlideText& text, const Commands& commands, const DeckOptions& options, const std::vector<bool>& fenced,
             Slide& slide, const std::string& file) {
    const size_t n = text.lines.size();
    text.places.assign(n, Place{});
    text.incremental.assign(n, options.incremental);
    struct Open {
        enum Kind { Columns, Column, Incremental, Other } kind;
        int line;
        bool incremental = false;
    };
    std::vector<Open> open;
    Place place;            // where lines go now
    bool in_layout = false;  // presenterm's column layout is on
    bool presenterm_incremental = options.incremental;
    auto new_group = [&](bool columns, std::vector<float> weights) {
        text.groups.push_back({columns, std::move(weights)});
        place = {static_cast<int>(text.groups.size()) - 1, columns ? 0 : -1};
    };
    auto warn = [&](int line, std::string message) { slide.warnings.push_back({file, line, std::move(message)}); };
    auto incremental_now = [&] {
        for (auto it = open.rbegin(); it != open.rend(); ++it)
            if (it->kind == Open::Incremental) return it->incremental;
        return presenterm_incremental;
    };
    size_t next_layout = 0, next_toggle = 0;
    for (size_t i = 0; i < n; ++i) {
        const int line = text.first_line + static_cast<int>(i);
        for (; next_toggle < commands.incremental.size() && commands.incremental[next_toggle].first <= line;
             ++next_toggle)
            presenterm_incremental = commands.incremental[next_toggle].second;
        for (; next_layout < commands.layout.size() && commands.layout[next_layout].first <= line; ++next_layout) {
            const LayoutEvent& e = commands.layout[next_layout].second;
            const bool pandoc_columns = std::any_of(open.begin(), open.end(), [](const Open& o) { return o.kind == Open::Columns; });
            if (pandoc_columns) {
                warn(line, "presenterm column commands inside Pandoc columns: ignored");
                continue;
            }
            switch (e.kind) {
            case LayoutEvent::Layout:
                new_group(true, e.weights);
                in_layout = true;
                break;
            case LayoutEvent::Column: {
                if (!in_layout) {
                    warn(line, "'column: " + std::to_string(e.column) + "' without a column_layout before it: ignored");
                    break;
                }
                const int count = static_cast<int>(text.groups[static_cast<size_t>(place.group)].weights.size());
                if (e.column >= count)
                    warn(line, "column " + std::to_string(e.column) + " of a layout of " + std::to_string(count) +
                                   " columns: shown in the last one");
                place.column = std::min(e.column, count - 1);
                break;
            }
            case LayoutEvent::Reset:
                if (in_layout) new_group(false, {});
                in_layout = false;
                break;
            }
        }
        if (!fenced[i]) {
            if (const std::optional<DivMarker> marker = div_marker(text.lines[i])) {
                text.lines[i].clear();
                if (!marker->opens) {
                    if (open.empty()) {
                        warn(line, "':::' closes no div: ignored");
                    } else {
                        const Open closed = open.back();
                        open.pop_back();
                        if (closed.kind == Open::Columns) {
                            new_group(false, {});
                        } else if (closed.kind == Open::Column) {
                            // Until the next column, stray lines go to the one just closed.
                        }
                    }
                } else if (has_class(*marker, "notes")) {
                    // Everything up to the matching close is notes.
                    int depth = 1;
                    size_t j = i + 1;
                    std::string note;
                    for (; j < n; ++j) {
                        if (!fenced[j]) {
                            if (const auto inner = div_marker(text.lines[j])) {
                                depth += inner->opens ? 1 : -1;
                                if (depth == 0) break;
                            }
                        }
                        note += text.lines[j];
                        note += '\n';
                        text.lines[j].clear();
                    }
                    if (j >= n) warn(line, "'::: notes' is never closed: the rest of the slide is notes");
                    else text.lines[j].clear();
                    text.notes.push_back({line, std::string(trim(note))});
                    for (size_t k = i; k <= std::min(j, n - 1); ++k) text.places[k] = place;
                    i = j;
                    continue;
                } else if (has_class(*marker, "columns")) {
                    if (in_layout || std::any_of(open.begin(), open.end(), [](const Open& o) { return o.kind == Open::Columns; })) {
                        warn(line, "columns inside columns are not supported: shown in the outer column");
                        open.push_back({Open::Other, line});
                    } else {
                        new_group(true, {});
                        open.push_back({Open::Columns, line});
                    }
                } else if (has_class(*marker, "column")) {
                    Group& g = text.groups[static_cast<size_t>(place.group)];
                    const bool in_columns = !open.empty() && open.back().kind == Open::Columns;
                    if (!in_columns) {
                        warn(line, "'::: column' outside '::: columns': shown as plain content");
                        open.push_back({Open::Other, line});
                    } else if (g.weights.size() >= 8) {
                        warn(line, "more than 8 columns: shown in the last one");
                        open.push_back({Open::Column, line});
                    } else {
                        g.weights.push_back(marker->width.value_or(0));  // 0: a share of what is left
                        place.column = static_cast<int>(g.weights.size()) - 1;
                        open.push_back({Open::Column, line});
                    }
                } else if (has_class(*marker, "incremental") || has_class(*marker, "nonincremental")) {
                    open.push_back({Open::Incremental, line, has_class(*marker, "incremental")});
                } else {
                    const std::string name = marker->classes.empty() ? std::string("{...}") : "." + marker->classes.front();
                    warn(line, "Pandoc div '" + name + "' is not supported: its content is shown as is");
                    open.push_back({Open::Other, line});
                }
                text.places[i] = place;
                continue;
            }
            if (is_dots_pause(text.lines[i])) {
                text.lines[i].clear();
                text.reveal_points.push_back(line + 1);
            }
        }
        text.places[i] = place;
        text.incremental[i] = incremental_now();
    }
    for (const Open& o : open)
        if (o.kind != Open::Other) warn(o.line, "':::' div is never closed: closed at the end of the slide");
    // Pandoc columns without widths share what the others leave.
    for (Group& g : text.groups) {
        if (!g.columns) continue;
        if (g.weights.empty()) g.weights.push_back(1);
        float given = 0;
        int missing = 0;
        for (float w : g.weights) {
            given += w;
            missing += w == 0 ? 1 : 0;
        }
        if (missing == 0) continue;
        const float share = given > 0 && given < 100 ? (100 - given) / static_cast<float>(missing)
                                                     : (given > 0 ? given : 100) / static_cast<float>(g.weights.size());
        for (float& w : g.weights)
            if (w == 0) w = share;
    }
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] take_apart
//-----------------------------------------------------------------------------

SlideText take_apart(std::vector<std::string> lines, int first_line, const DeckOptions& options, Slide& slide,
                     const std::string& file) {
    SlideText text;
    text.first_line = first_line;
    std::string src;
    std::vector<size_t> line_starts;
    for (const std::string& l : lines) {
        line_starts.push_back(src.size());
        src += l;
        src += '\n';
    }
    std::vector<std::string_view> views(lines.begin(), lines.end());
    int unclosed = -1;
    const std::vector<bool> fenced = fenced_lines(views, unclosed);
    std::vector<Comment> comments = find_comments(src, line_starts, fenced);
    auto line_of = [&](size_t offset) { return first_line + static_cast<int>(index_of(line_starts, offset)); };

    // reveal.js: from a `Note:` line outside code and comments to the end, notes.
    std::vector<bool> in_comment(lines.size(), false);  // the line starts inside a comment
    for (const Comment& c : comments)
        for (size_t k = index_of(line_starts, c.begin) + 1; k < lines.size() && line_starts[k] < c.end; ++k)
            in_comment[k] = true;
    for (size_t k = 0; k < lines.size(); ++k) {
        if (fenced[k]) continue;
        const size_t at = line_starts[k];
        const size_t prefix = in_comment[k] ? std::string_view::npos : notes_prefix(lines[k]);
        if (prefix == std::string_view::npos) continue;
        // Its comments' words are notes too (their markers dropped).
        std::string note;
        size_t pos = at + prefix;
        for (const Comment& c : comments) {
            if (c.begin < at) continue;
            note.append(src, pos, c.begin - pos);
            note.append(src, c.begin + 4, (c.terminated ? c.end - 3 : c.end) - (c.begin + 4));
            pos = c.end;
        }
        note.append(src, std::min(pos, src.size()));
        text.notes.push_back({first_line + static_cast<int>(k), std::string(trim(note))});
        std::erase_if(comments, [&](const Comment& c) { return c.begin >= at; });
        src.resize(at);
        src.append(lines.size() - k, '\n');
        break;
    }

    const Commands commands = read_comments(src, comments, line_of, slide, file);
    text.notes.insert(text.notes.end(), commands.notes.begin(), commands.notes.end());
    text.reveal_points = commands.reveal_points;

    // The Markdown: comments removed, newlines kept.
    std::string md;
    md.reserve(src.size());
    size_t pos = 0;
    for (const Comment& c : comments) {
        if (!c.terminated) slide.errors.push_back({file, line_of(c.begin), "unterminated HTML comment '<!--'"});
        md.append(src, pos, c.begin - pos);
        for (size_t k = c.begin; k < c.end; ++k)
            if (src[k] == '\n') md += '\n';
        pos = c.end;
    }
    md.append(src, pos, std::string::npos);
    take_asides(md, fenced, first_line, text.notes);

    for (std::string_view l : split_lines(md)) text.lines.emplace_back(l);
    text.lines.resize(lines.size());
    lay_out(text, commands, options, fenced, slide, file);
    std::sort(text.reveal_points.begin(), text.reveal_points.end());
    std::stable_sort(text.notes.begin(), text.notes.end(),
                     [](const NotePiece& a, const NotePiece& b) { return a.line < b.line; });
    return text;
}

}  // namespace livedeck::deck::detail
