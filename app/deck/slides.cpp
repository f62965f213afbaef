// slides.cpp: cutting a deck file into slides at its `---` lines, with
// fenced code (whose `---` lines do not count) tracked on the way.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>

namespace livedeck::deck::detail {
namespace {

bool fence_closed_by(std::string_view line, Fence f) {
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    size_t n = 0;
    while (i + n < line.size() && line[i + n] == f.ch) ++n;
    return n >= f.len && is_blank(line.substr(i + n));
}

bool is_separator(std::string_view line) {
    if (line.substr(0, 3) != "---") return false;
    return is_blank(line.substr(3));
}

}  // namespace

Fence fence_opened_by(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return {};
    char c = line[i];
    size_t n = 0;
    while (i + n < line.size() && line[i + n] == c) ++n;
    if (n < 3) return {};
    if (c == '`' && line.substr(i + n).find('`') != std::string_view::npos) return {};
    return {c, n};
}

// For each line: is it part of a fenced code block (fences included)?
// `unclosed` gets the index of a fence never closed, or -1.
std::vector<bool> fenced_lines(const std::vector<std::string_view>& lines, int& unclosed) {
    std::vector<bool> fenced(lines.size(), false);
    Fence open;
    unclosed = -1;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (open.ch != 0) {
            fenced[i] = true;
            if (fence_closed_by(lines[i], open)) open = {};
        } else if (Fence f = fence_opened_by(lines[i]); f.ch != 0) {
            fenced[i] = true;
            open = f;
            unclosed = static_cast<int>(i);
        }
    }
    if (open.ch == 0) unclosed = -1;
    return fenced;
}

std::vector<Chunk> split_slides(std::string_view text) {
    std::vector<std::string_view> lines = split_lines(text);
    int unclosed = -1;
    std::vector<bool> fenced = fenced_lines(lines, unclosed);
    std::vector<Chunk> chunks;
    chunks.push_back({1, {}, 0});
    for (size_t i = 0; i < lines.size(); ++i) {
        if (!fenced[i] && is_separator(lines[i])) {
            chunks.push_back({static_cast<int>(i) + 2, {}, 0});
            continue;
        }
        chunks.back().lines.push_back(lines[i]);
        if (static_cast<int>(i) == unclosed) chunks.back().unclosed_fence_line = static_cast<int>(i) + 1;
    }
    std::erase_if(chunks, [](const Chunk& c) {
        return std::all_of(c.lines.begin(), c.lines.end(), [](std::string_view l) { return is_blank(l); });
    });
    return chunks;
}

}  // namespace livedeck::deck::detail
