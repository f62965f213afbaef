// `livedeck demo NAME`: runs a demo and prints its trace to a terminal as it
// arrives, exactly the lines its output pane shows.
#pragma once

#include <atomic>
#include <ostream>

#include "registry.hpp"
#include "runtime/runner.hpp"

namespace livedeck::demos {

// Runs `demo` and follows its trace onto `out`. Stops the demo when
// `interrupt` becomes true. `color`: mark error lines with ANSI red.
// Returns 0 when the demo finished, 1 when it failed, 130 when interrupted.
int run_in_terminal(const Demo& demo, Params params, std::ostream& out,
                    const std::atomic<bool>& interrupt, bool color);

}  // namespace livedeck::demos
