// Every demo of the talk, in talk order, with its embedded source.
#pragma once

#include <span>
#include <string_view>

#include "runtime/context.hpp"

namespace livedeck::demos {

struct Demo {
    std::string_view name;     // stable: decks and the command line use it
    std::string_view summary;  // one line for `livedeck demo --list`
    std::string_view file;     // the source file's base name
    void (*body)(Context&);

    // The demo file exactly as compiled (embedded at build time).
    std::string_view source() const;
};

std::span<const Demo> all_demos();
const Demo* find_demo(std::string_view name);

}  // namespace livedeck::demos
