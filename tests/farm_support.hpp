// Helpers for the farm's server tests (farm_test.cpp, farm_h2_test.cpp):
// a raw TCP connection to the farm, this process's open descriptors, and
// the time since a start.
#pragma once
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace livedeck::test {

// A blocking HTTP exchange on its own socket, for what the client hides.
struct RawConnection {
    explicit RawConnection(std::uint16_t port) {
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    }

    void send(std::string_view bytes) { boost::asio::write(socket, boost::asio::buffer(bytes)); }

    boost::beast::http::response<boost::beast::http::string_body> receive() {
        boost::beast::http::response<boost::beast::http::string_body> res;
        boost::beast::http::read(socket, buffer, res);
        return res;
    }

    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket{ioc};
    boost::beast::flat_buffer buffer;
};

inline std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace livedeck::test
