// A file whose bytes were embedded into the program at build time
// (cmake/Embed.cmake).
#pragma once
#include <span>
#include <string_view>

namespace livedeck {

struct EmbeddedFile {
    std::string_view name;      // base name, e.g. "sequential.cpp"
    std::string_view contents;  // the bytes, exactly as compiled
};

}  // namespace livedeck
