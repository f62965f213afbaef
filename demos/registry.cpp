#include "registry.hpp"

#include <algorithm>

#include "embedded.hpp"

std::span<const livedeck::EmbeddedFile> demo_sources();

// The demos, defined at global scope in their own files (demos/*.cpp).
using livedeck::demos::Context;
void sequential(Context&);

namespace livedeck::demos {

namespace {

constexpr Demo demos[] = {
    {"sequential", "Three blocking fetches, one after another", "sequential.cpp", ::sequential},
};

}  // namespace

std::string_view Demo::source() const {
    for (const EmbeddedFile& f : demo_sources())
        if (f.name == file) return f.contents;
    return {};
}

std::span<const Demo> all_demos() { return demos; }

const Demo* find_demo(std::string_view name) {
    auto it = std::find_if(std::begin(demos), std::end(demos),
                           [&](const Demo& d) { return d.name == name; });
    return it == std::end(demos) ? nullptr : &*it;
}

}  // namespace livedeck::demos
