// code_info.cpp: a fenced code block's info string -> its language, line
// highlights and line numbers, as the other tools write them:
//   Slidev      ```ts {2,3}   ```ts {2-3|5|all}   ```ts {hide|none|*}   ```ts {1}{lines:true,startLine:5}
//   presenterm  ```rust {1,3|5-7} +line_numbers   (+exec and friends are not run: a warning)
//   reveal.js   ```js [1|3-5]   ```js []   ```js [712: 1-2|3]   (brackets also number the lines)
//   Pandoc      ```{.rust .numberLines startFrom="5"}   Quarto ```{.python code-line-numbers="1|3"}
//   rustdoc     ```rust,ignore
// What is not supported is a warning at the fence's line; nothing here stops
// the block from showing. The steps of the highlights are set later, with
// the slide's other reveal steps (reveal.cpp).

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>
#include <cstddef>

namespace livedeck::deck {

const CodeHighlight* highlight_at(const Block& code, int reveal) {
    const CodeHighlight* shown = nullptr;
    for (const CodeHighlight& h : code.highlights) {
        if (h.step > reveal && shown) break;
        shown = &h;  // the first one even before its step: a block is drawn as its first view shows it
    }
    return shown;
}

bool emphasised(const CodeHighlight* h, int line) {
    if (h == nullptr || h->mode == CodeHighlight::Mode::All) return true;
    if (h->mode == CodeHighlight::Mode::Hide) return false;
    return std::any_of(h->lines.begin(), h->lines.end(),
                       [line](const LineRange& r) { return line >= r.first && line <= r.last; });
}

}  // namespace livedeck::deck

namespace livedeck::deck::detail {
namespace {

// What one block's info string gives; warnings go to `warn`.
class InfoReader {
public:
    InfoReader(Block& code, const std::string& file, int line, std::vector<Diagnostic>& warnings)
        : code_(code), file_(file), line_(line), warnings_(warnings) {
        const std::vector<std::string_view> lines = split_lines(code.text);
        line_count_ = code.text.empty() ? 0 : static_cast<int>(lines.size());
    }

    void read(std::string_view info) {
        info = trim(info);
        if (info.starts_with('{')) {  // Pandoc's attributes, or Slidev's highlight without a language
            std::string_view rest = info;
            if (!spec_like(inside_braces(take_group(rest, '{', '}')))) {
                pandoc(info);
                return;
            }
        }
        // The language: up to a space, a brace, a bracket (Slidev's `ts{1}`)
        // or rustdoc's comma.
        const std::size_t end = std::min(info.find_first_of(" \t{["), info.size());
        std::string_view lang = info.substr(0, end);
        code_.lang = std::string(lang.substr(0, std::min(lang.find(','), lang.size())));
        std::string_view rest = info.substr(end);
        bool had_spec = false;
        while (!(rest = trim(rest)).empty()) {
            if (rest.front() == '{') {
                const std::string_view group = take_group(rest, '{', '}');
                const std::string_view body = inside_braces(group);
                if (!had_spec && spec_like(body)) {
                    highlights(group, body);
                    had_spec = true;
                } else if (body.find(':') != std::string_view::npos) {
                    slidev_options(body);
                } else {
                    slidev_word(group, trim(body));
                }
            } else if (rest.front() == '[') {
                reveal_js(take_group(rest, '[', ']'));
                had_spec = true;
            } else {
                const std::size_t stop = std::min(rest.find_first_of(" \t{["), rest.size());
                const std::string_view word = rest.substr(0, stop);
                rest.remove_prefix(stop);
                if (word.starts_with('+')) presenterm(word);
                else warn("code block attribute '" + std::string(word) + "' is not supported: ignored");
            }
        }
        // One step that marks every line marks nothing out.
        if (code_.highlights.size() == 1 && code_.highlights[0].mode == CodeHighlight::Mode::All)
            code_.highlights.clear();
    }

private:
    static constexpr std::size_t kMaxSteps = 64;
    static constexpr std::size_t kMaxRanges = 256;

    void warn(std::string message) { warnings_.push_back({file_, line_, std::move(message)}); }

    // `{...}` (or `[...]`) from the front of `rest`, to its closing mark or
    // the end; `rest` keeps what follows.
    static std::string_view take_group(std::string_view& rest, char open, char close) {
        std::size_t depth = 0, i = 0;
        for (; i < rest.size(); ++i) {
            if (rest[i] == open) ++depth;
            else if (rest[i] == close && --depth == 0) break;
        }
        const std::size_t n = std::min(i + 1, rest.size());
        std::string_view group = rest.substr(0, n);
        rest.remove_prefix(n);
        return group;
    }

    static std::string_view inside_braces(std::string_view group) {
        if (!group.empty() && (group.front() == '{' || group.front() == '[')) group.remove_prefix(1);
        if (!group.empty() && (group.back() == '}' || group.back() == ']')) group.remove_suffix(1);
        return group;
    }

    // Line numbers, ranges, `|`, `*`, all, none, hide: a highlight, not an
    // option. A word among numbers is a bad item of a highlight (`{1|two}`);
    // a word alone is an option (`{monaco}`).
    static bool spec_like(std::string_view body) {
        if (body.find_first_of(":='\"{}.") != std::string_view::npos) return false;
        const bool marks = body.find_first_of("0123456789*|") != std::string_view::npos;
        bool keyword = false, other = false;
        for (std::size_t i = 0; i < body.size();) {
            const auto letter = [&](std::size_t k) {
                const char c = body[k];
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            };
            if (!letter(i)) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < body.size() && letter(end)) ++end;
            const std::string_view word = body.substr(i, end - i);
            (word == "all" || word == "none" || word == "hide" ? keyword : other) = true;
            i = end;
        }
        return marks || (keyword && !other);
    }

    // A number of up to nine digits, or -1.
    static int number(std::string_view s) {
        s = trim(s);
        if (s.empty() || s.size() > 9) return -1;
        int n = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    // `1-3|5|all` from `group` (`{1-3|5|all}` or `[...]`, for messages).
    void highlights(std::string_view group, std::string_view body) {
        const std::string spec(group);
        const std::string where = "line highlight " + spec + ": ";
        std::vector<CodeHighlight> steps;
        std::size_t from = 0;
        int index = 0;
        while (from <= body.size()) {
            const std::size_t bar = std::min(body.find('|', from), body.size());
            const std::string_view text = trim(body.substr(from, bar - from));
            from = bar + 1;
            ++index;
            if (steps.size() == kMaxSteps) {
                warn(where + "more than " + std::to_string(kMaxSteps) + " steps: the rest are ignored");
                break;
            }
            CodeHighlight h;
            h.mode = CodeHighlight::Mode::Lines;
            if (text.empty()) warn(where + "step " + std::to_string(index) + " is empty: it shows every line as usual");
            std::size_t at = 0;
            bool none = false;  // `none` or `0`: every line dimmed
            while (at <= text.size() && !text.empty()) {
                const std::size_t comma = std::min(text.find(',', at), text.size());
                const std::string_view item = trim(text.substr(at, comma - at));
                at = comma + 1;
                none = item_into(item, h, where) || none;
            }
            if (h.mode != CodeHighlight::Mode::Lines) h.lines.clear();
            // Nothing that holds: the step shows every line as usual.
            else if (h.lines.empty() && !none) h.mode = CodeHighlight::Mode::All;
            steps.push_back(std::move(h));
        }
        code_.highlights = std::move(steps);
    }

    // Adds one item of a step to `h`; true for `none` (or `0`).
    bool item_into(std::string_view item, CodeHighlight& h, const std::string& where) {
        if (item.empty()) return false;  // `1,,2`: nothing between the commas
        if (item == "all" || item == "*") {
            if (h.mode != CodeHighlight::Mode::Hide) h.mode = CodeHighlight::Mode::All;
            return false;
        }
        if (item == "hide") {
            h.mode = CodeHighlight::Mode::Hide;
            return false;
        }
        if (item == "none" || item == "0") return true;
        const std::size_t dash = item.find('-');
        int first = 0, last = 0;
        if (dash == std::string_view::npos) {
            first = last = number(item);
        } else {
            first = number(item.substr(0, dash));
            last = number(item.substr(dash + 1));
        }
        if (first < 1 || last < 1) {
            warn(where + "'" + std::string(item) + "' is not a line number or range: ignored");
            return false;
        }
        if (first > last) {
            warn(where + std::string(item) + " runs backwards: ignored");
            return false;
        }
        if (last > line_count_) {
            const std::string end = "the block's end (line " + std::to_string(line_count_) + ")";
            if (first > line_count_) {
                warn(where + (first == last ? "line " + std::string(item) + " is past " : "lines " + std::string(item) + " are past ") +
                     end + ": ignored");
                return false;
            }
            warn(where + "lines " + std::string(item) + " run past " + end + ": cut there");
            last = line_count_;
        }
        if (h.lines.size() < kMaxRanges) h.lines.push_back({first, last});
        return false;
    }

    // reveal.js: `[]`, `[1|3-5]`, `[712: 1-2|3]`; its brackets number the lines.
    void reveal_js(std::string_view group) {
        code_.line_numbers = true;
        std::string_view body = inside_braces(group);
        if (const std::size_t colon = body.find(':'); colon != std::string_view::npos) {
            const int start = number(body.substr(0, colon));
            if (start >= 0) code_.first_number = start;
            else warn("line number offset '" + std::string(trim(body.substr(0, colon))) + "' in " + std::string(group) +
                      " is not a number: ignored");
            body.remove_prefix(colon + 1);
        }
        if (!trim(body).empty()) highlights(group, body);
    }

    // Slidev's second braces: `{lines:true,startLine:5,maxHeight:'100px'}`.
    void slidev_options(std::string_view body) {
        std::size_t from = 0;
        while (from < body.size()) {
            const std::size_t comma = std::min(body.find(',', from), body.size());
            const std::string_view option = trim(body.substr(from, comma - from));
            from = comma + 1;
            if (option.empty()) continue;
            const std::size_t colon = std::min(option.find(':'), option.size());
            const std::string_view key = trim(option.substr(0, colon));
            const std::string_view value = colon < option.size() ? trim(option.substr(colon + 1)) : std::string_view{};
            if (key == "lines" && (value == "true" || value == "false")) {
                code_.line_numbers = value == "true";
            } else if (key == "startLine" && number(value) >= 0) {
                code_.first_number = number(value);
            } else {
                warn("Slidev code option '" + std::string(key) + "' is not supported: ignored");
            }
        }
    }

    // A word in braces: Slidev's `{monaco}` and the like.
    void slidev_word(std::string_view group, std::string_view word) {
        if (word.starts_with("monaco"))
            warn("Slidev's Monaco editor " + std::string(group) + " is not supported: shown as a plain code block");
        else
            warn("code block option " + std::string(group) + " is not supported: ignored");
    }

    // presenterm's `+line_numbers`, `+exec`...
    void presenterm(std::string_view word) {
        const std::string_view name = word.substr(1, std::min(word.find(':'), word.size()) - 1);
        if (name == "line_numbers") {
            code_.line_numbers = true;
            return;
        }
        const std::string w(word);
        if (name == "exec" || name == "exec_replace" || name == "acquire_terminal" || name == "validate" ||
            name == "expect" || name == "image")
            warn("presenterm's " + w + " is not supported: the code is shown, not run");
        else if (name == "render")
            warn("presenterm's +render is not supported: the code is shown as its source, not rendered");
        else
            warn("presenterm attribute " + w + " is not supported: ignored");
    }

    // Pandoc's attributes: `{.rust .numberLines startFrom="5" #id}`, Quarto's
    // `{python}` cell and its `code-line-numbers="1|3"`.
    void pandoc(std::string_view info) {
        std::string_view rest = info;
        const std::string_view group = take_group(rest, '{', '}');
        std::string_view body = trim(inside_braces(group));
        bool first_word = true;
        while (!(body = trim(body)).empty()) {
            // A word: up to a space, with a quoted value kept whole.
            std::size_t i = 0;
            char quote = 0;
            for (; i < body.size(); ++i) {
                const char c = body[i];
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (is_space(c)) {
                    break;
                }
            }
            const std::string_view word = body.substr(0, i);
            body.remove_prefix(i);
            const bool was_first = first_word;
            first_word = false;
            if (word.starts_with('#')) continue;  // an id
            if (word.starts_with('.')) {
                const std::string_view cls = word.substr(1);
                if (cls == "numberLines" || cls == "number-lines" || cls == "numberlines") code_.line_numbers = true;
                else if (code_.lang.empty()) code_.lang = std::string(cls);
                continue;
            }
            const std::size_t eq = word.find('=');
            if (eq == std::string_view::npos) {
                if (was_first) {  // Quarto's `{python}`: a cell Quarto runs
                    code_.lang = std::string(word);
                    warn("'" + std::string(group) + "' is a cell that Quarto runs: livedeck shows its code and does not run it");
                } else {
                    warn("Pandoc code attribute '" + std::string(word) + "' is not supported: ignored");
                }
                continue;
            }
            const std::string_view key = word.substr(0, eq);
            std::string_view value = word.substr(eq + 1);
            if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
                value = value.substr(1, value.size() - 2);
            if (key == "startFrom" && number(value) >= 0) {
                code_.first_number = number(value);
            } else if (key == "code-line-numbers") {
                if (value == "true" || value == "false") {
                    code_.line_numbers = value == "true";
                } else if (spec_like(value)) {
                    code_.line_numbers = true;
                    highlights("\"" + std::string(value) + "\"", value);
                } else {
                    warn("code-line-numbers=\"" + std::string(value) + "\" is not a line highlight: ignored");
                }
            } else {
                warn("Pandoc code attribute '" + std::string(key) + "' is not supported: ignored");
            }
        }
        if (code_.highlights.size() == 1 && code_.highlights[0].mode == CodeHighlight::Mode::All)
            code_.highlights.clear();
    }

    Block& code_;
    const std::string& file_;
    int line_;
    std::vector<Diagnostic>& warnings_;
    int line_count_ = 0;
};

}  // namespace

void read_code_info(std::string_view info, Block& code, const std::string& file, int line,
                    std::vector<Diagnostic>& warnings) {
    code.lang.clear();
    code.highlights.clear();
    code.line_numbers = false;
    code.first_number = 1;
    InfoReader(code, file, line, warnings).read(info);
}

}  // namespace livedeck::deck::detail
