// Test images written by the tests themselves (no third-party files): solid
// colour rectangles in every format livedeck reads, each written by that
// format's own encoder (stb_image_write for PNG and JPEG, giflib, libwebp),
// and SVG as text. And a small HTTP server on loopback for remote images.
#pragma once

#include <gif_lib.h>
#include <netinet/in.h>
#include <poll.h>
#include <stb_image_write.h>
#include <sys/socket.h>
#include <unistd.h>
#include <webp/encode.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace livedeck::test {

struct Rgb {
    std::uint8_t r, g, b;
};

// `w` x `h` of one colour, RGBA.
inline std::vector<std::uint8_t> solid(int w, int h, Rgb c) {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    for (std::size_t i = 0; i < px.size(); i += 4) {
        px[i] = c.r;
        px[i + 1] = c.g;
        px[i + 2] = c.b;
        px[i + 3] = 255;
    }
    return px;
}

inline void write_png(const std::filesystem::path& path, int w, int h, const std::vector<std::uint8_t>& px) {
    if (!stbi_write_png(path.c_str(), w, h, 4, px.data(), w * 4)) throw std::runtime_error("cannot write " + path.string());
}
inline void write_png(const std::filesystem::path& path, int w, int h, Rgb c) { write_png(path, w, h, solid(w, h, c)); }

inline void write_jpeg(const std::filesystem::path& path, int w, int h, const std::vector<std::uint8_t>& px,
                       int quality = 95) {
    if (!stbi_write_jpg(path.c_str(), w, h, 4, px.data(), quality)) throw std::runtime_error("cannot write " + path.string());
}
inline void write_jpeg(const std::filesystem::path& path, int w, int h, Rgb c) { write_jpeg(path, w, h, solid(w, h, c)); }

// RGBA pixels as a one-frame GIF, in a 6x6x6 colour cube.
inline void write_gif(const std::filesystem::path& path, int w, int h, const std::vector<std::uint8_t>& px) {
    int error = 0;
    GifFileType* gif = EGifOpenFileName(path.c_str(), false, &error);
    if (!gif) throw std::runtime_error("cannot write " + path.string());
    GifColorType cube[256] = {};
    for (int i = 0; i < 216; ++i)
        cube[i] = {static_cast<GifByteType>(i / 36 * 51), static_cast<GifByteType>(i / 6 % 6 * 51),
                   static_cast<GifByteType>(i % 6 * 51)};
    ColorMapObject* map = GifMakeMapObject(256, cube);
    bool ok = EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_OK && EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_OK;
    std::vector<GifPixelType> row(static_cast<std::size_t>(w));
    for (int y = 0; y < h && ok; ++y) {
        for (int x = 0; x < w; ++x) {
            const std::uint8_t* p = px.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 4;
            row[static_cast<std::size_t>(x)] = static_cast<GifPixelType>((p[0] + 25) / 51 * 36 + (p[1] + 25) / 51 * 6 + (p[2] + 25) / 51);
        }
        ok = EGifPutLine(gif, row.data(), w) == GIF_OK;
    }
    GifFreeMapObject(map);
    if (EGifCloseFile(gif, &error) != GIF_OK || !ok) throw std::runtime_error("cannot write " + path.string());
}

// `frames` frames: the first of colour `c`, the others black.
inline void write_gif(const std::filesystem::path& path, int w, int h, Rgb c, int frames = 1) {
    int error = 0;
    GifFileType* gif = EGifOpenFileName(path.c_str(), false, &error);
    if (!gif) throw std::runtime_error("cannot write " + path.string());
    const GifColorType colours[2] = {{c.r, c.g, c.b}, {0, 0, 0}};
    ColorMapObject* map = GifMakeMapObject(2, colours);
    bool ok = EGifPutScreenDesc(gif, w, h, 1, 0, map) == GIF_OK;
    std::vector<GifPixelType> row(static_cast<std::size_t>(w));
    for (int f = 0; f < frames && ok; ++f) {
        ok = EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_OK;
        std::fill(row.begin(), row.end(), static_cast<GifPixelType>(f == 0 ? 0 : 1));
        for (int y = 0; y < h && ok; ++y) ok = EGifPutLine(gif, row.data(), w) == GIF_OK;
    }
    GifFreeMapObject(map);
    if (EGifCloseFile(gif, &error) != GIF_OK || !ok) throw std::runtime_error("cannot write " + path.string());
}

// Lossless, or lossy at `quality` (0-100).
inline void write_webp(const std::filesystem::path& path, int w, int h, const std::vector<std::uint8_t>& px,
                       int quality = -1) {
    std::uint8_t* out = nullptr;
    const std::size_t size = quality < 0 ? WebPEncodeLosslessRGBA(px.data(), w, h, w * 4, &out)
                                         : WebPEncodeRGBA(px.data(), w, h, w * 4, static_cast<float>(quality), &out);
    if (size == 0) throw std::runtime_error("cannot encode WebP");
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(out), static_cast<std::streamsize>(size));
    WebPFree(out);
    if (!f.flush()) throw std::runtime_error("cannot write " + path.string());
}
inline void write_webp(const std::filesystem::path& path, int w, int h, Rgb c) { write_webp(path, w, h, solid(w, h, c)); }

inline std::string svg_text(int w, int h, Rgb c) {
    char fill[8];
    std::snprintf(fill, sizeof fill, "#%02x%02x%02x", c.r, c.g, c.b);
    return "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) +
           "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) +
           "\">\n  <rect width=\"100%\" height=\"100%\" fill=\"" + fill + "\"/>\n</svg>\n";
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    if (!f.flush()) throw std::runtime_error("cannot write " + path.string());
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// A small HTTP/1.0 server on 127.0.0.1 (a port of its own), one thread,
// one request per connection. It serves `files` by path; `/redirect/N`
// redirects to itself forever; `/silent` never answers (until stop); any
// other path is a 404. It counts requests by path.
class HttpServer {
public:
    explicit HttpServer(std::map<std::string, std::string> files) : files_(std::move(files)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("bind/listen");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        if (::pipe(stop_) != 0) throw std::runtime_error("pipe");
        thread_ = std::thread([this] { serve(); });
    }
    ~HttpServer() {
        const char c = 'x';
        [[maybe_unused]] auto n = ::write(stop_[1], &c, 1);
        thread_.join();
        for (int fd : held_) ::close(fd);
        ::close(fd_);
        ::close(stop_[0]);
        ::close(stop_[1]);
    }
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    int requests(const std::string& path) {
        const std::lock_guard<std::mutex> lock(mutex_);
        return counts_[path];
    }

private:
    void serve() {
        for (;;) {
            std::array<pollfd, 2> fds{{{fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}}};
            if (::poll(fds.data(), fds.size(), -1) < 0) continue;
            if (fds[1].revents) return;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            std::string request;
            char buffer[2048];
            while (request.find("\r\n\r\n") == std::string::npos) {
                const ssize_t n = ::read(c, buffer, sizeof buffer);
                if (n <= 0) break;
                request.append(buffer, static_cast<std::size_t>(n));
            }
            const std::size_t sp = request.find(' ');
            const std::string path = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                ++counts_[path];
            }
            if (path == "/silent") {  // held open, never answered
                held_.push_back(c);
                continue;
            }
            std::string reply;
            if (path.rfind("/redirect/", 0) == 0) {
                reply = "HTTP/1.0 302 Found\r\nLocation: " + path + "x\r\nContent-Length: 0\r\n\r\n";
            } else if (auto f = files_.find(path); f != files_.end()) {
                reply = "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(f->second.size()) + "\r\n\r\n" + f->second;
            } else {
                reply = "HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
            }
            for (std::size_t at = 0; at < reply.size();) {
                const ssize_t n = ::write(c, reply.data() + at, reply.size() - at);
                if (n <= 0) break;
                at += static_cast<std::size_t>(n);
            }
            ::close(c);
        }
    }

    std::map<std::string, std::string> files_;
    int fd_ = -1;
    int stop_[2] = {-1, -1};
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::map<std::string, int> counts_;
    std::vector<int> held_;
    std::thread thread_;
};

}  // namespace livedeck::test
