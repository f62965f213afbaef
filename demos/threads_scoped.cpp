// std::scoped_lock is Python's `with lock:`: the lock is released
// even when we throw.
#include "runtime/demo.hpp"

static void speak(Context& ctx, Mutex& lock, std::string animal) {
    std::string noise = fetch(ctx, animal);
    std::scoped_lock guard(lock);
    if (noise.find("Moo") != std::string::npos)
        throw std::runtime_error("Not happy about moo.");
    print(ctx, "The " + animal + " says \"" + noise + "\".");
}

void threads_scoped(Context& ctx) {
    Mutex lock(ctx, "print lock");
    std::vector<Thread> threads;
    for (const std::string& animal : ctx.animals())
        threads.emplace_back(ctx, animal, [&] { speak(ctx, lock, animal); });
    for (Thread& thread : threads) thread.join();
}
