// A coroutine driven by hand, with no event loop: the C++ counterpart of a
// Python coroutine driven with coro.send(None).
//
//   Task coro = example(ctx);            // coro = example()
//   coro.send(None)                       // coro.send(None)
//
// The Task only resumes; what its coroutine awaits decides whether it
// suspends and what goes up to the driver. An awaiter that suspends may put
// a number (the seconds it wants to wait, say) in promise().yielded, and
// send(None) returns it, as Python's send(None) returns what the awaited
// generator yielded. An event loop is exactly such a driver, run by a clock.
#pragma once

#include <coroutine>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <utility>

namespace livedeck::demos::by_hand {

// Python's None, sent to resume a coroutine: nothing goes in.
inline constexpr std::nullopt_t None = std::nullopt;

class [[nodiscard]] Task {
public:
    struct promise_type {
        std::optional<double> yielded;  // what the awaiter handed up at the last suspension
        std::exception_ptr error;

        Task get_return_object() { return Task(handle::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }  // lazy, like Python
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

    // Python's coro.send(None): runs the coroutine to its next suspension and
    // returns what the awaiter handed up; empty (StopIteration) once the
    // coroutine has finished. Rethrows what escaped it.
    std::optional<double> send(std::nullopt_t) {
        if (done()) return std::nullopt;
        coroutine_.promise().yielded.reset();
        coroutine_.resume();
        if (auto error = std::exchange(coroutine_.promise().error, nullptr)) std::rethrow_exception(error);
        if (coroutine_.done()) return std::nullopt;
        return coroutine_.promise().yielded;
    }

private:
    explicit Task(handle h) : coroutine_(h) {}
    handle coroutine_;
};

// A number of seconds as Python prints the number written: 5, 0, 0.5.
inline std::string number(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}

// What send(None) gave, as Python's REPL shows it: the number, or
// StopIteration once the coroutine has finished.
inline std::string repr(std::optional<double> yielded) { return yielded ? number(*yielded) : "StopIteration"; }

}  // namespace livedeck::demos::by_hand

using livedeck::demos::by_hand::None;
using livedeck::demos::by_hand::number;
using livedeck::demos::by_hand::repr;
using livedeck::demos::by_hand::Task;
