#include "runtime/async.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/asio/redirect_error.hpp>

#include <cstdio>

namespace livedeck::demos {

awaitable<void> async_sleep(double seconds) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(seconds)));
    co_await timer.async_wait(use_awaitable);
}

std::string Stopwatch::elapsed() const {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", trace_.now() - start_);
    return text;
}

awaitable<void> gather(Context& ctx, std::vector<awaitable<void>> tasks) {
    auto executor = co_await boost::asio::this_coro::executor;
    // A timer that never expires on its own serves as the "all done" event:
    // the last task to finish cancels it.
    auto all_done = std::make_shared<boost::asio::steady_timer>(executor, boost::asio::steady_timer::time_point::max());
    auto remaining = std::make_shared<std::size_t>(tasks.size());
    for (awaitable<void>& task : tasks)
        co_spawn(executor, std::move(task), [&ctx, all_done, remaining](std::exception_ptr error) {
            ctx.report(error);
            if (--*remaining == 0) all_done->cancel();
        });
    if (*remaining == 0) co_return;
    boost::system::error_code ec;  // operation_aborted: what we wait for
    co_await all_done->async_wait(boost::asio::redirect_error(use_awaitable, ec));
}

}  // namespace livedeck::demos
