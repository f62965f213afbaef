// Fetch at the same time, but take turns at the terminal:
// a lock around the print.
#include "runtime/demo.hpp"

static void speak(Context& ctx, Mutex& lock, std::string animal) {
    std::string noise = fetch(ctx, animal);
    lock.lock();
    print(ctx, "The " + animal + " says \"" + noise + "\".");
    lock.unlock();
}

void threads_lock(Context& ctx) {
    Mutex lock(ctx, "print lock");
    std::vector<Thread> threads;
    for (const std::string& animal : ctx.animals())
        threads.emplace_back(ctx, animal, [&] { speak(ctx, lock, animal); });
    for (Thread& thread : threads) thread.join();
}
