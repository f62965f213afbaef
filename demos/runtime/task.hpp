// A coroutine resumed by hand, with no event loop: the C++ counterpart of a
// Python generator-based coroutine driven with send(None). When it awaits
// sleep(t) it suspends and hands `t` to whoever resumes it, who decides
// when (and whether) to go on. An event loop is exactly such a driver.
#pragma once

#include <chrono>
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace livedeck::demos::by_hand {

class [[nodiscard]] Task {
public:
    struct promise_type {
        std::optional<std::chrono::milliseconds> asked;  // what the last co_await sleep(t) asked for
        std::exception_ptr error;

        Task get_return_object() { return Task(handle::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };
    using handle = std::coroutine_handle<promise_type>;

    Task(Task&& other) noexcept : coroutine_(std::exchange(other.coroutine_, {})) {}
    Task& operator=(Task other) noexcept {
        std::swap(coroutine_, other.coroutine_);
        return *this;
    }
    ~Task() {
        if (coroutine_) coroutine_.destroy();
    }

    bool done() const { return !coroutine_ || coroutine_.done(); }

    // Runs the coroutine to its next suspension. Returns how long it asked
    // to sleep, or nothing once it has finished. Rethrows what escaped it.
    std::optional<std::chrono::milliseconds> resume() {
        if (done()) return std::nullopt;
        coroutine_.promise().asked.reset();
        coroutine_.resume();
        if (auto error = std::exchange(coroutine_.promise().error, nullptr)) std::rethrow_exception(error);
        return coroutine_.promise().asked;
    }

private:
    explicit Task(handle h) : coroutine_(h) {}
    handle coroutine_;
};

// What co_await sleep(t) waits on: it suspends the Task and tells its
// driver how long it wants to sleep.
struct Sleep {
    std::chrono::milliseconds duration;
    bool await_ready() const noexcept { return false; }
    void await_suspend(Task::handle waiter) const noexcept { waiter.promise().asked = duration; }
    void await_resume() const noexcept {}
};

// sleep(2s): a duration, so it never competes with POSIX sleep(unsigned).
inline Sleep sleep(std::chrono::milliseconds duration) { return Sleep{duration}; }

}  // namespace livedeck::demos::by_hand

using livedeck::demos::by_hand::sleep;
using livedeck::demos::by_hand::Task;
