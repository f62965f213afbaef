// Thrown out of any waiting operation (sleep, fetch, lock) when the demo
// that runs it is being stopped. The runtime catches it; demos never do.
#pragma once

#include <stdexcept>

namespace livedeck::demos {

struct Stopped : std::runtime_error {
    Stopped() : std::runtime_error("stopped") {}
};

}  // namespace livedeck::demos
