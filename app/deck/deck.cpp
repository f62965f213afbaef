// deck.cpp: a Markdown deck file -> Deck (slides, directives, notes,
// diagnostics). The format is described in deck.hpp.
//
// Index
//   [SECTION] One slide
//   [SECTION] The title slide
//   [SECTION] Public API
//
// The stages live in their own files, declared in parse_internal.hpp:
// slides.cpp, front_matter.cpp, directives.cpp, notes.cpp, dialects.cpp,
// markdown.cpp, html.cpp, reveal.cpp, image_check.cpp, with text helpers
// in text.cpp.
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
//     trailing ones (each starting its line) are the notes, unless they are
//     another tool's commands;
//   - the deck's front matter (title, author...) shows on the first slide
//     when it has no heading of its own; when it has one, a title slide is
//     put before it (unless the front matter only repeats that heading);
//   - a malformed demo directive leaves Slide::demo unset; one the validator
//     rejects stays set (the view can still name it) and is reported.

#include "deck/deck.hpp"
#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>
#include <functional>
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

// Sets the demo from a `demo:` value at `line`, validated.
void set_demo(Slide& slide, std::string_view value, int line, const std::string& file,
              const DemoValidator& validate_demo) {
    if (slide.demo) {
        slide.errors.push_back({file, line, "duplicate demo directive (first one at line " +
                                                 std::to_string(slide.demo->line) + ")"});
        return;
    }
    DemoRef demo;
    demo.line = line;
    if (auto err = parse_demo(value, demo)) {
        slide.errors.push_back({file, line, *err});
        return;
    }
    slide.demo = std::move(demo);
    if (!validate_demo) return;
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

// The first heading, depth first.
const Block* first_heading(const std::vector<Block>& blocks) {
    for (const Block& b : blocks) {
        if (b.kind == BlockKind::Heading) return &b;
        for (const ListItem& item : b.items)
            if (const Block* h = first_heading(item.blocks)) return h;
        if (const Block* h = first_heading(b.children)) return h;
        for (const Column& c : b.columns)
            if (const Block* h = first_heading(c.blocks)) return h;
    }
    return nullptr;
}

// The blocks of lines that go to `place`, the others blanked.
std::vector<Block> blocks_at(const SlideText& text, int group, int column, const fs::path& base_dir, Slide& slide,
                             const std::string& file, bool& ok) {
    std::string md;
    for (size_t i = 0; i < text.lines.size(); ++i) {
        if (text.places[i].group == group && text.places[i].column == column) md += text.lines[i];
        md += '\n';
    }
    bool fine = true;
    std::vector<Block> blocks = build_blocks(md, text.first_line, base_dir, slide, file, fine);
    ok = ok && fine;
    return blocks;
}

Slide parse_slide(const Chunk& chunk, int number, const std::string& file, const fs::path& base_dir,
                  const DemoValidator& validate_demo, const DeckOptions& options) {
    Slide slide;
    slide.number = number;
    slide.line = chunk.front_matter.first_line ? chunk.front_matter.first_line : chunk.first_line;
    std::vector<std::string> lines(chunk.lines.begin(), chunk.lines.end());
    auto file_line = [&](size_t idx) { return chunk.first_line + static_cast<int>(idx); };

    if (chunk.unclosed_fence_line)
        slide.errors.push_back({file, chunk.unclosed_fence_line, "code fence is never closed"});

    // The slide's own front matter (Slidev).
    std::vector<SlideKey> keys;
    if (chunk.front_matter.first_line)
        keys = read_slide_front_matter(chunk.front_matter, file, slide.errors, slide.warnings);
    for (const SlideKey& k : keys)
        if (k.key == "demo") set_demo(slide, k.value, k.line, file, validate_demo);

    // Directives: the first lines of the slide, blanked once read.
    size_t i = 0;
    while (i < lines.size() && is_blank(lines[i])) ++i;
    for (; i < lines.size(); ++i) {
        std::string_view key, value;
        if (!parse_directive_line(lines[i], key, value)) break;
        if (key == "note" || key == "notes") break;  // reveal.js notes, not a directive
        int line = file_line(i);
        if (key != "demo") slide.errors.push_back({file, line, "unknown directive '" + std::string(key) + "'"});
        else set_demo(slide, value, line, file, validate_demo);
        lines[i].clear();
    }

    // A directive after the slide's first lines is text, not a directive.
    {
        std::vector<std::string_view> views(lines.begin(), lines.end());
        int unclosed = -1;
        const std::vector<bool> fenced = fenced_lines(views, unclosed);
        for (size_t k = 0; k < lines.size(); ++k) {
            std::string_view key, value;
            if (fenced[k] || !parse_directive_line(lines[k], key, value) || key != "demo") continue;
            slide.warnings.push_back({file, file_line(k),
                                      "'demo:' in the middle of the slide is shown as text; a directive goes on the "
                                      "slide's first lines"});
        }
    }

    // Other tools' conventions out; what is left is Markdown.
    const SlideText text = take_apart(std::move(lines), chunk.first_line, options, slide, file);
    std::string notes;
    for (const NotePiece& piece : text.notes) {
        if (piece.text.empty()) continue;
        if (!notes.empty()) notes += "\n\n";
        notes += piece.text;
    }
    slide.notes = notes;

    bool ok = true;
    for (int g = 0; g < static_cast<int>(text.groups.size()); ++g) {
        const Group& group = text.groups[static_cast<size_t>(g)];
        if (!group.columns) {
            std::vector<Block> blocks = blocks_at(text, g, -1, base_dir, slide, file, ok);
            std::move(blocks.begin(), blocks.end(), std::back_inserter(slide.blocks));
            continue;
        }
        Block columns;
        columns.kind = BlockKind::Columns;
        for (size_t c = 0; c < group.weights.size(); ++c) {
            columns.columns.push_back({group.weights[c], blocks_at(text, g, static_cast<int>(c), base_dir, slide, file, ok)});
            for (const Block& b : columns.columns.back().blocks)
                if (columns.line == 0 || b.line < columns.line) columns.line = b.line;
        }
        const bool any = std::any_of(columns.columns.begin(), columns.columns.end(),
                                     [](const Column& c) { return !c.blocks.empty(); });
        if (!any) continue;
        slide.blocks.push_back(std::move(columns));
    }
    if (!ok) slide.errors.push_back({file, chunk.first_line, "cannot parse the slide's Markdown"});

    // Slidev's `image:`: the slide's image, after its content.
    for (const SlideKey& k : keys) {
        if (k.key != "image") continue;
        std::string md(static_cast<size_t>(std::max(0, k.line - chunk.front_matter.first_line)), '\n');
        md += "![](<" + k.value + ">)\n";
        bool fine = true;
        std::vector<Block> image = build_blocks(md, chunk.front_matter.first_line, base_dir, slide, file, fine);
        std::move(image.begin(), image.end(), std::back_inserter(slide.blocks));
    }

    if (const Block* h = first_heading(slide.blocks)) slide.title = std::string(trim(plain_text(h->spans)));
    assign_steps(slide, text);
    // Every block's line within the slide (its front matter included): the
    // dialect passes rewrite the text, and a line could land one past the
    // slide's end (found by fuzz_deck).
    const int first = chunk.front_matter.first_line > 0 ? std::min(chunk.first_line, chunk.front_matter.first_line)
                                                        : chunk.first_line;
    const int last = chunk.first_line + std::max(static_cast<int>(chunk.lines.size()), 1) - 1;
    std::function<void(std::vector<Block>&)> keep_in = [&](std::vector<Block>& blocks) {
        for (Block& b : blocks) {
            if (b.line != 0) b.line = std::clamp(b.line, first, std::max(first, last));
            for (ListItem& item : b.items) keep_in(item.blocks);
            for (Column& column : b.columns) keep_in(column.blocks);
            keep_in(b.children);
        }
    };
    keep_in(slide.blocks);

    std::stable_sort(slide.errors.begin(), slide.errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    std::stable_sort(slide.warnings.begin(), slide.warnings.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    return slide;
}

//-----------------------------------------------------------------------------
// [SECTION] The title slide
//-----------------------------------------------------------------------------

// The metadata as blocks: the title as a heading, then a line each.
std::vector<Block> meta_blocks(const Meta& meta, const MetaLines& at, const fs::path& base_dir, Slide& slide,
                               const std::string& file) {
    std::vector<Block> blocks;
    auto add = [&](const std::string& value, int line, const char* prefix, unsigned style) {
        if (value.empty()) return;
        bool ok = true;
        for (Block& b : build_blocks(std::string(prefix) + value + "\n", line, base_dir, slide, file, ok)) {
            for (Span& s : b.spans) s.style |= style;
            blocks.push_back(std::move(b));
        }
    };
    add(meta.title, at.title, "# ", SpanStyle_None);
    add(meta.subtitle, at.subtitle, "", SpanStyle_None);
    add(meta.author, at.author, "", SpanStyle_Bold);
    for (size_t i = 0; i < meta.more.size(); ++i) add(meta.more[i], at.more[i], "", SpanStyle_None);
    add(meta.date, at.date, "", SpanStyle_Italic);
    return blocks;
}

// Shows the front matter's metadata: on the first slide when it comes right
// after the front matter without a heading of its own, else on a slide of
// its own before it (unless it only repeats the first slide's title).
void add_title_slide(Deck& deck, const MetaLines& at, int first_content_line, const fs::path& base_dir,
                     const std::string& file) {
    if (deck.meta.empty()) return;
    Slide scratch;
    std::vector<Block> blocks = meta_blocks(deck.meta, at, base_dir, scratch, file);
    if (blocks.empty()) return;
    Slide* first = deck.slides.empty() ? nullptr : &deck.slides.front();
    const bool adjoining = first && first->line == first_content_line;
    const bool own_heading = first && first_heading(first->blocks) != nullptr;
    if (adjoining && !own_heading) {
        std::move(first->blocks.begin(), first->blocks.end(), std::back_inserter(blocks));
        first->blocks = std::move(blocks);
        if (const Block* h = first_heading(first->blocks)) first->title = std::string(trim(plain_text(h->spans)));
    } else {
        const bool only_title = deck.meta.subtitle.empty() && deck.meta.author.empty() && deck.meta.date.empty() &&
                                deck.meta.more.empty();
        if (first && only_title && first->title == trim(plain_text(blocks.front().spans))) return;
        Slide title;
        title.line = at.title ? at.title : 1;
        title.blocks = std::move(blocks);
        if (const Block* h = first_heading(title.blocks)) title.title = std::string(trim(plain_text(h->spans)));
        deck.slides.insert(deck.slides.begin(), std::move(title));
        for (size_t n = 0; n < deck.slides.size(); ++n) deck.slides[n].number = static_cast<int>(n) + 1;
    }
    deck.warnings.insert(deck.warnings.end(), scratch.warnings.begin(), scratch.warnings.end());
    deck.diagnostics.insert(deck.diagnostics.end(), scratch.errors.begin(), scratch.errors.end());
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
        // A carriage return alone (an old Mac line ending, or junk) would end a
        // line for the Markdown parser and not for the slide splitter, and
        // the two would number lines differently: it is read as a space.
        std::string without_lone_cr;
        for (std::size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
            if (i + 1 < text.size() && text[i + 1] == '\n') continue;
            if (without_lone_cr.empty()) {
                deck.warnings.push_back({file, line_of(text, i),
                                         "a carriage return without a line feed (an old Mac line ending?) is read as a space"});
                without_lone_cr.assign(text);
            }
            without_lone_cr[i] = ' ';
        }
        if (!without_lone_cr.empty()) text = without_lone_cr;
        const std::vector<std::string_view> lines = split_lines(text);
        // The front matter first: it may ask for `---` separators in a
        // deck that ends its slides with `<!-- end_slide -->`.
        size_t start = 0;
        DeckOptions options;
        MetaLines meta_lines;
        if (const std::optional<FrontMatter> fm = deck_front_matter(lines, start))
            read_deck_front_matter(*fm, file, deck.meta, meta_lines, options, deck.diagnostics, deck.warnings);
        int unclosed = -1;
        const std::vector<bool> fenced = fenced_lines(lines, unclosed);
        bool end_slide = false;
        for (size_t i = start; i < lines.size() && !end_slide; ++i) end_slide = !fenced[i] && is_end_slide(lines[i]);
        int number = 0;
        for (const Chunk& chunk : split_slides(lines, start, !end_slide || options.end_slide_shorthand)) {
            deck.slides.push_back(parse_slide(chunk, ++number, file, base_dir, validate_demo, options));
            const Slide& s = deck.slides.back();
            deck.diagnostics.insert(deck.diagnostics.end(), s.errors.begin(), s.errors.end());
            deck.warnings.insert(deck.warnings.end(), s.warnings.begin(), s.warnings.end());
        }
        add_title_slide(deck, meta_lines, static_cast<int>(start) + 1, base_dir, file);
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
