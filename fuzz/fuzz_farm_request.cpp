// Raw bytes to the farm, as one connection would send them: requests read
// one after another (keep-alive, pipelining) with the server's parser and
// limits, each answered as the server answers it (farm/exchange.hpp: the
// same calls server.cpp makes), and the answer serialized as it would be
// written. The bytes arrive in pieces whose size the first byte picks, so
// the parser also resumes mid-line, as it does over TCP.
#include "farm/exchange.hpp"
#include "farm/h2.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace livedeck::farm;

// A connection's bytes: a SyncReadStream that hands out at most `piece`
// bytes a read, then end of stream, and a SyncWriteStream that counts.
class Wire {
public:
    Wire(const std::uint8_t* data, std::size_t size, std::size_t piece) : data_(data), left_(size), piece_(piece) {}

    template <typename Buffers>
    std::size_t read_some(const Buffers& buffers, beast::error_code& ec) {
        if (left_ == 0) {
            ec = net::error::eof;
            return 0;
        }
        const std::size_t n = net::buffer_copy(buffers, net::buffer(data_, std::min(left_, piece_)));
        data_ += n;
        left_ -= n;
        ec = {};
        return n;
    }
    template <typename Buffers>
    std::size_t read_some(const Buffers& buffers) {
        beast::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec) throw beast::system_error(ec);
        return n;
    }

    template <typename Buffers>
    std::size_t write_some(const Buffers& buffers, beast::error_code& ec) {
        ec = {};
        const std::size_t n = net::buffer_size(buffers);
        written += n;
        return n;
    }
    template <typename Buffers>
    std::size_t write_some(const Buffers& buffers) {
        beast::error_code ec;
        return write_some(buffers, ec);
    }

    std::size_t written = 0;

private:
    const std::uint8_t* data_;
    std::size_t left_;
    std::size_t piece_;
};

void send(Wire& wire, exchange::Response& res) {
    beast::error_code ec;
    http::write(wire, res, ec);
    if (ec) {
        std::fprintf(stderr, "fuzz_farm_request: writing an answer failed: %s\n", ec.message().c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // 1, 2, ... 64 bytes a read, or 0: everything at once.
    const std::size_t piece = data[0] % 65 == 0 ? size : data[0] % 65;
    // Whether the connection would go to HTTP/2 (server.cpp reads its first
    // bytes for this), for every prefix the reads could stop at.
    for (std::size_t n = 0; n <= std::min<std::size_t>(size - 1, h2::preface.size()); ++n)
        (void)h2::classify({reinterpret_cast<const char*>(data + 1), n});
    Wire wire(data + 1, size - 1, piece);
    beast::flat_buffer buffer;
    for (;;) {
        exchange::RequestParser parser;
        exchange::limit(parser);
        beast::error_code ec;
        http::read(wire, buffer, parser, ec);
        const auto next = exchange::after_read(ec);
        if (next == exchange::Next::close || next == exchange::Next::drop) break;
        if (next == exchange::Next::bad_request) {
            auto res = exchange::bad_request(ec);
            send(wire, res);
            break;
        }
        // An `Upgrade: h2c` request is checked as server.cpp checks it (its
        // HTTP/2 frames are nghttp2's to read, not fuzzed here).
        if (auto upgrade = h2::wants_upgrade(parser.get())) {
            if (upgrade->settings.size() > parser.get()["HTTP2-Settings"].size() || upgrade->settings.size() % 6 != 0) {
                std::fprintf(stderr, "fuzz_farm_request: decoded SETTINGS longer than their base64url\n");
                std::abort();
            }
        }
        auto [res, wait] = exchange::answer(parser.get(), std::chrono::milliseconds(2000));
        if (wait < std::chrono::milliseconds(0) || wait > std::chrono::seconds(60)) {
            std::fprintf(stderr, "fuzz_farm_request: a delay outside 0..60 s\n");
            std::abort();
        }
        send(wire, res);
        if (!res.keep_alive()) break;
    }
    return 0;
}
