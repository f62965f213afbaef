// The cow throws while it holds the lock and never unlocks it:
// everyone else waits for it forever.
#include "runtime/demo.hpp"

static void speak(Context& ctx, Mutex& lock, std::string animal) {
    std::string noise = fetch(ctx, animal);
    lock.lock();
    if (noise.find("Moo") != std::string::npos)
        throw std::runtime_error("Not happy about moo.");
    print(ctx, "The " + animal + " says \"" + noise + "\".");
    lock.unlock();
}

void threads_deadlock(Context& ctx) {
    Mutex lock(ctx, "print lock");
    std::vector<Thread> threads;
    for (const std::string& animal : ctx.animals())
        threads.emplace_back(ctx, animal, [&] { speak(ctx, lock, animal); });
    for (Thread& thread : threads) thread.join();
    lock.lock();
    print(ctx, "Everyone has spoken.");
    lock.unlock();
}
