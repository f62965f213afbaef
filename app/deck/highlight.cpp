// highlight.cpp: a small hand-written tokenizer for C++ and Python.
//
// Index
//   [SECTION] Shared helpers
//   [SECTION] C++
//   [SECTION] Python
//   [SECTION] Public API
//
// Each line is cut into tokens that cover it exactly (whitespace included,
// as Plain), so concatenating a line's tokens gives the line back. Adjacent
// tokens of the same kind are merged. State that crosses lines (block
// comments, raw strings, triple-quoted strings) is carried from one line to
// the next.

#include "deck/highlight.hpp"

#include <string>
#include <unordered_set>

namespace livedeck::deck {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Shared helpers
//-----------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Bytes >= 0x80 count as identifier characters, so UTF-8 stays in one piece.
bool is_ident_start(char c) { return is_alpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

bool is_punct(char c) {
    switch (c) {
        case '{': case '}': case '[': case ']': case '(': case ')': case '<': case '>':
        case ';': case ':': case ',': case '.': case '+': case '-': case '*': case '/':
        case '%': case '&': case '|': case '^': case '!': case '~': case '=': case '?':
        case '@': case '#': case '\\':
            return true;
        default:
            return false;
    }
}

// Appends a token, merging it into the previous one when the kinds match.
void add(TokenLine& out, std::string_view line, size_t begin, size_t end, TokenKind kind) {
    if (end <= begin) return;
    std::string_view text = line.substr(begin, end - begin);
    if (!out.empty() && out.back().kind == kind && out.back().text.data() + out.back().text.size() == text.data()) {
        out.back().text = std::string_view(out.back().text.data(), out.back().text.size() + text.size());
        return;
    }
    out.push_back({text, kind});
}

size_t scan_ident(std::string_view line, size_t i) {
    while (i < line.size() && is_ident_char(line[i])) ++i;
    return i;
}

size_t scan_spaces(std::string_view line, size_t i) {
    while (i < line.size() && is_space(line[i])) ++i;
    return i;
}

// A number from `i` (a digit, or '.' before a digit): digits, letters
// (prefixes, suffixes, hex), '.', digit separators and exponent signs.
size_t scan_number(std::string_view line, size_t i, bool quote_separators) {
    size_t start = i;
    bool hex = line.size() > i + 1 && line[i] == '0' && (line[i + 1] == 'x' || line[i + 1] == 'X');
    while (i < line.size()) {
        char c = line[i];
        if (is_alpha(c) || is_digit(c) || c == '_' || c == '.') {
            ++i;
        } else if (quote_separators && c == '\'' && i > start && i + 1 < line.size() &&
                   (is_alpha(line[i + 1]) || is_digit(line[i + 1]))) {
            ++i;
        } else if ((c == '+' || c == '-') && i > start &&
                   (hex ? (line[i - 1] == 'p' || line[i - 1] == 'P') : (line[i - 1] == 'e' || line[i - 1] == 'E'))) {
            ++i;
        } else {
            break;
        }
    }
    return i;
}

// A quoted literal from the opening quote at `i`, with backslash escapes;
// ends at the closing quote (included) or the end of the line.
size_t scan_quoted(std::string_view line, size_t i, char quote, bool& closed) {
    closed = false;
    for (++i; i < line.size(); ++i) {
        if (line[i] == '\\') {
            ++i;
        } else if (line[i] == quote) {
            closed = true;
            return i + 1;
        }
    }
    return line.size();
}

struct State {
    enum class Mode { Code, BlockComment, RawString, TripleString } mode = Mode::Code;
    std::string raw_close;  // C++ raw string: `)delim"`
    char quote = '"';       // Python triple-quoted string: ' or "
};

//-----------------------------------------------------------------------------
// [SECTION] C++
//-----------------------------------------------------------------------------

const std::unordered_set<std::string_view>& cpp_keywords() {
    static const std::unordered_set<std::string_view> k = {
        "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "break", "case", "catch", "class",
        "co_await", "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval",
        "constexpr", "constinit", "continue", "decltype", "default", "delete", "do", "dynamic_cast", "else",
        "enum", "explicit", "export", "extern", "false", "final", "for", "friend", "goto", "if", "import",
        "inline", "module", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator",
        "or", "or_eq", "override", "private", "protected", "public", "register", "reinterpret_cast",
        "requires", "return", "sizeof", "static", "static_assert", "static_cast", "struct", "switch",
        "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union",
        "using", "virtual", "volatile", "while", "xor", "xor_eq",
    };
    return k;
}

const std::unordered_set<std::string_view>& cpp_types() {
    static const std::unordered_set<std::string_view> k = {
        "auto", "bool", "char", "char8_t", "char16_t", "char32_t", "double", "float", "int", "long", "short",
        "signed", "unsigned", "void", "wchar_t", "size_t", "ssize_t", "ptrdiff_t", "nullptr_t", "int8_t",
        "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "intptr_t",
        "uintptr_t", "std", "string", "string_view", "vector", "array", "map", "unordered_map", "set",
        "unordered_set", "deque", "list", "pair", "tuple", "optional", "variant", "span", "function",
        "unique_ptr", "shared_ptr", "weak_ptr", "thread", "jthread", "mutex", "lock_guard", "unique_lock",
        "scoped_lock", "condition_variable", "atomic", "future", "promise", "chrono", "ostream", "istream",
        "coroutine_handle", "suspend_always", "suspend_never", "exception_ptr", "source_location",
        "stop_token", "byte",
    };
    return k;
}

bool is_cpp_string_prefix(std::string_view w) {
    return w == "L" || w == "u" || w == "U" || w == "u8" || w == "R" || w == "LR" || w == "uR" || w == "UR" ||
           w == "u8R";
}

// A string or character literal whose quote is at `q`; `raw` for R"d(...)d".
// Returns the end of the token on this line; may leave `st` in RawString.
size_t cpp_literal(std::string_view line, size_t q, bool raw, State& st) {
    if (raw) {
        size_t open = q + 1;
        while (open < line.size() && open - q - 1 <= 16 && line[open] != '(' && line[open] != ')' &&
               line[open] != '\\' && line[open] != '"' && !is_space(line[open]))
            ++open;
        if (open < line.size() && line[open] == '(' && open - q - 1 <= 16) {
            std::string close = ")" + std::string(line.substr(q + 1, open - q - 1)) + "\"";
            size_t end = line.find(close, open + 1);
            if (end == std::string_view::npos) {
                st.mode = State::Mode::RawString;
                st.raw_close = close;
                return line.size();
            }
            return scan_ident(line, end + close.size());  // user-defined suffix
        }
    }
    bool closed = false;
    size_t end = scan_quoted(line, q, line[q], closed);
    return closed ? scan_ident(line, end) : end;
}

void cpp_line(std::string_view line, State& st, TokenLine& out) {
    size_t i = 0;
    const size_t n = line.size();
    if (st.mode == State::Mode::BlockComment) {
        size_t end = line.find("*/");
        if (end == std::string_view::npos) {
            add(out, line, 0, n, TokenKind::Comment);
            return;
        }
        add(out, line, 0, end + 2, TokenKind::Comment);
        i = end + 2;
        st.mode = State::Mode::Code;
    } else if (st.mode == State::Mode::RawString) {
        size_t end = line.find(st.raw_close);
        if (end == std::string_view::npos) {
            add(out, line, 0, n, TokenKind::String);
            return;
        }
        i = scan_ident(line, end + st.raw_close.size());
        add(out, line, 0, i, TokenKind::String);
        st.mode = State::Mode::Code;
    }
    bool at_start = i == 0;
    while (i < n) {
        char c = line[i];
        if (is_space(c)) {
            size_t j = scan_spaces(line, i);
            add(out, line, i, j, TokenKind::Plain);
            i = j;
            continue;
        }
        bool first = at_start;
        at_start = false;
        if (c == '#' && first) {
            size_t j = scan_ident(line, scan_spaces(line, i + 1));
            std::string_view word = line.substr(i + 1, j - i - 1);
            add(out, line, i, j, TokenKind::Preprocessor);
            i = j;
            if (word.find("include") != std::string_view::npos || word.find("import") != std::string_view::npos) {
                size_t k = scan_spaces(line, i);
                add(out, line, i, k, TokenKind::Plain);
                i = k;
                if (i < n && line[i] == '<') {
                    size_t close = line.find('>', i);
                    size_t end = close == std::string_view::npos ? n : close + 1;
                    add(out, line, i, end, TokenKind::String);
                    i = end;
                }
            }
            continue;
        }
        if (c == '/' && i + 1 < n && line[i + 1] == '/') {
            add(out, line, i, n, TokenKind::Comment);
            return;
        }
        if (c == '/' && i + 1 < n && line[i + 1] == '*') {
            size_t end = line.find("*/", i + 2);
            if (end == std::string_view::npos) {
                add(out, line, i, n, TokenKind::Comment);
                st.mode = State::Mode::BlockComment;
                return;
            }
            add(out, line, i, end + 2, TokenKind::Comment);
            i = end + 2;
            continue;
        }
        if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(line[i + 1]))) {
            size_t j = scan_number(line, i, true);
            add(out, line, i, j, TokenKind::Number);
            i = j;
            continue;
        }
        if (is_ident_start(c)) {
            size_t j = scan_ident(line, i);
            std::string_view word = line.substr(i, j - i);
            if (j < n && (line[j] == '"' || line[j] == '\'') && is_cpp_string_prefix(word)) {
                bool raw = word.back() == 'R' && line[j] == '"';
                if (word.back() != 'R' || raw) {
                    size_t end = cpp_literal(line, j, raw, st);
                    add(out, line, i, end, TokenKind::String);
                    i = end;
                    continue;
                }
            }
            TokenKind kind = TokenKind::Plain;
            if (cpp_keywords().count(word)) kind = TokenKind::Keyword;
            else if (cpp_types().count(word)) kind = TokenKind::Type;
            else if (j < n && line[j] == '(') kind = TokenKind::Function;
            add(out, line, i, j, kind);
            i = j;
            continue;
        }
        if (c == '"' || c == '\'') {
            size_t end = cpp_literal(line, i, false, st);
            add(out, line, i, end, TokenKind::String);
            i = end;
            continue;
        }
        add(out, line, i, i + 1, is_punct(c) ? TokenKind::Punctuation : TokenKind::Plain);
        ++i;
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Python
//-----------------------------------------------------------------------------

const std::unordered_set<std::string_view>& py_keywords() {
    static const std::unordered_set<std::string_view> k = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    };
    return k;
}

const std::unordered_set<std::string_view>& py_builtins() {
    static const std::unordered_set<std::string_view> k = {
        "abs", "all", "any", "bool", "bytearray", "bytes", "callable", "chr", "classmethod", "dict", "dir",
        "enumerate", "filter", "float", "format", "frozenset", "getattr", "hasattr", "hash", "id", "input",
        "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min", "next", "object",
        "open", "ord", "print", "property", "range", "repr", "reversed", "round", "set", "setattr", "slice",
        "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip", "aiter", "anext",
        "BaseException", "Exception", "StopIteration", "StopAsyncIteration", "GeneratorExit",
        "KeyboardInterrupt", "ValueError", "TypeError", "KeyError", "IndexError", "RuntimeError",
        "AttributeError", "NotImplementedError", "OSError", "TimeoutError", "NotImplemented", "Ellipsis",
    };
    return k;
}

bool is_py_string_prefix(std::string_view w) {
    if (w.empty() || w.size() > 2) return false;
    std::string lower;
    for (char c : w) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return lower == "r" || lower == "u" || lower == "b" || lower == "f" || lower == "rb" || lower == "br" ||
           lower == "fr" || lower == "rf";
}

// The end of a triple-quoted string's closing quotes from `i`, or npos.
size_t find_triple_close(std::string_view line, size_t i, char quote) {
    const char triple[4] = {quote, quote, quote, 0};
    while (i < line.size()) {
        if (line[i] == '\\') {
            i += 2;
        } else if (line.compare(i, 3, triple) == 0) {
            return i + 3;
        } else {
            ++i;
        }
    }
    return std::string_view::npos;
}

// A string literal whose opening quote is at `q`; may leave `st` in
// TripleString. Returns the end of the token on this line.
size_t py_literal(std::string_view line, size_t q, State& st) {
    char quote = line[q];
    if (line.size() >= q + 3 && line[q + 1] == quote && line[q + 2] == quote) {
        size_t end = find_triple_close(line, q + 3, quote);
        if (end == std::string_view::npos) {
            st.mode = State::Mode::TripleString;
            st.quote = quote;
            return line.size();
        }
        return end;
    }
    bool closed = false;
    return scan_quoted(line, q, quote, closed);
}

void py_line(std::string_view line, State& st, TokenLine& out) {
    size_t i = 0;
    const size_t n = line.size();
    if (st.mode == State::Mode::TripleString) {
        size_t end = find_triple_close(line, 0, st.quote);
        if (end == std::string_view::npos) {
            add(out, line, 0, n, TokenKind::String);
            return;
        }
        add(out, line, 0, end, TokenKind::String);
        i = end;
        st.mode = State::Mode::Code;
    }
    bool at_start = i == 0;
    while (i < n) {
        char c = line[i];
        if (is_space(c)) {
            size_t j = scan_spaces(line, i);
            add(out, line, i, j, TokenKind::Plain);
            i = j;
            continue;
        }
        bool first = at_start;
        at_start = false;
        if (c == '@' && first && i + 1 < n && is_ident_start(line[i + 1])) {
            size_t j = i + 1;
            while (j < n && (is_ident_char(line[j]) || (line[j] == '.' && j + 1 < n && is_ident_start(line[j + 1]))))
                ++j;
            add(out, line, i, j, TokenKind::Preprocessor);
            i = j;
            continue;
        }
        if (c == '#') {
            add(out, line, i, n, TokenKind::Comment);
            return;
        }
        if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(line[i + 1]))) {
            size_t j = scan_number(line, i, false);
            add(out, line, i, j, TokenKind::Number);
            i = j;
            continue;
        }
        if (is_ident_start(c)) {
            size_t j = scan_ident(line, i);
            std::string_view word = line.substr(i, j - i);
            if (j < n && (line[j] == '"' || line[j] == '\'') && is_py_string_prefix(word)) {
                size_t end = py_literal(line, j, st);
                add(out, line, i, end, TokenKind::String);
                i = end;
                continue;
            }
            TokenKind kind = TokenKind::Plain;
            if (py_keywords().count(word)) kind = TokenKind::Keyword;
            else if (py_builtins().count(word)) kind = TokenKind::Type;
            else if (j < n && line[j] == '(') kind = TokenKind::Function;
            add(out, line, i, j, kind);
            i = j;
            continue;
        }
        if (c == '"' || c == '\'') {
            size_t end = py_literal(line, i, st);
            add(out, line, i, end, TokenKind::String);
            i = end;
            continue;
        }
        add(out, line, i, i + 1, is_punct(c) ? TokenKind::Punctuation : TokenKind::Plain);
        ++i;
    }
}

enum class Lang { Plain, Cpp, Python };

Lang language(std::string_view lang) {
    std::string l;
    for (char c : lang) l += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (l == "cpp" || l == "c++" || l == "c" || l == "h" || l == "hpp" || l == "cc" || l == "cxx" || l == "hh")
        return Lang::Cpp;
    if (l == "python" || l == "py" || l == "python3") return Lang::Python;
    return Lang::Plain;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Public API
//-----------------------------------------------------------------------------

std::vector<TokenLine> highlight(std::string_view source, std::string_view lang) {
    std::vector<TokenLine> lines;
    Lang l = language(lang);
    State st;
    size_t pos = 0;
    while (pos < source.size()) {
        size_t nl = source.find('\n', pos);
        if (nl == std::string_view::npos) nl = source.size();
        std::string_view line = source.substr(pos, nl - pos);
        TokenLine& out = lines.emplace_back();
        switch (l) {
            case Lang::Cpp: cpp_line(line, st, out); break;
            case Lang::Python: py_line(line, st, out); break;
            case Lang::Plain: add(out, line, 0, line.size(), TokenKind::Plain); break;
        }
        pos = nl + 1;
    }
    return lines;
}

}  // namespace livedeck::deck
