// footrace()'s co_return value is the value of co_yield from(),
// like Python's `faults = yield from footrace()`.
#include "runtime/demo.hpp"

static generator<Value, Value, int> footrace() {
    int faults = 0;
    while (true) {
        auto v = co_yield "On your marks.";
        if (v == "fault") { faults += 1; continue; }
        v = co_yield "Set.";
        if (v == "fault") { faults += 1; continue; }
        co_yield "Go!";
        co_return faults;
    }
}

static generator<Value, Value> countdown(int n) {
    while (n > 0) {
        auto v = co_yield n;
        n = (v ? int(*v) : n) - 1;
    }
    int faults = co_yield from(footrace());
    co_yield "Race started after " + std::to_string(faults) + " faults.";
}

void delegation_return(Context& ctx) {
    auto c = countdown(3);
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send(2) -> " + repr(c.send(2)));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send('fault') -> " + repr(c.send("fault")));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send('fault') -> " + repr(c.send("fault")));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "next() -> " + repr(c.next()));
}
