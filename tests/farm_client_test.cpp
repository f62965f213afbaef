// farm::get: readable failures, timeouts, and prompt cancellation.
#include "farm/client.hpp"
#include "farm/farm.hpp"
#include "runtime/stopped.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stop_token>
#include <string>

namespace {

using namespace std::chrono_literals;
using livedeck::demos::Stopped;
using livedeck::farm::FetchError;
using livedeck::farm::Server;
using livedeck::farm::get;
using Clock = std::chrono::steady_clock;

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// The message of the FetchError that `fetch` throws.
template <typename F>
std::string fetch_error(F fetch) {
    try {
        fetch();
    } catch (const FetchError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected FetchError";
    return {};
}

TEST(FarmClient, ConnectionRefusedIsReadable) {
    net::io_context ioc;
    tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
    auto port = probe.local_endpoint().port();
    probe.close();

    auto url = "http://127.0.0.1:" + std::to_string(port) + "/animals/cow";
    auto start = Clock::now();
    auto message = fetch_error([&] { get(url, 5s); });
    EXPECT_LT(since(start), 2s);
    EXPECT_EQ(message, "GET " + url + ": Couldn't connect to server");
}

TEST(FarmClient, ErrorStatusCarriesTheBody) {
    Server server("127.0.0.1", 0, 0ms);
    auto message = fetch_error([&] { get(server.url() + "/yak", 5s); });
    EXPECT_EQ(message, "GET " + server.url() + "/yak: 404 The animal yak was not found.");

    auto bad = fetch_error([&] { get(server.url() + "/cow?delay=soon", 5s); });
    EXPECT_NE(bad.find(": 400 The delay must be"), std::string::npos) << bad;
}

TEST(FarmClient, TimeoutShorterThanTheDelay) {
    Server server("127.0.0.1", 0, 5s);
    auto start = Clock::now();
    auto message = fetch_error([&] { get(server.url() + "/cow", 300ms); });
    auto took = since(start);
    EXPECT_EQ(message, "GET " + server.url() + "/cow: timed out after 0.3 s");
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 1500ms);
}

TEST(FarmClient, StopDuringSlowFarmRequestThrowsStopped) {
    Server server("127.0.0.1", 0, 5s);
    std::stop_source stop;
    auto request = std::async(std::launch::async, [&] { return get(server.url() + "/cow", 10s, stop.get_token()); });
    // Whenever the stop lands (connecting, waiting for the farm), the
    // answer is Stopped within a few milliseconds, never the 5 s noise.
    ASSERT_EQ(livedeck::farm::get(server.url() + "/", 5s), "Welcome to the farm!");
    auto start = Clock::now();
    stop.request_stop();
    ASSERT_EQ(request.wait_for(2s), std::future_status::ready);
    EXPECT_LT(since(start), 200ms);
    EXPECT_THROW(request.get(), Stopped);
}

TEST(FarmClient, StopWhileServerHoldsTheRequestThrowsStopped) {
    // A listener that reads the request and never answers: when it has read
    // the request, the client is certainly waiting.
    net::io_context ioc;
    tcp::acceptor listener(ioc, {net::ip::make_address("127.0.0.1"), 0});
    auto url = "http://127.0.0.1:" + std::to_string(listener.local_endpoint().port()) + "/animals/cow";

    std::stop_source stop;
    auto request = std::async(std::launch::async, [&] { return get(url, 10s, stop.get_token()); });
    auto socket = listener.accept();
    std::string head;
    net::read_until(socket, net::dynamic_buffer(head), "\r\n\r\n");
    EXPECT_TRUE(head.starts_with("GET /animals/cow HTTP/1.1\r\n")) << head;

    auto start = Clock::now();
    stop.request_stop();
    ASSERT_EQ(request.wait_for(2s), std::future_status::ready);
    EXPECT_LT(since(start), 200ms);
    EXPECT_THROW(request.get(), Stopped);
}

// A hostile farm on loopback: reads the request, sends `reply`, closes.
std::string fetch_from_hostile_farm(const std::string& reply) {
    net::io_context ioc;
    tcp::acceptor listener(ioc, {net::ip::make_address("127.0.0.1"), 0});
    auto url = "http://127.0.0.1:" + std::to_string(listener.local_endpoint().port()) + "/animals/cow";
    auto request = std::async(std::launch::async, [&] { return get(url, 10s, {}); });
    auto socket = listener.accept();
    std::string head;
    net::read_until(socket, net::dynamic_buffer(head), "\r\n\r\n");
    boost::system::error_code ignored;
    net::write(socket, net::buffer(reply), ignored);  // the client may hang up first
    socket.close();
    EXPECT_EQ(request.wait_for(5s), std::future_status::ready);
    try {
        return "ok: " + request.get();
    } catch (const FetchError& e) {
        return std::string("error: ") + e.what();
    }
}

TEST(FarmClient, AHugeReplyIsRefusedNotTaken) {
    const std::string body(1 << 20, 'M');
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    const std::string result = fetch_from_hostile_farm(reply);
    EXPECT_NE(result.find("error: "), std::string::npos) << result.substr(0, 200);
    EXPECT_NE(result.find("larger than 64 KB"), std::string::npos) << result.substr(0, 200);
}

TEST(FarmClient, EscapeSequencesNeverReachTheTerminal) {
    const std::string body = "Moo\x1b[2J\x1b]0;pwned\x07!\xc2\x9b";
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    const std::string result = fetch_from_hostile_farm(reply);
    EXPECT_EQ(result, "ok: Moo\\x1B[2J\\x1B]0;pwned\\x07!\\x9B");
}

TEST(FarmClient, GarbageIsNamedAsSuch) {
    const std::string result = fetch_from_hostile_farm("SSH-2.0-OpenSSH_9.2\r\n\x01\x02\x03garbage\r\n\r\n");
    EXPECT_NE(result.find("not a valid HTTP response"), std::string::npos) << result;
}

TEST(FarmClient, AlreadyStoppedThrowsAtOnce) {
    std::stop_source stop;
    stop.request_stop();
    EXPECT_THROW(get("http://127.0.0.1:1/animals/cow", 5s, stop.get_token()), Stopped);
}

}  // namespace
