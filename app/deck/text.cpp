// text.cpp: the text helpers declared in text.hpp.

#include "deck/text.hpp"

#include "deck/deck.hpp"

#include <cstdint>
#include <utility>

namespace livedeck::deck::detail {

// Splits on '\n'; a trailing newline does not add an empty line.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

// Decodes "&amp;", "&#123;", "&#x7B;" and the common named entities; an
// unknown one is kept as written.
void append_entity(std::string& out, std::string_view e) {
    if (e.size() < 3 || e.front() != '&' || e.back() != ';') {
        out += e;
        return;
    }
    std::string_view body = e.substr(1, e.size() - 2);
    if (body[0] == '#') {
        bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
        std::string_view digits = body.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 8) {
            out += e;
            return;
        }
        uint32_t cp = 0;
        for (char c : digits) {
            uint32_t d;
            if (c >= '0' && c <= '9') d = static_cast<uint32_t>(c - '0');
            else if (hex && c >= 'a' && c <= 'f') d = static_cast<uint32_t>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') d = static_cast<uint32_t>(c - 'A' + 10);
            else {
                out += e;
                return;
            }
            cp = cp * (hex ? 16 : 10) + d;
        }
        append_utf8(out, cp);
        return;
    }
    static const std::pair<std::string_view, uint32_t> kNamed[] = {
        {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
        {"apos", '\''},     {"nbsp", 0xA0},      {"copy", 0xA9},      {"reg", 0xAE},
        {"trade", 0x2122},  {"mdash", 0x2014},   {"ndash", 0x2013},   {"hellip", 0x2026},
        {"lsquo", 0x2018},  {"rsquo", 0x2019},   {"ldquo", 0x201C},   {"rdquo", 0x201D},
        {"laquo", 0xAB},    {"raquo", 0xBB},     {"bull", 0x2022},    {"middot", 0xB7},
        {"times", 0xD7},    {"divide", 0xF7},    {"deg", 0xB0},       {"plusmn", 0xB1},
        {"rarr", 0x2192},   {"larr", 0x2190},    {"uarr", 0x2191},    {"darr", 0x2193},
        {"harr", 0x2194},   {"rArr", 0x21D2},    {"lArr", 0x21D0},    {"ne", 0x2260},
        {"le", 0x2264},     {"ge", 0x2265},      {"infin", 0x221E},   {"check", 0x2713},
        {"euro", 0x20AC},   {"pound", 0xA3},     {"sect", 0xA7},      {"para", 0xB6},
    };
    for (const auto& [name, cp] : kNamed) {
        if (body == name) {
            append_utf8(out, cp);
            return;
        }
    }
    out += e;
}

std::string decode_attribute(const MD_ATTRIBUTE& a) {
    std::string out;
    if (a.text == nullptr || a.size == 0) return out;
    for (size_t i = 0; a.substr_offsets[i] < a.size; ++i) {
        std::string_view piece(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
        switch (a.substr_types[i]) {
            case MD_TEXT_ENTITY: append_entity(out, piece); break;
            case MD_TEXT_NULLCHAR: out += kReplacementChar; break;
            default: out += piece; break;
        }
    }
    return out;
}

}  // namespace livedeck::deck::detail

namespace livedeck::deck {

void append_utf8(std::string& out, char32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace livedeck::deck
