// Before async/await: a stackless coroutine whose `yield`
// suspends it until the fetch completes.
#include "runtime/async.hpp"
#include "runtime/demo.hpp"
#include <boost/asio/yield.hpp>

struct Speak : boost::asio::coroutine {
    Context* ctx;
    std::string animal;

    void operator()(std::exception_ptr error = {}, std::string noise = {}) {
        reenter (this) {
            yield async_fetch(*ctx, animal, *this);
            if (error) return ctx->report(error);
            print(*ctx, "The " + animal + " says \"" + noise + "\".");
        }
    }
};

void farm_stackless(Context& ctx) {
    for (const std::string& animal : ctx.animals())
        Speak{{}, &ctx, animal}();
}

#include <boost/asio/unyield.hpp>
