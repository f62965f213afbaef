// parse_internal.hpp: what crosses files between the deck parser's stages.
// Internal to app/deck; the public interface is deck.hpp.
//
//   slides.cpp       the file -> chunks of lines, one per slide (fences, `---`,
//                    setext underlines, `<!-- end_slide -->`, front matter)
//   front_matter.cpp YAML (yaml-cpp): the deck's and a slide's front matter,
//                    presenterm's speaker notes, Marp's directive comments
//   directives.cpp   `key: value` lines at a slide's top, `demo:` values
//   notes.cpp        HTML comments, and which of them are speaker notes
//   dialects.cpp     the other tools' conventions in a slide's text: comment
//                    commands, `Note:`, `<aside class="notes">`, `:::` divs,
//                    pauses, columns
//   code_info.cpp    a code fence's info string: language, line highlights
//   reveal.cpp       the reveal step of every block and list item (and of
//                    every code line highlight)
//   image_check.cpp  whether an image file can be read (stb_image, no GL)
//   markdown.cpp     a slide's Markdown -> blocks (md4c)
//   deck.cpp         one slide from a chunk, the title slide, the public API
#pragma once

#include "deck/deck.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livedeck::deck::detail {

namespace fs = std::filesystem;

// A Markdown thematic break (`***`, `___`, `- - -`...): three or more of one
// of those characters, spaces between (slides.cpp).
bool is_thematic_break(std::string_view line);

//-----------------------------------------------------------------------------
// [SECTION] Splitting the file into slides (slides.cpp)
//-----------------------------------------------------------------------------

// A code fence: ``` or ~~~ (three or more). Indentation is accepted so that
// fences inside list items keep their `---` lines too.
struct Fence {
    char ch = 0;
    size_t len = 0;
};

// The fence that `line` opens, or a Fence whose ch is 0.
Fence fence_opened_by(std::string_view line);

// For each line: is it part of a fenced code block (fences included)?
// `unclosed` gets the index of a fence never closed, or -1.
std::vector<bool> fenced_lines(const std::vector<std::string_view>& lines, int& unclosed);

// A block of YAML front matter: the lines between its `---` lines.
struct FrontMatter {
    int first_line = 0;  // 1-based file line of its first line; 0: none
    std::vector<std::string_view> lines;
};

// One slide's lines, as cut from the file.
struct Chunk {
    int first_line = 0;  // 1-based
    std::vector<std::string_view> lines;
    int unclosed_fence_line = 0;  // 1-based, 0 if none
    FrontMatter front_matter;     // the slide's own (Slidev), before its lines
};

// `<!-- end_slide -->` alone on a line (presenterm).
bool is_end_slide(std::string_view line);

// The deck's front matter: `---` on the first line, `key: value` lines, and
// a closing `---` (or `...`) within 1,000 lines. `end` gets the index of the
// line after the closing one.
std::optional<FrontMatter> deck_front_matter(const std::vector<std::string_view>& lines, size_t& end);

// The file's slides, from line index `start` on: cut at `<!-- end_slide -->`
// lines and, when `dashes` is set, at `---` lines, both outside fenced code;
// a `---` under a line of paragraph text is a setext heading's underline,
// not a separator. A separator directly followed by `key: value` lines and
// a `---` line gives the next slide its front matter. Chunks holding only
// whitespace are dropped. The views point into `lines`.
std::vector<Chunk> split_slides(const std::vector<std::string_view>& lines, size_t start, bool dashes);

//-----------------------------------------------------------------------------
// [SECTION] Front matter and other YAML (front_matter.cpp)
//-----------------------------------------------------------------------------

// What the deck's front matter asks of the parser.
struct DeckOptions {
    bool incremental = false;          // every list reveals item by item
    bool end_slide_shorthand = false;  // `---` separates slides even with `<!-- end_slide -->`
};

// Where each shown metadata value came from (file lines; 0: absent).
struct MetaLines {
    int title = 0, subtitle = 0, author = 0, date = 0;
    std::vector<int> more;
};

// Reads the deck's front matter into `meta` and `options`. Keys livedeck
// does not use are warnings; YAML that does not parse is an error.
void read_deck_front_matter(const FrontMatter& fm, const std::string& file, Meta& meta, MetaLines& lines,
                            DeckOptions& options, std::vector<Diagnostic>& errors,
                            std::vector<Diagnostic>& warnings);

// A key of a slide's front matter that livedeck uses.
struct SlideKey {
    std::string key;    // "demo", "image"
    std::string value;  // the scalar
    int line = 0;
};

// Reads a slide's front matter (Slidev): the keys livedeck uses; the others
// are warnings.
std::vector<SlideKey> read_slide_front_matter(const FrontMatter& fm, const std::string& file,
                                              std::vector<Diagnostic>& errors, std::vector<Diagnostic>& warnings);

// presenterm's `speaker_note: TEXT` (YAML, so `|` blocks work), from a
// comment's body; the text after the key when the YAML does not parse.
std::string speaker_note_text(std::string_view body);

// The keys of a comment that holds only Marp directives (`paginate: true`,
// `_class: lead`), or nothing.
std::optional<std::vector<std::string>> marp_directives(std::string_view body);

//-----------------------------------------------------------------------------
// [SECTION] Directives (directives.cpp)
//-----------------------------------------------------------------------------

// `key: value` with key [a-z][a-z0-9-]* and the colon followed by a space or
// the end of the line.
bool parse_directive_line(std::string_view line, std::string_view& key, std::string_view& value);

// Parses `NAME key=value ...`; returns an error message or nothing.
std::optional<std::string> parse_demo(std::string_view value, DemoRef& demo);

//-----------------------------------------------------------------------------
// [SECTION] HTML comments and speaker notes (notes.cpp)
//-----------------------------------------------------------------------------

struct Comment {
    size_t begin = 0;  // offset of "<!--"
    size_t end = 0;    // offset just past "-->" (or the text's end when unterminated)
    bool terminated = true;
};

// Finds the HTML comments outside fenced code and inline code spans.
std::vector<Comment> find_comments(std::string_view src, const std::vector<size_t>& line_starts,
                                   const std::vector<bool>& fenced);

// Indices of the comments that are speaker notes: the terminated comments at
// the end of the slide, each starting its line (after other notes).
std::vector<size_t> trailing_comments(std::string_view src, const std::vector<Comment>& comments);

//-----------------------------------------------------------------------------
// [SECTION] Other tools' conventions (dialects.cpp)
//-----------------------------------------------------------------------------

// A piece of the speaker notes and the line it came from.
struct NotePiece {
    int line = 0;
    std::string text;
};

// Where a line of the slide goes: the full width (column -1), or a column
// of a column group.
struct Place {
    int group = 0;    // index into SlideText::groups
    int column = -1;  // -1: full width
};

// A run of lines laid out as one: full width, or side by side in columns.
struct Group {
    bool columns = false;
    std::vector<float> weights;  // one a column
};

// A slide's text taken apart: the Markdown md4c sees (one string a line,
// what is not Markdown blanked so that lines still count), the notes, the
// reveal points, the columns, where lists are incremental.
struct SlideText {
    int first_line = 0;  // file line of lines[0]
    std::vector<std::string> lines;
    std::vector<NotePiece> notes;
    // A block or list item that starts at or after one of these file lines
    // (and after the content before it) starts a new reveal step.
    std::vector<int> reveal_points;
    std::vector<Group> groups{Group{}};
    std::vector<Place> places;      // one a line
    std::vector<bool> incremental;  // one a line: a list item there reveals on its own
};

// Takes the comment commands, notes, divs and pauses out of `text` (its
// lines are the slide's, comments still in, directives already blanked),
// reporting what is not supported in the slide's warnings.
SlideText take_apart(std::vector<std::string> lines, int first_line, const DeckOptions& options, Slide& slide,
                     const std::string& file);

//-----------------------------------------------------------------------------
// [SECTION] Fenced code's info string (code_info.cpp)
//-----------------------------------------------------------------------------

// Reads a fence's info string (`rust {1-3|5} +line_numbers`, `js [1|3]`,
// `{.python .numberLines}`) into the code block's lang, highlights (their
// steps set later, by assign_steps) and line numbers; `code.text` must be
// complete. What is not supported or does not fit the block is a warning at
// `line`.
void read_code_info(std::string_view info, Block& code, const std::string& file, int line,
                    std::vector<Diagnostic>& warnings);

//-----------------------------------------------------------------------------
// [SECTION] Reveal steps (reveal.cpp)
//-----------------------------------------------------------------------------

// Sets the step of every block and list item of the slide, in document
// order, and the slide's step count. A new step starts at an item of an
// incremental list and at the first block or item after a reveal point;
// never before the slide's first block, never with nothing to show. A code
// block's line highlights after its first each take a step, after every
// step begun before them (another block's highlights included); what
// follows the block without a pause shows with the block.
void assign_steps(Slide& slide, const SlideText& text);

//-----------------------------------------------------------------------------
// [SECTION] Images (image_check.cpp)
//-----------------------------------------------------------------------------

// Why the image at `path` cannot be used, or nothing.
std::optional<std::string> check_image(const fs::path& path);

// Sets the image block's path from its source `src` (and its URL, for a
// remote one): relative to `base_dir`; `/x` as given, else in
// `base_dir`/public/ (Slidev's convention); a URL's cached copy. A problem
// becomes an error of `slide` at `img.line` (set it first).
void resolve_image(Block& img, const std::string& src, const fs::path& base_dir, const std::string& file,
                   Slide& slide);

//-----------------------------------------------------------------------------
// [SECTION] Raw HTML (html.cpp)
//-----------------------------------------------------------------------------

struct HtmlTag {
    std::string name;  // lower case
    bool closing = false;
    bool self_closing = false;
};

// `<name ...>`, `</name>`, `<name/>`; nothing for other text.
std::optional<HtmlTag> parse_tag(std::string_view text);

// What a tag does on a slide.
enum class TagUse {
    Break,            // br: a line break
    Bold,             // b, strong
    Italic,           // i, em
    Code,             // code, kbd, tt, samp
    Strike,           // s, del, strike
    Heading,          // h1..h6 (in an HTML block)
    Rule,             // hr (in an HTML block)
    Block,            // p, div, li...: ends a paragraph (in an HTML block)
    Drop,             // any other: dropped, its text kept
    Image,            // img: an image block (its src, alt and width)
    DropEmpty,        // video, audio...: dropped (no text of their own)
    DropWithContent,  // script, style: dropped with what they hold
};
TagUse tag_use(std::string_view name);

// A tag that is not drawn, for `check`.
struct DroppedTag {
    int line = 0;
    std::string name;
    bool text_kept = true;  // false: nothing of it shows
};

// An HTML block as blocks: its text, `<br>` breaks, inline styles, block
// tags ending paragraphs, `<img>` images. `first_line` is the file line of
// its first line. An image block's image_path is its src as written: the
// caller resolves it (resolve_image).
std::vector<Block> html_blocks(std::string_view html, int first_line, std::vector<DroppedTag>& dropped);

// The image block of an `<img ...>` tag (its whole text): src as written in
// image_path (or nothing without a src), alt, and width= (pixels; a
// percentage is a negative fraction of the room: "50%" is -0.5).
std::optional<Block> html_image(std::string_view tag_text, int line);

// Warnings for dropped tags, one a line naming its tags.
void warn_dropped_tags(const std::vector<DroppedTag>& dropped, const std::string& file,
                       std::vector<Diagnostic>& warnings);

//-----------------------------------------------------------------------------
// [SECTION] Markdown to blocks (markdown.cpp)
//-----------------------------------------------------------------------------

// Builds blocks from `md`, Markdown with the comments removed, whose first
// line is file line `first_line`. Reports unreadable images in the slide's
// errors, and what is not drawn as written (raw HTML, math) in its
// warnings. `ok` is false when md4c fails (the blocks then hold what was
// built before).
std::vector<Block> build_blocks(std::string_view md, int first_line, const fs::path& base_dir, Slide& slide,
                                const std::string& file, bool& ok);

}  // namespace livedeck::deck::detail
