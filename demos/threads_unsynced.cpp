// One thread per animal and no lock:
// the animated lines trample each other.
#include "runtime/demo.hpp"

static void speak(Context& ctx, std::string animal) {
    std::string noise = fetch(ctx, animal);
    print(ctx, "The " + animal + " says \"" + noise + "\".");
}

void threads_unsynced(Context& ctx) {
    std::vector<Thread> threads;
    for (const std::string& animal : ctx.animals())
        threads.emplace_back(ctx, animal, [&] { speak(ctx, animal); });
    for (Thread& thread : threads) thread.join();
}
