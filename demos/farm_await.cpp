// async/await: every animal's fetch is awaited at once, on one thread.
#include "runtime/async.hpp"
#include "runtime/demo.hpp"

static awaitable<void> speak(Context& ctx, std::string animal) {
    std::string noise = co_await async_fetch(ctx, animal, use_awaitable);
    print(ctx, "The " + animal + " says \"" + noise + "\".");
}

void farm_await(Context& ctx) {
    for (const std::string& animal : ctx.animals())
        co_spawn(ctx.io(), speak(ctx, animal), report(ctx));
}
