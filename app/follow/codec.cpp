// The wire format: topics, event batches, the state, the deck in chunks, presence.
//
// Index
//   [SECTION] Topics
//   [SECTION] Headers (the first line of every message)
//   [SECTION] Event batches and the state
//   [SECTION] The deck
//   [SECTION] Presence
#include "follow/codec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace livedeck::follow::codec {

using nlohmann::json;

// [SECTION] Topics -------------------------------------------------------------

std::string events_topic(std::string_view root) { return std::string(root) + "/events"; }
std::string state_topic(std::string_view root) { return std::string(root) + "/state"; }
std::string deck_topic(std::string_view root, int chunk) { return std::string(root) + "/deck/" + std::to_string(chunk); }
std::string presenter_topic(std::string_view root) { return std::string(root) + "/presenter"; }

std::optional<Route> route(std::string_view topic, std::string_view root) {
    if (topic.size() <= root.size() + 1 || topic.substr(0, root.size()) != root || topic[root.size()] != '/')
        return std::nullopt;
    const std::string_view rest = topic.substr(root.size() + 1);
    if (rest == "events") return Route{Topic::Events};
    if (rest == "state") return Route{Topic::State};
    if (rest == "presenter") return Route{Topic::Presenter};
    if (rest.substr(0, 5) == "deck/" && rest.size() > 5 && rest.size() <= 5 + 4) {
        int n = 0;
        for (const char c : rest.substr(5)) {
            if (c < '0' || c > '9') return std::nullopt;
            n = n * 10 + (c - '0');
        }
        if (n >= max_deck_chunks) return std::nullopt;
        return Route{Topic::Deck, n};
    }
    return std::nullopt;
}

// [SECTION] Headers -----------------------------------------------------------------

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The header line of `payload` (what `kind` messages start with) and the rest after it.
std::optional<json> header_of(std::string_view payload, const char* kind, std::string_view& rest, std::string& error) {
    const std::size_t end = payload.find('\n');
    const std::string_view line = payload.substr(0, end);
    if (line.size() > max_header_bytes) {
        error = std::string("a '") + kind + "' message whose header is longer than " + std::to_string(max_header_bytes) +
                " bytes";
        return std::nullopt;
    }
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = std::string("a '") + kind + "' message that does not start with a JSON header";
        return std::nullopt;
    }
    const auto tag = j.find("livedeck");
    if (tag == j.end() || !tag->is_string() || *tag != kind) {
        error = std::string("not a livedeck ") + kind + " message";
        return std::nullopt;
    }
    const auto v = j.find("v");
    if (v == j.end() || !v->is_number_integer() || *v != wire_version) {
        error = std::string("a '") + kind + "' message of another wire version (want " + std::to_string(wire_version) + ")";
        return std::nullopt;
    }
    rest = end == std::string_view::npos ? std::string_view{} : payload.substr(end + 1);
    return j;
}

// An unsigned field at most `high`; throws with its name otherwise.
std::uint64_t unsigned_field(const json& j, const char* key, std::uint64_t high) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > high)
        throw std::runtime_error(std::string("bad ") + key);
    return it->get<std::uint64_t>();
}

double time_field(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) throw std::runtime_error(std::string("bad ") + key);
    const double t = it->get<double>();
    if (!std::isfinite(t) || t < 0 || t > 1e7) throw std::runtime_error(std::string("bad ") + key);
    return t;
}

bool valid_deck_id(const std::string& id) {
    if (id.empty() || id.size() > 40) return false;
    for (const char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) return false;
    return true;
}

inline constexpr std::uint64_t max_seq = std::uint64_t(1) << 52;

// The event lines after a header: exactly `n`, each a session log line of a
// kind that travels (the deck, slides, steps, screen, runs and their traces).
bool read_entries(std::string_view rest, std::size_t n, std::vector<session::Entry>& out, std::string& error) {
    out.reserve(n);
    std::size_t number = 0;
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (line.empty()) continue;
        ++number;
        if (number > n) {
            error = "more event lines than its header says (" + std::to_string(n) + ")";
            return false;
        }
        std::string why;
        std::optional<session::Entry> e = session::decode_line(line, why);
        if (!e) {
            error = "event line " + std::to_string(number) + ": " + why;
            return false;
        }
        using K = session::Entry::Kind;
        switch (e->kind) {
        case K::Deck: case K::Slide: case K::Reveal: case K::Screen: case K::Run: case K::Stop: case K::Step:
        case K::Trace: break;
        default:
            error = "event line " + std::to_string(number) + ": an event that does not travel";
            return false;
        }
        if (e->kind == K::Screen && e->text != "slide" && e->text != "black" && e->text != "white") {
            error = "event line " + std::to_string(number) + ": an unknown screen '" + e->text.substr(0, 20) + "'";
            return false;
        }
        if (e->kind == K::Deck && !valid_deck_id(e->text)) {
            error = "event line " + std::to_string(number) + ": a bad deck id";
            return false;
        }
        e->line = static_cast<int>(number);
        out.push_back(std::move(*e));
    }
    if (number != n) {
        error = "fewer event lines (" + std::to_string(number) + ") than its header says (" + std::to_string(n) + ")";
        return false;
    }
    return true;
}

}  // namespace

// [SECTION] Event batches and the state -------------------------------------------

std::string encode_batch(std::uint64_t session, std::uint64_t first_seq, double now, std::string_view lines) {
    std::size_t n = 0;
    for (const char c : lines) n += c == '\n';
    json h{{"livedeck", "events"}, {"v", wire_version}, {"session", session}, {"seq", first_seq},
           {"now", std::round(now * 1e6) / 1e6}, {"n", n}};
    return dump(h) + "\n" + std::string(lines);
}

std::optional<Batch> decode_batch(std::string_view payload, std::string& error, bool entries) {
    if (payload.size() > max_batch_bytes) {
        error = "an event batch larger than " + std::to_string(max_batch_bytes) + " bytes";
        return std::nullopt;
    }
    std::string_view rest;
    const std::optional<json> h = header_of(payload, "events", rest, error);
    if (!h) return std::nullopt;
    Batch b;
    std::size_t n = 0;
    try {
        b.session = unsigned_field(*h, "session", ~std::uint64_t(0));
        b.first_seq = unsigned_field(*h, "seq", max_seq);
        b.now = time_field(*h, "now");
        n = unsigned_field(*h, "n", max_batch_events);
    } catch (const std::exception& e) {
        error = std::string("an event batch with a ") + e.what();
        return std::nullopt;
    }
    if (n == 0 || b.first_seq == 0) {
        error = "an event batch without events, or numbered from 0";
        return std::nullopt;
    }
    b.count = n;
    if (!entries) {
        std::size_t lines = 0;
        for (std::size_t at = 0; at < rest.size();) {
            const std::size_t end = std::min(rest.find('\n', at), rest.size());
            lines += end > at;
            at = end + 1;
        }
        if (lines != n) {
            error = "an event batch of " + std::to_string(lines) + " lines where its header says " + std::to_string(n);
            return std::nullopt;
        }
        return b;
    }
    std::string why;
    if (!read_entries(rest, n, b.entries, why)) {
        error = "an event batch: " + why;
        return std::nullopt;
    }
    return b;
}

std::string encode_state(std::uint64_t session, std::uint64_t seq, double now, std::string_view deck,
                         std::string_view lines) {
    std::size_t n = 0;
    for (const char c : lines) n += c == '\n';
    json h{{"livedeck", "state"}, {"v", wire_version}, {"session", session}, {"seq", seq},
           {"now", std::round(now * 1e6) / 1e6}, {"deck", std::string(deck)}, {"n", n}};
    return dump(h) + "\n" + std::string(lines);
}

std::optional<State> decode_state(std::string_view payload, std::string& error) {
    if (payload.size() > max_state_bytes) {
        error = "a state larger than " + std::to_string(max_state_bytes) + " bytes";
        return std::nullopt;
    }
    std::string_view rest;
    const std::optional<json> h = header_of(payload, "state", rest, error);
    if (!h) return std::nullopt;
    State s;
    std::size_t n = 0;
    try {
        s.session = unsigned_field(*h, "session", ~std::uint64_t(0));
        s.seq = unsigned_field(*h, "seq", max_seq);
        s.now = time_field(*h, "now");
        n = unsigned_field(*h, "n", max_state_entries);
        const auto deck = h->find("deck");
        if (deck == h->end() || !deck->is_string()) throw std::runtime_error("bad deck");
        s.deck = deck->get<std::string>();
        if (!s.deck.empty() && !valid_deck_id(s.deck)) throw std::runtime_error("bad deck");
    } catch (const std::exception& e) {
        error = std::string("a state with a ") + e.what();
        return std::nullopt;
    }
    std::string why;
    if (!read_entries(rest, n, s.entries, why)) {
        error = "a state: " + why;
        return std::nullopt;
    }
    return s;
}

// [SECTION] The deck ----------------------------------------------------------------

namespace {

bool valid_path(const std::string& path) {
    if (path.empty() || path.size() > 255 || path.front() == '/') return false;
    std::size_t start = 0, parts = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string part = path.substr(start, end - start);
        if (part.empty() || part == "." || part == ".." || ++parts > 16) return false;
        for (const char c : part)
            if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

std::string pack_deck(const std::vector<DeckFile>& files) {
    if (files.empty() || files.size() > max_deck_files)
        throw std::length_error("a deck of " + std::to_string(files.size()) + " files (1 to " +
                                std::to_string(max_deck_files) + ")");
    json manifest = json::array();
    std::size_t total = 0;
    for (const DeckFile& f : files) {
        if (!valid_path(f.path)) throw std::length_error("a deck file outside the deck's folder: " + f.path);
        manifest.push_back({{"path", f.path}, {"bytes", f.bytes.size()}});
        total += f.bytes.size();
        if (total > max_deck_bytes)
            throw std::length_error("the deck with its images is larger than " + std::to_string(max_deck_bytes >> 20) +
                                    " MB");
    }
    std::string out = dump(json{{"livedeck", "deck-files"}, {"v", wire_version}, {"files", manifest}}) + "\n";
    if (out.size() + total > max_deck_bytes)
        throw std::length_error("the deck with its images is larger than " + std::to_string(max_deck_bytes >> 20) +
                                " MB");
    out.reserve(out.size() + total);
    for (const DeckFile& f : files) out += f.bytes;
    return out;
}

std::optional<std::vector<DeckFile>> unpack_deck(std::string_view packed, std::string& error) {
    if (packed.size() > max_deck_bytes) {
        error = "a deck larger than " + std::to_string(max_deck_bytes >> 20) + " MB";
        return std::nullopt;
    }
    const std::size_t end = packed.find('\n');
    if (end == std::string_view::npos || end > 256 * 1024) {
        error = "a deck without its list of files";
        return std::nullopt;
    }
    json j = json::parse(packed.substr(0, end), nullptr, false);
    std::string_view bytes = packed.substr(end + 1);
    const auto tag = j.is_object() ? j.find("livedeck") : j.end();
    if (j.is_discarded() || !j.is_object() || tag == j.end() || !tag->is_string() || *tag != "deck-files" ||
        !j.contains("files") ||
        !j["files"].is_array() || j["files"].empty() || j["files"].size() > max_deck_files) {
        error = "a deck whose list of files is not one";
        return std::nullopt;
    }
    std::vector<DeckFile> files;
    for (const json& f : j["files"]) {
        if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("bytes") ||
            !f["bytes"].is_number_unsigned()) {
            error = "a deck file entry without its path and size";
            return std::nullopt;
        }
        DeckFile file;
        file.path = f["path"].get<std::string>();
        if (!valid_path(file.path)) {
            error = "a deck file with a path outside the deck's folder";
            return std::nullopt;
        }
        const std::uint64_t size = f["bytes"].get<std::uint64_t>();
        if (size > bytes.size()) {
            error = "a deck shorter than its list of files says";
            return std::nullopt;
        }
        file.bytes = std::string(bytes.substr(0, size));
        bytes.remove_prefix(size);
        files.push_back(std::move(file));
    }
    if (!bytes.empty()) {
        error = "a deck longer than its list of files says";
        return std::nullopt;
    }
    return files;
}

std::string deck_id(std::string_view packed) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (const char c : packed) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    char out[48];
    std::snprintf(out, sizeof out, "%016llx-%llx", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(packed.size()));
    return out;
}

std::vector<std::string> encode_deck_chunks(std::string_view packed, const std::string& id) {
    const std::size_t count = std::max<std::size_t>(1, (packed.size() + chunk_bytes - 1) / chunk_bytes);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) {
        json h{{"livedeck", "deck"}, {"v", wire_version}, {"deck", id}, {"i", i}, {"n", count}, {"bytes", packed.size()}};
        out.push_back(dump(h) + "\n" + std::string(packed.substr(i * chunk_bytes, chunk_bytes)));
    }
    return out;
}

std::optional<DeckChunk> decode_deck_chunk(std::string_view payload, std::string& error) {
    if (payload.size() > chunk_bytes + max_header_bytes + 1) {
        error = "a deck chunk larger than " + std::to_string(chunk_bytes) + " bytes";
        return std::nullopt;
    }
    std::string_view rest;
    const std::optional<json> h = header_of(payload, "deck", rest, error);
    if (!h) return std::nullopt;
    DeckChunk c;
    try {
        const auto id = h->find("deck");
        if (id == h->end() || !id->is_string() || !valid_deck_id(id->get<std::string>()))
            throw std::runtime_error("bad deck id");
        c.deck = id->get<std::string>();
        c.total = unsigned_field(*h, "bytes", max_deck_bytes);
        c.count = static_cast<int>(unsigned_field(*h, "n", static_cast<std::uint64_t>(max_deck_chunks)));
        c.index = static_cast<int>(unsigned_field(*h, "i", static_cast<std::uint64_t>(max_deck_chunks)));
    } catch (const std::exception& e) {
        error = std::string("a deck chunk with a ") + e.what();
        return std::nullopt;
    }
    const std::uint64_t count = std::max<std::uint64_t>(1, (c.total + chunk_bytes - 1) / chunk_bytes);
    if (c.count < 1 || static_cast<std::uint64_t>(c.count) != count || c.index >= c.count) {
        error = "a deck chunk whose numbers do not add up";
        return std::nullopt;
    }
    const std::uint64_t want =
        c.index + 1 < c.count ? chunk_bytes : c.total - static_cast<std::uint64_t>(c.count - 1) * chunk_bytes;
    if (rest.size() != want) {
        error = "a deck chunk of " + std::to_string(rest.size()) + " bytes where " + std::to_string(want) + " belong";
        return std::nullopt;
    }
    c.bytes = std::string(rest);
    return c;
}

std::optional<std::string> DeckAssembler::add(DeckChunk chunk, std::string& error) {
    auto it = std::find_if(parts_.begin(), parts_.end(), [&](const Parts& p) { return p.id == chunk.deck; });
    if (it != parts_.end() && (it->count != chunk.count || it->total != chunk.total)) {
        error = "deck chunks of one deck disagree on its size";
        parts_.erase(it);
        return std::nullopt;
    }
    if (it == parts_.end()) {
        if (parts_.size() >= 2) parts_.erase(parts_.begin());  // the oldest deck in flight gives way
        parts_.push_back(Parts{chunk.deck, chunk.count, chunk.total, {}, 0});
        parts_.back().chunks.resize(static_cast<std::size_t>(chunk.count));
        it = parts_.end() - 1;
    }
    std::optional<std::string>& slot = it->chunks[static_cast<std::size_t>(chunk.index)];
    if (!slot) ++it->have;
    slot = std::move(chunk.bytes);
    if (it->have < it->count) return std::nullopt;
    std::string whole;
    whole.reserve(it->total);
    for (const std::optional<std::string>& c : it->chunks) whole += *c;
    parts_.erase(it);
    if (deck_id(whole) != chunk.deck) {
        error = "a deck whose bytes do not match its id";
        return std::nullopt;
    }
    return whole;
}

// [SECTION] Presence ------------------------------------------------------------------

std::string encode_presence(bool online, std::uint64_t session) {
    return dump(json{{"livedeck", "presenter"}, {"v", wire_version}, {"online", online}, {"session", session}});
}

std::optional<bool> decode_presence(std::string_view payload, std::string& error) {
    if (payload.size() > max_header_bytes) {
        error = "a presence message larger than " + std::to_string(max_header_bytes) + " bytes";
        return std::nullopt;
    }
    std::string_view rest;
    const std::optional<json> h = header_of(payload, "presenter", rest, error);
    if (!h) return std::nullopt;
    const auto online = h->find("online");
    if (online == h->end() || !online->is_boolean()) {
        error = "a presence message without online: true|false";
        return std::nullopt;
    }
    return online->get<bool>();
}

}  // namespace livedeck::follow::codec
