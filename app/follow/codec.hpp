// The wire format of a followed talk: what the Publisher sends and the
// Follower checks. Every message is input from the network: each decoder
// caps its size, checks its schema and says what is wrong in words; none
// throws. Events travel as the session log writes them (session_log.hpp's
// encode_* and decode_line), one line each, after a header line.
//
// Index
//   [SECTION] Topics
//   [SECTION] Caps
//   [SECTION] Event batches and the state
//   [SECTION] The deck (text and images, chunked)
//   [SECTION] Presence
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/session_log.hpp"

namespace livedeck::follow::codec {

inline constexpr int wire_version = 1;

// [SECTION] Topics -------------------------------------------------------------

enum class Topic { Events, State, Deck, Presenter };
struct Route {
    Topic topic;
    int chunk = -1;  // Deck: the chunk's index
};
// Which of a talk's topics `topic` is (root: "livedeck/TALK"); nullopt for any other.
std::optional<Route> route(std::string_view topic, std::string_view root);
std::string events_topic(std::string_view root);
std::string state_topic(std::string_view root);
std::string deck_topic(std::string_view root, int chunk);
std::string presenter_topic(std::string_view root);

// [SECTION] Caps ---------------------------------------------------------------

inline constexpr std::size_t max_batch_bytes = 1 << 20;        // one event batch
inline constexpr std::size_t max_batch_events = 20'000;
inline constexpr std::size_t max_state_bytes = 16 << 20;       // the retained state
inline constexpr std::size_t max_state_entries = 1'000'000;
inline constexpr std::size_t chunk_bytes = 256 << 10;          // a deck chunk's payload
inline constexpr std::size_t max_deck_bytes = 32 << 20;        // the deck packed, images included
inline constexpr int max_deck_chunks = static_cast<int>(max_deck_bytes / chunk_bytes);
inline constexpr std::size_t max_deck_files = 1000;
inline constexpr std::size_t max_header_bytes = 4096;          // a header line

// [SECTION] Event batches and the state -------------------------------------------

// A batch: events first_seq, first_seq+1, ... of publisher session `session`
// (a random number per Publisher: a new one means a new sequence). `now`:
// the presenter's session time when it was sent.
struct Batch {
    std::uint64_t session = 0;
    std::uint64_t first_seq = 0;
    double now = 0;
    std::size_t count = 0;  // events in the batch (entries.size() once decoded)
    std::vector<session::Entry> entries;
    std::uint64_t last_seq() const { return first_seq + count - 1; }
};
// `lines`: session log lines (session::encode_*), each ending in '\n'.
std::string encode_batch(std::uint64_t session, std::uint64_t first_seq, double now, std::string_view lines);
// With entries=false only the header is checked and the lines counted (the
// benchmark's crowd, which cannot parse a thousand followers' JSON on one core).
std::optional<Batch> decode_batch(std::string_view payload, std::string& error, bool entries = true);

// The state after event `seq` (0: before any): the deck it is on, then the
// slide, reveal step, screen, and the runs with their traces so far, as log lines.
struct State {
    std::uint64_t session = 0;
    std::uint64_t seq = 0;
    double now = 0;
    std::string deck;  // the deck's id (DeckChunk::deck); empty: none published
    std::vector<session::Entry> entries;
};
std::string encode_state(std::uint64_t session, std::uint64_t seq, double now, std::string_view deck,
                         std::string_view lines);
std::optional<State> decode_state(std::string_view payload, std::string& error);

// [SECTION] The deck (text and images, chunked) ------------------------------------

struct DeckFile {
    std::string path;   // relative, '/'-separated, no "..": the first file is the deck's text
    std::string bytes;
};
// The files packed into one blob: a JSON manifest line, then the bytes.
// Throws std::length_error past max_deck_bytes / max_deck_files.
std::string pack_deck(const std::vector<DeckFile>& files);
std::optional<std::vector<DeckFile>> unpack_deck(std::string_view packed, std::string& error);
// A name for a packed deck: its length and a 64-bit hash, in hex.
std::string deck_id(std::string_view packed);

struct DeckChunk {
    std::string deck;      // deck_id of the whole
    int index = 0;
    int count = 0;
    std::uint64_t total = 0;  // bytes of the whole
    std::string bytes;
};
std::vector<std::string> encode_deck_chunks(std::string_view packed, const std::string& id);
std::optional<DeckChunk> decode_deck_chunk(std::string_view payload, std::string& error);

// Collects chunks (of any number of decks in flight, capped) into whole decks.
class DeckAssembler {
public:
    // Adds a chunk; returns the whole packed deck once its last chunk is in.
    std::optional<std::string> add(DeckChunk chunk, std::string& error);
    void clear() { parts_.clear(); }

private:
    struct Parts {
        std::string id;
        int count = 0;
        std::uint64_t total = 0;
        std::vector<std::optional<std::string>> chunks;
        int have = 0;
    };
    std::vector<Parts> parts_;  // at most a few
};

// [SECTION] Presence ----------------------------------------------------------------

std::string encode_presence(bool online, std::uint64_t session);
// nullopt for junk; else online or not.
std::optional<bool> decode_presence(std::string_view payload, std::string& error);

}  // namespace livedeck::follow::codec
