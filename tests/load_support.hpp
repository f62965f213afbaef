// What the load and fault tests of the farm (tests/farm_load_test.cpp) are
// built from: measures of a process, a swarm of raw connections, a timed
// probe, `livedeck farm` as a child process, and a fake, hostile farm.
//
// Sections:
//   1. Measuring: resident memory, heap in use, open descriptors, polling
//   2. A swarm: many raw non-blocking connections on one epoll loop
//   3. The probe: a well-formed request by the real client, timed
//   4. `livedeck farm` as a child process, with a low open-files limit
//   5. A fake farm with hostile replies
#pragma once

#include "farm/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// GCC 12 mistakes Asio's recycling allocator for awaitable frames for a
// new/delete mismatch (as in demos/farm/server.cpp); it is not one.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace livedeck::test::load {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// ---- 1. Measuring ----------------------------------------------------------

inline long page_kb() { return ::sysconf(_SC_PAGESIZE) / 1024; }

// Resident set of a process ("self" or a pid) in KB, from /proc/PID/statm.
inline long rss_kb(const std::string& pid = "self") {
    std::ifstream statm("/proc/" + pid + "/statm");
    long size = 0, resident = -1;
    statm >> size >> resident;
    return resident < 0 ? -1 : resident * page_kb();
}

// This process's memory once the allocator has handed back what it holds
// free, in KB (see tests/farm_load_test.cpp on what it tells).
struct Memory {
    long rss = 0;   // resident set
    long heap = 0;  // heap in use
};

inline Memory memory() {
    ::malloc_trim(0);
    const auto info = ::mallinfo2();
    return {rss_kb(), static_cast<long>((info.uordblks + info.hblkhd) / 1024)};
}

// The peak resident set since the last reset_peak_rss() (VmHWM).
inline void reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

inline long peak_rss_kb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
    return -1;
}

inline std::size_t open_fds(const std::string& pid = "self") {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/" + pid + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

// Raises the soft open-files limit to the hard one; returns it.
inline rlim_t raise_open_files_limit() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

// Polls `done` every 10 ms until it holds or `limit` passes; returns it.
inline bool eventually(const std::function<bool()>& done, milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() >= deadline) return done();
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// ---- 2. A swarm of raw connections -------------------------------------------

// Many non-blocking loopback connections driven by one epoll loop on the
// test's thread: no curl, no Asio, nothing between the test and the kernel.
class Swarm {
public:
    static constexpr std::size_t max_in = 4096;  // of each reply, kept

    struct Peer {
        int fd = -1;
        std::string out;  // bytes still to send
        std::string in;   // what came back (the first max_in bytes)
        bool sent = false;    // `out` has been sent in full at least once
        bool closed = false;  // by the farm (end of stream, reset) or by us
        int error = 0;        // errno, when it ended in an error
        Clock::time_point opened, closed_at;
    };

    explicit Swarm(std::uint16_t port) : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
        address_.sin_family = AF_INET;
        address_.sin_port = htons(port);
        address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    ~Swarm() {
        close_all();
        if (epoll_ >= 0) ::close(epoll_);
    }
    Swarm(const Swarm&) = delete;
    Swarm& operator=(const Swarm&) = delete;

    bool ok() const { return epoll_ >= 0; }

    // Opens `n` more connections; each sends `request` as soon as it connects.
    // Returns false if a socket could not be made (out of descriptors).
    bool open(std::size_t n, const std::string& request) {
        peers_.reserve(peers_.size() + n);
        for (std::size_t k = 0; k < n; ++k) {
            Peer peer;
            peer.opened = Clock::now();
            peer.out = request;
            peer.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (peer.fd < 0) return false;
            const std::size_t i = peers_.size();
            peers_.push_back(std::move(peer));
            epoll_event event{};
            event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
            event.data.u64 = i;
            if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, peers_[i].fd, &event) != 0) return false;
            if (::connect(peers_[i].fd, reinterpret_cast<const sockaddr*>(&address_), sizeof address_) != 0 &&
                errno != EINPROGRESS)
                end(i, errno);
        }
        return true;
    }

    // Queues more bytes on connection i (sent as the socket takes them).
    void send(std::size_t i, std::string_view bytes) {
        if (peers_[i].closed) return;
        peers_[i].out += bytes;
        flush(i);
    }

    // Closes connection i with a reset (SO_LINGER 0) instead of a FIN.
    void reset(std::size_t i) {
        Peer& peer = peers_[i];
        if (peer.closed) return;
        const linger abort{1, 0};
        ::setsockopt(peer.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        end(i, 0);
    }

    void close_all() {
        for (std::size_t i = 0; i < peers_.size(); ++i) end(i, 0);
    }

    // Runs the loop until `done()` holds or `deadline` passes; returns done().
    bool run(Clock::time_point deadline, const std::function<bool()>& done = [] { return false; }) {
        std::array<epoll_event, 256> events;
        while (!done()) {
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) return done();
            const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(std::min<long long>(left, 100)));
            for (int k = 0; k < n; ++k) {
                const std::size_t i = events[k].data.u64;
                if (peers_[i].closed) continue;
                if (events[k].events & EPOLLOUT) flush(i);
                if (!peers_[i].closed && (events[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) drain(i);
            }
        }
        return true;
    }

    std::size_t size() const { return peers_.size(); }
    const Peer& operator[](std::size_t i) const { return peers_[i]; }
    std::size_t sent() const { return sent_; }
    std::size_t closed() const { return closed_; }

private:
    void flush(std::size_t i) {
        Peer& peer = peers_[i];
        while (!peer.out.empty()) {
            const ssize_t n = ::send(peer.fd, peer.out.data(), peer.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN) return;  // not yet connected
                if (errno == EINTR) continue;
                end(i, errno);
                return;
            }
            peer.out.erase(0, static_cast<std::size_t>(n));
        }
        if (!peer.sent) {
            peer.sent = true;
            ++sent_;
        }
    }

    void drain(std::size_t i) {
        Peer& peer = peers_[i];
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(peer.fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                peer.in.append(buffer, std::min(static_cast<std::size_t>(n), max_in - peer.in.size()));
                continue;
            }
            if (n == 0) return end(i, 0);
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            return end(i, errno);
        }
    }

    void end(std::size_t i, int error) {
        Peer& peer = peers_[i];
        if (peer.closed) return;
        peer.closed = true;
        peer.error = error;
        peer.closed_at = Clock::now();
        if (peer.fd >= 0) ::close(peer.fd);  // also leaves the epoll set
        peer.fd = -1;
        ++closed_;
    }

    int epoll_;
    sockaddr_in address_{};
    std::vector<Peer> peers_;
    std::size_t sent_ = 0;
    std::size_t closed_ = 0;
};

inline bool answered_ok(const std::string& reply, std::string_view noise) {
    return reply.starts_with("HTTP/1.1 200 OK\r\n") && reply.ends_with(noise);
}

// ---- 3. The probe -----------------------------------------------------------

// A well-formed GET by the real blocking client (farm::get) on a thread of
// its own, timed from when it starts.
class Probe {
public:
    struct Answer {
        std::string body;   // the noise, or "error: ..." / "no answer"
        milliseconds took{};
    };

    Probe(std::string url, milliseconds timeout)
        : started_(Clock::now()), answer_(std::async(std::launch::async, [url = std::move(url), timeout] {
              const auto start = Clock::now();
              Answer answer;
              try {
                  answer.body = livedeck::farm::get(url, timeout);
              } catch (const std::exception& e) {
                  answer.body = std::string("error: ") + e.what();
              }
              answer.took = since(start);
              return answer;
          })) {}

    Clock::time_point started() const { return started_; }

    // The answer, waiting for it up to `limit`.
    Answer answer(milliseconds limit) {
        if (answer_.wait_for(limit) != std::future_status::ready) return {"no answer", limit};
        return answer_.get();
    }

private:
    Clock::time_point started_;
    std::future<Answer> answer_;
};

// ---- 4. `livedeck farm` as a child process -----------------------------------

// `livedeck farm` as a child process with a low open-files limit, its
// standard output and error read through pipes.
class ChildFarm {
public:
    ChildFarm(const std::string& program, rlim_t open_files, const std::string& delay) {
        int out[2], err[2];
        if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
        std::vector<std::string> args{program, "farm", "--port", "0", "--delay", delay};
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {  // only async-signal-safe calls until exec
            rlimit limit{};
            ::getrlimit(RLIMIT_NOFILE, &limit);
            limit.rlim_cur = open_files;
            limit.rlim_max = open_files;  // livedeck raises its soft limit to the hard one
            if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::close_range(3, ~0U, 0);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_ = out[0];
        err_ = err[0];
        // "Serving the animals at http://127.0.0.1:PORT/animals (...)"
        const std::string line = read_until(out_, stdout_, "\n", Clock::now() + 10s);
        const auto at = line.find("http://");
        if (at != std::string::npos) url_ = line.substr(at, line.find(' ', at) - at);
        const auto colon = url_.rfind(':');
        if (colon != std::string::npos) port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(colon + 1)));
    }

    ~ChildFarm() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) ::close(out_);
        if (err_ >= 0) ::close(err_);
    }
    ChildFarm(const ChildFarm&) = delete;
    ChildFarm& operator=(const ChildFarm&) = delete;

    std::string url() const { return url_; }
    std::uint16_t port() const { return port_; }
    std::string pid() const { return std::to_string(pid_); }

    // What it wrote to stderr until `deadline` (or until `wanted` appears).
    std::string read_stderr(Clock::time_point deadline, const std::string& wanted = {}) {
        read_until(err_, stderr_, wanted.empty() ? std::string(1, '\0') : wanted, deadline);
        return stderr_;
    }

    // Its CPU time so far (user + system), from /proc/PID/stat.
    milliseconds cpu() const {
        std::ifstream stat("/proc/" + pid() + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        std::istringstream fields(text.substr(text.rfind(')') + 2));
        std::string field;
        long long utime = 0, stime = 0;
        for (int k = 3; k <= 15 && fields >> field; ++k) {  // fields 14 and 15: utime, stime
            if (k == 14) utime = std::stoll(field);
            if (k == 15) stime = std::stoll(field);
        }
        return milliseconds((utime + stime) * 1000 / ::sysconf(_SC_CLK_TCK));
    }

    // Sends SIGTERM; returns the exit status, or -1 if it did not exit within `limit`.
    int terminate(milliseconds limit) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        const bool gone = eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, limit);
        if (!gone) return -1;
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    // Reads `fd` into `text` until `wanted` is in it or `deadline`; returns
    // the text up to and including `wanted` (or all of it). Caps at 1 MB.
    static std::string read_until(int fd, std::string& text, const std::string& wanted, Clock::time_point deadline) {
        for (;;) {
            if (const auto at = text.find(wanted); at != std::string::npos) return text.substr(0, at + wanted.size());
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
            if (left <= 0 || text.size() > (1 << 20)) return text;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) return text;
            text.append(buffer, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_ = -1;
    bool exited_ = false;
    int out_ = -1, err_ = -1;
    std::string stdout_, stderr_;
    std::string url_;
    std::uint16_t port_ = 0;
};

inline std::size_t count_lines(const std::string& text, std::string_view prefix) {
    std::size_t n = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) n += line.starts_with(prefix);
    return n;
}

// ---- 5. A fake farm ---------------------------------------------------------

namespace net = boost::asio;
using tcp = net::ip::tcp;

// A fake farm on loopback: reads a request head and answers as its path says.
//   /animals/huge        Content-Length: 100 MB, and as much of it as is taken
//   /animals/endless     a chunked body that never ends
//   /animals/headers     header lines that never end
//   /animals/escapes     200, with escape sequences in the noise
//   /animals/garbage     not HTTP at all
//   /animals/stall       nothing at all, the connection held open
//   /animals/stall-body  the head and half the body, then nothing
// It writes at most 200 MB to one connection and stops with the test.
class FakeFarm {
public:
    FakeFarm() {
        acceptor_.open(tcp::v4());
        acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        net::co_spawn(io_, accept(), net::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~FakeFarm() {
        io_.stop();
        thread_.join();
    }
    FakeFarm(const FakeFarm&) = delete;
    FakeFarm& operator=(const FakeFarm&) = delete;

    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/animals";
    }

private:
    net::awaitable<void> accept() {
        for (;;) {
            boost::system::error_code ec;
            auto socket = co_await acceptor_.async_accept(net::redirect_error(net::use_awaitable, ec));
            if (ec) co_return;
            net::co_spawn(io_, answer(std::move(socket)), net::detached);
        }
    }

    // Writes `bytes` again and again, up to 200 MB, until the client leaves.
    static net::awaitable<void> repeat(tcp::socket& socket, std::string_view bytes) {
        constexpr std::size_t most = 200u << 20;
        boost::system::error_code ec;
        for (std::size_t sent = 0; sent < most && !ec; sent += bytes.size())
            co_await net::async_write(socket, net::buffer(bytes), net::redirect_error(net::use_awaitable, ec));
    }

    static net::awaitable<void> answer(tcp::socket socket) {
        boost::system::error_code ec;
        std::string head;
        co_await net::async_read_until(socket, net::dynamic_buffer(head, 8192), "\r\n\r\n",
                                       net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return;
        const std::string path = head.substr(4, head.find(' ', 4) - 4);
        const std::string block(64 * 1024, 'M');
        auto send = [&](std::string_view bytes) {
            return net::async_write(socket, net::buffer(bytes), net::redirect_error(net::use_awaitable, ec));
        };
        if (path == "/animals/huge") {
            co_await send("HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n");
            co_await repeat(socket, block);
        } else if (path == "/animals/endless") {
            co_await send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            co_await repeat(socket, "10000\r\n" + block + "\r\n");
        } else if (path == "/animals/headers") {
            co_await send("HTTP/1.1 200 OK\r\n");
            co_await repeat(socket, "X-Moo: " + std::string(1000, 'o') + "\r\n");
        } else if (path == "/animals/escapes") {
            const std::string body = "Moo\x1b[2J\x1b]0;pwned\x07!\xc2\x9b";
            co_await send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        } else if (path == "/animals/garbage") {
            co_await send("SSH-2.0-OpenSSH_9.2\r\n\x01\x02\x03garbage\r\n\r\n");
        } else if (path == "/animals/stall-body") {
            co_await send("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nMoo");
        }
        if (path.starts_with("/animals/stall")) {  // hold it until the client leaves
            char byte;
            co_await socket.async_read_some(net::buffer(&byte, 1), net::redirect_error(net::use_awaitable, ec));
        }
    }

    net::io_context io_;
    tcp::acceptor acceptor_{io_};
    std::thread thread_;
};

}  // namespace livedeck::test::load
