// The same countdown as a generator: co_yield hands out a value and
// suspends; the loop resumes it for the next one. No iterator class.
#include "runtime/demo.hpp"

static generator<int> countdown(int n) {
    while (n > 0) {
        co_yield n;
        n -= 1;
    }
}

void generator_countdown(Context& ctx) {
    for (int n : countdown(5))
        print(ctx, std::to_string(n));
}
