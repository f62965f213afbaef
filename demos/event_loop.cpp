// One thread, many coroutines: while one waits, the loop runs another.
#include "runtime/async.hpp"
#include "runtime/demo.hpp"

static awaitable<void> count(Context& ctx, std::string name, int n,
                             double seconds) {
    for (int i = 1; i <= n; ++i) {
        print(ctx, name + " " + std::to_string(i));
        co_await async_sleep(seconds);
    }
}

static awaitable<void> take_turns(Context& ctx, std::string name) {
    for (int i = 1; i <= 3; ++i) {
        print(ctx, name + " " + std::to_string(i));
        co_await async_sleep(0);  // gives control back to the loop
    }
}

static awaitable<void> session(Context& ctx) {
    print(ctx, "# run until complete");
    co_await count(ctx, "solo", 2, 0.5);
    print(ctx, "# run several together");
    co_await gather(ctx, count(ctx, "tick", 3, 0.6),
                         count(ctx, "tock", 2, 1.0));
    print(ctx, "# async_sleep(0) gives control back");
    co_await gather(ctx, take_turns(ctx, "ping"), take_turns(ctx, "pong"));
}

void event_loop(Context& ctx) {
    co_spawn(ctx.io(), session(ctx), report(ctx));
}
