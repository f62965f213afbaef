// deck.cpp: a Markdown deck file -> Deck (slides, directives, notes,
// diagnostics). The format is described in deck.hpp.
//
// Index
//   [SECTION] Text helpers
//   [SECTION] Splitting the file into slides
//   [SECTION] Directives
//   [SECTION] HTML comments and speaker notes
//   [SECTION] Images
//   [SECTION] Markdown to blocks (md4c)
//   [SECTION] One slide
//   [SECTION] Public API
//
// Choices the header leaves open:
//   - chunks between separators that hold only whitespace are not slides;
//   - a code fence left open swallows the rest of the file (as in Markdown)
//     and is reported at its line;
//   - soft breaks are merged into the neighbouring text as " "; a hard break
//     is always a span of its own whose text is "\n";
//   - a paragraph holding only images becomes those Image blocks; images
//     inside other text become Image blocks right after their paragraph
//     (or heading);
//   - HTML comments outside code are removed before md4c sees the text; the
//     trailing ones (each starting its line) are the notes. Other raw HTML is
//     dropped;
//   - a malformed demo directive leaves Slide::demo unset; one the validator
//     rejects stays set (the view can still name it) and is reported.

#include "deck/deck.hpp"

#include <md4c.h>
#include <stb_image.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <system_error>
#include <utility>

namespace livedeck::deck {

std::string Diagnostic::str() const {
    if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
    return file + ": " + message;
}

std::string plain_text(const std::vector<Span>& spans) {
    std::string out;
    for (const Span& s : spans) out += s.text;
    return out;
}

namespace {

namespace fs = std::filesystem;

//-----------------------------------------------------------------------------
// [SECTION] Text helpers
//-----------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_space_or_newline(char c) { return is_space(c) || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space_or_newline(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space_or_newline(s.back())) s.remove_suffix(1);
    return s;
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

// Splits on '\n'; a trailing newline does not add an empty line.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

const char* const kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Decodes "&amp;", "&#123;", "&#x7B;" and the common named entities; an
// unknown one is kept as written.
void append_entity(std::string& out, std::string_view e) {
    if (e.size() < 3 || e.front() != '&' || e.back() != ';') {
        out += e;
        return;
    }
    std::string_view body = e.substr(1, e.size() - 2);
    if (body[0] == '#') {
        bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
        std::string_view digits = body.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 8) {
            out += e;
            return;
        }
        uint32_t cp = 0;
        for (char c : digits) {
            uint32_t d;
            if (c >= '0' && c <= '9') d = static_cast<uint32_t>(c - '0');
            else if (hex && c >= 'a' && c <= 'f') d = static_cast<uint32_t>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') d = static_cast<uint32_t>(c - 'A' + 10);
            else {
                out += e;
                return;
            }
            cp = cp * (hex ? 16 : 10) + d;
        }
        append_utf8(out, cp);
        return;
    }
    static const std::pair<std::string_view, uint32_t> kNamed[] = {
        {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
        {"apos", '\''},     {"nbsp", 0xA0},      {"copy", 0xA9},      {"reg", 0xAE},
        {"trade", 0x2122},  {"mdash", 0x2014},   {"ndash", 0x2013},   {"hellip", 0x2026},
        {"lsquo", 0x2018},  {"rsquo", 0x2019},   {"ldquo", 0x201C},   {"rdquo", 0x201D},
        {"laquo", 0xAB},    {"raquo", 0xBB},     {"bull", 0x2022},    {"middot", 0xB7},
        {"times", 0xD7},    {"divide", 0xF7},    {"deg", 0xB0},       {"plusmn", 0xB1},
        {"rarr", 0x2192},   {"larr", 0x2190},    {"uarr", 0x2191},    {"darr", 0x2193},
        {"harr", 0x2194},   {"rArr", 0x21D2},    {"lArr", 0x21D0},    {"ne", 0x2260},
        {"le", 0x2264},     {"ge", 0x2265},      {"infin", 0x221E},   {"check", 0x2713},
        {"euro", 0x20AC},   {"pound", 0xA3},     {"sect", 0xA7},      {"para", 0xB6},
    };
    for (const auto& [name, cp] : kNamed) {
        if (body == name) {
            append_utf8(out, cp);
            return;
        }
    }
    out += e;
}

std::string decode_attribute(const MD_ATTRIBUTE& a) {
    std::string out;
    if (a.text == nullptr || a.size == 0) return out;
    for (size_t i = 0; a.substr_offsets[i] < a.size; ++i) {
        std::string_view piece(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
        switch (a.substr_types[i]) {
            case MD_TEXT_ENTITY: append_entity(out, piece); break;
            case MD_TEXT_NULLCHAR: out += kReplacementChar; break;
            default: out += piece; break;
        }
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Splitting the file into slides
//-----------------------------------------------------------------------------

// A code fence: ``` or ~~~ (three or more). Indentation is accepted so that
// fences inside list items keep their `---` lines too.
struct Fence {
    char ch = 0;
    size_t len = 0;
};

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

bool fence_closed_by(std::string_view line, Fence f) {
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    size_t n = 0;
    while (i + n < line.size() && line[i + n] == f.ch) ++n;
    return n >= f.len && is_blank(line.substr(i + n));
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

bool is_separator(std::string_view line) {
    if (line.substr(0, 3) != "---") return false;
    return is_blank(line.substr(3));
}

struct Chunk {
    int first_line = 0;  // 1-based
    std::vector<std::string_view> lines;
    int unclosed_fence_line = 0;  // 1-based, 0 if none
};

std::vector<Chunk> split_slides(std::string_view text) {
    std::vector<std::string_view> lines = split_lines(text);
    int unclosed = -1;
    std::vector<bool> fenced = fenced_lines(lines, unclosed);
    std::vector<Chunk> chunks;
    chunks.push_back({1, {}, 0});
    for (size_t i = 0; i < lines.size(); ++i) {
        if (!fenced[i] && is_separator(lines[i])) {
            chunks.push_back({static_cast<int>(i) + 2, {}, 0});
            continue;
        }
        chunks.back().lines.push_back(lines[i]);
        if (static_cast<int>(i) == unclosed) chunks.back().unclosed_fence_line = static_cast<int>(i) + 1;
    }
    std::erase_if(chunks, [](const Chunk& c) {
        return std::all_of(c.lines.begin(), c.lines.end(), [](std::string_view l) { return is_blank(l); });
    });
    return chunks;
}

//-----------------------------------------------------------------------------
// [SECTION] Directives
//-----------------------------------------------------------------------------

// `key: value` with key [a-z][a-z0-9-]* and the colon followed by a space or
// the end of the line.
bool parse_directive_line(std::string_view line, std::string_view& key, std::string_view& value) {
    if (line.empty() || line[0] < 'a' || line[0] > 'z') return false;
    size_t i = 1;
    while (i < line.size() &&
           ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9') || line[i] == '-'))
        ++i;
    if (i >= line.size() || line[i] != ':') return false;
    if (i + 1 < line.size() && !is_space(line[i + 1])) return false;
    key = line.substr(0, i);
    value = trim(line.substr(i + 1));
    return true;
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) words.push_back(s.substr(start, i - start));
    }
    return words;
}

// Parses `NAME key=value ...`; returns an error message or nothing.
std::optional<std::string> parse_demo(std::string_view value, DemoRef& demo) {
    std::vector<std::string_view> words = split_words(value);
    if (words.empty() || words[0].find('=') != std::string_view::npos)
        return "demo directive needs a demo name: 'demo: NAME key=value ...'";
    demo.name = std::string(words[0]);
    for (size_t i = 1; i < words.size(); ++i) {
        size_t eq = words[i].find('=');
        if (eq == std::string_view::npos || eq == 0)
            return "malformed demo parameter '" + std::string(words[i]) + "' (expected key=value)";
        std::string key(words[i].substr(0, eq));
        if (demo.params.count(key)) return "duplicate demo parameter '" + key + "'";
        demo.params[key] = std::string(words[i].substr(eq + 1));
    }
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] HTML comments and speaker notes
//-----------------------------------------------------------------------------

struct Comment {
    size_t begin = 0;  // offset of "<!--"
    size_t end = 0;    // offset just past "-->" (or the text's end when unterminated)
    bool terminated = true;
};

// Finds the HTML comments outside fenced code and inline code spans.
std::vector<Comment> find_comments(std::string_view src, const std::vector<size_t>& line_starts,
                                   const std::vector<bool>& fenced) {
    std::vector<Comment> comments;
    auto line_at = [&](size_t pos) {
        return static_cast<size_t>(std::upper_bound(line_starts.begin(), line_starts.end(), pos) -
                                   line_starts.begin()) - 1;
    };
    auto next_line_start = [&](size_t ln) { return ln + 1 < line_starts.size() ? line_starts[ln + 1] : src.size(); };
    size_t pos = 0;
    while (pos < src.size()) {
        size_t ln = line_at(pos);
        if (ln < fenced.size() && fenced[ln]) {
            pos = next_line_start(ln);
            continue;
        }
        if (src[pos] == '`') {
            size_t n = 0;
            while (pos + n < src.size() && src[pos + n] == '`') ++n;
            // The span may continue over the following lines of its paragraph.
            size_t limit_ln = ln + 1;
            while (limit_ln < line_starts.size() && !(limit_ln < fenced.size() && fenced[limit_ln])) {
                size_t b = line_starts[limit_ln];
                if (is_blank(src.substr(b, next_line_start(limit_ln) - b))) break;
                ++limit_ln;
            }
            size_t limit = limit_ln < line_starts.size() ? line_starts[limit_ln] : src.size();
            size_t q = pos + n;
            size_t close = std::string_view::npos;
            while (q < limit) {
                if (src[q] != '`') {
                    ++q;
                    continue;
                }
                size_t m = 0;
                while (q + m < limit && src[q + m] == '`') ++m;
                if (m == n) {
                    close = q;
                    break;
                }
                q += m;
            }
            pos = close == std::string_view::npos ? pos + n : close + n;
            continue;
        }
        if (src.compare(pos, 4, "<!--") == 0) {
            size_t close = src.find("-->", pos + 4);
            if (close == std::string_view::npos) {
                comments.push_back({pos, src.size(), false});
                break;
            }
            comments.push_back({pos, close + 3, true});
            pos = close + 3;
            continue;
        }
        ++pos;
    }
    return comments;
}

// Indices of the comments that are speaker notes: the terminated comments at
// the end of the slide, each starting its line (after other notes).
std::vector<size_t> trailing_comments(std::string_view src, const std::vector<Comment>& comments) {
    std::vector<size_t> notes;
    size_t tail = src.size();
    for (size_t i = comments.size(); i-- > 0;) {
        const Comment& c = comments[i];
        if (!c.terminated || !is_blank(src.substr(c.end, tail - c.end))) break;
        notes.push_back(i);
        tail = c.begin;
    }
    std::reverse(notes.begin(), notes.end());
    // The first note must start its line; otherwise it is inline text's.
    while (!notes.empty()) {
        const Comment& c = comments[notes.front()];
        size_t bol = src.rfind('\n', c.begin == 0 ? 0 : c.begin - 1);
        bol = (bol == std::string_view::npos || c.begin == 0) ? 0 : bol + 1;
        if (c.begin == 0 || is_blank(src.substr(bol, c.begin - bol))) break;
        notes.erase(notes.begin());
    }
    return notes;
}

//-----------------------------------------------------------------------------
// [SECTION] Images
//-----------------------------------------------------------------------------

// Why the image at `path` cannot be used, or nothing.
std::optional<std::string> check_image(const fs::path& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) return std::generic_category().message(ENOENT);
    if (ec) return ec.message();
    if (fs::is_directory(st)) return std::generic_category().message(EISDIR);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return std::generic_category().message(errno);
    int w = 0, h = 0, comp = 0;
    int ok = stbi_info_from_file(f, &w, &h, &comp);
    std::fclose(f);
    if (!ok) {
        const char* reason = stbi_failure_reason();
        return std::string(reason != nullptr ? reason : "unknown image format");
    }
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] Markdown to blocks (md4c)
//-----------------------------------------------------------------------------

// Containers nested deeper than this are flattened into their parent, so
// that hostile input cannot make the Block tree (and its recursive
// destructor) arbitrarily deep.
constexpr size_t kMaxDepth = 48;

struct Frame {
    MD_BLOCKTYPE type = MD_BLOCK_DOC;
    bool implicit = false;  // a paragraph opened for a tight list item's text
    bool skip = false;      // too deep: children go to the nearest kept ancestor
    bool fenced = false;    // Code
    int last_text_line = 0; // Code: line of the latest text seen
    Block block;
    ListItem item;             // LI
    std::vector<Block> images; // P, H: images met inline
};

class Builder {
public:
    Builder(std::string_view md, int first_line, const fs::path& base_dir, Slide& slide, const std::string& file)
        : md_(md), first_line_(first_line), base_dir_(base_dir), slide_(slide), file_(file) {
        lines_ = split_lines(md_);
        size_t pos = 0;
        for (std::string_view l : lines_) {
            line_starts_.push_back(pos);
            pos += l.size() + 1;
        }
    }

    bool run() {
        MD_PARSER parser{};
        parser.flags = MD_DIALECT_COMMONMARK | MD_FLAG_COLLAPSEWHITESPACE | MD_FLAG_STRIKETHROUGH;
        parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->enter_block(t, d); }); };
        parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->leave_block(t, d); }); };
        parser.enter_span = [](MD_SPANTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->enter_span(t, d); }); };
        parser.leave_span = [](MD_SPANTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->leave_span(t, d); }); };
        parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->text(t, s, n); }); };
        int rc = md_parse(md_.data(), static_cast<MD_SIZE>(md_.size()), &parser, this);
        while (!stack_.empty()) close_top();  // only after an aborted parse
        return rc == 0 && !failed_;
    }

private:
    template <class F>
    int guard(F&& f) {
        try {
            f();
            return 0;
        } catch (...) {
            failed_ = true;
            return 1;
        }
    }

    // ---- Lines

    // 1-based file line of a pointer into the Markdown, or 0 when md4c gave
    // us text from elsewhere (a static string, a decoded copy).
    int line_of(const char* p) const {
        auto a = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(md_.data());
        if (p == nullptr || a < b || a >= b + md_.size()) return 0;
        size_t off = a - b;
        size_t idx = static_cast<size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), off) -
                                         line_starts_.begin()) - 1;
        return first_line_ + static_cast<int>(idx);
    }

    // First line at or after the cursor for which `pred` holds; 0 if none.
    template <class Pred>
    int search(Pred pred) const {
        size_t from = cursor_ > first_line_ ? static_cast<size_t>(cursor_ - first_line_) : 0;
        for (size_t i = from; i < lines_.size(); ++i) {
            // Try the line without its quote marks, then without list markers one by one.
            std::string_view l = lines_[i];
            for (int depth = 0; depth < 16; ++depth) {
                while (!l.empty() && (is_space(l.front()) || l.front() == '>')) l.remove_prefix(1);
                if (pred(l, lines_[i])) return first_line_ + static_cast<int>(i);
                size_t m = 0;
                if (!l.empty() && (l[0] == '-' || l[0] == '*' || l[0] == '+')) {
                    m = 1;
                } else {
                    while (m < l.size() && m < 10 && l[m] >= '0' && l[m] <= '9') ++m;
                    m = (m > 0 && m < l.size() && (l[m] == '.' || l[m] == ')')) ? m + 1 : 0;
                }
                if (m == 0 || m >= l.size() || !is_space(l[m])) break;
                l.remove_prefix(m);
            }
        }
        return 0;
    }

    void note_line(int line) {
        if (line <= 0) return;
        cursor_ = std::max(cursor_, line);
        for (Frame& f : stack_)
            if (f.type != MD_BLOCK_DOC && f.block.line == 0) f.block.line = line;
    }

    // ---- Tree

    Frame& top() { return stack_.back(); }

    void push(MD_BLOCKTYPE type, BlockKind kind) {
        Frame f;
        f.type = type;
        f.block.kind = kind;
        bool container = type == MD_BLOCK_QUOTE || type == MD_BLOCK_UL || type == MD_BLOCK_OL || type == MD_BLOCK_LI ||
                         type == MD_BLOCK_TABLE || type == MD_BLOCK_THEAD || type == MD_BLOCK_TBODY ||
                         type == MD_BLOCK_TR || type == MD_BLOCK_TH || type == MD_BLOCK_TD;
        f.skip = container && (stack_.size() >= kMaxDepth || type >= MD_BLOCK_TABLE);
        stack_.push_back(std::move(f));
    }

    // Appends a finished block to the nearest kept container.
    void append(Block b) {
        if (b.line == 0) b.line = std::max(cursor_, first_line_);  // nothing better known
        for (size_t i = stack_.size(); i-- > 0;) {
            Frame& f = stack_[i];
            if (f.skip) continue;
            switch (f.type) {
                case MD_BLOCK_DOC: result_.push_back(std::move(b)); return;
                case MD_BLOCK_QUOTE: f.block.children.push_back(std::move(b)); return;
                case MD_BLOCK_LI: f.item.blocks.push_back(std::move(b)); return;
                case MD_BLOCK_UL:
                case MD_BLOCK_OL:
                    if (f.block.items.empty()) f.block.items.emplace_back();
                    f.block.items.back().blocks.push_back(std::move(b));
                    return;
                default: continue;  // leaves hold no blocks
            }
        }
        result_.push_back(std::move(b));
    }

    bool in_inline() const {
        return !stack_.empty() && (stack_.back().type == MD_BLOCK_P || stack_.back().type == MD_BLOCK_H);
    }

    // Text outside any paragraph (a tight list item's) gets a paragraph.
    void ensure_inline() {
        if (in_inline()) return;
        push(MD_BLOCK_P, BlockKind::Paragraph);
        top().implicit = true;
    }

    static void trim_spans(std::vector<Span>& spans) {
        while (!spans.empty()) {
            std::string& t = spans.front().text;
            size_t n = 0;
            while (n < t.size() && is_space(t[n])) ++n;
            t.erase(0, n);
            if (!t.empty()) break;
            spans.erase(spans.begin());
        }
        while (!spans.empty()) {
            std::string& t = spans.back().text;
            while (!t.empty() && is_space_or_newline(t.back())) t.pop_back();
            if (!t.empty()) break;
            spans.pop_back();
        }
    }

    void close_top() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        switch (f.type) {
            case MD_BLOCK_DOC: break;
            case MD_BLOCK_P: {
                trim_spans(f.block.spans);
                if (!f.block.spans.empty()) append(std::move(f.block));
                for (Block& img : f.images) append(std::move(img));
                break;
            }
            case MD_BLOCK_H: {
                trim_spans(f.block.spans);
                if (!title_set_) {
                    slide_.title = std::string(trim(plain_text(f.block.spans)));
                    title_set_ = true;
                }
                append(std::move(f.block));
                for (Block& img : f.images) append(std::move(img));
                break;
            }
            case MD_BLOCK_CODE: {
                if (!f.block.text.empty() && f.block.text.back() == '\n') f.block.text.pop_back();
                if (f.fenced) {
                    if (f.block.line == 0) {
                        f.block.line = search([](std::string_view l, std::string_view) {
                            return fence_opened_by(l).ch != 0;
                        });
                        note_line(f.block.line);
                    }
                    // Skip the closing fence, so the next search starts after it.
                    int last = f.last_text_line ? f.last_text_line : f.block.line;
                    if (last > 0) cursor_ = std::max(cursor_, last + 1);
                }
                append(std::move(f.block));
                break;
            }
            case MD_BLOCK_HR: append(std::move(f.block)); break;
            case MD_BLOCK_QUOTE:
            case MD_BLOCK_UL:
            case MD_BLOCK_OL:
                if (!f.skip) append(std::move(f.block));
                break;
            case MD_BLOCK_LI:
                if (f.skip) break;
                if (!stack_.empty() && !top().skip && (top().type == MD_BLOCK_UL || top().type == MD_BLOCK_OL))
                    top().block.items.push_back(std::move(f.item));
                else
                    for (Block& b : f.item.blocks) append(std::move(b));
                break;
            default: break;  // HTML, tables (not enabled)
        }
    }

    // ---- md4c callbacks

    void enter_block(MD_BLOCKTYPE type, void* detail) {
        if (!stack_.empty() && top().implicit) close_top();
        switch (type) {
            case MD_BLOCK_DOC: push(type, BlockKind::Paragraph); break;
            case MD_BLOCK_QUOTE: push(type, BlockKind::Quote); break;
            case MD_BLOCK_UL: push(type, BlockKind::List); break;
            case MD_BLOCK_OL: {
                push(type, BlockKind::List);
                top().block.ordered = true;
                auto* d = static_cast<MD_BLOCK_OL_DETAIL*>(detail);
                top().block.start = d ? static_cast<int>(std::min<unsigned>(d->start, 999999999u)) : 1;
                break;
            }
            case MD_BLOCK_LI: push(type, BlockKind::Paragraph); break;
            case MD_BLOCK_HR: {
                push(type, BlockKind::Rule);
                int line = search([](std::string_view l, std::string_view) {
                    char c = 0;
                    int n = 0;
                    for (char ch : l) {
                        if (is_space(ch)) continue;
                        if (ch != '*' && ch != '-' && ch != '_') return false;
                        if (c != 0 && ch != c) return false;
                        c = ch;
                        ++n;
                    }
                    return n >= 3;
                });
                note_line(line);
                if (line > 0) cursor_ = std::max(cursor_, line + 1);  // the next search starts below
                break;
            }
            case MD_BLOCK_H: {
                push(type, BlockKind::Heading);
                auto* d = static_cast<MD_BLOCK_H_DETAIL*>(detail);
                top().block.level = d ? static_cast<int>(d->level) : 1;
                break;
            }
            case MD_BLOCK_CODE: {
                push(type, BlockKind::Code);
                if (auto* d = static_cast<MD_BLOCK_CODE_DETAIL*>(detail)) {
                    top().fenced = d->fence_char != 0;
                    std::string lang = decode_attribute(d->lang);  // md4c gives the info string's first word
                    top().block.lang = std::string(trim(lang));
                }
                break;
            }
            case MD_BLOCK_P: push(type, BlockKind::Paragraph); break;
            default: push(type, BlockKind::Paragraph); break;  // HTML, tables
        }
    }

    void leave_block(MD_BLOCKTYPE type, void*) {
        if (!stack_.empty() && top().implicit) close_top();
        if (stack_.empty()) return;
        if (type == MD_BLOCK_DOC) {
            while (stack_.size() > 1) close_top();
            close_top();
            return;
        }
        close_top();
    }

    unsigned style() const {
        unsigned s = SpanStyle_None;
        if (strong_ > 0) s |= SpanStyle_Bold;
        if (em_ > 0) s |= SpanStyle_Italic;
        if (code_ > 0) s |= SpanStyle_Code;
        if (link_ > 0) s |= SpanStyle_Link;
        return s;
    }

    void enter_span(MD_SPANTYPE type, void* detail) {
        if (stack_.empty() || top().type == MD_BLOCK_CODE || top().type == MD_BLOCK_HTML) return;
        ensure_inline();
        switch (type) {
            case MD_SPAN_EM: ++em_; break;
            case MD_SPAN_STRONG: ++strong_; break;
            case MD_SPAN_CODE: ++code_; break;
            case MD_SPAN_A: ++link_; break;
            case MD_SPAN_IMG:
                if (img_depth_++ == 0) {
                    image_ = Block{};
                    image_.kind = BlockKind::Image;
                    image_alt_line_ = 0;
                    image_src_line_ = 0;
                    image_src_.clear();
                    if (auto* d = static_cast<MD_SPAN_IMG_DETAIL*>(detail)) {
                        image_src_ = decode_attribute(d->src);
                        image_src_line_ = line_of(d->src.text);
                    }
                }
                break;
            default: break;
        }
    }

    void leave_span(MD_SPANTYPE type, void*) {
        if (stack_.empty() || top().type == MD_BLOCK_CODE || top().type == MD_BLOCK_HTML) return;
        switch (type) {
            case MD_SPAN_EM: em_ = em_ > 0 ? em_ - 1 : 0; break;
            case MD_SPAN_STRONG: strong_ = strong_ > 0 ? strong_ - 1 : 0; break;
            case MD_SPAN_CODE: code_ = code_ > 0 ? code_ - 1 : 0; break;
            case MD_SPAN_A: link_ = link_ > 0 ? link_ - 1 : 0; break;
            case MD_SPAN_IMG:
                if (img_depth_ > 0 && --img_depth_ == 0) finish_image();
                break;
            default: break;
        }
    }

    void finish_image() {
        Block img = std::move(image_);
        img.alt = std::string(trim(img.alt));
        img.image_path = base_dir_.empty() ? fs::path(image_src_) : base_dir_ / image_src_;
        int line = image_alt_line_ ? image_alt_line_ : image_src_line_;
        if (line == 0 && !image_src_.empty()) {
            const std::string& src = image_src_;
            line = search([&](std::string_view, std::string_view raw) { return raw.find(src) != std::string_view::npos; });
        }
        if (line == 0 && in_inline()) line = top().block.line;
        if (line == 0) line = cursor_ > 0 ? cursor_ : first_line_;
        img.line = line;
        if (auto why = check_image(img.image_path))
            slide_.errors.push_back({file_, line, "cannot read image '" + image_src_ + "': " + *why});
        if (in_inline()) top().images.push_back(std::move(img));
        else append(std::move(img));
    }

    void add_span(std::string_view s, bool hard_break = false) {
        std::vector<Span>& spans = top().block.spans;
        unsigned st = style();
        if (!hard_break && !spans.empty() && spans.back().style == st && spans.back().text != "\n") {
            spans.back().text += s;
            return;
        }
        spans.push_back({std::string(s), st});
    }

    void text(MD_TEXTTYPE type, const MD_CHAR* s, MD_SIZE size) {
        if (stack_.empty()) return;
        std::string_view t(s ? s : "", s ? size : 0);
        int line = line_of(s);
        Frame& cur = top();
        if (cur.type == MD_BLOCK_HTML) return;
        if (cur.type == MD_BLOCK_CODE) {
            if (line) {
                if (cur.fenced && cur.block.line == 0) note_line(line - 1);
                note_line(line);
                cur.last_text_line = line;
            }
            if (type == MD_TEXT_NULLCHAR) cur.block.text += kReplacementChar;
            else cur.block.text += t;
            return;
        }
        if (type == MD_TEXT_HTML) {  // inline raw HTML: dropped
            note_line(line);
            return;
        }
        if (img_depth_ > 0) {
            if (line && image_alt_line_ == 0) image_alt_line_ = line;
            note_line(line);
            switch (type) {
                case MD_TEXT_ENTITY: append_entity(image_.alt, t); break;
                case MD_TEXT_NULLCHAR: image_.alt += kReplacementChar; break;
                case MD_TEXT_BR:
                case MD_TEXT_SOFTBR: image_.alt += ' '; break;
                default: image_.alt += t; break;
            }
            return;
        }
        ensure_inline();
        note_line(line);
        switch (type) {
            case MD_TEXT_ENTITY: {
                std::string decoded;
                append_entity(decoded, t);
                add_span(decoded);
                break;
            }
            case MD_TEXT_NULLCHAR: add_span(kReplacementChar); break;
            case MD_TEXT_BR: add_span("\n", true); break;
            case MD_TEXT_SOFTBR: add_span(" "); break;
            default: add_span(t); break;
        }
    }

    std::string_view md_;
    int first_line_;
    const fs::path& base_dir_;
    Slide& slide_;
    const std::string& file_;
    std::vector<std::string_view> lines_;
    std::vector<size_t> line_starts_;
    std::vector<Frame> stack_;
    int cursor_ = 0;  // latest file line known to be reached
    bool title_set_ = false;
    bool failed_ = false;
    int strong_ = 0, em_ = 0, code_ = 0, link_ = 0, img_depth_ = 0;
    Block image_;
    std::string image_src_;
    int image_src_line_ = 0, image_alt_line_ = 0;

public:
    std::vector<Block> result_;
};

//-----------------------------------------------------------------------------
// [SECTION] One slide
//-----------------------------------------------------------------------------

Slide parse_slide(const Chunk& chunk, int number, const std::string& file, const fs::path& base_dir,
                  const DemoValidator& validate_demo) {
    Slide slide;
    slide.number = number;
    slide.line = chunk.first_line;
    std::vector<std::string> lines(chunk.lines.begin(), chunk.lines.end());
    auto file_line = [&](size_t idx) { return chunk.first_line + static_cast<int>(idx); };

    if (chunk.unclosed_fence_line)
        slide.errors.push_back({file, chunk.unclosed_fence_line, "code fence is never closed"});

    // Directives: the first lines of the slide, blanked once read.
    size_t i = 0;
    while (i < lines.size() && is_blank(lines[i])) ++i;
    for (; i < lines.size(); ++i) {
        std::string_view key, value;
        if (!parse_directive_line(lines[i], key, value)) break;
        int line = file_line(i);
        if (key != "demo") {
            slide.errors.push_back({file, line, "unknown directive '" + std::string(key) + "'"});
        } else if (slide.demo) {
            slide.errors.push_back({file, line, "duplicate demo directive (first one at line " +
                                                     std::to_string(slide.demo->line) + ")"});
        } else {
            DemoRef demo;
            demo.line = line;
            if (auto err = parse_demo(value, demo)) {
                slide.errors.push_back({file, line, *err});
            } else {
                slide.demo = std::move(demo);
                if (validate_demo) {
                    std::optional<std::string> msg;
                    try {
                        msg = validate_demo(*slide.demo);
                    } catch (const std::exception& e) {
                        msg = std::string("demo check failed: ") + e.what();
                    } catch (...) {
                        msg = "demo check failed";
                    }
                    if (msg) slide.errors.push_back({file, line, *msg});
                }
            }
        }
        lines[i].clear();
    }

    // Comments: trailing ones are the notes; all are removed (newlines kept,
    // so that line numbers still hold).
    std::string src;
    std::vector<size_t> line_starts;
    for (const std::string& l : lines) {
        line_starts.push_back(src.size());
        src += l;
        src += '\n';
    }
    std::vector<std::string_view> views(lines.begin(), lines.end());
    int unclosed = -1;
    std::vector<bool> fenced = fenced_lines(views, unclosed);
    std::vector<Comment> comments = find_comments(src, line_starts, fenced);
    auto line_of_offset = [&](size_t off) {
        return file_line(static_cast<size_t>(std::upper_bound(line_starts.begin(), line_starts.end(), off) -
                                             line_starts.begin()) - 1);
    };
    std::string notes;
    for (size_t idx : trailing_comments(src, comments)) {
        const Comment& c = comments[idx];
        std::string_view body = trim(std::string_view(src).substr(c.begin + 4, c.end - 3 - (c.begin + 4)));
        if (body.empty()) continue;
        if (!notes.empty()) notes += "\n\n";
        notes += body;
    }
    slide.notes = notes;
    std::string md;
    md.reserve(src.size());
    size_t pos = 0;
    for (const Comment& c : comments) {
        if (!c.terminated) slide.errors.push_back({file, line_of_offset(c.begin), "unterminated HTML comment '<!--'"});
        md.append(src, pos, c.begin - pos);
        for (size_t k = c.begin; k < c.end; ++k)
            if (src[k] == '\n') md += '\n';
        pos = c.end;
    }
    md.append(src, pos, std::string::npos);

    Builder builder(md, chunk.first_line, base_dir, slide, file);
    if (!builder.run()) slide.errors.push_back({file, chunk.first_line, "cannot parse the slide's Markdown"});
    slide.blocks = std::move(builder.result_);

    std::stable_sort(slide.errors.begin(), slide.errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    return slide;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Public API
//-----------------------------------------------------------------------------

Deck parse(std::string_view text, const std::string& file, const std::filesystem::path& base_dir,
           const DemoValidator& validate_demo) {
    Deck deck;
    try {
        deck.path = file;
        int number = 0;
        for (const Chunk& chunk : split_slides(text)) {
            deck.slides.push_back(parse_slide(chunk, ++number, file, base_dir, validate_demo));
            const Slide& s = deck.slides.back();
            deck.diagnostics.insert(deck.diagnostics.end(), s.errors.begin(), s.errors.end());
        }
        if (deck.slides.empty()) deck.diagnostics.push_back({file, 0, "deck has no slides"});
    } catch (const std::exception& e) {
        deck.diagnostics.push_back({file, 0, std::string("cannot parse deck: ") + e.what()});
    } catch (...) {
        deck.diagnostics.push_back({file, 0, "cannot parse deck"});
    }
    return deck;
}

Deck load(const std::filesystem::path& path, const DemoValidator& validate_demo) {
    std::string file;
    try {
        file = path.string();
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) {
            int err = errno;
            Deck deck;
            deck.path = path;
            deck.diagnostics.push_back({file, 0, "cannot open deck: " + std::generic_category().message(err)});
            return deck;
        }
        std::string text;
        char buf[65536];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
        bool read_error = std::ferror(f) != 0;
        int err = errno;
        std::fclose(f);
        if (read_error) {
            Deck deck;
            deck.path = path;
            deck.diagnostics.push_back({file, 0, "cannot read deck: " + std::generic_category().message(err)});
            return deck;
        }
        Deck deck = parse(text, file, path.parent_path(), validate_demo);
        deck.path = path;
        return deck;
    } catch (const std::exception& e) {
        Deck deck;
        deck.path = path;
        deck.diagnostics.push_back({file, 0, std::string("cannot read deck: ") + e.what()});
        return deck;
    }
}

}  // namespace livedeck::deck
