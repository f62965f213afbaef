// The farm over HTTP/2 (farm/h2.hpp): spoken by curl itself, upgraded from
// HTTP/1.1 and with prior knowledge, on the same port as HTTP/1.1; then raw
// frames, for what a hostile client would send.
#include "farm/client.hpp"
#include "farm/farm.hpp"
#include "farm/h2.hpp"
#include "farm_support.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using livedeck::farm::Server;
using livedeck::test::RawConnection;
using livedeck::test::open_fds;
using livedeck::test::since;
using Clock = std::chrono::steady_clock;
namespace net = boost::asio;
namespace beast = boost::beast;

constexpr auto delay = 300ms;

struct H2Reply {
    CURLcode result = CURLE_OK;
    long status = 0;
    long version = 0;
    std::string body;
    std::string headers;
    std::chrono::milliseconds took{0};
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* into) {
    static_cast<std::string*>(into)->append(data, size * count);
    return size * count;
}

H2Reply h2_request(const std::string& url, long version, const char* method = "GET",
                   std::chrono::milliseconds timeout = 5s) {
    H2Reply reply;
    CURL* easy = curl_easy_init();
    if (!easy) {
        ADD_FAILURE() << "curl_easy_init";
        return reply;
    }
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, version);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    if (std::string_view(method) == "HEAD") curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &collect);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &reply.headers);
    const auto start = Clock::now();
    reply.result = curl_easy_perform(easy);
    reply.took = since(start);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &reply.version);
    curl_easy_cleanup(easy);
    return reply;
}

}  // namespace

TEST(FarmHttp2, UpgradedFromHttp11TheAnswersAreThoseOfHttp11) {
    Server server("127.0.0.1", 0, delay);
    for (long version : {long{CURL_HTTP_VERSION_2_0}, long{CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE}}) {
        SCOPED_TRACE(version == CURL_HTTP_VERSION_2_0 ? "Upgrade: h2c" : "prior knowledge");
        H2Reply cow = h2_request(server.url() + "/cow", version);
        EXPECT_EQ(cow.result, CURLE_OK) << curl_easy_strerror(cow.result);
        EXPECT_EQ(cow.version, long{CURL_HTTP_VERSION_2_0});
        EXPECT_EQ(cow.status, 200);
        EXPECT_EQ(cow.body, "Moo!");
        EXPECT_GE(cow.took, delay);
        EXPECT_NE(cow.headers.find("content-type: text/plain; charset=utf-8"), std::string::npos) << cow.headers;
        EXPECT_NE(cow.headers.find("server: livedeck-farm"), std::string::npos) << cow.headers;

        H2Reply welcome = h2_request(server.url() + "/?delay=5", version);  // the welcome never waits
        EXPECT_EQ(welcome.body, "Welcome to the farm!");
        EXPECT_LT(welcome.took, 2s);

        H2Reply yak = h2_request(server.url() + "/yak", version);
        EXPECT_EQ(yak.status, 404);
        EXPECT_EQ(yak.body, "The animal yak was not found.");

        H2Reply head = h2_request(server.url() + "/pig?delay=0", version, "HEAD");
        EXPECT_EQ(head.status, 200);
        EXPECT_EQ(head.body, "");
        EXPECT_NE(head.headers.find("content-length: 5"), std::string::npos) << head.headers;

        H2Reply post = h2_request(server.url() + "/pig", version, "POST");
        EXPECT_EQ(post.status, 405);
        EXPECT_NE(post.headers.find("allow: GET, HEAD"), std::string::npos) << post.headers;

        H2Reply bad = h2_request(server.url() + "/cow?delay=nan", version);
        EXPECT_EQ(bad.status, 400);
    }
    // HTTP/1.1 is unchanged beside it.
    EXPECT_EQ(livedeck::farm::get(server.url() + "/dog?delay=0", 5s), "Woof!");
}

TEST(FarmHttp2, StopIsPromptWhileHttp2RequestsWait) {
    auto server = std::make_unique<Server>("127.0.0.1", 0, delay);
    const std::size_t baseline = open_fds();
    const std::string url = server->url() + "/cow?delay=30";
    auto waiting = std::async(std::launch::async, [url] { return h2_request(url, CURL_HTTP_VERSION_2_0, "GET", 20s); });
    // Both ends of its connection are in this process.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (open_fds() < baseline + 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    ASSERT_GE(open_fds(), baseline + 2);
    // Once a later request has been answered, the server has read the slow one.
    EXPECT_EQ(h2_request(server->url() + "/", CURL_HTTP_VERSION_2_0).body, "Welcome to the farm!");
    const auto start = Clock::now();
    server.reset();
    EXPECT_LT(since(start), 300ms);
    ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
    const H2Reply reply = waiting.get();
    EXPECT_NE(reply.result, CURLE_OK) << "a request cancelled by stop() got an answer: " << reply.body;
    EXPECT_NE(reply.result, CURLE_COULDNT_CONNECT) << "the request never reached the server";
    EXPECT_LT(reply.took, 5s);
}

TEST(FarmHttp2, AClientThatHangsUpDuringTheDelayFreesItsConnection) {
    Server server("127.0.0.1", 0, 0ms);
    const std::size_t baseline = open_fds();
    // curl gives up after 300 ms and closes; the server must not hold the
    // socket for the 20 s delay.
    const H2Reply reply = h2_request(server.url() + "/cow?delay=20", CURL_HTTP_VERSION_2_0, "GET", 300ms);
    EXPECT_EQ(reply.result, CURLE_OPERATION_TIMEDOUT);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (open_fds() > baseline && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(open_fds(), baseline) << "the server's socket was not freed long before the 20 s delay";
}

TEST(FarmHttp2, UpgradeNeedsAWellFormedSettingsHeader) {
    using livedeck::farm::h2::wants_upgrade;
    EXPECT_TRUE(wants_upgrade("h2c", "AAMAAABkAAQAoAAAAAIAAAAA", "GET", "/animals/cow"));
    EXPECT_TRUE(wants_upgrade("websocket, H2C", "", "GET", "/"));  // an empty SETTINGS payload is valid
    EXPECT_FALSE(wants_upgrade("h2c", std::nullopt, "GET", "/"));   // but the header must be there
    EXPECT_FALSE(wants_upgrade("websocket", "AAMAAABk", "GET", "/"));
    EXPECT_FALSE(wants_upgrade("h2c", "not base64url!", "GET", "/"));
    EXPECT_FALSE(wants_upgrade("h2c", std::string(2000, 'A'), "GET", "/"));
    EXPECT_FALSE(wants_upgrade("h2c", "AAMAAAA", "GET", "/"));   // 5 bytes: not whole entries
    EXPECT_FALSE(wants_upgrade("h2c", "AAIAAAAC", "GET", "/"));  // ENABLE_PUSH = 2
    EXPECT_FALSE(wants_upgrade("h2c", "AAUAAAAB", "GET", "/"));  // MAX_FRAME_SIZE = 1
    const auto upgrade = wants_upgrade("h2c", "AAMAAABk", "HEAD", "/animals/pig");
    ASSERT_TRUE(upgrade);
    EXPECT_EQ(upgrade->settings, std::string("\0\x03\0\0\0\x64", 6));
    EXPECT_EQ(upgrade->method, "HEAD");
    EXPECT_EQ(upgrade->path, "/animals/pig");
}

TEST(FarmHttp2, AConnectionWithNoRequestOpenIsClosedAfterTheReadTimeout) {
    Server::Options options;
    options.read_timeout = 300ms;
    Server server("127.0.0.1", 0, delay, options);
    RawConnection conn(server.port());
    const timeval limit{5, 0};  // never hang the test
    ASSERT_EQ(::setsockopt(conn.socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit), 0);
    const auto start = Clock::now();
    // The preface and an empty SETTINGS frame, then nothing, byte by byte.
    const std::string hello = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"s + std::string("\0\0\0\x04\0\0\0\0\0", 9);
    for (char c : hello) {
        conn.send(std::string_view(&c, 1));
        std::this_thread::sleep_for(10ms);  // a slow client: each byte is news, none a request
    }
    std::array<char, 256> buffer{};
    beast::error_code ec;
    while (!ec) conn.socket.read_some(net::buffer(buffer), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    EXPECT_GE(since(start), 300ms);
    EXPECT_LT(since(start), 3s);
}

namespace {

// Frames the farm sends on a raw HTTP/2 connection, by type, until it closes
// the connection (or 5 s of silence).
struct H2Frames {
    std::vector<std::pair<int, std::uint32_t>> frames;  // (type, stream)
    std::chrono::milliseconds closed_after{0};
    bool has(int type, std::uint32_t stream) const {
        return std::find(frames.begin(), frames.end(), std::pair{type, stream}) != frames.end();
    }
    std::string list() const {
        std::string out;
        for (const auto& [type, stream] : frames) out += " " + std::to_string(type) + "/" + std::to_string(stream);
        return out;
    }
};

// The preface, an empty SETTINGS, then `frames`; reads what comes back.
H2Frames exchange_frames(std::uint16_t port, const std::string& frames) {
    RawConnection conn(port);
    const timeval limit{5, 0};  // never hang the test (recv() below: Asio's reads would wait on)
    ::setsockopt(conn.socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    const auto start = Clock::now();
    conn.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"s + std::string("\0\0\0\x04\0\0\0\0\0", 9) + frames);
    std::string bytes;
    std::array<char, 4096> buffer{};
    for (;;) {
        const ssize_t n = ::recv(conn.socket.native_handle(), buffer.data(), buffer.size(), 0);
        if (n <= 0) break;  // closed, reset, or 5 s of silence
        bytes.append(buffer.data(), static_cast<std::size_t>(n));
    }
    H2Frames out;
    out.closed_after = since(start);
    for (std::size_t at = 0; at + 9 <= bytes.size();) {
        auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + k])); };
        const std::uint32_t length = byte(0) << 16 | byte(1) << 8 | byte(2);
        const std::uint32_t stream = (byte(5) << 24 | byte(6) << 16 | byte(7) << 8 | byte(8)) & 0x7FFFFFFF;
        out.frames.emplace_back(static_cast<int>(byte(3)), stream);
        at += 9 + length;
    }
    return out;
}

// A frame: 9-byte header, then the payload.
std::string frame(int type, int flags, std::uint32_t stream, const std::string& payload) {
    std::string f;
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (std::uint32_t v : {n >> 16, n >> 8, n}) f += static_cast<char>(v & 0xFF);
    f += static_cast<char>(type);
    f += static_cast<char>(flags);
    for (std::uint32_t v : {stream >> 24, stream >> 16, stream >> 8, stream}) f += static_cast<char>(v & 0xFF);
    return f + payload;
}

constexpr int kHeaders = 1, kRstStream = 3, kEndStream = 0x1, kEndHeaders = 0x4;
// GET / over http from HPACK's static table (RFC 7541, appendix A), and
// :authority (static name 1) as a literal, "x".
const std::string get_root = "\x82\x86\x84\x01\x01x";

}  // namespace

TEST(FarmHttp2, ARequestThatNeverEndsIsResetAfterTheReadTimeout) {
    Server::Options options;
    options.read_timeout = 300ms;
    Server server("127.0.0.1", 0, delay, options);
    // Headers, and no END_STREAM: the request's body could follow, and never does.
    const H2Frames got = exchange_frames(server.port(), frame(kHeaders, kEndHeaders, 1, get_root));
    EXPECT_TRUE(got.has(kRstStream, 1)) << "the stream was not reset; frames:" << got.list();
    EXPECT_FALSE(got.has(kHeaders, 1)) << "a request that never ended was answered";
    EXPECT_GE(got.closed_after, 600ms);  // the reset at 300 ms, then the idle connection closed 300 ms later
    EXPECT_LT(got.closed_after, 3s);
}

TEST(FarmHttp2, AHeaderListOverEightKilobytesIsRefused) {
    Server::Options options;
    options.read_timeout = 300ms;  // so that the idle connection closes soon after
    Server server("127.0.0.1", 0, 0ms, options);
    // GET / and a 9,000-byte header "x" (a literal, not indexed: 0x00, then
    // the name's length and bytes, then the value's, in HPACK's 7-bit integers).
    const std::string big = get_root + "\x00\x01x\x7f\xa9\x45"s + std::string(9000, 'v');
    const H2Frames got = exchange_frames(server.port(), frame(kHeaders, kEndHeaders | kEndStream, 1, big) +
                                                            frame(kHeaders, kEndHeaders | kEndStream, 3, get_root));
    EXPECT_TRUE(got.has(kRstStream, 1)) << "a 9 KB header list was taken; frames:" << got.list();
    EXPECT_FALSE(got.has(kHeaders, 1));
    EXPECT_TRUE(got.has(kHeaders, 3)) << "the next request on the connection was not answered; frames:" << got.list();
}
