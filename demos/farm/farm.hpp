// The slow animals API ("farm"): an HTTP server on Boost.Beast that answers
// what each animal says, after a delay.
//
//   GET /animals/          200 "Welcome to the farm!" (at once)
//   GET /animals/<name>    200 text/plain noise, after the delay;
//                          404 "The animal <name> was not found." at once
//   anything else          404; a malformed request 400
//
// An optional query `?delay=S` (0 <= S <= 60, decimal seconds) overrides the
// server's delay for that request, so one farm serves demos with different
// delays. Requests are served concurrently: one slow request never holds up
// another.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livedeck::farm {

struct Animal {
    std::string_view name;
    std::string_view noise;
};

// The twelve animals, in a fixed order (cow first).
const std::vector<Animal>& animals();

// What the server answers to one request. A pure function of the request
// line, so it is tested without sockets.
struct Reply {
    unsigned status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};  // how long to wait before answering
};

// `method` as sent ("GET"), `target` the request target ("/animals/cow?delay=1").
Reply route(std::string_view method, std::string_view target, std::chrono::milliseconds delay);

// The HTTP server. Runs its own io_context on one background thread.
class Server {
public:
    struct Options {
        // A request (head and body) must arrive within this from when the
        // server starts reading it, however slowly its bytes trickle in
        // (slowloris); otherwise its connection is closed.
        std::chrono::milliseconds read_timeout{30'000};
        // An answer must be taken by the client within this.
        std::chrono::milliseconds write_timeout{30'000};
    };

    // Binds address:port (port 0 = ephemeral) and starts serving at once.
    // Throws std::system_error when it cannot bind.
    // (Two constructors, not `Options options = {}`: a nested struct's default
    // member initializers are unusable in a default argument inside its class.)
    Server(const std::string& address, std::uint16_t port, std::chrono::milliseconds delay);
    Server(const std::string& address, std::uint16_t port, std::chrono::milliseconds delay, Options options);
    ~Server();  // stops: closes the acceptor and every session, joins the thread
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const;
    // Base URL of the animals endpoint, e.g. "http://127.0.0.1:41234/animals";
    // the cow is at url() + "/cow".
    std::string url() const;

    // Blocks until stop() is called from another thread or a signal handler.
    void wait();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace livedeck::farm
