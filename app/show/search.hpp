// "Go to": finds slides by number or by words in their titles, text and
// notes, for the presenter's G prompt.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "deck/deck.hpp"

namespace livedeck::show {

struct SearchHit {
    int slide = 0;       // 0-based
    std::string title;   // the slide's title, or its first words
    bool in_title = false;
};

// Every block's text of a slide, its notes included, in one string.
std::string slide_text(const deck::Slide& slide);

// A number finds that slide; words find the slides holding every one of
// them (case-insensitive), those with the words in their title first, then
// in deck order. At most `limit` hits.
std::vector<SearchHit> search(const deck::Deck& deck, std::string_view query, std::size_t limit = 8);

}  // namespace livedeck::show
