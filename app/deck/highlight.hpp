// Syntax highlighting for code panes and fenced code blocks: splits source
// into tokens with a kind; the views map kinds to theme colours. The syntax
// definitions are KDE's (KSyntaxHighlighting, several hundred languages);
// see highlight.cpp for why.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace livedeck::deck {

enum class TokenKind {
    Plain,
    Keyword,      // language keywords and constants (if, for, co_await, def, yield, None, nullptr)
    Type,         // data types, built-ins and well-known library names (int, std::string, str, print)
    String,       // string and character literals, raw strings
    Number,       // numeric literals
    Comment,      // comments, doc comments (and Python docstrings)
    Preprocessor, // #include, #define ... (C++), decorators (@coroutine) in Python, attributes
    Function,     // an identifier directly followed by '(', function names, Markdown headings, YAML keys
    Punctuation,  // operators and brackets
    Inserted,     // a diff's added line
    Deleted,      // a diff's removed line
};
inline constexpr int token_kind_count = static_cast<int>(TokenKind::Deleted) + 1;

struct Token {
    std::string_view text;  // a view into the source given to highlight()
    TokenKind kind = TokenKind::Plain;
};

// One source line's tokens. Tokens never contain '\n'.
using TokenLine = std::vector<Token>;

// Tokenizes `source` by language: a fenced code block's info word ("cpp",
// "c++", "python", "py", "rust", "js", "ts", "sh", "shell", "yml", "diff" ...),
// a syntax definition's name in any case ("Python", "objective-c++") or a
// file extension ("rs", "hpp"). An unknown or empty language gives Plain
// tokens. Returns one TokenLine per line of the source (a trailing newline
// does not add an empty line); each line's tokens concatenate to the line.
// State that crosses lines (block comments, raw strings, heredocs) is kept.
// Lines past max_line_bytes and source past max_source_bytes stay Plain.
// Thread-safe. The first call of all builds the library's repository, and
// the first for a language loads its definition (1-50 ms; Markdown, which
// embeds dozens, more): call it once per code block, or use highlighted().
std::vector<TokenLine> highlight(std::string_view source, std::string_view lang);

inline constexpr std::size_t max_line_bytes = 4096;
inline constexpr std::size_t max_source_bytes = 1 << 20;

// Whether `lang` names a language that highlight() knows (aliases included).
bool known_language(std::string_view lang);

// A code block's source with its tokens; `lines` view `source`.
struct HighlightedCode {
    std::string source;
    std::vector<TokenLine> lines;
};

// highlight() through a cache shared by the whole program, keyed by
// (source, lang): a block drawn every frame, or found again after a deck
// reload, is highlighted once. The result stays valid while it is held,
// whatever the cache does later. The cache holds at most
// max_cached_source_bytes of source; past that it starts over. Thread-safe.
std::shared_ptr<const HighlightedCode> highlighted(std::string_view source, std::string_view lang);

inline constexpr std::size_t max_cached_source_bytes = 32u << 20;

// Whether highlighted() has (source, lang) in its cache now.
bool cached(std::string_view source, std::string_view lang);

// Highlights code into highlighted()'s cache on a thread of its own, at low
// priority: a deck's code is ready before its slides show, and the first
// slide does not wait for the syntax definitions to load. Destroying it
// stops after the block in hand.
class Prefetch {
public:
    struct Code {
        std::string source, lang;
    };
    explicit Prefetch(std::vector<Code> code);
    ~Prefetch();
    Prefetch(const Prefetch&) = delete;
    Prefetch& operator=(const Prefetch&) = delete;

    // Blocks until every piece of code is in the cache (or it was stopped).
    void wait();

private:
    std::jthread thread_;
};

}  // namespace livedeck::deck
