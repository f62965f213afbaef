// Plumbing shared by the publisher, the follower and the benchmark:
// libmosquitto's one-time set-up and a session number. Internal to follow/.
#pragma once

#include <mosquitto.h>

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

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

// A connection failure in words.
inline std::string why(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return mosquitto_strerror(rc);
    return mosquitto_strerror(rc);
}

}  // namespace livedeck::follow::detail
