// AsyncClient: libcurl's multi_socket interface on an Asio io_context.
//
// The shape is curl's docs/examples/multi-uv.c:
//   - curl says which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to
//     wake it up (CURLMOPT_TIMERFUNCTION); Asio waits, then tells curl
//     through curl_multi_socket_action, and every call to it is followed by
//     draining curl_multi_info_read for finished transfers;
//   - per-socket state is attached with curl_multi_assign; one steady_timer;
//   - curl's callbacks only record and arm waits: they never call back into
//     curl_multi_* and never run a completion handler (what must happen
//     "now" is posted).
// Sockets are watched through a posix::stream_descriptor that never owns
// the fd: curl opens and closes it (CURLOPT_OPEN/CLOSESOCKETFUNCTION), and
// the descriptor is released before curl closes the fd, so the reactor never
// watches an fd number that has been reused.
//
// [SECTION] curl helpers
// [SECTION] Impl: state
// [SECTION] Impl: starting, finishing and cancelling transfers
// [SECTION] Impl: curl's callbacks
// [SECTION] Impl: Asio's side (socket waits, the timer)
// [SECTION] AsyncClient
#include "farm/async_client.hpp"

#include "farm/curl_common.hpp"

#include "farm/client.hpp"
#include "runtime/stopped.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace livedeck::farm {

//-----------------------------------------------------------------------------
// [SECTION] curl helpers
//-----------------------------------------------------------------------------

namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;

using namespace detail;

constexpr long receive_buffer = 1024;  // curl's minimum; a noise is a few bytes
constexpr int launch_batch = 256;       // requests started per turn of the loop

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Impl: state
//-----------------------------------------------------------------------------

struct AsyncClient::Impl : std::enable_shared_from_this<Impl> {
    Impl(net::io_context& io, Options options);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void start(std::string url, std::unique_ptr<detail::GetHandler> handler);
    void cancel();
    std::size_t pending() const { return transfers_.size() + queued_.size(); }
    std::size_t connections() const { return connections_; }

private:
    // One GET: its easy handle, its body so far and its handler.
    struct Transfer {
        std::uint64_t id = 0;
        std::string url;
        std::string body;
        std::unique_ptr<detail::GetHandler> handler;  // none for the HTTP/2 probe
        Easy easy;
        int open_errno = 0;       // socket() failed (e.g. EMFILE) in on_open
        std::size_t* opened = nullptr;  // the client's count of sockets opened
        curl_socket_t socket = CURL_SOCKET_BAD;  // the last one it opened (the probe's connection)
        std::string watch_error;  // the reactor would not watch its socket
        std::string what() const { return "GET " + url + ": "; }
    };

    // A socket curl asked us to watch. Holds the fd without owning it.
    struct Socket {
        Socket(net::io_context& io, curl_socket_t s, std::uint64_t n) : fd(s), serial(n), descriptor(io) {
            descriptor.assign(s);  // registers with the reactor; throws when it cannot
        }
        ~Socket() { descriptor.release(); }  // deregisters; never closes curl's fd
        Socket(const Socket&) = delete;
        Socket& operator=(const Socket&) = delete;

        curl_socket_t fd;
        std::uint64_t serial;  // tells this Socket from a later one on the same fd
        net::posix::stream_descriptor descriptor;
        int wanted = CURL_POLL_NONE;         // CURL_POLL_IN, _OUT or _INOUT
        bool waiting[2] = {false, false};    // an async_wait is queued: [0] read, [1] write
    };

    // Transfers.
    bool has_room() const {
        if (options_.http2 && probing_) return false;  // the rest wait for the probe's answer
        const long cap = options_.http2 ? options_.max_in_flight_http2 : options_.max_in_flight;
        return cap <= 0 || transfers_.size() < static_cast<std::size_t>(cap);
    }
    void launch(std::unique_ptr<Transfer> transfer);
    void launch_queued();
    void launch_probe();
    void probed(const Transfer& probe, CURLcode result);
    void pump_later();
    void finish(std::uint64_t id, CURLcode result);
    void fail(std::uint64_t id);
    std::exception_ptr outcome(const Transfer& transfer, CURLcode result) const;

    // curl's callbacks.
    static int on_socket(CURL* easy, curl_socket_t s, int what, void* clientp, void* socketp) noexcept;
    static int on_timer(CURLM* multi, long timeout_ms, void* clientp) noexcept;
    static curl_socket_t on_open(void* clientp, curlsocktype purpose, curl_sockaddr* address) noexcept;
    static int on_close(void* clientp, curl_socket_t s) noexcept;
    Socket* find(curl_socket_t s);
    void forget(curl_socket_t s);

    // Asio's side.
    void watch(Socket& socket);
    void on_ready(curl_socket_t s, std::uint64_t serial, int direction, boost::system::error_code ec);
    void assign_later(curl_socket_t s, std::uint64_t serial);
    void act(curl_socket_t s, int events);
    void drain();

    net::io_context& io_;
    Options options_;
    net::steady_timer timer_;
    std::uint64_t timer_generation_ = 0;  // a wake-up is current only if it carries this
    std::uint64_t next_serial_ = 0;
    std::uint64_t next_id_ = 0;
    std::unordered_map<curl_socket_t, std::unique_ptr<Socket>> sockets_;
    struct SlistFree {
        void operator()(curl_slist* list) const { curl_slist_free_all(list); }
    };
    // Outlives every easy handle that points at it (declared before them).
    std::unique_ptr<curl_slist, SlistFree> close_header_{curl_slist_append(nullptr, "Connection: close")};
    std::map<std::uint64_t, std::unique_ptr<Transfer>> transfers_;  // on curl's multi handle
    std::deque<std::unique_ptr<Transfer>> queued_;  // not started yet: no curl handle
    bool pump_posted_ = false;  // a launch_queued() is posted
    // HTTP/2: the connections a probe opened (launch_probe()), each with
    // room for max_streams requests, and whether a probe is out.
    std::unordered_set<curl_socket_t> h2_sockets_;
    std::size_t h2_capacity() const { return h2_sockets_.size() * static_cast<std::size_t>(options_.max_streams); }
    std::size_t connections_ = 0;  // sockets curl has opened
    bool probing_ = false;
    Multi multi_;  // last: cleaned up first, while the state its callbacks touch still lives
};

AsyncClient::Impl::Impl(net::io_context& io, Options options) : io_(io), options_(options), timer_(io) {
    init_curl_once();
    multi_.reset(curl_multi_init());
    if (!multi_) throw FetchError("curl_multi_init failed");
    set(multi_.get(), CURLMOPT_SOCKETFUNCTION, &on_socket);
    set(multi_.get(), CURLMOPT_SOCKETDATA, static_cast<void*>(this));
    set(multi_.get(), CURLMOPT_TIMERFUNCTION, &on_timer);
    set(multi_.get(), CURLMOPT_TIMERDATA, static_cast<void*>(this));
    if (options_.http2) set(multi_.get(), CURLMOPT_MAX_CONCURRENT_STREAMS, options_.max_streams);
}

AsyncClient::Impl::~Impl() {
    cancel();
    timer_.cancel();
    multi_.reset();  // closes cached connections through on_close, which still finds sockets_
}

//-----------------------------------------------------------------------------
// [SECTION] Impl: starting, finishing and cancelling transfers
//-----------------------------------------------------------------------------

// Every request waits in queued_ without a curl handle (so without a buffer
// or a socket) until launch_queued() starts it, in batches of
// launch_batch, within max_in_flight. Batches keep each turn of the loop
// short: curl connects every handle added since its last wake-up in one
// call, and a stop or a reply waits behind that call. A request's timeout
// starts when it leaves the queue: the deadline follows what it waits for.
void AsyncClient::Impl::start(std::string url, std::unique_ptr<detail::GetHandler> handler) {
    auto transfer = std::make_unique<Transfer>();
    transfer->id = ++next_id_;
    transfer->url = std::move(url);
    transfer->handler = std::move(handler);
    queued_.push_back(std::move(transfer));
    pump_later();
}

void AsyncClient::Impl::pump_later() {
    if (pump_posted_ || queued_.empty() || !has_room()) return;
    pump_posted_ = true;
    net::post(io_, [weak = weak_from_this()] {
        if (auto impl = weak.lock()) {
            impl->pump_posted_ = false;
            impl->launch_queued();
        }
    });
}

// Starts up to launch_batch queued requests, and posts the next batch.
// Never called from inside a curl callback.
void AsyncClient::Impl::launch_queued() {
    for (int n = 0; n < launch_batch && has_room() && !queued_.empty(); ++n) {
        if (options_.http2 && transfers_.size() >= h2_capacity()) {
            launch_probe();  // every connection is full: open one more
            break;
        }
        auto next = std::move(queued_.front());
        queued_.pop_front();
        launch(std::move(next));
    }
    pump_later();
}

// HTTP/2 (Upgrade: h2c): each connection opens with a request of its own,
// alone, one the farm answers at once (its welcome), and the others wait.
// Once the welcome has come over HTTP/2, max_streams requests may share the
// connection; when every connection is full, the next probe opens another.
// Why alone: curl 7.88 lets other requests onto a connection whose upgrade
// is still under way, and they fail (curl/curl#11557, fixed in 8.2); with
// prior knowledge instead, any reuse fails (#10634, fixed in 8.0). Why
// several connections: curl keeps a connection's requests in a hash of 13
// buckets, so ten thousand on one cost O(n^2). If a welcome does not come,
// or not over HTTP/2, the rest go over HTTP/1.1 and say why they fail.
void AsyncClient::Impl::launch_probe() {
    auto probe = std::make_unique<Transfer>();
    probe->id = ++next_id_;
    std::string_view url = queued_.front()->url;
    url = url.substr(0, url.find('?'));
    probe->url = std::string(url.substr(0, url.rfind('/') + 1));  // http://host:port/animals/
    probing_ = true;
    launch(std::move(probe));
}

void AsyncClient::Impl::probed(const Transfer& probe, CURLcode result) {
    probing_ = false;
    long version = 0, status = 0;
    curl_easy_getinfo(probe.easy.get(), CURLINFO_HTTP_VERSION, &version);
    curl_easy_getinfo(probe.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (result == CURLE_OK && version == CURL_HTTP_VERSION_2_0 && status == 200 && probe.socket != CURL_SOCKET_BAD)
        h2_sockets_.insert(probe.socket);
    else
        options_.http2 = false;
}

void AsyncClient::Impl::launch(std::unique_ptr<Transfer> transfer) {
    try {
        transfer->easy.reset(curl_easy_init());
        if (!transfer->easy) throw FetchError(transfer->what() + "cannot create a curl handle");
        CURL* easy = transfer->easy.get();
        set(easy, CURLOPT_URL, transfer->url.c_str());
        set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        set(easy, CURLOPT_NOSIGNAL, 1L);
        set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout(options_.timeout).count()));
        set(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(effective_timeout(options_.timeout).count()));
        // curl's receive buffer is 16 KB per handle by default: 160 MB at
        // ten thousand requests for replies of a few bytes.
        set(easy, CURLOPT_BUFFERSIZE, receive_buffer);
        set(easy, CURLOPT_WRITEFUNCTION, &append_capped);
        set(easy, CURLOPT_WRITEDATA, static_cast<void*>(&transfer->body));
        set(easy, CURLOPT_USERAGENT, "livedeck");
        set(easy, CURLOPT_PRIVATE, static_cast<void*>(transfer.get()));
        set(easy, CURLOPT_OPENSOCKETFUNCTION, &on_open);
        set(easy, CURLOPT_OPENSOCKETDATA, static_cast<void*>(transfer.get()));
        transfer->opened = &connections_;
        // The connection may outlive the transfer in curl's cache: close through us.
        set(easy, CURLOPT_CLOSESOCKETFUNCTION, &on_close);
        set(easy, CURLOPT_CLOSESOCKETDATA, static_cast<void*>(this));
        if (options_.http2) {
            set(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_0));  // Upgrade: h2c
            // A probe opens a connection of its own, whose room it then counts.
            if (!transfer->handler) set(easy, CURLOPT_FRESH_CONNECT, 1L);
        } else if (options_.fresh_connections) {
            set(easy, CURLOPT_FRESH_CONNECT, 1L);
            set(easy, CURLOPT_FORBID_REUSE, 1L);
            // Asking the farm to close first leaves TIME_WAIT on its side.
            // Closing first ourselves left tens of thousands of our ports in
            // TIME_WAIT (the range has 28,232), and every connect() then
            // searched for a free one: 50,000 requests spent 9.6 s in the kernel.
            set(easy, CURLOPT_HTTPHEADER, close_header_.get());
        }
    } catch (const FetchError&) {
        if (!transfer->handler) {  // the probe
            probing_ = false;
            options_.http2 = false;
            pump_later();
            return;
        }
        transfer->handler->complete(std::current_exception(), {});
        return;
    }

    CURL* easy = transfer->easy.get();
    const auto id = transfer->id;
    auto& slot = transfers_[id];
    slot = std::move(transfer);
    // Calls on_timer, which only arms the timer or posts.
    if (auto rc = curl_multi_add_handle(multi_.get(), easy); rc != CURLM_OK) {
        auto failed = std::move(slot);
        transfers_.erase(id);
        if (!failed->handler) {  // the probe
            probed(*failed, CURLE_FAILED_INIT);
            pump_later();
            return;
        }
        failed->handler->complete(
            std::make_exception_ptr(FetchError(failed->what() + "curl_multi_add_handle: " + curl_multi_strerror(rc))),
            {});
    }
}

std::exception_ptr AsyncClient::Impl::outcome(const Transfer& transfer, CURLcode result) const {
    const auto what = transfer.what();
    if (!transfer.watch_error.empty()) return std::make_exception_ptr(FetchError(what + transfer.watch_error));
    if (result == CURLE_COULDNT_CONNECT && transfer.open_errno != 0)
        return std::make_exception_ptr(
            FetchError(what + "cannot open a socket: " + std::strerror(transfer.open_errno)));
    if (std::string why = failure(transfer.easy.get(), result, options_.timeout, transfer.body); !why.empty())
        return std::make_exception_ptr(FetchError(what + why));
    return nullptr;
}

// Takes a transfer off the multi handle and completes its handler. Never
// called from inside a curl callback.
void AsyncClient::Impl::finish(std::uint64_t id, CURLcode result) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) return;
    auto transfer = std::move(it->second);
    transfers_.erase(it);
    curl_multi_remove_handle(multi_.get(), transfer->easy.get());
    if (!transfer->handler) {
        probed(*transfer, result);
        pump_later();
        return;
    }
    auto error = outcome(*transfer, result);
    transfer->handler->complete(error, error ? std::string{} : printable(transfer->body));
    transfer.reset();  // closes a fresh connection before the next one opens
    pump_later();
}

// A transfer whose socket the reactor refused: fail it alone.
void AsyncClient::Impl::fail(std::uint64_t id) { finish(id, CURLE_COULDNT_CONNECT); }

void AsyncClient::Impl::cancel() {
    auto waiting = std::move(queued_);
    queued_.clear();
    for (auto& transfer : waiting) transfer->handler->complete(std::make_exception_ptr(demos::Stopped{}), {});
    auto cancelled = std::move(transfers_);
    transfers_.clear();
    probing_ = false;
    for (auto& [id, transfer] : cancelled) {
        curl_multi_remove_handle(multi_.get(), transfer->easy.get());
        if (transfer->handler) transfer->handler->complete(std::make_exception_ptr(demos::Stopped{}), {});
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Impl: curl's callbacks
//-----------------------------------------------------------------------------
// These run inside curl_multi_socket_action, _add_handle, _remove_handle and
// _cleanup. They update our state and arm waits, nothing more.

int AsyncClient::Impl::on_socket(CURL* easy, curl_socket_t s, int what, void* clientp, void* socketp) noexcept {
    auto& self = *static_cast<Impl*>(clientp);
    if (what == CURL_POLL_REMOVE) {
        self.forget(s);  // curl forgets its curl_multi_assign pointer too
        return 0;
    }
    // Until the posted curl_multi_assign lands, curl hands us no pointer.
    auto* socket = socketp ? static_cast<Socket*>(socketp) : self.find(s);
    if (!socket) {
        try {
            auto adopted = std::make_unique<Socket>(self.io_, s, ++self.next_serial_);
            socket = adopted.get();
            self.sockets_[s] = std::move(adopted);
            self.assign_later(s, socket->serial);
        } catch (const std::exception& e) {
            // The reactor will not watch this fd (or memory ran out): fail
            // this transfer alone, outside the callback. Returning -1 would
            // abort every transfer on the multi handle.
            char* data = nullptr;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &data);
            if (auto* transfer = reinterpret_cast<Transfer*>(data)) {
                transfer->watch_error = std::string("cannot watch its socket: ") + e.what();
                net::post(self.io_, [weak = self.weak_from_this(), id = transfer->id] {
                    if (auto impl = weak.lock()) impl->fail(id);
                });
            }
            return 0;
        }
    }
    socket->wanted = what;
    self.watch(*socket);
    return 0;
}

// curl asks to be woken up after timeout_ms: -1 never, 0 as soon as possible
// (but not from inside this callback), otherwise by the one timer.
int AsyncClient::Impl::on_timer(CURLM*, long timeout_ms, void* clientp) noexcept {
    auto& self = *static_cast<Impl*>(clientp);
    const auto generation = ++self.timer_generation_;
    self.timer_.cancel();
    if (timeout_ms < 0) return 0;
    auto wake = [weak = self.weak_from_this(), generation](boost::system::error_code ec = {}) {
        auto impl = weak.lock();
        if (!impl || ec || generation != impl->timer_generation_) return;
        impl->act(CURL_SOCKET_TIMEOUT, 0);
    };
    if (timeout_ms == 0) {
        net::post(self.io_, std::move(wake));
    } else {
        self.timer_.expires_after(std::chrono::milliseconds{timeout_ms});
        self.timer_.async_wait(std::move(wake));
    }
    return 0;
}

// Opens the socket curl asked for, remembering why it could not (EMFILE)
// for a readable error.
curl_socket_t AsyncClient::Impl::on_open(void* clientp, curlsocktype purpose, curl_sockaddr* address) noexcept {
    auto& transfer = *static_cast<Transfer*>(clientp);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) {
        transfer.open_errno = errno;
        return CURL_SOCKET_BAD;
    }
    if (transfer.opened) ++*transfer.opened;
    transfer.socket = fd;
    return fd;
}

// curl closes a socket: the reactor lets go of the fd first.
int AsyncClient::Impl::on_close(void* clientp, curl_socket_t s) noexcept {
    auto& self = *static_cast<Impl*>(clientp);
    self.forget(s);
    self.h2_sockets_.erase(s);  // HTTP/2: a probed connection's room goes with it
    return ::close(s);
}

AsyncClient::Impl::Socket* AsyncClient::Impl::find(curl_socket_t s) {
    auto it = sockets_.find(s);
    return it == sockets_.end() ? nullptr : it->second.get();
}

// Releases the fd from the reactor (its queued waits complete as aborted and
// find no Socket) without closing it.
void AsyncClient::Impl::forget(curl_socket_t s) { sockets_.erase(s); }

//-----------------------------------------------------------------------------
// [SECTION] Impl: Asio's side (socket waits, the timer)
//-----------------------------------------------------------------------------

// Queues a wait for each direction curl wants and no wait covers yet. A wait
// that fires for a direction curl no longer wants is ignored.
void AsyncClient::Impl::watch(Socket& socket) {
    static constexpr int poll_bit[2] = {CURL_POLL_IN, CURL_POLL_OUT};
    static constexpr net::posix::descriptor_base::wait_type wait_type[2] = {
        net::posix::descriptor_base::wait_read, net::posix::descriptor_base::wait_write};
    for (int direction : {0, 1}) {
        if (!(socket.wanted & poll_bit[direction]) || socket.waiting[direction]) continue;
        socket.waiting[direction] = true;
        socket.descriptor.async_wait(
            wait_type[direction],
            [weak = weak_from_this(), s = socket.fd, serial = socket.serial, direction](boost::system::error_code ec) {
                if (auto impl = weak.lock()) impl->on_ready(s, serial, direction, ec);
            });
    }
}

void AsyncClient::Impl::on_ready(curl_socket_t s, std::uint64_t serial, int direction, boost::system::error_code ec) {
    static constexpr int poll_bit[2] = {CURL_POLL_IN, CURL_POLL_OUT};
    static constexpr int select_bit[2] = {CURL_CSELECT_IN, CURL_CSELECT_OUT};
    auto* socket = find(s);
    if (!socket || socket->serial != serial) return;  // released, perhaps reused since
    socket->waiting[direction] = false;
    if (ec == net::error::operation_aborted) return;
    if (socket->wanted & poll_bit[direction]) act(s, ec ? CURL_CSELECT_ERR : select_bit[direction]);
    // curl may have dropped the socket, or asked for more, while it acted.
    socket = find(s);
    if (socket && socket->serial == serial) watch(*socket);
}

// Attaches our Socket to curl's entry for the fd, outside the socket callback.
void AsyncClient::Impl::assign_later(curl_socket_t s, std::uint64_t serial) {
    net::post(io_, [weak = weak_from_this(), s, serial] {
        auto impl = weak.lock();
        if (!impl) return;
        auto* socket = impl->find(s);
        if (socket && socket->serial == serial) curl_multi_assign(impl->multi_.get(), s, socket);
    });
}

// Tells curl what happened, then completes whatever transfers it finished.
void AsyncClient::Impl::act(curl_socket_t s, int events) {
    int running = 0;
    curl_multi_socket_action(multi_.get(), s, events, &running);
    drain();
}

void AsyncClient::Impl::drain() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        // finish() removes the handle, which invalidates `message`.
        const CURLcode result = message->data.result;
        char* data = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &data);
        if (auto* transfer = reinterpret_cast<Transfer*>(data)) finish(transfer->id, result);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] AsyncClient
//-----------------------------------------------------------------------------

AsyncClient::AsyncClient(net::io_context& io) : AsyncClient(io, Options{}) {}

AsyncClient::AsyncClient(net::io_context& io, Options options)
    : io_(io), impl_(std::make_shared<Impl>(io, options)) {}

AsyncClient::~AsyncClient() = default;

void AsyncClient::start(std::string url, std::unique_ptr<detail::GetHandler> handler) {
    impl_->start(std::move(url), std::move(handler));
}

void AsyncClient::cancel() { impl_->cancel(); }

std::size_t AsyncClient::pending() const { return impl_->pending(); }

std::size_t AsyncClient::connections() const { return impl_->connections(); }

}  // namespace livedeck::farm
