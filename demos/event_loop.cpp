// One thread, many coroutines: while one waits, the loop runs another.
// Lines print at once: the lesson is timing, not typing.
#include "runtime/async.hpp"
#include "runtime/demo.hpp"

static awaitable<void> count(Context& ctx, std::string name, int n,
                             double seconds) {
    Stopwatch watch(ctx);
    for (int i = 1; i <= n; ++i) {
        print_now(ctx, name + " " + std::to_string(i));
        co_await async_sleep(seconds);  // 0: lets the others take a turn
    }
    print_now(ctx, name + " done after " + watch.elapsed());
}

static awaitable<void> session(Context& ctx) {
    print_now(ctx, "# run until complete");
    co_await count(ctx, "solo", 2, 0.5);
    print_now(ctx, "# gather: run several together");
    co_await gather(ctx, count(ctx, "tick", 3, 0.6),
                         count(ctx, "tock", 2, 1.0));
    print_now(ctx, "# async_sleep(0) gives control back");
    co_await gather(ctx, count(ctx, "ping", 2, 0),
                         count(ctx, "pong", 2, 0));
}

void event_loop(Context& ctx) {
    co_spawn(ctx.io(), session(ctx), report(ctx));
}
