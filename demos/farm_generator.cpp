// Before async/await, a generator was the coroutine: it
// yields what it waits for; the loop sends the answer back.
#include "runtime/demo.hpp"
#include "runtime/generator_loop.hpp"

static generator<Request, std::string>
speak(Context& ctx, std::string animal) {
    std::string noise = co_yield from(request(animal));
    print(ctx, "The " + animal + " says \"" + noise + "\".");
}

void farm_generator(Context& ctx) {
    for (const std::string& animal : ctx.animals())
        ensure_future(ctx, speak(ctx, animal));
}
