// A coroutine with no event loop: we resume it by hand, and each time it
// suspends it tells us how long it would like to sleep.
#include "runtime/demo.hpp"
#include "runtime/task.hpp"

static Task greet(Context& ctx) {
    print(ctx, "  coroutine: Hello...");
    co_await suspend_for(2.0);
    print(ctx, "  coroutine: ...world!");
    co_await suspend_for(0.5);
    print(ctx, "  coroutine: Goodbye.");
}

void coroutine_by_hand(Context& ctx) {
    Task task = greet(ctx);
    while (!task.done()) {
        step(ctx);
        print(ctx, "resume()");
        if (std::optional<double> seconds = task.resume())
            print(ctx, "suspended: it asks to sleep " + std::to_string(*seconds).substr(0, 3) + " s");
    }
    print(ctx, "done: it returned");
}
