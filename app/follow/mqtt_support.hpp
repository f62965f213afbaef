// Plumbing shared by the publisher, the follower and the benchmark:
// libmosquitto's one-time set-up, a session number, a client, and the
// network loop with its own host lookup. Internal to follow/.
#pragma once

#include <mosquitto.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace livedeck::follow::detail {

inline void lib_init() {
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

inline std::uint64_t random_session() {
    std::random_device device;
    std::uint64_t s = (std::uint64_t(device()) << 32) ^ device();
    return s ? s : 1;
}

inline std::string hex(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 15];
    return out;
}

// A connection failure in words (the system's, where it was a system call).
inline std::string why(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
    return mosquitto_strerror(rc);
}

// A client named `id`, with the URL's user and password if it has them,
// and no Nagle delay (an event batch goes out at once); `owner` is handed to
// the callbacks. Throws when libmosquitto cannot make one.
inline mosquitto* new_client(const std::string& id, const std::string& user, const std::string& password,
                             void* owner) {
    mosquitto* mosq = mosquitto_new(id.c_str(), true, owner);
    if (!mosq) throw std::runtime_error("cannot make an MQTT client");
    mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    if (!user.empty()) mosquitto_username_pw_set(mosq, user.c_str(), password.empty() ? nullptr : password.c_str());
    return mosq;
}

// A host's addresses, as numeric text (what getaddrinfo gives, in its
// order), or why there are none.
struct Lookup {
    std::vector<std::string> addresses;
    std::string error;
};
using Resolver = std::function<Lookup(const std::string& host)>;

inline Lookup resolve(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;  // as libmosquitto asks
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    Lookup out;
    if (rc != 0) {
        out.error = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
        return out;
    }
    for (const addrinfo* a = list; a && out.addresses.size() < 16; a = a->ai_next) {
        char text[NI_MAXHOST];
        if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0) continue;
        if (std::find(out.addresses.begin(), out.addresses.end(), text) == out.addresses.end())
            out.addresses.emplace_back(text);
    }
    ::freeaddrinfo(list);
    if (out.addresses.empty()) out.error = "no address for " + host;
    return out;
}

// libmosquitto's network loop on a thread of ours, reconnecting by itself:
// unlike mosquitto_loop_start after a failed first connect (a broker not up
// yet), it keeps trying every `retry` seconds until the broker is there, and
// its waits end as soon as stop() asks (libmosquitto's own reconnect sleep
// does not).
//
// The host is looked up on a thread of its own, and libmosquitto is handed
// the numeric address: getaddrinfo can block 5-30 s on a bad name server,
// and stop() runs on the UI thread (quitting). stop() does not wait for a
// lookup: the lookup's thread is left to finish alone, and it touches only
// what it shares with the loop (held by a shared_ptr), never the client or
// its owner. So stop() returns within about a second (the disconnect's
// grace), and the caller may destroy the client right after.
class Loop {
public:
    using Failure = std::function<void(const std::string&)>;

    void start(mosquitto* mosq, std::string host, int port, int keepalive, Failure on_failure, double retry = 1,
               Resolver resolver = resolve) {
        mosq_ = mosq;
        mosquitto_threaded_set(mosq, true);  // publishes from other threads wake this loop
        thread_ = std::thread([=, this] { run(host, port, keepalive, on_failure, retry, resolver); });
    }

    // Sends what is queued and disconnects (at most a second), then joins;
    // a lookup still under way is left behind.
    void stop() {
        {
            std::lock_guard lock(shared_->mutex);
            shared_->stopping = true;
            shared_->wake.notify_all();
        }
        if (thread_.joinable()) thread_.join();
    }

    ~Loop() { stop(); }

private:
    // What the loop's thread and a lookup's thread share: it lives as long
    // as the longer of the two.
    struct Shared {
        std::mutex mutex;
        std::condition_variable wake;
        bool stopping = false;
        std::uint64_t asked = 0;      // lookups started
        std::optional<Lookup> answer;  // to the latest one
    };

    bool stopping() {
        std::lock_guard lock(shared_->mutex);
        return shared_->stopping;
    }

    // The host's addresses, or nothing when stop() came first.
    std::optional<Lookup> look_up(const std::string& host, const Resolver& resolver) {
        std::uint64_t ask;
        {
            std::lock_guard lock(shared_->mutex);
            shared_->answer.reset();
            ask = ++shared_->asked;
        }
        try {
            std::thread([shared = shared_, host, resolver, ask] {
                Lookup found;
                try {
                    found = resolver(host);
                } catch (const std::exception& e) {
                    found.error = e.what();
                }
                std::lock_guard lock(shared->mutex);
                if (shared->asked != ask) return;
                shared->answer = std::move(found);
                shared->wake.notify_all();
            }).detach();
        } catch (const std::system_error& e) {
            return Lookup{{}, std::string("cannot look the host up: ") + e.what()};
        }
        std::unique_lock lock(shared_->mutex);
        shared_->wake.wait(lock, [&] { return shared_->stopping || shared_->answer; });
        if (shared_->stopping) return std::nullopt;
        return std::move(shared_->answer);
    }

    void run(const std::string& host, int port, int keepalive, const Failure& on_failure, double retry,
             const Resolver& resolver) {
        using Steady = std::chrono::steady_clock;
        std::string connected_to;  // the address libmosquitto has: "" before the first connect
        std::size_t next = 0;      // a host with several addresses: each try the next
        while (!stopping()) {
            std::optional<Lookup> found = look_up(host, resolver);
            if (!found) return;
            std::string problem;
            if (found->addresses.empty()) {
                problem = found->error;
            } else {
                const std::string& address = found->addresses[next++ % found->addresses.size()];
                // The same address again: reconnect (libmosquitto's socket pair stays as it is).
                int rc = address == connected_to ? mosquitto_reconnect_async(mosq_)
                                                 : mosquitto_connect_async(mosq_, address.c_str(), port, keepalive);
                connected_to = address;
                if (rc == MOSQ_ERR_SUCCESS) {
                    std::optional<Steady::time_point> give_up;
                    for (;;) {
                        if (!give_up && stopping()) {
                            mosquitto_disconnect(mosq_);  // after what is queued: the loop writes it, then closes
                            give_up = Steady::now() + std::chrono::seconds(1);
                        }
                        rc = mosquitto_loop(mosq_, 100, 1);
                        if (rc != MOSQ_ERR_SUCCESS || (give_up && Steady::now() > *give_up)) break;
                    }
                    if (give_up) return;
                }
                problem = mosquitto_strerror(rc);
            }
            on_failure("cannot reach " + host + ":" + std::to_string(port) + " (" + problem + "); trying again");
            std::unique_lock lock(shared_->mutex);
            shared_->wake.wait_for(lock, std::chrono::duration<double>(retry), [&] { return shared_->stopping; });
        }
    }

    mosquitto* mosq_ = nullptr;
    std::thread thread_;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace livedeck::follow::detail
