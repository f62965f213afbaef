// A raw HTTP reply from a "farm", taken by the demos' blocking client
// (farm::get: its libcurl options, its multi-handle loop, its body cap and
// its reading of the result). No TCP and no port: curl reaches the "farm"
// over an abstract Unix socket of this process (CURLOPT_ABSTRACT_UNIX_SOCKET;
// the URL and its Host header stay the farm's), and once it is connected,
// before it sends its request (CURLOPT_PREREQFUNCTION), the reply is written
// into the other end, which is then shut down for writing.
//
// (curl-fuzzer hands curl one end of a socketpair through
// CURLOPT_OPENSOCKETFUNCTION and says it is connected; Debian 12's libcurl
// 7.88 connects it anyway, which fails, so this goes through connect.)
//
// Besides the sanitizers, it checks what the issue asked of a hostile farm:
// what reaches the terminal (the noise, or the error's message) holds no
// control character, and the noise is the capped body, escaped.
#include "farm/client.hpp"
#include "farm/curl_common.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

namespace {

using namespace livedeck::farm;

// The most of an input sent: past twice the body cap, and within what the
// socket's buffer takes at once (the rest would go from a thread).
constexpr std::size_t max_input = 160 * 1024;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_farm_reply: %s\n", what);
    std::abort();
}

void require_printable(std::string_view text, const char* what) {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) fail(what);
    }
}

// The "farm": a listening abstract Unix socket, made once per process.
struct Listener {
    std::string name;  // without the leading NUL
    int fd = -1;

    Listener() : name("livedeck-fuzz-farm-" + std::to_string(::getpid())) {
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path + 1, name.data(), name.size());
        const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 16) != 0)
            fail("cannot listen on an abstract Unix socket");
    }
};

// One exchange: the reply to send, and the farm's end once curl connected.
struct Exchange {
    const Listener* listener;
    const std::uint8_t* data;
    std::size_t size;
    int fd = -1;
    std::thread rest;
};

// Sends everything (blocking), then ends the stream.
void send_all(int fd, const std::uint8_t* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // curl closed its end (it stops reading past the body cap)
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
}

// curl is connected and about to send its request: the farm answers.
int on_connected(void* user, char*, char*, int, int) {
    auto* x = static_cast<Exchange*>(user);
    if (x->fd >= 0) return CURL_PREREQFUNC_ABORT;  // one connection only
    x->fd = ::accept4(x->listener->fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (x->fd < 0) fail("the farm accepted no connection");
    const int buffer = 512 * 1024;  // the kernel caps it at twice net.core.wmem_max
    ::setsockopt(x->fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    // Most replies fit the socket's buffer: sent at once, no thread.
    ssize_t sent = ::send(x->fd, x->data, x->size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) fail("send failed");
    if (sent < 0) sent = 0;
    if (static_cast<std::size_t>(sent) == x->size)
        ::shutdown(x->fd, SHUT_WR);
    else
        x->rest = std::thread(send_all, x->fd, x->data + sent, x->size - static_cast<std::size_t>(sent));
    return CURL_PREREQFUNC_OK;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Listener listener;
    Exchange exchange{&listener, data, size < max_input ? size : max_input, -1, std::thread{}};

    std::string noise;
    try {
        noise = detail::get("http://127.0.0.1:4000/animals/cow", std::chrono::milliseconds(5000), {},
                            [&exchange](CURL* easy) {
                                detail::set(easy, CURLOPT_ABSTRACT_UNIX_SOCKET, exchange.listener->name.c_str());
                                detail::set(easy, CURLOPT_PREREQFUNCTION, &on_connected);
                                detail::set(easy, CURLOPT_PREREQDATA, static_cast<void*>(&exchange));
                            });
        require_printable(noise, "a noise with a control character");
        if (noise.size() > 4 * detail::max_body) fail("a noise past the body cap");
    } catch (const FetchError& e) {
        require_printable(e.what(), "an error message with a control character");
    }
    if (exchange.fd >= 0) {
        if (exchange.rest.joinable()) {
            ::shutdown(exchange.fd, SHUT_RDWR);  // ends a send that curl no longer reads
            exchange.rest.join();
        }
        ::close(exchange.fd);
    }
    return 0;
}
