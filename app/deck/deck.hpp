// The deck model: slides parsed from a Markdown file, with their directives,
// speaker notes and diagnostics. No GL, no ImGui: tested on its own.
//
// Deck format (slides/talk.md; README's "Writing a deck" says it for users):
//   - slides are separated by lines holding only `---` (outside fenced code),
//     unless the line above is paragraph text: then the `---` underlines a
//     (setext) heading. presenterm's `<!-- end_slide -->` ends a slide too; a
//     deck that uses it keeps its `---` lines as rules (unless its front
//     matter sets options.end_slide_shorthand);
//   - YAML front matter at the top (`---` ... `---`) gives the title slide's
//     metadata; a `---` ... `---` block of `key: value` lines right after a
//     separator is that slide's front matter (Slidev);
//   - a slide may begin with directive lines `key: value` (before any other
//     content); the known key is `demo`, whose value is
//     `NAME [param=value ...]`: the demo's parameters (animals=, delay=),
//     and the keys that lay out its panes (lines=, split=, timeline=; see
//     DemoView), which the demo itself never sees;
//   - speaker notes, every one kept, in document order: the HTML comments at
//     the end of a slide, presenterm's `<!-- speaker_note: ... -->`, reveal.js'
//     `Note:`/`Notes:` (to the end of the slide), Pandoc's `::: notes` and
//     `<aside class="notes">`;
//   - reveal steps: `<!-- pause -->` (presenterm), `. . .` (Pandoc), and list
//     items one by one where the deck asks (`<!-- incremental_lists: true -->`,
//     `::: incremental`, front matter `incremental: true`);
//   - code line highlights after a fence's language: `{1,3-4}`, with steps
//     `{1-3|5|all}` (Slidev, presenterm) or `[1|3-5]` (reveal.js, which also
//     numbers the lines); each `|` group after the first is a reveal step,
//     after the slide's earlier ones. Line numbers: presenterm's
//     `+line_numbers`, Slidev's `{lines:true}`, Pandoc's `.numberLines`;
//   - columns: presenterm's `<!-- column_layout: [1, 2] -->` / `<!-- column: 0 -->`
//     / `<!-- reset_layout -->`, Pandoc's `:::: columns` / `::: column`;
//   - the rest is CommonMark (md4c) with GitHub's tables, strikethrough and
//     task lists: headings, paragraphs, nested lists, bold, italic, inline
//     code, fenced code blocks, images, quotes; math spans are shown as their
//     source; raw HTML keeps its text (`<br>` breaks the line, `<img>` is an
//     image). Images: PNG, JPEG, GIF, WebP, SVG (image_formats.hpp); a path
//     is relative to the deck, `/x` also in its public/ folder; a URL's
//     image is fetched into a cache (image_fetch.hpp).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livedeck::deck {

// A problem found in a deck, pointing at the line that caused it.
struct Diagnostic {
    std::string file;  // the deck's path as given
    int line = 0;      // 1-based; 0 when the whole file is at fault
    std::string message;

    // "file:line: message" (or "file: message" when line is 0).
    std::string str() const;
};

// Inline style flags of a span of text; combine with |.
enum SpanStyle : unsigned {
    SpanStyle_None = 0,
    SpanStyle_Bold = 1 << 0,    // **strong**
    SpanStyle_Italic = 1 << 1,  // *emphasis*
    SpanStyle_Code = 1 << 2,    // `inline code`
    SpanStyle_Link = 1 << 3,    // [text](url): drawn as a link, not followed
    SpanStyle_Strike = 1 << 4,  // ~~struck~~ (drawn with a line through it)
    SpanStyle_Math = 1 << 5,    // $x^2$: LaTeX source, drawn as code (not typeset)
};

// A run of text with one style. Line breaks inside a paragraph are spans
// whose text is "\n" (hard break) or " " (soft break).
struct Span {
    std::string text;
    unsigned style = SpanStyle_None;
    bool operator==(const Span&) const = default;
};

enum class BlockKind {
    Heading,    // level 1..6, spans
    Paragraph,  // spans
    List,       // ordered/start, items
    Code,       // lang, text
    Image,      // image_path, alt
    Quote,      // children
    Rule,       // a thematic break (`***` or `___`)
    Table,      // rows (the first head_rows of them the header), align
    Columns,    // columns side by side
};

struct Block;

// Lines of a code block, 1-based and inclusive.
struct LineRange {
    int first = 0, last = 0;
    bool operator==(const LineRange&) const = default;
};

// One step of a code block's line highlights: Slidev's and presenterm's
// ```` ```rust {1-3|5|all} ````, reveal.js' ```` ```js [1|3-5] ````. From
// reveal step `step` on (until the next one's), `lines` are drawn
// emphasised and the others dimmed.
struct CodeHighlight {
    enum class Mode {
        Lines,  // `lines` emphasised (none of them, for `none` or `0`), the others dimmed
        All,    // `all`, `*`: every line as usual
        Hide,   // Slidev's `hide`: the block's room is kept, its code not drawn
    };
    int step = 0;
    Mode mode = Mode::All;
    std::vector<LineRange> lines;  // Lines
    bool operator==(const CodeHighlight&) const = default;
};

// A task list item's box (`- [ ]` / `- [x]`).
enum class Task { None, Open, Done };

// One list item: a sequence of blocks (paragraphs, nested lists...).
struct ListItem {
    std::vector<Block> blocks;
    int line = 0;  // 1-based file line of its text (best effort)
    int step = 0;  // the reveal step it appears at
    Task task = Task::None;
};

enum class Align { Default, Left, Center, Right };

// One row of a table: each cell's inline text.
struct TableRow {
    std::vector<std::vector<Span>> cells;
};

// One column of a Columns block: its share of the width and its blocks.
struct Column {
    float weight = 1;
    std::vector<Block> blocks;
};

struct Block {
    BlockKind kind = BlockKind::Paragraph;
    int line = 0;  // 1-based line in the deck file where the block starts (best effort)

    int level = 0;            // Heading
    std::vector<Span> spans;  // Heading, Paragraph

    bool ordered = false;  // List
    int start = 1;         // List (ordered)
    std::vector<ListItem> items;

    std::string lang;  // Code: the info string's language, e.g. "cpp", "python" ("rust" of "rust {1-3|5}")
    bool fenced = false;  // Code: fenced (its first line is the fence), not indented
    std::string text;  // Code: contents, with a trailing newline removed
    // Code: line highlights, one a step, in order (see CodeHighlight); empty: none.
    std::vector<CodeHighlight> highlights;
    bool line_numbers = false;  // Code: a gutter of line numbers (`+line_numbers`, `{lines:true}`, `[...]`)
    int first_number = 1;       // Code: the number of its first line (`[712: ...]`, `startLine:`)

    std::filesystem::path image_path;  // Image: resolved against the deck's directory (a URL's: its cached copy)
    std::string image_url;             // Image: the URL of a remote image ("" for a file)
    float image_width = 0;             // Image: HTML width=: canvas pixels, or (< 0) a share of the room; 0: fit
    std::string alt;                   // Image: alt text

    std::vector<Block> children;  // Quote

    std::vector<TableRow> rows;  // Table
    int head_rows = 0;           // Table: how many of the rows are the header
    std::vector<Align> align;    // Table: one per column

    std::vector<Column> columns;  // Columns

    // The reveal step it appears at: 0 from the start, 1 after the first
    // Next on the slide, ... (a container: its first part's).
    int step = 0;
};

// How a demo slide lays out its demo: the keys of the demo directive that
// the view reads.
//   lines=A-B[,C-D...]  only these lines of the demo file (folds set-up away;
//                       a fold row marks each gap)
//   split=P             the code pane takes P% of the width (30..80; default 60)
//   timeline=on|off     a timeline of the run under the output (default off)
struct DemoView {
    std::vector<std::pair<int, int>> lines;  // 1-based, inclusive, ascending; empty: every line
    int split = 60;
    bool timeline = false;
    bool operator==(const DemoView&) const = default;
};

// The keys of a demo directive that belong to DemoView.
bool is_view_key(std::string_view key);

// `demo: NAME key=value ...`
struct DemoRef {
    std::string name;
    std::map<std::string, std::string> params;  // for the demo (view keys are in `view`)
    DemoView view;
    int line = 0;
};

struct Slide {
    int number = 0;  // 1-based
    int line = 0;    // 1-based line of the slide's first line in the file
    std::string title;  // plain text of the first heading ("" if none)
    std::vector<Block> blocks;
    std::string notes;  // speaker notes, every dialect's, in order, joined by blank lines
    std::optional<DemoRef> demo;
    int steps = 0;  // reveal steps after the first view (pauses, incremental items)
    std::vector<Diagnostic> errors;    // problems found on this slide
    std::vector<Diagnostic> warnings;  // shown, but probably not as meant
};

// What the deck's front matter says about the talk (shown on a title slide).
struct Meta {
    std::string title, subtitle, author, date;
    std::vector<std::string> more;  // institute, event, location: one line each
    bool empty() const { return title.empty() && subtitle.empty() && author.empty() && date.empty() && more.empty(); }
};

struct Deck {
    std::filesystem::path path;
    Meta meta;  // from the YAML front matter, if any
    std::vector<Slide> slides;
    // Every problem: file-level ones (unreadable file) and each slide's.
    std::vector<Diagnostic> diagnostics;
    // What shows, but likely not as the author meant (`check` prints them
    // and still passes).
    std::vector<Diagnostic> warnings;

    bool ok() const { return diagnostics.empty(); }
};

// Checks a demo directive against what the program knows (the demo registry).
// Returns an error message ("unknown demo 'x'", "bad parameter ...") or nothing.
using DemoValidator = std::function<std::optional<std::string>(const DemoRef&)>;

// Parses deck text. `file` names it in diagnostics; images are resolved
// against `base_dir` and checked (exists and its header reads as PNG, JPEG,
// GIF, WebP or SVG). Remote images are not fetched here (image_fetch.hpp).
Deck parse(std::string_view text, const std::string& file,
           const std::filesystem::path& base_dir, const DemoValidator& validate_demo = {});

// Reads and parses a deck file. A missing or unreadable file gives a deck
// with no slides and one diagnostic (line 0); it never throws.
Deck load(const std::filesystem::path& path, const DemoValidator& validate_demo = {});

// The largest image side decoded (a 8192x8192 RGBA image is 256 MB).
inline constexpr int max_image_side = 8192;
// Why the image at `path` cannot be shown (missing, not a regular file, not
// an image, too big), or nothing. Opens only regular files, so it never
// blocks on a FIFO; reads only the header.
std::optional<std::string> image_problem(const std::filesystem::path& path);
// image_problem, then a full decode: a truncated or corrupt file that has a
// good header. For `check`: it costs a decode. `note`, when given, is set to
// what shows differently (an animation shows its first frame).
std::optional<std::string> image_decode_problem(const std::filesystem::path& path, std::string* note = nullptr);

// The line highlight a code block shows at reveal step `reveal` (the last
// one begun by then), or nothing when it has none.
const CodeHighlight* highlight_at(const Block& code, int reveal);
// Whether 1-based `line` is drawn emphasised under `h` (null: every line is).
bool emphasised(const CodeHighlight* h, int line);

// Appends code point `cp` as UTF-8 (U+FFFD for one that is not a character).
void append_utf8(std::string& out, char32_t cp);

// Plain text of spans (styles dropped).
std::string plain_text(const std::vector<Span>& spans);

}  // namespace livedeck::deck
