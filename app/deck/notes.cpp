// notes.cpp: finding a slide's HTML comments (outside code) and telling
// which of them are its speaker notes.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <algorithm>

namespace livedeck::deck::detail {

// Finds the HTML comments outside fenced code and inline code spans.
std::vector<Comment> find_comments(std::string_view src, const std::vector<size_t>& line_starts,
                                   const std::vector<bool>& fenced) {
    std::vector<Comment> comments;
    auto line_at = [&](size_t pos) {
        return static_cast<size_t>(std::upper_bound(line_starts.begin(), line_starts.end(), pos) -
                                   line_starts.begin()) - 1;
    };
    auto next_line_start = [&](size_t ln) { return ln + 1 < line_starts.size() ? line_starts[ln + 1] : src.size(); };
    size_t pos = 0;
    while (pos < src.size()) {
        size_t ln = line_at(pos);
        if (ln < fenced.size() && fenced[ln]) {
            pos = next_line_start(ln);
            continue;
        }
        if (src[pos] == '`') {
            size_t n = 0;
            while (pos + n < src.size() && src[pos + n] == '`') ++n;
            // The span may continue over the following lines of its paragraph.
            size_t limit_ln = ln + 1;
            while (limit_ln < line_starts.size() && !(limit_ln < fenced.size() && fenced[limit_ln])) {
                size_t b = line_starts[limit_ln];
                if (is_blank(src.substr(b, next_line_start(limit_ln) - b))) break;
                ++limit_ln;
            }
            size_t limit = limit_ln < line_starts.size() ? line_starts[limit_ln] : src.size();
            size_t q = pos + n;
            size_t close = std::string_view::npos;
            while (q < limit) {
                if (src[q] != '`') {
                    ++q;
                    continue;
                }
                size_t m = 0;
                while (q + m < limit && src[q + m] == '`') ++m;
                if (m == n) {
                    close = q;
                    break;
                }
                q += m;
            }
            pos = close == std::string_view::npos ? pos + n : close + n;
            continue;
        }
        if (src.compare(pos, 4, "<!--") == 0) {
            size_t close = src.find("-->", pos + 4);
            if (close == std::string_view::npos) {
                comments.push_back({pos, src.size(), false});
                break;
            }
            comments.push_back({pos, close + 3, true});
            pos = close + 3;
            continue;
        }
        ++pos;
    }
    return comments;
}

// Indices of the comments that are speaker notes: the terminated comments at
// the end of the slide, each starting its line (after other notes).
std::vector<size_t> trailing_comments(std::string_view src, const std::vector<Comment>& comments) {
    std::vector<size_t> notes;
    size_t tail = src.size();
    for (size_t i = comments.size(); i-- > 0;) {
        const Comment& c = comments[i];
        if (!c.terminated || !is_blank(src.substr(c.end, tail - c.end))) break;
        notes.push_back(i);
        tail = c.begin;
    }
    std::reverse(notes.begin(), notes.end());
    // The first note must start its line; otherwise it is inline text's.
    while (!notes.empty()) {
        const Comment& c = comments[notes.front()];
        size_t bol = src.rfind('\n', c.begin == 0 ? 0 : c.begin - 1);
        bol = (bol == std::string_view::npos || c.begin == 0) ? 0 : bol + 1;
        if (c.begin == 0 || is_blank(src.substr(bol, c.begin - bol))) break;
        notes.erase(notes.begin());
    }
    return notes;
}

}  // namespace livedeck::deck::detail
