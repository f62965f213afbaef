#include "registry.hpp"

#include <algorithm>

#include "embedded.hpp"

std::span<const livedeck::EmbeddedFile> demo_sources();

// The demos, defined at global scope in their own files (demos/*.cpp).
using livedeck::demos::Context;
void sequential(Context&);
void threads_unsynced(Context&);
void threads_lock(Context&);
void threads_deadlock(Context&);
void threads_scoped(Context&);
void iterator_countdown(Context&);
void generator_countdown(Context&);
void generator_send(Context&);
void delegation_wrong(Context&);
void delegation_yield_from(Context&);
void delegation_return(Context&);
void coroutine_by_hand(Context&);
void event_loop(Context&);
void farm_generator(Context&);
void farm_stackless(Context&);
void farm_await(Context&);

namespace livedeck::demos {

namespace {

constexpr Demo demos[] = {
    {"sequential", "Three blocking fetches, one after another", "sequential.cpp", ::sequential},
    {"threads-unsynced", "A thread per animal, no lock: the lines interleave", "threads_unsynced.cpp", ::threads_unsynced},
    {"threads-lock", "A lock around the print: intact lines, one delay", "threads_lock.cpp", ::threads_lock},
    {"threads-deadlock", "The cow throws while holding the lock: deadlock", "threads_deadlock.cpp", ::threads_deadlock},
    {"threads-scoped", "std::scoped_lock releases the lock when the cow throws", "threads_scoped.cpp", ::threads_scoped},
    {"iterator-countdown", "A countdown by hand: the iteration protocol", "iterator_countdown.cpp", ::iterator_countdown},
    {"generator-countdown", "The same countdown as a generator (co_yield)", "generator_countdown.cpp", ::generator_countdown},
    {"generator-send", "send() restarts a countdown and faults a race", "generator_send.cpp", ::generator_send},
    {"delegation-wrong", "The countdown delegates with a loop, which swallows send()", "delegation_wrong.cpp", ::delegation_wrong},
    {"delegation-yield-from", "The countdown delegates with co_yield from(): yield from", "delegation_yield_from.cpp", ::delegation_yield_from},
    {"delegation-return", "co_return hands the fault count back to the countdown", "delegation_return.cpp", ::delegation_return},
    {"coroutine-by-hand", "A coroutine driven by hand with send(None), no event loop", "coroutine_by_hand.cpp", ::coroutine_by_hand},
    {"event-loop", "An io_context runs coroutines that sleep on timers", "event_loop.cpp", ::event_loop},
    {"farm-generator", "All animals at once: a generator as the coroutine (yield from)", "farm_generator.cpp", ::farm_generator},
    {"farm-stackless", "All animals at once: a stackless coroutine (yield)", "farm_stackless.cpp", ::farm_stackless},
    {"farm-await", "All animals at once: co_await on one event loop", "farm_await.cpp", ::farm_await},
};

}  // namespace

std::string_view Demo::source() const {
    for (const EmbeddedFile& f : demo_sources())
        if (f.name == file) return f.contents;
    return {};
}

std::span<const Demo> all_demos() { return demos; }

const Demo* find_demo(std::string_view name) {
    auto it = std::find_if(std::begin(demos), std::end(demos),
                           [&](const Demo& d) { return d.name == name; });
    return it == std::end(demos) ? nullptr : &*it;
}

}  // namespace livedeck::demos
