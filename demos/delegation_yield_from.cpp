// Delegating with co_yield from(): Python's `yield from`. What is sent to
// race() is passed on to footrace(), so a 'fault' starts the race over.
#include "runtime/demo.hpp"

static generator<std::string, std::string> footrace() {
    while (true) {
        auto v = co_yield "On your marks.";
        if (v == "fault") continue;
        v = co_yield "Get set.";
        if (v == "fault") continue;
        co_yield "Go!";
        co_return;
    }
}

static generator<std::string, std::string> race() {
    co_yield from(footrace());
}

void delegation_yield_from(Context& ctx) {
    auto r = race();
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "send('fault') -> " + repr(r.send("fault")));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
}
