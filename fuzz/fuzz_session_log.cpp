// A session log's text (session.jsonl) through the reader the exporter uses.
// Reading stops at the first bad line; whatever it read must be in order of
// the log's lines.
#include "session/session_log.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto recording = livedeck::session::parse(text, "session.jsonl");
    int line = 0;
    for (const auto& entry : recording.entries) {
        if (entry.line < line) {
            std::fprintf(stderr, "fuzz_session_log: entries out of the log's order\n");
            std::abort();
        }
        line = entry.line;
    }
    for (const auto& problem : recording.problems) (void)problem.str();
    return 0;
}
