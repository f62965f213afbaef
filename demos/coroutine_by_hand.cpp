// A coroutine with no event loop: we resume it by hand, and each time it
// suspends it tells us how long it would like to sleep.
#include "runtime/demo.hpp"
#include "runtime/task.hpp"

using namespace std::chrono_literals;

static Task greet(Context& ctx) {
    print(ctx, "  coroutine: Hello...");
    co_await sleep(2s);
    print(ctx, "  coroutine: ...world!");
    co_await sleep(500ms);
    print(ctx, "  coroutine: Goodbye.");
}

void coroutine_by_hand(Context& ctx) {
    Task task = greet(ctx);
    while (!task.done()) {
        step(ctx);
        print(ctx, "resume()");
        if (auto wish = task.resume()) {
            std::string ms = std::to_string(wish->count());
            print(ctx, "suspended: it asks to sleep " + ms + " ms");
        }
    }
    print(ctx, "done: it returned");
}
