// Helpers shared by the test suites: counting this process's threads and
// running a demo to its end on a real farm.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/runner.hpp"

namespace livedeck::test {

// How much slower a sanitizer build runs the code under test. A test that
// asserts throughput (a thousand requests in about one delay) multiplies its
// bound by it: under ThreadSanitizer (and, less, AddressSanitizer), Asio,
// Beast and the client run several times slower, and the bound then still
// tells concurrent requests (about one delay) from sequential ones (a
// thousand delays), without timing the tool.
#if defined(__SANITIZE_THREAD__)
inline constexpr double sanitizer_slowdown = 4;
#elif defined(__SANITIZE_ADDRESS__)
inline constexpr double sanitizer_slowdown = 2;
#else
inline constexpr double sanitizer_slowdown = 1;
#endif

// Threads of this process right now (/proc/self/task).
inline std::size_t thread_count() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

// Blocks until the run is done or `limit` passes; returns whether it is done.
inline bool wait_done(const demos::Run& run, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t seen = 0;
    while (!run.done() && std::chrono::steady_clock::now() < deadline)
        seen = run.trace().wait(seen, std::chrono::milliseconds(50));
    return run.done();
}

// Blocks until the trace holds an event of `kind` (optionally from `actor`),
// or `limit` passes. Returns whether it came.
inline bool wait_for_event(const demos::Run& run, demos::EventKind kind,
                           std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t seen = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        for (const demos::Event& e : run.trace().events())
            if (e.kind == kind) return true;
        if (run.done()) return false;
        seen = run.trace().wait(seen, std::chrono::milliseconds(20));
    }
    return false;
}

inline std::vector<std::string> texts(const std::vector<demos::OutputLine>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l.text);
    return out;
}

}  // namespace livedeck::test
