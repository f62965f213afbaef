#include "runtime/generator_loop.hpp"

#include <boost/asio/post.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "runtime/async.hpp"

namespace livedeck::demos {

namespace {

using Coroutine = generator<Request, std::string>;

// Runs the coroutine to its next request (next() the first time, then
// send(noise)) and starts that request's fetch, whose completion steps it
// again. The coroutine lives as long as a fetch or a queued step holds it.
void advance(Context& ctx, std::shared_ptr<Coroutine> coroutine, std::optional<std::string> noise) {
    std::optional<Request> wish;
    try {
        wish = noise ? coroutine->send(std::move(*noise)) : coroutine->next();
    } catch (...) {
        ctx.report(std::current_exception());
        return;
    }
    if (!wish) return;  // it finished
    async_fetch(
        ctx, std::move(wish->animal),
        [&ctx, coroutine](std::exception_ptr error, std::string body) {
            if (error) return ctx.report(error);
            advance(ctx, coroutine, std::move(body));
        },
        wish->where);
}

}  // namespace

generator<Request, std::string, std::string> request(std::string animal, std::source_location where) {
    Request wish{std::move(animal), where};
    std::optional<std::string> noise = co_yield wish;
    if (!noise) throw std::logic_error("request(): resumed without the noise (next() instead of send())");
    co_return std::move(*noise);
}

void ensure_future(Context& ctx, Coroutine coroutine) {
    auto shared = std::make_shared<Coroutine>(std::move(coroutine));
    boost::asio::post(ctx.io(), [&ctx, shared] { advance(ctx, shared, std::nullopt); });
}

}  // namespace livedeck::demos
