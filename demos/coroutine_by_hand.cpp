// No event loop: we drive the coroutine by hand with
// send(None), and each suspension hands us what it waits for.
#include "runtime/demo.hpp"
#include "runtime/task.hpp"

// Python's @types.coroutine sleep(), as an awaiter:
// co_await asks it await_ready, await_suspend, await_resume.
struct Sleep {
    Context& ctx;
    double seconds;
    bool await_ready() { return false; }  // suspend? always
    void await_suspend(Task::handle coro) {
        print(ctx, "Please wait " + number(seconds) + " seconds");
        coro.promise().yielded = seconds;  // for send(None)
    }
    void await_resume() {}  // co_await's value: none
};

static Task example(Context& ctx, double seconds) {
    print(ctx, "example: started");
    co_await Sleep{ctx, 0};
    print(ctx, "example: resumed after the first await");
    co_await Sleep{ctx, seconds};
    print(ctx, "example: resumed after the second");
}

void coroutine_by_hand(Context& ctx) {
    Task coro = example(ctx, ctx.params().delay.value_or(5));
    while (!coro.done()) {
        step(ctx);
        print(ctx, "send(None) -> " + repr(coro.send(None)));
    }
}
