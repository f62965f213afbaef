// markdown.cpp: a slide's Markdown -> its blocks, with md4c (CommonMark with
// GitHub's tables, strikethrough and task lists, and `$` math spans). The
// Builder keeps a stack of open blocks fed by md4c's callbacks, and finds
// each block's file line from the text md4c hands it (or by searching the
// lines). Raw HTML keeps its text (html.cpp); what is not drawn as written
// becomes a warning.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <md4c.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

namespace livedeck::deck::detail {
namespace {

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
    std::string info;       // Code: the fence's info string
    Block block;
    ListItem item;             // LI
    std::vector<Block> images; // P, H, TH, TD, TABLE: images met inline
    std::string html;          // HTML: the raw text
    int html_line = 0;         // HTML: the line of its last text
    int html_breaks = 0;       // HTML: line ends in `html` up to that text
    int html_total = 0;        // HTML: line ends in `html`
    Align align = Align::Default;  // TH, TD
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
        parser.flags = MD_DIALECT_COMMONMARK | MD_FLAG_COLLAPSEWHITESPACE | MD_FLAG_STRIKETHROUGH | MD_FLAG_TABLES |
                       MD_FLAG_TASKLISTS | MD_FLAG_LATEXMATHSPANS;
        parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->enter_block(t, d); }); };
        parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->leave_block(t, d); }); };
        parser.enter_span = [](MD_SPANTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->enter_span(t, d); }); };
        parser.leave_span = [](MD_SPANTYPE t, void* d, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->leave_span(t, d); }); };
        parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) { return static_cast<Builder*>(u)->guard([&] { static_cast<Builder*>(u)->text(t, s, n); }); };
        int rc = md_parse(md_.data(), static_cast<MD_SIZE>(md_.size()), &parser, this);
        while (!stack_.empty()) close_top();  // only after an aborted parse
        warn_dropped_tags(dropped_, file_, slide_.warnings);
        for (int line : math_lines_)
            slide_.warnings.push_back({file_, line, "math is shown as its LaTeX source: livedeck does not typeset it"});
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

    // The slide's last file line.
    int last_line() const { return first_line_ + std::max(static_cast<int>(lines_.size()), 1) - 1; }

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
                         type == MD_BLOCK_TABLE;
        f.skip = container && stack_.size() >= kMaxDepth;
        // A table's parts hold no blocks: their cells go to the table.
        if (type == MD_BLOCK_THEAD || type == MD_BLOCK_TBODY || type == MD_BLOCK_TR) f.skip = true;
        stack_.push_back(std::move(f));
    }

    // Appends a finished block to the nearest kept container.
    void append(Block b) {
        // Nothing better known: where the last block ended, within the slide (a
        // rule moves the cursor past its line, and a lone CR, a line break to
        // md4c, is none to the deck, so it may point past the slide's end).
        if (b.line == 0) b.line = std::clamp(cursor_, first_line_, last_line());
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
        return !stack_.empty() && (stack_.back().type == MD_BLOCK_P || stack_.back().type == MD_BLOCK_H ||
                                   stack_.back().type == MD_BLOCK_TH || stack_.back().type == MD_BLOCK_TD);
    }

    // The innermost table being built, if any (and not flattened).
    Frame* table() {
        for (size_t i = stack_.size(); i-- > 0;) {
            if (stack_[i].type == MD_BLOCK_TABLE) return stack_[i].skip ? nullptr : &stack_[i];
            if (stack_[i].type != MD_BLOCK_THEAD && stack_[i].type != MD_BLOCK_TBODY && stack_[i].type != MD_BLOCK_TR)
                return nullptr;
        }
        return nullptr;
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

    // Styles end with their paragraph (an unclosed `<b>` does not run on).
    void reset_styles() { strong_ = em_ = code_ = link_ = del_ = math_ = 0; }

    void close_top() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        switch (f.type) {
            case MD_BLOCK_DOC: break;
            case MD_BLOCK_P: {
                reset_styles();
                trim_spans(f.block.spans);
                if (!f.block.spans.empty()) append(std::move(f.block));
                for (Block& img : f.images) append(std::move(img));
                break;
            }
            case MD_BLOCK_H: {
                reset_styles();
                trim_spans(f.block.spans);
                append(std::move(f.block));
                for (Block& img : f.images) append(std::move(img));
                break;
            }
            case MD_BLOCK_TH:
            case MD_BLOCK_TD: {
                reset_styles();
                trim_spans(f.block.spans);
                if (Frame* t = table()) {
                    if (t->block.rows.empty()) t->block.rows.emplace_back();
                    std::vector<std::vector<Span>>& cells = t->block.rows.back().cells;
                    if (t->block.rows.size() == 1 && cells.size() >= t->block.align.size())
                        t->block.align.push_back(f.align);
                    cells.push_back(std::move(f.block.spans));
                    for (Block& img : f.images) t->images.push_back(std::move(img));
                } else {  // too deep for a table: its cells as paragraphs
                    if (!f.block.spans.empty()) append(std::move(f.block));
                    for (Block& img : f.images) append(std::move(img));
                }
                break;
            }
            case MD_BLOCK_TABLE:
                if (f.skip) break;
                append(std::move(f.block));
                for (Block& img : f.images) append(std::move(img));
                break;
            case MD_BLOCK_HTML: {
                const int line = f.block.line > 0 ? f.block.line : std::max(cursor_, first_line_);
                for (Block& b : html_blocks(f.html, line, dropped_)) {
                    if (b.kind == BlockKind::Image) resolve_image(b, b.image_path.string(), base_dir_, file_, slide_);
                    append(std::move(b));
                }
                break;
            }
            case MD_BLOCK_CODE: {
                if (!f.block.text.empty() && f.block.text.back() == '\n') f.block.text.pop_back();
                f.block.fenced = f.fenced;
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
                    // Its language, line highlights and line numbers.
                    read_code_info(f.info, f.block, file_, f.block.line > 0 ? f.block.line : first_line_,
                                   slide_.warnings);
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
                f.item.line = f.block.line;
                if (!stack_.empty() && !top().skip && (top().type == MD_BLOCK_UL || top().type == MD_BLOCK_OL))
                    top().block.items.push_back(std::move(f.item));
                else
                    for (Block& b : f.item.blocks) append(std::move(b));
                break;
            default: break;  // THEAD, TBODY, TR
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
            case MD_BLOCK_LI: {
                push(type, BlockKind::Paragraph);
                auto* d = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
                if (d && d->is_task)
                    top().item.task = (d->task_mark == 'x' || d->task_mark == 'X') ? Task::Done : Task::Open;
                break;
            }
            case MD_BLOCK_TABLE: {
                push(type, BlockKind::Table);
                if (auto* d = static_cast<MD_BLOCK_TABLE_DETAIL*>(detail))
                    top().block.head_rows = static_cast<int>(std::min<unsigned>(d->head_row_count, 1000));
                break;
            }
            case MD_BLOCK_TR: {
                push(type, BlockKind::Paragraph);
                if (Frame* t = table()) t->block.rows.emplace_back();
                break;
            }
            case MD_BLOCK_TH:
            case MD_BLOCK_TD: {
                push(type, BlockKind::Paragraph);
                if (auto* d = static_cast<MD_BLOCK_TD_DETAIL*>(detail)) {
                    switch (d->align) {
                    case MD_ALIGN_LEFT: top().align = Align::Left; break;
                    case MD_ALIGN_CENTER: top().align = Align::Center; break;
                    case MD_ALIGN_RIGHT: top().align = Align::Right; break;
                    default: break;
                    }
                }
                break;
            }
            case MD_BLOCK_HTML: push(type, BlockKind::Paragraph); break;
            case MD_BLOCK_HR: {
                push(type, BlockKind::Rule);
                int line = search([](std::string_view l, std::string_view) { return is_thematic_break(l); });
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
                    top().info = decode_attribute(d->info);  // the whole of it: read when the block closes
                }
                break;
            }
            case MD_BLOCK_P: push(type, BlockKind::Paragraph); break;
            default: push(type, BlockKind::Paragraph); break;  // THEAD, TBODY
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
        if (code_ > 0 || math_ > 0) s |= SpanStyle_Code;
        if (link_ > 0) s |= SpanStyle_Link;
        if (del_ > 0) s |= SpanStyle_Strike;
        if (math_ > 0) s |= SpanStyle_Math;
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
            case MD_SPAN_DEL: ++del_; break;
            case MD_SPAN_LATEXMATH:
            case MD_SPAN_LATEXMATH_DISPLAY:
                ++math_;
                add_span(type == MD_SPAN_LATEXMATH ? "$" : "$$");
                break;
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
            case MD_SPAN_DEL: del_ = del_ > 0 ? del_ - 1 : 0; break;
            case MD_SPAN_LATEXMATH:
            case MD_SPAN_LATEXMATH_DISPLAY:
                add_span(type == MD_SPAN_LATEXMATH ? "$" : "$$");
                math_ = math_ > 0 ? math_ - 1 : 0;
                break;
            case MD_SPAN_IMG:
                if (img_depth_ > 0 && --img_depth_ == 0) finish_image();
                break;
            default: break;
        }
    }

    void finish_image() {
        Block img = std::move(image_);
        img.alt = std::string(trim(img.alt));
        int line = image_alt_line_ ? image_alt_line_ : image_src_line_;
        if (line == 0 && !image_src_.empty()) {
            const std::string& src = image_src_;
            line = search([&](std::string_view, std::string_view raw) { return raw.find(src) != std::string_view::npos; });
        }
        if (line == 0 && in_inline()) line = top().block.line;
        if (line == 0) line = cursor_ > 0 ? cursor_ : first_line_;
        img.line = line;
        resolve_image(img, image_src_, base_dir_, file_, slide_);
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
        if (cur.type == MD_BLOCK_HTML) {
            if (line) {
                // md4c ends each line with a "\n" of its own, but its text
                // may come in pieces (an indent, then the rest): count the
                // line ends since the last line, and add only those missing,
                // so that html_blocks() counts lines as the file does.
                if (cur.block.line == 0) cur.block.line = line;
                if (cur.html_line) {
                    const int missing = line - cur.html_line - (cur.html_total - cur.html_breaks);
                    if (missing > 0) {
                        cur.html.append(static_cast<size_t>(missing), '\n');
                        cur.html_total += missing;
                    }
                }
                cur.html_line = line;
                cur.html_breaks = cur.html_total;
                note_line(line);
            }
            cur.html += t;
            cur.html_total += static_cast<int>(std::count(t.begin(), t.end(), '\n'));
            return;
        }
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
        if (type == MD_TEXT_HTML) {  // inline raw HTML: its effect kept, the tag dropped
            note_line(line);
            inline_html(t, line);
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
            case MD_TEXT_LATEXMATH:
                if (line) math_lines_.insert(line);
                else math_lines_.insert(std::max(cursor_, first_line_));
                add_span(t);
                break;
            default: add_span(t); break;
        }
    }

    // An inline tag: `<br>` breaks the line, simple styles are kept, any
    // other is dropped (and named for `check`).
    void inline_html(std::string_view raw, int line) {
        const std::optional<HtmlTag> tag = parse_tag(raw);
        if (!tag) return;
        const int d = tag->closing ? -1 : 1;
        auto bump = [d](int& counter) { counter = std::max(0, counter + d); };
        const int at = line ? line : std::max(cursor_, first_line_);
        switch (tag_use(tag->name)) {
        case TagUse::Break: ensure_inline(); add_span("\n", true); break;
        case TagUse::Bold: bump(strong_); break;
        case TagUse::Italic: bump(em_); break;
        case TagUse::Code: bump(code_); break;
        case TagUse::Strike: bump(del_); break;
        case TagUse::Image:
            if (tag->closing) break;
            if (std::optional<Block> img = html_image(raw, at)) {
                resolve_image(*img, img->image_path.string(), base_dir_, file_, slide_);
                if (in_inline()) top().images.push_back(std::move(*img));
                else append(std::move(*img));
            } else {
                dropped_.push_back({at, tag->name, false});
            }
            break;
        case TagUse::DropEmpty:
        case TagUse::DropWithContent:
            if (!tag->closing) dropped_.push_back({at, tag->name, false});
            break;
        default:  // named once, at the opening tag
            if (!tag->closing) dropped_.push_back({at, tag->name, true});
            break;
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
    bool failed_ = false;
    int strong_ = 0, em_ = 0, code_ = 0, link_ = 0, del_ = 0, math_ = 0, img_depth_ = 0;
    std::vector<DroppedTag> dropped_;
    std::set<int> math_lines_;
    Block image_;
    std::string image_src_;
    int image_src_line_ = 0, image_alt_line_ = 0;

public:
    std::vector<Block> result_;
};

}  // namespace

std::vector<Block> build_blocks(std::string_view md, int first_line, const fs::path& base_dir, Slide& slide,
                                const std::string& file, bool& ok) {
    Builder builder(md, first_line, base_dir, slide, file);
    ok = builder.run();
    return std::move(builder.result_);
}

}  // namespace livedeck::deck::detail
