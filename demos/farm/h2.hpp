// The farm over HTTP/2 without TLS ("h2c" with prior knowledge, RFC 9113
// §3.3), on nghttp2. A connection that opens with the HTTP/2 preface is
// served here; any other stays HTTP/1.1 (server.cpp), on the same port.
//
// Why: one HTTP/1.1 connection carries one waiting request, so ten thousand
// animals are ten thousand connections, twice the descriptors when the farm
// runs in the demo's process, and most of the CPU goes to the kernel's
// connects, accepts and closes. HTTP/2 carries a thousand requests on one.
//
// The answers are route()'s (farm.hpp), as over HTTP/1.1: same status,
// body, delay and `?delay=`.
#pragma once
#include "farm/exchange.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace livedeck::farm::h2 {

// The first bytes a client sends on every HTTP/2 connection.
inline constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// Whether `start` (a connection's first bytes) is, or may yet become, the preface.
enum class Opening { http2, http1, undecided };
Opening classify(std::string_view start);

// An HTTP/1.1 request that asks to go on in HTTP/2 (`Upgrade: h2c`, RFC
// 7540 §3.2): it becomes the connection's stream 1.
struct Upgrade {
    std::string settings;  // the client's SETTINGS payload, decoded
    std::string method;
    std::string path;
};
// `http2_settings`: the header's value, nullopt when the request has none.
// Nothing when the request does not ask for h2c, or asks with settings
// nghttp2 would refuse (then it is answered in HTTP/1.1).
std::optional<Upgrade> wants_upgrade(std::string_view upgrade, std::optional<std::string_view> http2_settings,
                                     std::string_view method, std::string_view target);
// The same, read from a request's fields (Upgrade, HTTP2-Settings).
std::optional<Upgrade> wants_upgrade(const exchange::Request& request);

struct Limits {
    std::uint32_t max_streams = 1000;                  // at once, per connection (SETTINGS)
    std::chrono::milliseconds idle_timeout{30'000};    // no request open and nothing read
    std::chrono::milliseconds write_timeout{30'000};   // an answer must be taken within this
};

// Open requests over every HTTP/2 connection of one server: a cap on what
// many connections may hold at once, whatever each one's own limit.
struct Budget {
    long open = 0;
    long max = 100'000;
};

class Session;

// Serves one HTTP/2 connection. `received` holds its first bytes (read
// while telling the protocol). close() ends it from the server's thread
// (stop); run() completes when the connection has ended either way.
class Connection {
public:
    Connection(boost::asio::ip::tcp::socket socket, std::chrono::milliseconds delay, Limits limits, Budget& budget);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    boost::asio::awaitable<void> run(boost::beast::flat_buffer& received, const Upgrade* upgrade = nullptr);
    void close();

private:
    std::shared_ptr<Session> session_;
};

}  // namespace livedeck::farm::h2
