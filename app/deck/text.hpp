// text.hpp: small text helpers shared by the deck parser's stages
// (whitespace, lines, entities, md4c attributes). Internal to app/deck.
#pragma once

#include <md4c.h>

#include <string>
#include <string_view>
#include <vector>

namespace livedeck::deck::detail {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
inline bool is_space_or_newline(char c) { return is_space(c) || c == '\n'; }

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space_or_newline(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space_or_newline(s.back())) s.remove_suffix(1);
    return s;
}

inline bool is_blank(std::string_view s) { return trim(s).empty(); }

// Splits on '\n'; a trailing newline does not add an empty line.
std::vector<std::string_view> split_lines(std::string_view text);

const char* const kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Decodes "&amp;", "&#123;", "&#x7B;" and the common named entities; an
// unknown one is kept as written.
void append_entity(std::string& out, std::string_view e);

// An md4c attribute (a link's or image's target, a code block's info) as
// plain UTF-8, its entities decoded.
std::string decode_attribute(const MD_ATTRIBUTE& a);

}  // namespace livedeck::deck::detail
