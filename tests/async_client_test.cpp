// farm::AsyncClient: one io_context, a real farm on loopback, every kind of
// completion token, readable failures, prompt cancellation, and many
// requests at once on one thread.
#include "farm/async_client.hpp"
#include "farm/client.hpp"
#include "farm/farm.hpp"
#include "runtime/stopped.hpp"
#include "test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using livedeck::demos::Stopped;
using livedeck::farm::AsyncClient;
using livedeck::farm::FetchError;
using livedeck::farm::Server;
using Clock = std::chrono::steady_clock;

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// What one request completed with, and when.
struct Result {
    std::exception_ptr error;
    std::string body;
    Clock::time_point done;
    int calls = 0;

    // The message of the FetchError it failed with, or "" (with a failure).
    std::string fetch_error() const {
        try {
            if (error) std::rethrow_exception(error);
        } catch (const FetchError& e) {
            return e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "expected FetchError, got " << e.what();
            return {};
        }
        ADD_FAILURE() << "expected FetchError, got the body " << body;
        return {};
    }

    bool stopped() const {
        try {
            if (error) std::rethrow_exception(error);
        } catch (const Stopped&) {
            return true;
        } catch (...) {
        }
        return false;
    }
};

// A callback handler that records into `result`.
auto record(Result& result) {
    return [&result](std::exception_ptr error, std::string body) {
        ++result.calls;
        result.error = error;
        result.body = std::move(body);
        result.done = Clock::now();
    };
}

std::string noise_of(const std::string& name) {
    for (const auto& animal : livedeck::farm::animals())
        if (animal.name == name) return std::string(animal.noise);
    ADD_FAILURE() << "no animal " << name;
    return {};
}

// A loopback port that nothing listens on.
std::uint16_t refusing_port() {
    net::io_context ioc;
    tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
    auto port = probe.local_endpoint().port();
    probe.close();
    return port;
}

TEST(AsyncClient, CallbackGetsTheNoise) {
    Server server("127.0.0.1", 0, 0ms);
    net::io_context io;
    AsyncClient client(io);
    Result result;
    client.async_get(server.url() + "/cow", record(result));
    EXPECT_EQ(client.pending(), 1u);
    EXPECT_EQ(result.calls, 0) << "the handler must not run inside async_get";
    io.run();
    EXPECT_EQ(result.calls, 1);
    EXPECT_FALSE(result.error);
    EXPECT_EQ(result.body, noise_of("cow"));
    EXPECT_EQ(client.pending(), 0u);
}

TEST(AsyncClient, AwaitableGetsTheNoise) {
    Server server("127.0.0.1", 0, 0ms);
    net::io_context io;
    AsyncClient client(io);
    std::vector<std::string> noises;
    std::exception_ptr failure;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            noises.push_back(co_await client.async_get(server.url() + "/cow", net::use_awaitable));
            noises.push_back(co_await client.async_get(server.url() + "/dog", net::use_awaitable));
            try {
                co_await client.async_get(server.url() + "/yak", net::use_awaitable);
            } catch (const FetchError& e) {
                noises.push_back(e.what());
            }
        },
        [&](std::exception_ptr e) { failure = e; });
    io.run();
    EXPECT_FALSE(failure);
    ASSERT_EQ(noises.size(), 3u);
    EXPECT_EQ(noises[0], noise_of("cow"));
    EXPECT_EQ(noises[1], noise_of("dog"));
    EXPECT_EQ(noises[2], "GET " + server.url() + "/yak: 404 The animal yak was not found.");
}

#include <boost/asio/yield.hpp>

// A stackless coroutine: the handler is the coroutine object itself.
struct FetchTwo : net::coroutine {
    AsyncClient* client;
    std::string base;
    std::vector<std::string>* noises;

    void operator()(std::exception_ptr error = {}, std::string body = {}) {
        reenter(this) {
            yield client->async_get(base + "/cat", std::move(*this));
            if (error) return;
            noises->push_back(std::move(body));
            yield client->async_get(base + "/duck", std::move(*this));
            if (error) return;
            noises->push_back(std::move(body));
        }
    }
};

#include <boost/asio/unyield.hpp>

TEST(AsyncClient, StacklessCoroutineGetsTheNoise) {
    Server server("127.0.0.1", 0, 0ms);
    net::io_context io;
    AsyncClient client(io);
    std::vector<std::string> noises;
    FetchTwo{{}, &client, server.url(), &noises}();
    io.run();
    ASSERT_EQ(noises.size(), 2u);
    EXPECT_EQ(noises[0], noise_of("cat"));
    EXPECT_EQ(noises[1], noise_of("duck"));
}

TEST(AsyncClient, ErrorStatusCarriesTheBody) {
    Server server("127.0.0.1", 0, 0ms);
    net::io_context io;
    AsyncClient client(io);
    Result missing, bad;
    client.async_get(server.url() + "/yak", record(missing));
    client.async_get(server.url() + "/cow?delay=soon", record(bad));
    io.run();
    EXPECT_EQ(missing.fetch_error(), "GET " + server.url() + "/yak: 404 The animal yak was not found.");
    auto message = bad.fetch_error();
    EXPECT_NE(message.find(": 400 The delay must be"), std::string::npos) << message;
}

TEST(AsyncClient, ConnectionRefusedIsReadable) {
    net::io_context io;
    AsyncClient client(io);
    auto url = "http://127.0.0.1:" + std::to_string(refusing_port()) + "/animals/cow";
    Result result;
    auto start = Clock::now();
    client.async_get(url, record(result));
    io.run();
    EXPECT_LT(result.done - start, 2s);
    EXPECT_EQ(result.fetch_error(), "GET " + url + ": Couldn't connect to server");
}

TEST(AsyncClient, TimeoutShorterThanTheDelay) {
    Server server("127.0.0.1", 0, 5s);
    net::io_context io;
    AsyncClient client(io, {.timeout = 300ms});
    Result result;
    auto start = Clock::now();
    client.async_get(server.url() + "/cow", record(result));
    io.run();
    auto took = result.done - start;
    EXPECT_EQ(result.fetch_error(), "GET " + server.url() + "/cow: timed out after 0.3 s");
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 1500ms);
}

TEST(AsyncClient, CancelDuringSlowRequestCompletesWithStoppedPromptly) {
    Server server("127.0.0.1", 0, 5s);
    net::io_context io;
    AsyncClient client(io);
    Result slow, slower;
    client.async_get(server.url() + "/cow", record(slow));
    client.async_get(server.url() + "/pig?delay=8", record(slower));

    // Cancel once both are surely waiting on the farm.
    Clock::time_point cancelled;
    std::size_t pending_before = 0, pending_after = 0;
    net::steady_timer later(io, 300ms);
    later.async_wait([&](boost::system::error_code) {
        pending_before = client.pending();
        cancelled = Clock::now();
        client.cancel();
        pending_after = client.pending();
        EXPECT_EQ(slow.calls, 0) << "the handler must not run inside cancel()";
    });
    io.run();
    EXPECT_EQ(pending_before, 2u);
    EXPECT_EQ(pending_after, 0u);
    EXPECT_EQ(slow.calls, 1);
    EXPECT_EQ(slower.calls, 1);
    EXPECT_TRUE(slow.stopped());
    EXPECT_TRUE(slower.stopped());
    EXPECT_LT(slow.done - cancelled, 200ms);
    EXPECT_LT(slower.done - cancelled, 200ms);
    std::printf("cancel -> Stopped in %.3f ms\n",
                std::chrono::duration<double, std::milli>(std::max(slow.done, slower.done) - cancelled).count());

    // The client stays usable.
    Result again;
    client.async_get(server.url() + "/cow?delay=0", record(again));
    io.restart();
    io.run();
    EXPECT_FALSE(again.error);
    EXPECT_EQ(again.body, noise_of("cow"));
}

TEST(AsyncClient, DestructionCompletesPendingWithStopped) {
    Server server("127.0.0.1", 0, 5s);
    net::io_context io;
    Result result;
    std::optional<AsyncClient> client(std::in_place, io);
    client->async_get(server.url() + "/cow", record(result));
    net::steady_timer later(io, 200ms);
    later.async_wait([&](boost::system::error_code) { client.reset(); });
    auto start = Clock::now();
    io.run();
    EXPECT_EQ(result.calls, 1);
    EXPECT_TRUE(result.stopped());
    EXPECT_LT(since(start), 1s);
}

TEST(AsyncClient, ThreeConcurrentRequestsOverlap) {
    constexpr auto delay = 500ms;
    Server server("127.0.0.1", 0, delay);
    net::io_context io;
    AsyncClient client(io);
    Result results[3];
    const char* names[3] = {"cow", "horse", "sheep"};
    auto start = Clock::now();
    for (int i = 0; i < 3; ++i) client.async_get(server.url() + "/" + names[i], record(results[i]));
    io.run();
    auto total = since(start);
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(results[i].error);
        EXPECT_EQ(results[i].body, noise_of(names[i]));
        EXPECT_GE(results[i].done - start, delay) << names[i];
    }
    EXPECT_LT(total, 2 * delay);
}

TEST(AsyncClient, AThousandConcurrentRequestsOnOneThread) {
    constexpr int count = 1000;
    Server server("127.0.0.1", 0, 1s);
    net::io_context io;
    AsyncClient client(io);
    std::vector<Result> results(count);
    auto start = Clock::now();
    for (auto& result : results) client.async_get(server.url() + "/cow", record(result));
    EXPECT_EQ(client.pending(), static_cast<std::size_t>(count));
    io.run();
    auto total = since(start);
    int ok = 0;
    for (const auto& result : results) {
        EXPECT_EQ(result.calls, 1);
        if (!result.error && result.body == noise_of("cow")) ++ok;
        EXPECT_GE(result.done - start, 1s);
    }
    EXPECT_EQ(ok, count);
    EXPECT_LT(total, 2s * livedeck::test::sanitizer_slowdown);
    RecordProperty("milliseconds", static_cast<int>(total.count()));
    std::printf("%d concurrent GETs at 1 s delay: %lld ms\n", count, static_cast<long long>(total.count()));
}

TEST(AsyncClient, FreshConnectionsWork) {
    constexpr int count = 200;
    Server server("127.0.0.1", 0, 200ms);
    net::io_context io;
    AsyncClient client(io, {.fresh_connections = true});
    std::vector<Result> results(count);
    for (auto& result : results) client.async_get(server.url() + "/dog", record(result));
    io.run();
    for (const auto& result : results) {
        EXPECT_FALSE(result.error);
        EXPECT_EQ(result.body, noise_of("dog"));
    }
}

TEST(AsyncClient, BeyondMaxInFlightRequestsQueueAndTheirTimeoutStartsWhenTheyLeaveIt) {
    constexpr int count = 20, in_flight = 4;
    constexpr auto delay = 300ms;
    Server server("127.0.0.1", 0, delay);
    net::io_context io;
    // Five waves of 300 ms take over 1.5 s: beyond the 1.1 s timeout, which
    // each request must only count from when it leaves the queue (the 800 ms
    // over its own delay are for a loaded machine: a sanitizer build in CI).
    AsyncClient client(io, {.timeout = 1100ms, .fresh_connections = true, .max_in_flight = in_flight});
    std::vector<Result> results(count);
    const auto start = Clock::now();
    for (auto& result : results) client.async_get(server.url() + "/pig", record(result));
    EXPECT_EQ(client.pending(), static_cast<std::size_t>(count));
    io.run();
    const auto total = since(start);
    for (const auto& result : results) {
        EXPECT_EQ(result.calls, 1);
        EXPECT_FALSE(result.error) << result.fetch_error();
        EXPECT_EQ(result.body, noise_of("pig"));
    }
    // Never more than four at once: five waves at least.
    EXPECT_GE(total, (count / in_flight) * delay);
    EXPECT_EQ(client.pending(), 0u);
}

TEST(AsyncClient, CancelCompletesQueuedRequestsWithStoppedToo) {
    Server server("127.0.0.1", 0, 5s);
    net::io_context io;
    AsyncClient client(io, {.max_in_flight = 2});
    std::vector<Result> results(10);
    for (auto& result : results) client.async_get(server.url() + "/cow", record(result));
    net::steady_timer later(io, 200ms);
    later.async_wait([&](boost::system::error_code) { client.cancel(); });
    const auto start = Clock::now();
    io.run();
    for (const auto& result : results) {
        EXPECT_EQ(result.calls, 1);
        EXPECT_TRUE(result.stopped());
    }
    EXPECT_LT(since(start), 5s);  // not one of them waited for the farm
    EXPECT_EQ(client.pending(), 0u);
}

// Lowers the soft open-files limit for its lifetime.
class FileLimit {
public:
    explicit FileLimit(rlim_t soft) {
        getrlimit(RLIMIT_NOFILE, &saved_);
        auto lowered = saved_;
        lowered.rlim_cur = soft;
        ok_ = setrlimit(RLIMIT_NOFILE, &lowered) == 0;
    }
    ~FileLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
    FileLimit(const FileLimit&) = delete;
    FileLimit& operator=(const FileLimit&) = delete;
    bool ok() const { return ok_; }

private:
    rlimit saved_{};
    bool ok_ = false;
};

rlim_t open_files() {
    rlim_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

TEST(AsyncClient, RunningOutOfFileDescriptorsFailsThoseRequestsOnly) {
    constexpr int count = 40;
    Server server("127.0.0.1", 0, 300ms);
    net::io_context io;
    AsyncClient client(io);
    std::vector<Result> results(count);
    {
        // Room for a few sockets only; the farm accepts on its own thread
        // and is given no fds to spare either, so aim at a refusing port.
        auto url = "http://127.0.0.1:" + std::to_string(refusing_port()) + "/animals/cow";
        FileLimit limit(open_files() + 5);
        ASSERT_TRUE(limit.ok());
        for (auto& result : results) client.async_get(url, record(result));
        io.run();
    }
    int exhausted = 0;
    for (const auto& result : results) {
        EXPECT_EQ(result.calls, 1);
        auto message = result.fetch_error();
        if (message.find("cannot open a socket: Too many open files") != std::string::npos) ++exhausted;
        else EXPECT_NE(message.find("Couldn't connect to server"), std::string::npos) << message;
    }
    EXPECT_GT(exhausted, 0);

    // With the limit back, the same client works.
    Result again;
    client.async_get(server.url() + "/cow", record(again));
    io.restart();
    io.run();
    EXPECT_FALSE(again.error);
    EXPECT_EQ(again.body, noise_of("cow"));
}


// Over HTTP/2, each connection carries max_streams requests at once: 2,500
// requests take three connections (one probe opens each), and still all wait
// out the same delay together.
TEST(AsyncClient, Http2CarriesThousandsOfRequestsOnAFewConnections) {
    constexpr int count = 2500;
    constexpr auto delay = 500ms;
    Server server("127.0.0.1", 0, delay);
    net::io_context io;
    AsyncClient client(io, {.http2 = true, .max_streams = 1000});
    std::vector<Result> results(count);
    const char* names[3] = {"cow", "pig", "duck"};
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) client.async_get(server.url() + "/" + names[i % 3], record(results[i]));
    io.run();
    const auto total = since(start);
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        EXPECT_EQ(results[i].calls, 1);
        if (!results[i].error && results[i].body == noise_of(names[i % 3])) ++ok;
        else if (results[i].error) ADD_FAILURE() << results[i].fetch_error();
        EXPECT_GE(results[i].done - start, delay);
    }
    EXPECT_EQ(ok, count);
    EXPECT_EQ(client.connections(), 3u);
    EXPECT_LT(total, 3 * delay * livedeck::test::sanitizer_slowdown);
}

// A server that will not upgrade (here: one that answers every request in
// HTTP/1.1, once per connection) gets the requests in HTTP/1.1.
TEST(AsyncClient, Http2FallsBackToHttp11WhenTheServerWillNotUpgrade) {
    net::io_context server_io;
    tcp::acceptor listener(server_io, {net::ip::make_address("127.0.0.1"), 0});
    const std::string base = "http://127.0.0.1:" + std::to_string(listener.local_endpoint().port()) + "/animals";
    constexpr int requests = 3;
    std::thread server([&] {
        for (int i = 0; i < requests + 1; ++i) {  // the probe, then each request
            boost::system::error_code ec;
            auto socket = listener.accept(ec);
            if (ec) return;  // shut down below: the client made fewer connections
            std::string head;
            net::read_until(socket, net::dynamic_buffer(head), "\r\n\r\n", ec);
            const std::string body = head.starts_with("GET /animals/ ") ? "Welcome to the farm!" : "Moo!";
            const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                                      "\r\nConnection: close\r\n\r\n" + body;
            net::write(socket, net::buffer(reply), ec);
        }
    });
    net::io_context io;
    AsyncClient client(io, {.timeout = 5s, .http2 = true});
    Result results[requests];
    for (auto& result : results) client.async_get(base + "/cow", record(result));
    io.run();
    ::shutdown(listener.native_handle(), SHUT_RDWR);  // wakes a blocked accept()
    server.join();
    for (const auto& result : results) {
        EXPECT_FALSE(result.error) << result.fetch_error();
        EXPECT_EQ(result.body, "Moo!");
    }
    EXPECT_EQ(client.connections(), static_cast<std::size_t>(requests + 1));
}

}  // namespace
