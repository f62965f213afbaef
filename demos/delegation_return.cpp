// co_return hands a value back to the delegating generator: the value of
// `co_yield from(...)`, like Python's `faults = yield from footrace()`.
#include "runtime/demo.hpp"

static generator<std::string, std::string, int> footrace() {
    int faults = 0;
    while (true) {
        auto v = co_yield "On your marks.";
        if (v == "fault") { faults += 1; continue; }
        v = co_yield "Get set.";
        if (v == "fault") { faults += 1; continue; }
        co_yield "Go!";
        co_return faults;
    }
}

static generator<std::string, std::string> race(Context& ctx) {
    int faults = co_yield from(footrace());
    print(ctx, "Race started after " + std::to_string(faults) + " faults.");
}

void delegation_return(Context& ctx) {
    auto r = race(ctx);
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "send('fault') -> " + repr(r.send("fault")));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "send('fault') -> " + repr(r.send("fault")));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
}
