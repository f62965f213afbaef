// The countdown hands over with co_yield from(), Python's
// `yield from`: a 'fault' sent to it reaches footrace().
#include "runtime/demo.hpp"

static generator<Value, Value> footrace() {
    while (true) {
        auto v = co_yield "On your marks.";
        if (v == "fault") continue;
        v = co_yield "Set.";
        if (v == "fault") continue;
        co_yield "Go!";
        co_return;
    }
}

static generator<Value, Value> countdown(int n) {
    while (n > 0) {
        auto v = co_yield n;
        n = (v ? int(*v) : n) - 1;
    }
    co_yield from(footrace());
}

void delegation_yield_from(Context& ctx) {
    auto c = countdown(3);
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send(2) -> " + repr(c.send(2)));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send('fault') -> " + repr(c.send("fault")));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "next() -> " + repr(c.next()));
}
