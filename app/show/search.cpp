#include "show/search.hpp"

#include <algorithm>
#include <cctype>

namespace livedeck::show {

namespace {

void append_blocks(const std::vector<deck::Block>& blocks, std::string& out) {
    for (const deck::Block& b : blocks) {
        switch (b.kind) {
        case deck::BlockKind::Heading:
        case deck::BlockKind::Paragraph: out += deck::plain_text(b.spans); break;
        case deck::BlockKind::List:
            for (const deck::ListItem& item : b.items) append_blocks(item.blocks, out);
            break;
        case deck::BlockKind::Code: out += b.text; break;
        case deck::BlockKind::Image: out += b.alt; break;
        case deck::BlockKind::Quote: append_blocks(b.children, out); break;
        case deck::BlockKind::Rule: break;
        case deck::BlockKind::Table:
            for (const deck::TableRow& row : b.rows)
                for (const std::vector<deck::Span>& cell : row.cells) out += deck::plain_text(cell) + " ";
            break;
        case deck::BlockKind::Columns:
            for (const deck::Column& c : b.columns) append_blocks(c.blocks, out);
            break;
        }
        out += '\n';
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::string word;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!word.empty()) out.push_back(lower(word));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) out.push_back(lower(word));
    return out;
}

std::string label(const deck::Slide& slide) {
    if (!slide.title.empty()) return slide.title;
    std::string text = slide_text(slide);
    std::replace(text.begin(), text.end(), '\n', ' ');
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text.empty() ? "(empty slide)" : text;
}

}  // namespace

std::string slide_text(const deck::Slide& slide) {
    std::string out;
    append_blocks(slide.blocks, out);
    out += slide.notes;
    if (slide.demo) {
        // "threads-deadlock" is found by "deadlock" too.
        std::string name = slide.demo->name;
        std::replace(name.begin(), name.end(), '-', ' ');
        out += "\n" + slide.demo->name + " " + name;
    }
    return out;
}

std::vector<SearchHit> search(const deck::Deck& deck, std::string_view query, std::size_t limit) {
    std::vector<SearchHit> hits;
    const std::vector<std::string> wanted = words(query);
    if (wanted.empty() || limit == 0) return hits;
    const int count = static_cast<int>(deck.slides.size());
    // A number: that slide.
    if (wanted.size() == 1 && std::all_of(wanted[0].begin(), wanted[0].end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (wanted[0].size() <= 6) {
            const int n = std::stoi(wanted[0]);
            if (n >= 1 && n <= count) hits.push_back({n - 1, label(deck.slides[static_cast<std::size_t>(n - 1)]), true});
        }
        return hits;
    }
    std::vector<SearchHit> in_body;
    for (int i = 0; i < count; ++i) {
        const deck::Slide& s = deck.slides[static_cast<std::size_t>(i)];
        const std::string title = lower(s.title);
        const std::string text = lower(s.title + "\n" + slide_text(s));
        const auto has = [](const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; };
        if (!std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return has(text, w); })) continue;
        const bool in_title = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return has(title, w); });
        (in_title ? hits : in_body).push_back({i, label(s), in_title});
    }
    hits.insert(hits.end(), in_body.begin(), in_body.end());
    if (hits.size() > limit) hits.resize(limit);
    return hits;
}

}  // namespace livedeck::show
