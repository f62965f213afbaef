// One animal after another: each request waits for the one before it.
#include "runtime/demo.hpp"

void sequential(Context& ctx) {
    for (const std::string& animal : ctx.animals()) {
        std::string noise = fetch(ctx, animal);
        print(ctx, "The " + animal + " says \"" + noise + "\".");
    }
}
