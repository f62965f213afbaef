// deck.cpp: a Markdown deck file -> Deck (slides, directives, notes,
// diagnostics). The format is described in deck.hpp.
//
// Index
//   [SECTION] One slide
//   [SECTION] Public API
//
// The stages live in their own files, declared in parse_internal.hpp:
// slides.cpp, directives.cpp, notes.cpp, image_check.cpp, markdown.cpp, with
// text helpers in text.cpp.
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
#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <system_error>
#include <utility>

namespace livedeck::deck {

using namespace detail;

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
    // A directive after the slide's first lines is text, not a directive.
    for (size_t k = 0; k < lines.size(); ++k) {
        std::string_view key, value;
        if (fenced[k] || !parse_directive_line(lines[k], key, value) || key != "demo") continue;
        slide.warnings.push_back({file, file_line(k),
                                  "'demo:' in the middle of the slide is shown as text; a directive goes on the "
                                  "slide's first lines"});
    }
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

    if (!build_blocks(md, chunk.first_line, base_dir, slide, file))
        slide.errors.push_back({file, chunk.first_line, "cannot parse the slide's Markdown"});

    std::stable_sort(slide.errors.begin(), slide.errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    return slide;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Public API
//-----------------------------------------------------------------------------

namespace {

// The 1-based line of byte `at`.
int line_of(std::string_view text, std::size_t at) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// Where `text` stops being UTF-8, if it does: the byte's offset.
std::optional<std::size_t> invalid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4) || i + n > text.size()) return i;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
        if (n == 3) {  // no overlong forms, no UTF-16 surrogates
            const auto d = static_cast<unsigned char>(text[i + 1]);
            if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d >= 0xA0)) return i;
        }
        if (n == 4) {
            const auto d = static_cast<unsigned char>(text[i + 1]);
            if ((c == 0xF0 && d < 0x90) || (c == 0xF4 && d >= 0x90)) return i;
        }
        i += n;
    }
    return std::nullopt;
}

}  // namespace

Deck parse(std::string_view text, const std::string& file, const std::filesystem::path& base_dir,
           const DemoValidator& validate_demo) {
    Deck deck;
    try {
        deck.path = file;
        // A byte-order mark is not a character of the first slide.
        if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
        // A deck is text: binary data is not one at all, other encodings are errors.
        if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
            deck.diagnostics.push_back({file, line_of(text, nul), "binary data (a NUL byte): not a Markdown deck"});
            return deck;
        }
        if (const auto bad = invalid_utf8(text)) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[*bad]));
            deck.diagnostics.push_back({file, line_of(text, *bad),
                                        std::string("not UTF-8 (byte ") + hex + "): save the deck as UTF-8"});
        }
        int number = 0;
        for (const Chunk& chunk : split_slides(text)) {
            deck.slides.push_back(parse_slide(chunk, ++number, file, base_dir, validate_demo));
            const Slide& s = deck.slides.back();
            deck.diagnostics.insert(deck.diagnostics.end(), s.errors.begin(), s.errors.end());
            deck.warnings.insert(deck.warnings.end(), s.warnings.begin(), s.warnings.end());
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
        // A FIFO or a device would block the open or the read (a hot reload
        // onto one froze the window): only plain files are decks.
        std::error_code status_error;
        const auto status = std::filesystem::status(path, status_error);
        if (!status_error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
            Deck deck;
            deck.path = path;
            deck.diagnostics.push_back({file, 0, "cannot open deck: not a regular file"});
            return deck;
        }
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
