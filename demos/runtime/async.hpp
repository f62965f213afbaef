// The asynchronous side of the talk's vocabulary, for demos that run on the
// event loop (Context::io()): fetch without blocking, sleep on a timer,
// gather several coroutines, and report what escapes them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <source_location>
#include <string>
#include <vector>

#include "farm/async_client.hpp"
#include "runtime/context.hpp"

namespace livedeck::demos {

using boost::asio::awaitable;
using boost::asio::co_spawn;
using boost::asio::use_awaitable;

// GETs the animal's noise from the farm without blocking the loop. Records
// the same trace events as fetch(). Completes with
// void(std::exception_ptr, std::string noise); with use_awaitable the
// exception is thrown from the co_await.
template <typename Token>
auto async_fetch(Context& ctx, std::string animal, Token&& token,
                 std::source_location where = std::source_location::current()) {
    return boost::asio::async_initiate<Token, void(std::exception_ptr, std::string)>(
        [&ctx, where](auto handler, std::string name) {
            const int actor = ctx.trace().actor(name);
            const int line = static_cast<int>(where.line());
            const std::string url = request_url(ctx.params(), name);
            ctx.trace().record(EventKind::RequestStart, actor, url, line);
            auto executor = boost::asio::get_associated_executor(handler, ctx.io().get_executor());
            ctx.farm().async_get(
                url, boost::asio::bind_executor(
                         executor, [&ctx, actor, line, handler = std::move(handler)](
                                       std::exception_ptr error, std::string body) mutable {
                             if (!error) {
                                 ctx.trace().record(EventKind::RequestDone, actor, body, line);
                             } else {
                                 try {
                                     std::rethrow_exception(error);
                                 } catch (const std::exception& e) {
                                     ctx.trace().record(EventKind::RequestFailed, actor, e.what(), line);
                                 }
                             }
                             std::move(handler)(error, std::move(body));
                         }));
        },
        token, std::move(animal));
}

// Waits on the loop's timer; other coroutines run meanwhile. async_sleep(0)
// gives control back to the loop (asyncio.sleep).
awaitable<void> async_sleep(double seconds);

// Time since it was made, on the run's clock, for a demo to print: "1.8 s".
class Stopwatch {
public:
    explicit Stopwatch(Context& ctx) : trace_(ctx.trace()), start_(trace_.now()) {}
    std::string elapsed() const;

private:
    Trace& trace_;
    double start_;
};

// The completion handler for co_spawn: reports an exception that escapes
// the coroutine in the demo's output.
inline auto report(Context& ctx) {
    return [&ctx](std::exception_ptr error) { ctx.report(error); };
}

// Runs the coroutines together and resumes when all have finished
// (asyncio.gather / asyncio.wait). Exceptions are reported, not rethrown.
awaitable<void> gather(Context& ctx, std::vector<awaitable<void>> tasks);

template <typename... More>
awaitable<void> gather(Context& ctx, awaitable<void> first, More... more) {
    std::vector<awaitable<void>> tasks;
    tasks.push_back(std::move(first));
    (tasks.push_back(std::move(more)), ...);
    return gather(ctx, std::move(tasks));
}

}  // namespace livedeck::demos

using livedeck::demos::async_fetch;
using livedeck::demos::awaitable;
using livedeck::demos::co_spawn;
using livedeck::demos::gather;
using livedeck::demos::report;
using livedeck::demos::async_sleep;
using livedeck::demos::Stopwatch;
using livedeck::demos::use_awaitable;
