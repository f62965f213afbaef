// The farm's HTTP server: Beast sessions as Asio coroutines on one thread.
// A connection that opens with the HTTP/2 preface, or whose first request
// asks to upgrade to h2c, goes on in HTTP/2 (h2.cpp).
//
// Shutdown runs in stages: stop() asks the io thread to close the acceptor
// and every open connection (which also cancels each pending delay), waits a
// bounded time for the coroutines to finish, then stops the io_context.
#include "farm/farm.hpp"
#include "farm/exchange.hpp"
#include "farm/h2.hpp"

// GCC 12 mistakes Asio's recycling allocator for awaitable frames for a
// new/delete mismatch (chriskohlhoff/asio#1391 and friends); it is not one.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <poll.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>

namespace livedeck::farm {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto shutdown_grace = std::chrono::milliseconds(100);

void log_exception(std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::cerr << "farm: " << e.what() << '\n';
    }
}

constexpr auto peer_check_interval = std::chrono::milliseconds(500);

// Whether the client closed or reset its end. Never blocks. Asks poll()
// rather than peeking at the data: a byte the client sent after its request
// (unread while the request waits) would hide a reset or a close behind it.
bool peer_closed(tcp::socket& socket) {
    pollfd p{socket.native_handle(), POLLRDHUP, 0};
    if (::poll(&p, 1, 0) < 0) return false;
    return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

// One open connection: what stop() must close.
struct Connection {
    explicit Connection(tcp::socket socket)
        : stream(std::move(socket)), delay(stream.get_executor()) {}

    void close() {
        if (http2) http2->close();
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        delay.cancel();
    }

    beast::tcp_stream stream;
    net::steady_timer delay;
    h2::Connection* http2 = nullptr;  // while the connection speaks HTTP/2
};

}  // namespace

struct Server::Impl {
    Impl(const std::string& address, std::uint16_t port, std::chrono::milliseconds delay_, Options options_)
        : delay(delay_), options(options_) {
        beast::error_code ec;
        auto ip = net::ip::make_address(address, ec);
        if (ec) throw std::system_error(ec, "farm: bad address '" + address + "'");
        tcp::endpoint wanted{ip, port};
        auto where = "farm: cannot listen on " + address + ":" + std::to_string(port);
        acceptor.open(wanted.protocol(), ec);
        if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(wanted, ec);
        if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
        if (!ec) endpoint = acceptor.local_endpoint(ec);
        if (ec) throw std::system_error(ec, where);

        net::co_spawn(ioc, listen(), log_exception);
        thread = std::thread([this] { run(); });
    }

    void run() {
        for (;;) {
            try {
                ioc.run();
                break;
            } catch (const std::exception& e) {
                std::cerr << "farm: " << e.what() << '\n';
            }
        }
        std::lock_guard lock(mutex);
        finished = true;
        changed.notify_all();
    }

    void stop() {
        std::call_once(stop_once, [this] {
            net::post(ioc, [this] { close_all(); });
            std::unique_lock lock(mutex);
            if (!changed.wait_for(lock, shutdown_grace, [this] { return finished; })) ioc.stop();
            lock.unlock();
            thread.join();
            lock.lock();
            stopped = true;
            changed.notify_all();
        });
    }

    void wait() {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] { return stopped; });
    }

    // On the io thread only.
    void close_all() {
        stopping = true;
        beast::error_code ignored;
        acceptor.close(ignored);
        accept_backoff.cancel();
        for (auto* connection : connections) connection->close();
    }

    net::awaitable<void> listen() {
        for (;;) {
            beast::error_code ec;
            auto socket = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
            if (stopping || ec == net::error::operation_aborted) co_return;
            if (ec) {
                // Out of descriptors (EMFILE) and the like: retrying at once
                // spins a core and floods the log. Back off (up to 1 s), say
                // it at most once a second, and let sessions end meanwhile.
                const auto now = std::chrono::steady_clock::now();
                ++failed_accepts;
                if (now - last_accept_log >= std::chrono::seconds(1)) {
                    std::cerr << "farm: accept: " << ec.message() << " (" << failed_accepts
                              << (failed_accepts == 1 ? " time" : " times") << "; retrying)\n";
                    last_accept_log = now;
                    failed_accepts = 0;
                }
                accept_backoff.expires_after(backoff);
                co_await accept_backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
                if (stopping) co_return;
                backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(1));
                continue;
            }
            backoff = std::chrono::milliseconds(10);
            net::co_spawn(ioc, session(std::move(socket)), log_exception);
        }
    }

    net::awaitable<void> session(tcp::socket socket) {
        if (stopping) co_return;
        Connection connection{std::move(socket)};
        auto registered = connections.insert(connections.end(), &connection);
        struct Unregister {
            std::list<Connection*>& list;
            std::list<Connection*>::iterator it;
            ~Unregister() { list.erase(it); }
        } unregister{connections, registered};

        beast::flat_buffer buffer;
        // HTTP/2 (h2c, prior knowledge) or HTTP/1.1: the first bytes tell,
        // and stay in the buffer for whichever reads on.
        connection.stream.expires_after(options.read_timeout);
        for (;;) {
            const auto opening = h2::classify({static_cast<const char*>(buffer.data().data()), buffer.size()});
            if (opening == h2::Opening::http1) break;
            if (opening == h2::Opening::http2) {
                co_await serve_http2(connection, buffer, nullptr);
                co_return;
            }
            beast::error_code ec;
            const std::size_t n = co_await connection.stream.async_read_some(
                buffer.prepare(h2::preface.size()), net::redirect_error(net::use_awaitable, ec));
            if (ec || stopping) co_return;  // closed, reset or silent: nothing to answer
            buffer.commit(n);
        }
        for (;;) {
            exchange::RequestParser parser;
            exchange::limit(parser);
            connection.stream.expires_after(options.read_timeout);
            beast::error_code ec;
            co_await http::async_read(connection.stream, buffer, parser,
                                      net::redirect_error(net::use_awaitable, ec));
            const auto next = exchange::after_read(ec);
            if (next == exchange::Next::close) break;
            if (next == exchange::Next::drop) co_return;
            if (next == exchange::Next::bad_request) {
                auto res = exchange::bad_request(ec);
                connection.stream.expires_after(options.write_timeout);
                co_await http::async_write(connection.stream, res,
                                           net::redirect_error(net::use_awaitable, ec));
                break;
            }

            // (A farm holding all the HTTP/2 requests it takes answers this one in HTTP/1.1.)
            if (auto up = h2_budget.open < h2_budget.max ? h2::wants_upgrade(parser.get()) : std::nullopt) {
                static constexpr std::string_view switching =
                    "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
                connection.stream.expires_after(options.write_timeout);
                co_await net::async_write(connection.stream, net::buffer(switching),
                                          net::redirect_error(net::use_awaitable, ec));
                if (ec) co_return;
                co_await serve_http2(connection, buffer, &*up);
                co_return;
            }
            auto [res, wait] = exchange::answer(parser.get(), delay);
            // The delay, in slices: a client that hung up meanwhile frees its
            // socket now, not after the whole delay (an attacker holding no
            // sockets could otherwise pin ours with `?delay=20`).
            for (auto left = wait; left.count() > 0;) {
                const auto slice = std::min<std::chrono::milliseconds>(left, peer_check_interval);
                connection.delay.expires_after(slice);
                co_await connection.delay.async_wait(net::redirect_error(net::use_awaitable, ec));
                if (ec || stopping) co_return;
                left -= slice;
                if (left.count() > 0 && peer_closed(connection.stream.socket())) co_return;
            }

            connection.stream.expires_after(options.write_timeout);
            co_await http::async_write(connection.stream, res,
                                       net::redirect_error(net::use_awaitable, ec));
            if (ec) co_return;
            if (!res.keep_alive()) break;
        }
        beast::error_code ignored;
        connection.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    // The rest of a connection, in HTTP/2 (farm/h2.hpp); stop() reaches it
    // through connection.http2.
    net::awaitable<void> serve_http2(Connection& connection, beast::flat_buffer& received,
                                     const h2::Upgrade* upgrade) {
        h2::Limits limits;
        limits.idle_timeout = options.read_timeout;
        limits.write_timeout = options.write_timeout;
        h2::Connection http2(connection.stream.release_socket(), delay, limits, h2_budget);
        connection.http2 = &http2;
        co_await http2.run(received, upgrade);
        connection.http2 = nullptr;
    }

    // Destroyed after ioc, whose destructor may still destroy session frames.
    std::list<Connection*> connections;
    bool stopping = false;  // io thread only
    h2::Budget h2_budget;   // io thread only

    net::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    net::steady_timer accept_backoff{ioc};  // after a failed accept; io thread only
    std::chrono::milliseconds backoff{10};
    std::chrono::steady_clock::time_point last_accept_log{};
    long failed_accepts = 0;
    tcp::endpoint endpoint;
    std::chrono::milliseconds delay;
    Options options;

    std::mutex mutex;
    std::condition_variable changed;
    bool finished = false;  // the io thread has returned
    bool stopped = false;   // stop() has completed
    std::once_flag stop_once;
    std::thread thread;
};

Server::Server(const std::string& address, std::uint16_t port, std::chrono::milliseconds delay)
    : Server(address, port, delay, Options{}) {}

Server::Server(const std::string& address, std::uint16_t port, std::chrono::milliseconds delay, Options options)
    : impl_(std::make_unique<Impl>(address, port, delay, options)) {}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->endpoint.port(); }

std::string Server::url() const {
    auto ip = impl_->endpoint.address();
    auto host = ip.is_v6() ? "[" + ip.to_string() + "]" : ip.to_string();
    return "http://" + host + ":" + std::to_string(port()) + "/animals";
}

void Server::wait() { impl_->wait(); }

void Server::stop() { impl_->stop(); }

}  // namespace livedeck::farm
