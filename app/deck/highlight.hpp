// Syntax highlighting for code panes and fenced code blocks: splits source
// into tokens with a kind; the views map kinds to theme colours.
#pragma once

#include <string_view>
#include <vector>

namespace livedeck::deck {

enum class TokenKind {
    Plain,
    Keyword,      // language keywords (if, for, co_await, def, yield...)
    Type,         // built-in types and well-known std names (int, auto, std, str)
    String,       // string and character literals, raw strings
    Number,       // numeric literals
    Comment,      // line and block comments
    Preprocessor, // #include, #define ... (C++), decorators (@coroutine) in Python
    Function,     // an identifier directly followed by '('
    Punctuation,  // operators and brackets
};

struct Token {
    std::string_view text;  // a view into the source given to highlight()
    TokenKind kind = TokenKind::Plain;
};

// One source line's tokens. Tokens never contain '\n'.
using TokenLine = std::vector<Token>;

// Tokenizes `source` by language: "cpp"/"c++"/"c"/"h"/"hpp", "python"/"py";
// any other language gives Plain tokens. Returns one TokenLine per line of
// the source (a trailing newline does not add an empty line). Multi-line
// comments and raw strings keep their kind across lines.
std::vector<TokenLine> highlight(std::string_view source, std::string_view lang);

}  // namespace livedeck::deck
