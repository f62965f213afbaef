// A message from the broker, as a follower receives it, through every
// decoder of the wire format (follow/codec.hpp): the first byte picks the
// topic, the rest is the payload. Whatever decodes must hold together: a
// batch's lines as many as its header says, a deck chunk's bytes as long as
// its numbers say, a deck's files inside its folder.
#include "follow/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace codec = livedeck::follow::codec;

namespace {

void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz_follow: %s\n", what);
    std::abort();
}

// A relative path with no empty, "." or ".." part.
bool inside(const std::string& path) {
    if (path.empty() || path.front() == '/') return false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = path.find('/', start);
        const std::string part = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (end == std::string::npos) return true;
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string error;
    switch (data[0] % 6) {
    case 0:
        if (auto b = codec::decode_batch(payload, error)) {
            check(!b->entries.empty() && b->entries.size() <= codec::max_batch_events, "batch size");
            check(b->last_seq() >= b->first_seq, "batch numbering");
        } else check(!error.empty(), "a refused batch without a reason");
        break;
    case 1:
        if (auto s = codec::decode_state(payload, error)) check(s->entries.size() <= codec::max_state_entries, "state size");
        else check(!error.empty(), "a refused state without a reason");
        break;
    case 2: {
        codec::DeckAssembler assembler;
        if (auto c = codec::decode_deck_chunk(payload, error)) {
            check(c->index < c->count && c->bytes.size() <= codec::chunk_bytes, "chunk numbers");
            std::string why;
            if (auto whole = assembler.add(std::move(*c), why)) check(whole->size() <= codec::max_deck_bytes, "deck size");
        } else check(!error.empty(), "a refused chunk without a reason");
        break;
    }
    case 3:
        if (auto files = codec::unpack_deck(payload, error)) {
            for (const auto& f : *files) check(inside(f.path), "a deck path out of its folder");
        } else check(!error.empty(), "a refused deck without a reason");
        break;
    case 4:
        if (!codec::decode_presence(payload, error)) check(!error.empty(), "a refused presence without a reason");
        break;
    case 5: (void)codec::route(payload, "livedeck/talk"); break;
    }
    return 0;
}
