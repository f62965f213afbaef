// send(): the value sent becomes the value of the suspended co_yield.
// After next() it is empty, like Python's None.
#include "runtime/demo.hpp"

static generator<int, int> countdown(int n) {
    while (n > 0) {
        std::optional<int> v = co_yield n;
        n = (v ? *v : n) - 1;
    }
}

static generator<std::string, std::string> footrace() {
    while (true) {
        if (auto v = co_yield "On your marks."; v == "fault") continue;
        if (auto v = co_yield "Set."; v == "fault") continue;
        co_yield "Go!";
        co_return;
    }
}

void generator_send(Context& ctx) {
    auto c = countdown(5);
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send(10) -> " + repr(c.send(10)));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "send(2) -> " + repr(c.send(2)));
    print(ctx, "next() -> " + repr(c.next()));
    print(ctx, "");

    auto f = footrace();
    print(ctx, "next() -> " + repr(f.next()));
    print(ctx, "next() -> " + repr(f.next()));
    print(ctx, "send('fault') -> " + repr(f.send("fault")));
    print(ctx, "next() -> " + repr(f.next()));
    print(ctx, "next() -> " + repr(f.next()));
    print(ctx, "next() -> " + repr(f.next()));
}
