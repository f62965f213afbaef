// directives.cpp: the `key: value` lines at the top of a slide, and the
// value of a `demo:` directive.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <charconv>

namespace livedeck::deck {

bool is_view_key(std::string_view key) { return key == "lines" || key == "split" || key == "timeline"; }

}  // namespace livedeck::deck

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

// A whole non-negative decimal number, at most 9 digits.
std::optional<int> whole_number(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    int n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
    return n;
}

// `A-B[,C-D...]`, ascending and not overlapping.
std::optional<std::string> parse_lines(std::string_view value, DemoView& view) {
    const std::string shown(value.substr(0, 100));
    view.lines.clear();
    std::size_t begin = 0;
    while (begin <= value.size()) {
        std::size_t end = value.find(',', begin);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view range = value.substr(begin, end - begin);
        const std::size_t dash = range.find('-');
        const auto a = whole_number(range.substr(0, dash));
        const auto b = dash == std::string_view::npos ? a : whole_number(range.substr(dash + 1));
        if (!a || !b || *a < 1 || *b < *a)
            return "lines: '" + shown + "' is not a list of line ranges such as 5-20 or 1-3,8-20";
        if (!view.lines.empty() && *a <= view.lines.back().second)
            return "lines: the ranges of '" + shown + "' must go down the file without overlapping";
        if (view.lines.size() == 64) return "lines: more than 64 ranges";
        view.lines.emplace_back(*a, *b);
        begin = end + 1;
    }
    return std::nullopt;
}

std::optional<std::string> parse_view_key(const std::string& key, std::string_view value, DemoView& view) {
    if (key == "lines") return parse_lines(value, view);
    if (key == "split") {
        const auto p = whole_number(value);
        if (!p || *p < 30 || *p > 80)
            return "split: '" + std::string(value.substr(0, 100)) + "' is not a percentage from 30 to 80";
        view.split = *p;
        return std::nullopt;
    }
    // timeline
    if (value != "on" && value != "off")
        return "timeline: '" + std::string(value.substr(0, 100)) + "' is neither on nor off";
    view.timeline = value == "on";
    return std::nullopt;
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
        const std::string_view setting = words[i].substr(eq + 1);
        if (is_view_key(key)) {
            if (auto error = parse_view_key(key, setting, demo.view)) return error;
            demo.params[key];  // marks it seen, for the duplicate check; dropped below
        } else {
            demo.params[key] = std::string(setting);
        }
    }
    std::erase_if(demo.params, [](const auto& kv) { return is_view_key(kv.first); });
    return std::nullopt;
}

}  // namespace livedeck::deck::detail
