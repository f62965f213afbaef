// highlight.cpp: syntax highlighting through KSyntaxHighlighting (KDE
// Frameworks 5, Debian's libkf5syntaxhighlighting5).
//
// Why this library (measured in issue 9's survey, Debian 12):
//   - KSyntaxHighlighting: ~360 syntax definitions built into the library,
//     every language a presenter's deck brings (C, C++, Python, Rust, Go,
//     JS/TS, Java, shell, JSON, YAML, TOML, SQL, HTML, CSS, Markdown, diff
//     and hundreds more), kept up by KDE (Kate, KWrite, Qt Creator use it),
//     modern syntax (co_await, concepts, f-strings). Called line by line
//     with a state, which fits our TokenLine model. Costs QtCore, QtGui and
//     QtNetwork (shared libraries: ~4 MB RSS, a few ms at process start),
//     then on first use ~20-50 ms and ~6 MB for its repository and the C++
//     definition, 1-15 ms per further language (Markdown, which embeds
//     dozens, ~55 ms), ~0.08 ms per demo source once loaded. Nothing is
//     loaded before the first call (bench/highlight_bench measures it).
//   - GNU source-highlight: lighter (Boost.Regex only), but no YAML, TOML,
//     Markdown or TypeScript, C++ without coroutines; last release 2019.
//   - tree-sitter: Debian 12 packages the runtime only, no grammars; they
//     would have to be copied in, which the project does not do.
//   - GtkSourceView: needs a GtkTextBuffer (GTK 3 or 4) and a main loop.
//
// Index
//   [SECTION] The library's lock and repository
//   [SECTION] Languages: names, aliases and extensions to definitions
//   [SECTION] UTF-8 lines to UTF-16 for Qt, and back
//   [SECTION] Styles to token kinds
//   [SECTION] The highlighter: one line at a time
//   [SECTION] Public API (highlight, known_language, highlighted, Prefetch)
//
// Each line is cut into tokens that cover it exactly (whitespace included),
// so concatenating a line's tokens gives the line back. Adjacent tokens of
// the same kind are merged. The library's state (open comments, raw
// strings, heredocs, embedded languages) is carried from line to line.

#include "deck/highlight.hpp"

#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/State>
#include <KSyntaxHighlighting/Theme>
#include <QString>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace livedeck::deck {
namespace {

namespace ksh = KSyntaxHighlighting;

//-----------------------------------------------------------------------------
// [SECTION] The library's lock and repository
//-----------------------------------------------------------------------------

// The repository, its definitions and highlighters are not thread-safe:
// everything that touches the library holds this lock.
std::mutex& library_lock() {
    static std::mutex m;
    return m;
}

// Built on first use and never destroyed: Qt's own statics may be gone by
// the time ours would be, at exit.
ksh::Repository& repository() {
    static ksh::Repository* repo = new ksh::Repository;
    return *repo;
}

//-----------------------------------------------------------------------------
// [SECTION] Languages: names, aliases and extensions to definitions
//-----------------------------------------------------------------------------

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Fence words that name no definition nor extension, or name the wrong one.
// C++ is "ISO C++": KDE's "C++" adds Qt's names to it and takes four times
// as long to load.
const char* alias(const std::string& l) {
    static const std::map<std::string, const char*, std::less<>> aliases = {
        {"c++", "ISO C++"},    {"cpp", "ISO C++"},       {"cxx", "ISO C++"},    {"cc", "ISO C++"},
        {"h", "ISO C++"},      {"hpp", "ISO C++"},       {"hh", "ISO C++"},     {"py", "Python"},
        {"python3", "Python"}, {"py3", "Python"},        {"js", "JavaScript"},  {"mjs", "JavaScript"},
        {"node", "JavaScript"}, {"jsx", "JavaScript React (JSX)"},             {"ts", "TypeScript"},
        {"tsx", "TypeScript React (TSX)"},               {"sh", "Bash"},        {"shell", "Bash"},
        {"bash", "Bash"},      {"console", "Bash"},      {"shellsession", "Bash"}, {"zsh", "Zsh"},
        {"yml", "YAML"},       {"rs", "Rust"},           {"golang", "Go"},      {"md", "Markdown"},
        {"patch", "Diff"},     {"udiff", "Diff"},        {"htm", "HTML"},       {"xhtml", "HTML"},
        {"postgresql", "SQL (PostgreSQL)"},              {"psql", "SQL (PostgreSQL)"},
        {"mysql", "SQL (MySQL)"}, {"objc", "Objective-C"}, {"cs", "C#"},         {"csharp", "C#"},
        {"kt", "Kotlin"},      {"rb", "Ruby"},           {"ps1", "PowerShell"}, {"dockerfile", "Dockerfile"},
        {"docker", "Dockerfile"}, {"make", "Makefile"},  {"cmake", "CMake"},    {"tex", "LaTeX"},
    };
    auto it = aliases.find(l);
    return it == aliases.end() ? nullptr : it->second;
}

// The definition for a fence word; invalid when none fits. Holds the lock.
// The language word of other tools' info strings, lower-case: `rust,ignore`
// (rustdoc), `ts {1-3}` and `ts{1-3}` (line highlights), `{.python}`
// (Pandoc), `language-js` (an HTML class).
std::string fence_word(std::string_view lang) {
    std::string l = lower(lang);
    l.erase(0, std::min(l.size(), l.find_first_not_of(" \t")));
    if (l.starts_with('{')) l.erase(0, 1);
    if (l.starts_with('.')) l.erase(0, 1);
    if (l.starts_with("language-")) l.erase(0, 9);
    return l.substr(0, l.find_first_of(",{} \t\r"));
}

ksh::Definition definition_for(std::string_view lang) {
    // Never destroyed, like the repository they point into.
    static auto& found = *new std::map<std::string, ksh::Definition, std::less<>>;  // by lower-case word
    static auto& by_name = *new std::map<std::string, ksh::Definition, std::less<>>;
    const std::string l = fence_word(lang);
    if (l.empty() || l == "text" || l == "plain" || l == "txt" || l == "none") return {};
    if (auto it = found.find(l); it != found.end()) return it->second;
    ksh::Repository& repo = repository();
    if (by_name.empty())
        for (const ksh::Definition& d : repo.definitions())
            if (!d.isHidden()) by_name.emplace(lower(d.name().toStdString()), d);
    ksh::Definition def;
    if (const char* name = alias(l)) {
        def = repo.definitionForName(QString::fromUtf8(name));
    } else if (auto it = by_name.find(l); it != by_name.end()) {
        def = it->second;
    } else if (l.find_first_of("/*?[") == std::string::npos && l.size() <= 32) {
        def = repo.definitionForFileName(QString::fromUtf8(("code." + l).c_str()));
    }
    if (found.size() < 256) found.emplace(l, def);  // a fence word per block: bounded all the same
    return def;
}

//-----------------------------------------------------------------------------
// [SECTION] UTF-8 lines to UTF-16 for Qt, and back
//-----------------------------------------------------------------------------

// Decodes one line into `text` (UTF-16) and `byte_at`, the byte offset in
// the line where each UTF-16 unit's character starts (both halves of a
// surrogate pair give the character's start), plus one entry for the end.
// A byte that does not start a valid sequence becomes U+FFFD on its own, so
// any input maps back to exact byte ranges.
void decode(std::string_view line, QString& text, std::vector<std::size_t>& byte_at) {
    text.clear();
    byte_at.clear();
    text.reserve(static_cast<int>(line.size()));
    std::size_t i = 0;
    const std::size_t n = line.size();
    auto cont = [&](std::size_t k) { return k < n && (static_cast<unsigned char>(line[k]) & 0xC0) == 0x80; };
    while (i < n) {
        const auto b = static_cast<unsigned char>(line[i]);
        char32_t cp = 0xFFFD;
        std::size_t len = 1;
        if (b < 0x80) {
            cp = b;
        } else if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
            cp = ((b & 0x1Fu) << 6) | (line[i + 1] & 0x3F);
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF && cont(i + 1) && cont(i + 2)) {
            char32_t c = ((b & 0x0Fu) << 12) | ((line[i + 1] & 0x3Fu) << 6) | (line[i + 2] & 0x3F);
            if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
                cp = c;
                len = 3;
            }
        } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
            char32_t c = ((b & 0x07u) << 18) | ((line[i + 1] & 0x3Fu) << 12) | ((line[i + 2] & 0x3Fu) << 6) |
                         (line[i + 3] & 0x3F);
            if (c >= 0x10000 && c <= 0x10FFFF) {
                cp = c;
                len = 4;
            }
        }
        if (cp >= 0x10000) {
            text.append(QChar(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10))));
            text.append(QChar(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF))));
            byte_at.push_back(i);
            byte_at.push_back(i);
        } else {
            text.append(QChar(static_cast<char16_t>(cp)));
            byte_at.push_back(i);
        }
        i += len;
    }
    byte_at.push_back(n);
}

//-----------------------------------------------------------------------------
// [SECTION] Styles to token kinds
//-----------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Bytes >= 0x80 count as identifier characters, so UTF-8 stays in one piece.
bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}
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

// KDE's default styles (Theme::TextStyle) onto the theme's kinds. The
// talk's C++ and Python keep the look of the lexer this replaced: control
// flow is a keyword, std:: names and Python built-ins are types, decorators
// are preprocessor, None/True/nullptr are keywords.
TokenKind kind_of(const ksh::Format& format, std::string_view text) {
    using S = ksh::Theme::TextStyle;
    switch (format.textStyle()) {
        case S::Keyword: case S::ControlFlow: case S::Constant:
            return TokenKind::Keyword;
        case S::Variable:  // the shell's $x
            return TokenKind::Type;
        case S::Function:
            return TokenKind::Function;
        case S::Operator:
            return TokenKind::Punctuation;
        case S::BuiltIn: case S::Extension: case S::DataType: case S::Others:
            return TokenKind::Type;
        case S::Preprocessor: case S::Attribute: case S::Information:
            return TokenKind::Preprocessor;
        case S::Char: case S::SpecialChar: case S::String: case S::VerbatimString: case S::SpecialString:
            return TokenKind::String;
        case S::Import:  // `import`, `from` (a word) or the `<vector>` of an #include
            return !text.empty() && is_ident_char(text.front()) ? TokenKind::Keyword : TokenKind::String;
        case S::DecVal: case S::BaseN: case S::Float:
            return TokenKind::Number;
        case S::Comment: case S::Documentation: case S::Annotation: case S::CommentVar:
        case S::RegionMarker: case S::Warning: case S::Alert:
            return TokenKind::Comment;
        case S::Normal: case S::Error:
            return TokenKind::Plain;
    }
    return TokenKind::Plain;
}

// Formats whose default style would not give the look of the lexer this
// replaced, by the format's name: C and C++'s "Type Modifiers" (static,
// const, volatile) are Attribute, drawn like a keyword before; Python's
// exceptions are Preprocessor, drawn like built-ins before; of the
// Variable style, Python's None/True/self stay keywords and the shell's
// variables stand out, while C++'s data members stay plain. Diff's lines:
// the default styles have no inserted and deleted (KDE draws them with
// String and Variable colours).
std::optional<TokenKind> named_kind(const ksh::Format& format) {
    const QString name = format.name();
    if (name == QLatin1String("Type Modifiers")) return TokenKind::Keyword;
    if (name == QLatin1String("Exceptions")) return TokenKind::Type;  // Python's, Preprocessor
    if (name == QLatin1String("Special Variable")) return TokenKind::Keyword;  // Python's None, True, self
    // C++'s names by convention (start_, m_x, g_x, s_x) are Variable.
    if (name.startsWith(QLatin1String("Data Members (")) || name.startsWith(QLatin1String("Globals (")) ||
        name.startsWith(QLatin1String("Statics (")))
        return TokenKind::Plain;
    if (name == QLatin1String("Added line") || name == QLatin1String("Changed line (new)")) return TokenKind::Inserted;
    if (name == QLatin1String("Removed line") || name == QLatin1String("Changed line (old)")) return TokenKind::Deleted;
    return std::nullopt;
}
// A range that is only operators and brackets draws as punctuation even
// where a definition styles it as a keyword or key (JSON's ':', YAML's '-',
// shell's ';' and '|'); one that is only whitespace is plain.
TokenKind refine(TokenKind kind, std::string_view text) {
    if (kind == TokenKind::String || kind == TokenKind::Comment || kind == TokenKind::Inserted ||
        kind == TokenKind::Deleted || kind == TokenKind::Plain || kind == TokenKind::Punctuation)
        return kind;
    bool punct = false;
    for (char c : text) {
        if (is_punct(c)) punct = true;
        else if (!is_space(c)) return kind;
    }
    return punct ? TokenKind::Punctuation : TokenKind::Plain;
}

// In programming languages, what a definition leaves as normal text is
// split as the old lexer did: a name directly followed by '(' is a
// function (call or definition) and operators and brackets are punctuation.
void split_plain(std::string_view line, std::vector<TokenKind>& kinds) {
    const std::size_t n = line.size();
    std::size_t i = 0;
    while (i < n) {
        if (kinds[i] != TokenKind::Plain) {
            ++i;
            continue;
        }
        const char c = line[i];
        if (is_ident_char(c)) {
            std::size_t j = i;
            while (j < n && is_ident_char(line[j]) && kinds[j] == TokenKind::Plain) ++j;
            const bool word_start = i == 0 || !is_ident_char(line[i - 1]);
            const bool whole = j == n || !is_ident_char(line[j]);
            if (word_start && whole && !is_digit(c) && j < n && line[j] == '(')
                std::fill(kinds.begin() + static_cast<std::ptrdiff_t>(i),
                          kinds.begin() + static_cast<std::ptrdiff_t>(j), TokenKind::Function);
            i = j;
            continue;
        }
        if (is_punct(c)) kinds[i] = TokenKind::Punctuation;
        ++i;
    }
}

//-----------------------------------------------------------------------------
// [SECTION] The highlighter: one line at a time
//-----------------------------------------------------------------------------

class LineHighlighter : public ksh::AbstractHighlighter {
public:
    explicit LineHighlighter(const ksh::Definition& def) {
        setDefinition(def);
        const QString section = def.section();
        code_ = section == QLatin1String("Sources") || section == QLatin1String("Scripts") ||
                section == QLatin1String("Database");
    }

    // Appends `line`'s tokens to `out`. Holds the library's lock.
    void line(std::string_view line, TokenLine& out) {
        std::string_view body = line;
        if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
        line_ = body;
        kinds_.assign(body.size(), TokenKind::Plain);
        decode(body, text_, byte_at_);
        state_ = highlightLine(QStringView(text_), state_);
        if (code_) split_plain(body, kinds_);
        std::size_t start = 0;
        for (std::size_t i = 1; i <= body.size(); ++i) {
            if (i < body.size() && kinds_[i] == kinds_[start]) continue;
            out.push_back({body.substr(start, i - start), kinds_[start]});
            start = i;
        }
        if (body.size() < line.size()) {
            if (!out.empty() && out.back().kind == TokenKind::Plain)
                out.back().text = std::string_view(out.back().text.data(), out.back().text.size() + 1);
            else
                out.push_back({line.substr(body.size()), TokenKind::Plain});
        }
    }

protected:
    void applyFormat(int offset, int length, const ksh::Format& format) override {
        const int units = static_cast<int>(byte_at_.size()) - 1;
        if (length <= 0 || offset < 0 || offset >= units) return;
        const std::size_t begin = byte_at_[static_cast<std::size_t>(offset)];
        const std::size_t end = byte_at_[static_cast<std::size_t>(std::min(offset + length, units))];
        if (end <= begin) return;
        const std::string_view text = line_.substr(begin, end - begin);
        TokenKind kind = refine(named_kind(format).value_or(kind_of(format, text)), text);
        // A literal's suffix (1u, "s"s) is part of the literal. C++'s
        // definition names a number's "Standard Suffix" and styles a
        // string's as a standard class.
        if (begin > 0 && (kinds_[begin - 1] == TokenKind::Number || kinds_[begin - 1] == TokenKind::String)) {
            const char before = line_[begin - 1];
            if (format.name() == QLatin1String("Standard Suffix") ||
                (format.textStyle() == ksh::Theme::BuiltIn && (before == '"' || before == '\'')))
                kind = kinds_[begin - 1];
        }
        // Whitespace before and after a keyword or an operator is plain;
        // strings and comments keep theirs.
        std::size_t first = begin, last = end;
        if (kind != TokenKind::String && kind != TokenKind::Comment && kind != TokenKind::Inserted &&
            kind != TokenKind::Deleted) {
            while (first < last && is_space(line_[first])) kinds_[first++] = TokenKind::Plain;
            while (last > first && is_space(line_[last - 1])) kinds_[--last] = TokenKind::Plain;
        }
        std::fill(kinds_.begin() + static_cast<std::ptrdiff_t>(first),
                  kinds_.begin() + static_cast<std::ptrdiff_t>(last), kind);
    }

private:
    bool code_ = false;
    ksh::State state_;
    std::string_view line_;
    QString text_;
    std::vector<std::size_t> byte_at_;
    std::vector<TokenKind> kinds_;
};

void plain_line(std::string_view line, TokenLine& out) {
    if (!line.empty()) out.push_back({line, TokenKind::Plain});
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Public API (highlight, known_language, highlighted, Prefetch)
//-----------------------------------------------------------------------------

std::vector<TokenLine> highlight(std::string_view source, std::string_view lang) {
    std::vector<TokenLine> lines;
    std::unique_lock lock(library_lock(), std::defer_lock);
    std::optional<LineHighlighter> highlighter;
    if (!source.empty() && !lang.empty()) {
        lock.lock();
        ksh::Definition def = definition_for(lang);
        if (def.isValid()) highlighter.emplace(def);
        else lock.unlock();
    }
    std::size_t pos = 0;
    while (pos < source.size()) {
        std::size_t nl = source.find('\n', pos);
        if (nl == std::string_view::npos) nl = source.size();
        const std::string_view line = source.substr(pos, nl - pos);
        TokenLine& out = lines.emplace_back();
        if (highlighter && nl <= max_source_bytes && line.size() <= max_line_bytes)
            highlighter->line(line, out);
        else
            plain_line(line, out);
        pos = nl + 1;
    }
    return lines;
}

bool known_language(std::string_view lang) {
    std::lock_guard lock(library_lock());
    return definition_for(lang).isValid();
}

namespace {

struct Cache {
    std::mutex m;
    std::unordered_map<std::string, std::shared_ptr<const HighlightedCode>> map;  // by key()
    std::size_t bytes = 0;  // of the keys
};

Cache& cache() {
    static Cache c;
    return c;
}

// The cache's key for (source, lang), in a buffer of the calling thread's:
// looked up every frame, it allocates nothing once it has grown.
const std::string& key(std::string_view source, std::string_view lang) {
    thread_local std::string k;
    k.assign(lang).push_back('\0');
    k.append(source);
    return k;
}

}  // namespace

bool cached(std::string_view source, std::string_view lang) {
    const std::string& k = key(source, lang);
    Cache& c = cache();
    std::lock_guard lock(c.m);
    return c.map.count(k) > 0;
}

std::shared_ptr<const HighlightedCode> highlighted(std::string_view source, std::string_view lang) {
    const std::string& k = key(source, lang);
    Cache& c = cache();
    {
        std::lock_guard lock(c.m);
        if (auto it = c.map.find(k); it != c.map.end()) return it->second;
    }
    // Highlighted outside the cache's lock: a long first load of one
    // language does not hold up the lookups of blocks already done.
    auto code = std::make_shared<HighlightedCode>();
    code->source.assign(source);
    code->lines = highlight(code->source, lang);
    std::lock_guard lock(c.m);
    if (c.bytes + k.size() > max_cached_source_bytes) {
        c.map.clear();
        c.bytes = 0;
    }
    auto [it, inserted] = c.map.emplace(k, std::move(code));
    if (inserted) c.bytes += it->first.size();
    return it->second;
}

Prefetch::Prefetch(std::vector<Code> code)
    : thread_([code = std::move(code)](std::stop_token stop) {
          // Best effort: at nice 10 the start-up's own threads come first.
          // Linux sets the nice value per thread; a failure changes nothing else.
          (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
          for (const Code& c : code) {
              if (stop.stop_requested()) return;
              highlighted(c.source, c.lang);
          }
      }) {}

Prefetch::~Prefetch() = default;  // std::jthread asks the thread to stop, then joins

void Prefetch::wait() {
    if (thread_.joinable()) thread_.join();
}

}  // namespace livedeck::deck
