// Plumbing shared by the publisher, the follower and the benchmark:
// libmosquitto's one-time set-up and a session number. Internal to follow/.
#pragma once

#include <mosquitto.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

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

// libmosquitto's network loop on a thread of ours, reconnecting by itself:
// unlike mosquitto_loop_start after a failed first connect (a broker not up
// yet), it keeps trying every `retry` seconds until the broker is there,
// resolving the host on this thread (never the caller's), and its waits end
// as soon as stop() asks (libmosquitto's own reconnect sleep does not).
class Loop {
public:
    using Failure = std::function<void(const std::string&)>;

    void start(mosquitto* mosq, std::string host, int port, int keepalive, Failure on_failure, double retry = 1) {
        mosq_ = mosq;
        mosquitto_threaded_set(mosq, true);  // publishes from other threads wake this loop
        thread_ = std::thread([=, this] { run(host, port, keepalive, on_failure, retry); });
    }

    // Sends what is queued and disconnects (at most a second), then joins.
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            wake_.notify_all();
        }
        if (thread_.joinable()) thread_.join();
    }

    ~Loop() { stop(); }

private:
    bool stopping() {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

    void run(const std::string& host, int port, int keepalive, const Failure& on_failure, double retry) {
        using Steady = std::chrono::steady_clock;
        bool first = true;
        while (!stopping()) {
            int rc = first ? mosquitto_connect_async(mosq_, host.c_str(), port, keepalive) : mosquitto_reconnect_async(mosq_);
            first = false;
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
            on_failure("cannot reach " + host + ":" + std::to_string(port) + " (" + mosquitto_strerror(rc) +
                       "); trying again");
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, std::chrono::duration<double>(retry), [&] { return stopping_; });
        }
    }

    mosquitto* mosq_ = nullptr;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace livedeck::follow::detail
