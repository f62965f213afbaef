// Delegating with a plain loop: the loop drives footrace() with next(),
// so a 'fault' sent to race() never reaches it. The race goes on.
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
    for (std::string s : footrace())
        co_yield s;  // what is sent here is dropped
}

void delegation_wrong(Context& ctx) {
    auto r = race();
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "send('fault') -> " + repr(r.send("fault")));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
    print(ctx, "next() -> " + repr(r.next()));
}
