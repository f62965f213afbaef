// Asynchronous HTTP GET for the farm: libcurl's multi interface driven by a
// boost::asio::io_context, in the manner of curl's docs/examples/multi-uv.c.
//
// async_get is an Asio asynchronous operation, so any completion token works:
//
//   farm::AsyncClient client(io);
//   client.async_get(url, [](std::exception_ptr error, std::string body) { ... });
//   std::string noise = co_await client.async_get(url, boost::asio::use_awaitable);
//
// and a stackless boost::asio::coroutine yields on it like on any socket read.
// Thousands of requests run at once on the one thread that runs the io_context.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <utility>

namespace livedeck::farm {

namespace detail {

// A completion handler of signature void(std::exception_ptr, std::string)
// with its type erased, so the curl machinery lives in async_client.cpp.
class GetHandler {
public:
    virtual ~GetHandler() = default;
    // Hands the result to the handler through its associated executor; never
    // calls it from inside complete(). Call at most once.
    virtual void complete(std::exception_ptr error, std::string body) = 0;
};

// An executor that counts as outstanding work for as long as it lives, so
// io_context::run() does not return while a request is pending.
template <typename Executor>
auto track_work(const Executor& ex) {
    if constexpr (boost::asio::execution::is_executor<Executor>::value)
        return boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked);
    else
        return boost::asio::make_work_guard(ex);
}

template <typename Handler, typename IoExecutor>
class GetHandlerFor final : public GetHandler {
public:
    GetHandlerFor(Handler handler, const IoExecutor& io)
        : handler_(std::move(handler)),
          executor_(boost::asio::get_associated_executor(handler_, io)),
          io_work_(track_work(io)),
          handler_work_(track_work(executor_)) {}

    void complete(std::exception_ptr error, std::string body) override {
        boost::asio::post(executor_, [handler = std::move(handler_), error, body = std::move(body)]() mutable {
            std::move(handler)(error, std::move(body));
        });
    }

private:
    using HandlerExecutor = boost::asio::associated_executor_t<Handler, IoExecutor>;
    Handler handler_;
    HandlerExecutor executor_;
    decltype(track_work(std::declval<const IoExecutor&>())) io_work_;
    decltype(track_work(std::declval<const HandlerExecutor&>())) handler_work_;
};

}  // namespace detail

// Many concurrent GETs on one io_context. Use an AsyncClient only from the
// thread that runs its io_context, and destroy it before the io_context.
class AsyncClient {
public:
    struct Options {
        // For the whole request: connecting, waiting for the farm, reading.
        std::chrono::milliseconds timeout{10'000};
        // A new connection for every request, closed after it (no reuse).
        // Reuse bookkeeping dominates at ten thousand concurrent requests.
        bool fresh_connections = false;
        // HTTP/2 without TLS (the farm's h2c, h2.hpp), upgraded from
        // HTTP/1.1: up to max_streams requests share one connection. A
        // server that does not upgrade is spoken to in HTTP/1.1.
        bool http2 = false;
        long max_streams = 1000;  // requests per connection
        // At most this many requests in flight (0: no limit). The others
        // wait in a queue, in order, and their timeout starts when they
        // leave it; with fresh_connections this caps the open sockets.
        long max_in_flight = 0;
        // The same over HTTP/2, where descriptors no longer bound it: each
        // request in flight holds about 12 KB (8.5 KB of it curl's), so this
        // bounds memory.
        long max_in_flight_http2 = 10'000;
    };

    using executor_type = boost::asio::io_context::executor_type;

    // (Two constructors, not `Options options = {}`: a nested struct's default
    // member initializers are unusable in a default argument inside its class.)
    explicit AsyncClient(boost::asio::io_context& io);
    AsyncClient(boost::asio::io_context& io, Options options);
    // Cancels every pending request (its handler gets Stopped) and frees
    // every curl handle.
    ~AsyncClient();
    AsyncClient(const AsyncClient&) = delete;
    AsyncClient& operator=(const AsyncClient&) = delete;

    executor_type get_executor() const { return io_.get_executor(); }

    // Starts a GET of `url`; completes with void(std::exception_ptr, std::string body):
    //   - a null exception_ptr and the body of a 200 answer;
    //   - farm::FetchError (farm/client.hpp) when the farm is down, answers
    //     another status (the message carries the body) or is slower than
    //     Options::timeout; the messages read as farm::get's do;
    //   - livedeck::demos::Stopped after cancel() or destruction.
    // The handler is never called from inside async_get or cancel(); it runs
    // through its associated executor (by default the io_context's).
    template <typename Token>
    auto async_get(std::string url, Token&& token) {
        return boost::asio::async_initiate<Token, void(std::exception_ptr, std::string)>(
            [this](auto handler, std::string target) {
                using Handler = decltype(handler);
                start(std::move(target),
                      std::make_unique<detail::GetHandlerFor<Handler, executor_type>>(std::move(handler),
                                                                                       io_.get_executor()));
            },
            token, std::move(url));
    }

    // Completes every pending request with Stopped, at once. The client stays
    // usable.
    void cancel();

    // Requests started and not yet completed, queued ones included.
    std::size_t pending() const;

    // Connections opened so far (a bench figure, and a test's).
    std::size_t connections() const;

private:
    struct Impl;

    void start(std::string url, std::unique_ptr<detail::GetHandler> handler);

    boost::asio::io_context& io_;
    std::shared_ptr<Impl> impl_;  // shared only with weak_ptrs in queued handlers
};

}  // namespace livedeck::farm
