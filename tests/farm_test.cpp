// The farm: route() without sockets, then a real Server on loopback.
#include "farm/client.hpp"
#include "farm/farm.hpp"
#include "farm_support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using livedeck::farm::FetchError;
using livedeck::farm::Server;
using livedeck::farm::animals;
using livedeck::farm::route;
using livedeck::test::RawConnection;
using livedeck::test::open_fds;
using livedeck::test::since;
using Clock = std::chrono::steady_clock;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr auto delay = 300ms;

// ---- route() -------------------------------------------------------------

TEST(FarmRoute, TwelveAnimalsCowFirst) {
    ASSERT_EQ(animals().size(), 12u);
    EXPECT_EQ(animals().front().name, "cow");
    EXPECT_EQ(animals().back().noise, "Cock-a-Doodle-Doo!");
}

TEST(FarmRoute, EveryAnimalAnswersItsNoiseAfterTheDelay) {
    for (const auto& animal : animals()) {
        auto reply = route("GET", "/animals/" + std::string(animal.name), delay);
        EXPECT_EQ(reply.status, 200u) << animal.name;
        EXPECT_EQ(reply.body, animal.noise);
        EXPECT_EQ(reply.delay, delay) << animal.name;
    }
}

TEST(FarmRoute, WelcomeAtOnce) {
    for (auto target : {"/animals/", "/animals/?delay=5"}) {
        auto reply = route("GET", target, delay);
        EXPECT_EQ(reply.status, 200u) << target;
        EXPECT_EQ(reply.body, "Welcome to the farm!");
        EXPECT_EQ(reply.delay, 0ms);
    }
}

TEST(FarmRoute, AnimalsWithoutTheSlashIsAnotherPath) {
    EXPECT_EQ(route("GET", "/animals", delay).status, 404u);
    EXPECT_EQ(route("GET", "/animalsx/cow", delay).status, 404u);
}

TEST(FarmRoute, UnknownAnimalIs404AtOnce) {
    auto reply = route("GET", "/animals/yak", delay);
    EXPECT_EQ(reply.status, 404u);
    EXPECT_EQ(reply.body, "The animal yak was not found.");
    EXPECT_EQ(reply.delay, 0ms);

    EXPECT_EQ(route("GET", "/animals/Cow", delay).status, 404u);
    EXPECT_EQ(route("GET", "/animals/cow/", delay).status, 404u);
}

TEST(FarmRoute, OddNamesStayReadable) {
    auto reply = route("GET", "/animals/a\0b\r\n\xff<x>"s, delay);
    EXPECT_EQ(reply.status, 404u);
    EXPECT_EQ(reply.body, "The animal a?b??" "?<x> was not found.");

    auto longer = route("GET", "/animals/" + std::string(1000, 'z'), delay);
    EXPECT_EQ(longer.status, 404u);
    EXPECT_LT(longer.body.size(), 120u);
    EXPECT_NE(longer.body.find("..."), std::string::npos);
}

TEST(FarmRoute, OtherPathsAre404) {
    for (auto target : {"/", "", "/animal", "/animalsx", "/farm/cow", "*", "/animals%2Fcow"}) {
        EXPECT_EQ(route("GET", target, delay).status, 404u) << target;
    }
}

TEST(FarmRoute, HeadIsAnsweredLikeGet) {
    EXPECT_EQ(route("HEAD", "/animals/cow", delay).status, 200u);
    EXPECT_EQ(route("HEAD", "/animals/cow", delay).delay, delay);
    EXPECT_EQ(route("HEAD", "/animals/unicorn", delay).status, 404u);
}

TEST(FarmRoute, OtherMethodsOnAnimalsAre405) {
    EXPECT_EQ(route("POST", "/animals/cow", delay).status, 405u);
    EXPECT_EQ(route("DELETE", "/animals/", delay).status, 405u);
    EXPECT_EQ(route("POST", "/elsewhere", delay).status, 404u);
}

TEST(FarmRoute, DelayQueryOverridesTheDelay) {
    EXPECT_EQ(route("GET", "/animals/cow?delay=1.5", delay).delay, 1500ms);
    EXPECT_EQ(route("GET", "/animals/cow?delay=0", delay).delay, 0ms);
    EXPECT_EQ(route("GET", "/animals/cow?delay=.25", delay).delay, 250ms);
    EXPECT_EQ(route("GET", "/animals/cow?delay=60", delay).delay, 60000ms);
    EXPECT_EQ(route("GET", "/animals/cow?x=1&delay=2&y", delay).delay, 2000ms);
    EXPECT_EQ(route("GET", "/animals/cow?x=1", delay).delay, delay);
    EXPECT_EQ(route("GET", "/animals/cow?delay=2", delay).body, "Moo!");
}

TEST(FarmRoute, BadDelayIs400) {
    for (auto value : {"", "-1", "60.5", "61", "abc", "1e1", "nan", "inf", "1.2.3", "1s", " 1"}) {
        auto reply = route("GET", std::string("/animals/cow?delay=") + value, delay);
        EXPECT_EQ(reply.status, 400u) << value;
        EXPECT_EQ(reply.delay, 0ms) << value;
        EXPECT_FALSE(reply.body.empty());
    }
    EXPECT_EQ(route("GET", "/animals/cow?delay", delay).status, 400u);
}

// ---- Server over the wire -----------------------------------------------

TEST(FarmServer, ServesAnimalsOverHttp) {
    Server server("127.0.0.1", 0, delay);
    EXPECT_NE(server.port(), 0);
    EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/animals");

    auto start = Clock::now();
    EXPECT_EQ(livedeck::farm::get(server.url() + "/cow", 5s), "Moo!");
    EXPECT_GE(since(start), delay);
    EXPECT_EQ(livedeck::farm::get(server.url() + "/", 5s), "Welcome to the farm!");
    EXPECT_EQ(livedeck::farm::get(server.url() + "/rooster?delay=0", 5s), "Cock-a-Doodle-Doo!");
}

TEST(FarmServer, UnknownAnimalIs404OverTheWire) {
    Server server("127.0.0.1", 0, delay);
    try {
        livedeck::farm::get(server.url() + "/yak", 5s);
        FAIL() << "expected FetchError";
    } catch (const FetchError& e) {
        EXPECT_EQ(std::string(e.what()), "GET " + server.url() + "/yak: 404 The animal yak was not found.");
    }
}

TEST(FarmServer, HeadersAndKeepAlive) {
    Server server("127.0.0.1", 0, delay);
    RawConnection conn(server.port());
    conn.send("GET /animals/dog?delay=0 HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /animals/cat?delay=0 HTTP/1.1\r\nHost: x\r\n\r\n");
    auto dog = conn.receive();
    EXPECT_EQ(dog.result_int(), 200u);
    EXPECT_EQ(dog.body(), "Woof!");
    EXPECT_EQ(dog[http::field::server], "livedeck-farm");
    EXPECT_EQ(dog[http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_TRUE(dog.keep_alive());
    auto cat = conn.receive();
    EXPECT_EQ(cat.body(), "Meow!");

    conn.send("POST /animals/cat HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    auto post = conn.receive();
    EXPECT_EQ(post.result_int(), 405u);
    EXPECT_EQ(post[http::field::allow], "GET, HEAD");
}

TEST(FarmServer, MalformedRequestIs400AndServerKeepsServing) {
    Server server("127.0.0.1", 0, delay);
    for (auto garbage : {"GARBAGE\r\n\r\n", "GET /animals/cow HTTP/9\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
                         "GET /animals/cow HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"}) {
        RawConnection conn(server.port());
        conn.send(garbage);
        auto res = conn.receive();
        EXPECT_EQ(res.result_int(), 400u) << garbage;
        EXPECT_FALSE(res.keep_alive());
        EXPECT_EQ(res[http::field::server], "livedeck-farm");
    }
    EXPECT_EQ(livedeck::farm::get(server.url() + "/pig?delay=0", 5s), "Oink!");
}

TEST(FarmServer, ConcurrentRequestsOverlap) {
    constexpr auto slow = 500ms;
    Server server("127.0.0.1", 0, slow);
    std::array<std::future<std::chrono::milliseconds>, 10> requests;
    auto start = Clock::now();
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto url = server.url() + "/" + std::string(animals()[i].name);
        auto noise = std::string(animals()[i].noise);
        requests[i] = std::async(std::launch::async, [url, noise] {
            auto begun = Clock::now();
            EXPECT_EQ(livedeck::farm::get(url, 10s), noise);
            return since(begun);
        });
    }
    for (auto& request : requests) EXPECT_GE(request.get(), slow);
    EXPECT_LT(since(start), 2 * slow);
}

TEST(FarmServer, StopIsPromptWhileRequestsWait) {
    auto server = std::make_unique<Server>("127.0.0.1", 0, delay);
    std::vector<std::unique_ptr<RawConnection>> pending;
    for (int i = 0; i < 3; ++i) {
        pending.push_back(std::make_unique<RawConnection>(server->port()));
        pending.back()->send("GET /animals/cow?delay=30 HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    // The slow requests went out first; once a later connection has been
    // answered, the server has read them (and the checks below hold anyway).
    RawConnection probe(server->port());
    probe.send("GET /animals/ HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(probe.receive().body(), "Welcome to the farm!");

    auto start = Clock::now();
    server.reset();
    EXPECT_LT(since(start), 300ms);

    for (auto& conn : pending) {
        beast::error_code ec;
        http::response<http::string_body> res;
        http::read(conn->socket, conn->buffer, res, ec);
        EXPECT_TRUE(ec) << "a request cancelled by stop() got an answer";
    }
}

TEST(FarmServer, StopIsIdempotentAndEndsWait) {
    Server server("127.0.0.1", 0, delay);
    auto waiter = std::async(std::launch::async, [&] { server.wait(); });
    std::thread stopper([&] { server.stop(); });
    server.stop();
    stopper.join();
    EXPECT_EQ(waiter.wait_for(5s), std::future_status::ready);
    server.stop();
    server.wait();
}

TEST(FarmServer, BindFailureThrowsSystemError) {
    Server first("127.0.0.1", 0, delay);
    try {
        Server second("127.0.0.1", first.port(), delay);
        FAIL() << "expected std::system_error";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(Server("not-an-address", 0, delay), std::system_error);
}

}  // namespace

TEST(FarmServer, AClientThatHangsUpDuringTheDelayFreesItsSocket) {
    Server server("127.0.0.1", 0, 0ms);
    const std::size_t baseline = open_fds();
    {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::socket client(ioc);
        client.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
        boost::asio::write(client, boost::asio::buffer("GET /animals/cow?delay=20 HTTP/1.1\r\nHost: x\r\n\r\n"s));
        // The server holds the request (and its socket) for its delay...
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (open_fds() < baseline + 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
        ASSERT_GE(open_fds(), baseline + 2) << "client and server sockets";
    }  // ...until the client hangs up.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (open_fds() > baseline && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(open_fds(), baseline) << "the server's socket was not freed long before the 20 s delay";
}
