// One line at a slide's top, as the deck parser reads its directives:
// `key: value`, and for `demo:` the demo's name and `key=value` parameters,
// checked against the demo registry (demos::apply_param: animals, delay,
// animals=@FILE relative to tests/data/decks).
#include "deck/parse_internal.hpp"
#include "show/presentation.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace livedeck;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const deck::DemoValidator validate = show::demo_validator(LIVEDECK_SOURCE_DIR "/tests/data/decks");
    const std::string_view line(reinterpret_cast<const char*>(data), size);

    std::string_view key, value;
    if (!deck::detail::parse_directive_line(line, key, value)) return 0;
    if (key.empty() || key.size() >= line.size() || line[key.size()] != ':') {
        std::fprintf(stderr, "fuzz_directive: the key is not the text before the colon\n");
        std::abort();
    }
    if (key != "demo") return 0;
    deck::DemoRef demo;
    if (deck::detail::parse_demo(value, demo)) return 0;
    (void)validate(demo);
    return 0;
}
