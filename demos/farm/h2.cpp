// The farm's HTTP/2 connections: nghttp2 reads frames from our buffers and
// writes into them; Asio moves the bytes. Everything runs on the server's
// one io thread, so nothing here locks.
//
// A Session owns its socket and is held by a shared_ptr that each pending
// wait (a request's delay, a write) shares, so a wait that completes after
// the connection ended finds it still there, closed.
//
// [SECTION] Telling HTTP/2 from HTTP/1.1
// [SECTION] Session: state
// [SECTION] Session: nghttp2's callbacks
// [SECTION] Session: answering, writing, reading
// [SECTION] Connection
#include "farm/h2.hpp"

#include "farm/exchange.hpp"

// GCC 12 mistakes Asio's recycling allocator for awaitable frames for a
// new/delete mismatch (chriskohlhoff/asio#1391 and friends); it is not one.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace livedeck::farm::h2 {

namespace net = boost::asio;
namespace beast = boost::beast;

//-----------------------------------------------------------------------------
// [SECTION] Telling HTTP/2 from HTTP/1.1
//-----------------------------------------------------------------------------

Opening classify(std::string_view start) {
    const std::size_t n = std::min(start.size(), preface.size());
    if (start.substr(0, n) != preface.substr(0, n)) return Opening::http1;
    return n == preface.size() ? Opening::http2 : Opening::undecided;
}

namespace {

// RFC 4648 §5 (base64url), padding optional; nullopt on a bad character.
std::optional<std::string> base64url(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : text) {
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
              : c == '-' ? 62 : c == '_' ? 63 : -1;
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    return out;
}

bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.size() == token.size() &&
            std::equal(item.begin(), item.end(), token.begin(),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
            return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

// Whether a SETTINGS payload is one nghttp2_session_upgrade2() takes: whole
// 6-byte entries with values in their ranges (RFC 9113 §6.5.2).
bool valid_settings(std::string_view payload) {
    if (payload.size() % 6 != 0) return false;
    for (std::size_t i = 0; i < payload.size(); i += 6) {
        auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(payload[i + k])); };
        const std::uint32_t id = byte(0) << 8 | byte(1);
        const std::uint32_t value = byte(2) << 24 | byte(3) << 16 | byte(4) << 8 | byte(5);
        if ((id == NGHTTP2_SETTINGS_ENABLE_PUSH || id == NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL) && value > 1)
            return false;
        if (id == NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE && value > static_cast<std::uint32_t>(NGHTTP2_MAX_WINDOW_SIZE))
            return false;
        if (id == NGHTTP2_SETTINGS_MAX_FRAME_SIZE && (value < (1U << 14) || value > (1U << 24) - 1)) return false;
    }
    return true;
}

}  // namespace

std::optional<Upgrade> wants_upgrade(std::string_view upgrade, std::optional<std::string_view> http2_settings,
                                     std::string_view method, std::string_view target) {
    // RFC 7540 §3.2: the request carries exactly one HTTP2-Settings.
    if (!has_token(upgrade, "h2c") || !http2_settings || http2_settings->size() > 1024) return std::nullopt;
    auto settings = base64url(*http2_settings);
    if (!settings || !valid_settings(*settings)) return std::nullopt;
    return Upgrade{std::move(*settings), std::string(method), std::string(target)};
}

std::optional<Upgrade> wants_upgrade(const exchange::Request& request) {
    std::optional<std::string_view> settings;
    if (const auto it = request.find("HTTP2-Settings"); it != request.end())
        settings = std::string_view(it->value().data(), it->value().size());
    const auto upgrade = request[boost::beast::http::field::upgrade];
    const auto method = request.method_string();
    const auto target = request.target();
    return wants_upgrade({upgrade.data(), upgrade.size()}, settings, {method.data(), method.size()},
                         {target.data(), target.size()});
}

//-----------------------------------------------------------------------------
// [SECTION] Session: state
//-----------------------------------------------------------------------------

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(net::ip::tcp::socket socket, std::chrono::milliseconds delay, Limits limits, Budget& budget)
        : stream_(std::move(socket)), idle_(stream_.get_executor()), delay_(delay), limits_(limits), budget_(budget) {}

    ~Session() {
        budget_.open -= static_cast<long>(requests_.size());
        if (session_) nghttp2_session_del(session_);
    }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    net::awaitable<void> run(beast::flat_buffer& received, const Upgrade* upgrade);

    // Ends the connection now: its requests are dropped, unanswered.
    void close() {
        if (closed_) return;
        closed_ = true;
        budget_.open -= static_cast<long>(requests_.size());
        requests_.clear();  // cancels their delays
        idle_.cancel();
        beast::error_code ignored;
        stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

private:
    // One request (an HTTP/2 stream): its request line, then its answer.
    // Its timer bounds each phase: the request must arrive whole within the
    // read timeout, waits out its delay, and its answer must be taken within
    // the write timeout (a client that opens no flow-control window takes
    // none); a phase that runs out resets the stream.
    enum class Phase { reading, waiting, sending };
    struct Request {
        explicit Request(const net::any_io_executor& executor) : timer(executor) {}
        std::string method;
        std::string path;
        std::size_t header_bytes = 0;  // as HTTP/2 counts a header list (RFC 9113 §6.5.2)
        Phase phase = Phase::reading;
        exchange::Response response;  // as over HTTP/1.1, its fields sent as HTTP/2 headers
        std::size_t sent = 0;  // bytes of response.body() handed to nghttp2
        net::steady_timer timer;
    };

    Request* find(std::int32_t id) {
        auto it = requests_.find(id);
        return it == requests_.end() ? nullptr : it->second.get();
    }

    bool start_session();
    void arm_idle();
    void arm(std::int32_t id, Request& request, Phase phase, std::chrono::milliseconds after);
    void on_timer(std::int32_t id);
    void start(std::int32_t id);
    void answer(std::int32_t id);
    void flush();
    void finish_reading() noexcept;
    void maybe_end();

    static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) noexcept;
    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                         const std::uint8_t* value, std::size_t valuelen, std::uint8_t flags, void* user) noexcept;
    static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) noexcept;
    static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t error_code, void* user) noexcept;
    static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                             std::uint32_t* data_flags, nghttp2_data_source* source, void* user) noexcept;

    beast::tcp_stream stream_;
    net::steady_timer idle_;  // runs while no request is open
    std::chrono::milliseconds delay_;
    Limits limits_;
    Budget& budget_;
    nghttp2_session* session_ = nullptr;
    std::unordered_map<std::int32_t, std::unique_ptr<Request>> requests_;
    std::string writing_;  // bytes on their way to the socket
    bool write_pending_ = false;
    bool reading_done_ = false;  // run() reads no more
    bool terminating_ = false;   // a GOAWAY for a protocol error: close once it is written
    bool closed_ = false;
};

// The largest header list taken, as Beast's limit over HTTP/1.1.
// (SETTINGS_MAX_HEADER_LIST_SIZE only advises the client: nghttp2 does not
// enforce it on what it receives.)
constexpr std::size_t max_header_bytes = 8 * 1024;

//-----------------------------------------------------------------------------
// [SECTION] Session: nghttp2's callbacks
//-----------------------------------------------------------------------------
// nghttp2 has checked the frames (pseudo-headers, sizes, stream states) by
// the time these run. They record and arm waits; a throw never crosses
// into C: an error resets the one stream.

int Session::on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) noexcept {
    auto& self = *static_cast<Session*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    try {
        if (self.budget_.open >= self.budget_.max) {
            nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_REFUSED_STREAM);
            return 0;
        }
        auto& request = self.requests_[frame->hd.stream_id];
        request = std::make_unique<Request>(self.stream_.get_executor());
        ++self.budget_.open;
        self.arm(frame->hd.stream_id, *request, Phase::reading, self.limits_.idle_timeout);
    } catch (...) {
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_INTERNAL_ERROR);
    }
    return 0;
}

int Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) noexcept {
    auto& self = *static_cast<Session*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    Request* request = self.find(frame->hd.stream_id);
    if (!request) return 0;
    const std::string_view key(reinterpret_cast<const char*>(name), namelen);
    const std::string_view text(reinterpret_cast<const char*>(value), valuelen);
    request->header_bytes += namelen + valuelen + 32;
    if (request->header_bytes > max_header_bytes) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets it
    try {
        if (key == ":method") request->method = text;
        else if (key == ":path") request->path = text;
    } catch (...) {
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets this stream
    }
    return 0;
}

int Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) noexcept {
    auto& self = *static_cast<Session*>(user);
    const bool request_ends = (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
                              (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    if (!request_ends) return 0;
    try {
        self.start(frame->hd.stream_id);
    } catch (...) {
        nghttp2_submit_rst_stream(self.session_, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_INTERNAL_ERROR);
    }
    return 0;
}

// The client reset the stream, or its answer has gone: either way it is done.
int Session::on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user) noexcept {
    auto& self = *static_cast<Session*>(user);
    if (self.requests_.erase(id) > 0) --self.budget_.open;  // cancels its timer
    try {
        if (self.requests_.empty()) self.arm_idle();
    } catch (...) {
        self.close();  // nothing would end an idle connection
    }
    return 0;
}

ssize_t Session::read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user) noexcept {
    auto& self = *static_cast<Session*>(user);
    Request* request = self.find(id);
    if (!request) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::string& body = request->response.body();
    const std::size_t n = std::min(length, body.size() - request->sent);
    std::memcpy(buf, body.data() + request->sent, n);
    request->sent += n;
    if (request->sent == body.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
}

//-----------------------------------------------------------------------------
// [SECTION] Session: answering, writing, reading
//-----------------------------------------------------------------------------

bool Session::start_session() {
    nghttp2_session_callbacks* callbacks = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) return false;
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &on_stream_close);
    const int rc = nghttp2_session_server_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    if (rc != 0) return false;
    const std::array<nghttp2_settings_entry, 2> settings{{
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_streams},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 8 * 1024},  // as Beast's limit over HTTP/1.1
    }};
    return nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size()) == 0;
}

// A connection with no request open for idle_timeout is closed, however its
// bytes trickle in (the read itself has no deadline: a request waiting out
// its delay sends nothing).
void Session::arm_idle() {
    if (closed_) return;
    idle_.expires_after(limits_.idle_timeout);  // cancels the previous wait
    idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && self->requests_.empty()) self->close();
    });
}

void Session::arm(std::int32_t id, Request& request, Phase phase, std::chrono::milliseconds after) {
    request.phase = phase;
    request.timer.expires_after(after);  // cancels the previous phase's wait
    request.timer.async_wait([self = shared_from_this(), id](const boost::system::error_code& ec) {
        if (!ec && !self->closed_) self->on_timer(id);
    });
}

void Session::on_timer(std::int32_t id) {
    Request* request = find(id);
    if (!request) return;
    try {
        if (request->phase == Phase::waiting) {
            answer(id);
            arm(id, *request, Phase::sending, limits_.write_timeout);
        } else {  // the request never came whole, or its answer was never taken
            nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
        }
    } catch (...) {
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
    }
    flush();
}

// A whole request: route it, and answer when its delay has passed.
void Session::start(std::int32_t id) {
    Request* request = find(id);
    if (!request || request->phase != Phase::reading) return;
    // The answer HTTP/1.1 gives (exchange.hpp): status, fields, a HEAD's empty body.
    exchange::Request as_http1;
    as_http1.method_string(request->method);
    as_http1.target(request->path);
    as_http1.version(11);
    exchange::Answer answer = exchange::answer(as_http1, delay_);
    request->response = std::move(answer.response);
    arm(id, *request, Phase::waiting, answer.delay);
}

void Session::answer(std::int32_t id) {
    Request* request = find(id);
    if (!request) return;
    const exchange::Response& response = request->response;
    // HTTP/2 wants names in lower case and no connection-specific fields
    // (RFC 9113 §8.2); nghttp2_submit_response() copies names and values.
    const std::string status = std::to_string(response.result_int());
    std::vector<std::pair<std::string, std::string_view>> fields;
    fields.emplace_back(":status", status);
    for (const auto& field : response) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == "connection" || name == "keep-alive" || name == "transfer-encoding") continue;
        fields.emplace_back(std::move(name), std::string_view(field.value().data(), field.value().size()));
    }
    std::vector<nghttp2_nv> headers;
    headers.reserve(fields.size());
    for (const auto& [name, value] : fields)
        headers.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                           reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                           NGHTTP2_NV_FLAG_NONE});
    nghttp2_data_provider body{};
    body.read_callback = &read_body;
    if (nghttp2_submit_response(session_, id, headers.data(), headers.size(),
                                response.body().empty() ? nullptr : &body) != 0)
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
}

// Once nghttp2 reads no more (the client's GOAWAY), the connection ends when
// every open request is answered and written, or, after a protocol error,
// as soon as the GOAWAY saying so is written.
void Session::finish_reading() noexcept {
    reading_done_ = true;
    try {
        maybe_end();
    } catch (...) {
        close();
    }
}

void Session::maybe_end() {
    if (closed_ || !reading_done_ || write_pending_) return;  // the write's end comes back here
    if (terminating_ || requests_.empty()) close();
}

// Writes what nghttp2 has to send, one write at a time.
void Session::flush() {
    if (closed_ || write_pending_) return;
    writing_.clear();
    for (;;) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
            close();
            return;
        }
        if (n == 0) break;
        writing_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (writing_.empty()) {
        // nghttp2 is done with the connection (a GOAWAY both ways): end it.
        if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) close();
        else maybe_end();
        return;
    }
    write_pending_ = true;
    stream_.expires_after(limits_.write_timeout);
    net::async_write(stream_, net::buffer(writing_),
                     [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                         self->write_pending_ = false;
                         if (ec) {
                             self->close();
                             return;
                         }
                         self->flush();
                     });
}

net::awaitable<void> Session::run(beast::flat_buffer& received, const Upgrade* upgrade) {
    auto self = shared_from_this();  // lives while this coroutine does
    struct Finish {
        Session& session;
        ~Finish() { session.finish_reading(); }
    } finish{*this};  // however run() ends, the connection ends or drains
    if (!start_session()) {
        close();
        co_return;
    }
    {
        beast::error_code ignored;  // answers go out as they are ready, not after Nagle's wait
        stream_.socket().set_option(net::ip::tcp::no_delay(true), ignored);
    }
    if (upgrade) {  // the HTTP/1.1 request is stream 1, its request sent
        const auto* settings = reinterpret_cast<const std::uint8_t*>(upgrade->settings.data());
        if (nghttp2_session_upgrade2(session_, settings, upgrade->settings.size(), upgrade->method == "HEAD",
                                     nullptr) != 0) {
            close();
            co_return;
        }
        auto request = std::make_unique<Request>(stream_.get_executor());
        request->method = upgrade->method;
        request->path = upgrade->path;
        requests_[1] = std::move(request);
        ++budget_.open;
        start(1);
    }
    std::array<char, 16 * 1024> buffer{};
    auto feed = [&](const void* data, std::size_t size) {
        const ssize_t rc = nghttp2_session_mem_recv(session_, static_cast<const std::uint8_t*>(data), size);
        if (rc < 0) {  // a protocol error: nghttp2 has queued a GOAWAY
            terminating_ = true;
            flush();
            return false;
        }
        flush();
        return true;
    };
    if (requests_.empty()) arm_idle();
    bool fine = feed(received.data().data(), received.size());
    received.consume(received.size());
    while (fine && !closed_ && (nghttp2_session_want_read(session_) || nghttp2_session_want_write(session_))) {
        // No deadline on the read (arm_idle() closes an idle connection);
        // a write under way keeps its own (Beast sets only the read's then).
        stream_.expires_never();
        beast::error_code ec;
        const std::size_t n =
            co_await stream_.async_read_some(net::buffer(buffer), net::redirect_error(net::use_awaitable, ec));
        if (closed_) break;
        if (ec) {  // a client that hung up (or only half-closed: HTTP/2 ends streams, not sockets) is gone
            close();
            break;
        }
        fine = feed(buffer.data(), n);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Connection
//-----------------------------------------------------------------------------

Connection::Connection(net::ip::tcp::socket socket, std::chrono::milliseconds delay, Limits limits, Budget& budget)
    : session_(std::make_shared<Session>(std::move(socket), delay, limits, budget)) {}

Connection::~Connection() = default;

net::awaitable<void> Connection::run(beast::flat_buffer& received, const Upgrade* upgrade) {
    return session_->run(received, upgrade);
}

void Connection::close() { session_->close(); }

}  // namespace livedeck::farm::h2
