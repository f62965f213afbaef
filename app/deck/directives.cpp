// directives.cpp: the `key: value` lines at the top of a slide, and the
// value of a `demo:` directive.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

namespace livedeck::deck::detail {
namespace {

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) words.push_back(s.substr(start, i - start));
    }
    return words;
}

}  // namespace

// `key: value` with key [a-z][a-z0-9-]* and the colon followed by a space or
// the end of the line.
bool parse_directive_line(std::string_view line, std::string_view& key, std::string_view& value) {
    if (line.empty() || line[0] < 'a' || line[0] > 'z') return false;
    size_t i = 1;
    while (i < line.size() &&
           ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9') || line[i] == '-'))
        ++i;
    if (i >= line.size() || line[i] != ':') return false;
    if (i + 1 < line.size() && !is_space(line[i + 1])) return false;
    key = line.substr(0, i);
    value = trim(line.substr(i + 1));
    return true;
}

// Parses `NAME key=value ...`; returns an error message or nothing.
std::optional<std::string> parse_demo(std::string_view value, DemoRef& demo) {
    std::vector<std::string_view> words = split_words(value);
    if (words.empty() || words[0].find('=') != std::string_view::npos)
        return "demo directive needs a demo name: 'demo: NAME key=value ...'";
    demo.name = std::string(words[0]);
    for (size_t i = 1; i < words.size(); ++i) {
        size_t eq = words[i].find('=');
        if (eq == std::string_view::npos || eq == 0)
            return "malformed demo parameter '" + std::string(words[i]) + "' (expected key=value)";
        std::string key(words[i].substr(0, eq));
        if (demo.params.count(key)) return "duplicate demo parameter '" + key + "'";
        demo.params[key] = std::string(words[i].substr(eq + 1));
    }
    return std::nullopt;
}

}  // namespace livedeck::deck::detail
