// A coroutine with no event loop: we drive it by hand with send(None), and
// each time it suspends it hands us what it waits for.
#include "runtime/demo.hpp"
#include "runtime/task.hpp"

// Python's @types.coroutine sleep(): an awaiter. co_await asks it three things.
struct Sleep {
    Context& ctx;
    double seconds;

    bool await_ready() { return false; }  // go on without suspending? never
    void await_suspend(Task::handle coro) {  // suspended: tell the driver
        print(ctx, "sleep: please wait " + number(seconds) + " seconds");
        coro.promise().yielded = seconds;  // what send(None) returns
    }
    void await_resume() {}  // resumed: co_await's value (none)
};

static Task example(Context& ctx, std::string name, double seconds) {
    print(ctx, name + ": started");
    co_await Sleep{ctx, 0};
    print(ctx, name + ": resumed after the first await");
    co_await Sleep{ctx, seconds};
    print(ctx, name + ": resumed after sleeping " + number(seconds) + " s");
}

void coroutine_by_hand(Context& ctx) {
    // The second sleep: the slide's delay, or the original's 5 seconds.
    Task coro = example(ctx, "coro", ctx.params().delay.value_or(5));
    while (!coro.done()) {
        step(ctx);
        print(ctx, "send(None) -> " + repr(coro.send(None)));
    }
}
