// generator<Yield, Send, Return>: Python's generators as a C++20 coroutine
// type, written to be read on a slide and taught from.
//
//   generator<int> countdown(int n) {                  // def countdown(n):
//       while (n > 0) co_yield n--;                    //     while n > 0: yield n; n -= 1
//   }
//   for (int n : countdown(5)) ...                     // for n in countdown(5): ...
//
// Yield  the type of what `co_yield` hands out.
// Send   the type send() takes (void: nothing can be sent). With a Send type,
//        `co_yield x` evaluates to std::optional<Send>: the value sent, or
//        empty when the generator was resumed by next() (Python's None).
// Return the type of `co_return value` (void: plain `co_return`), read with
//        result() once the generator is exhausted.
//
// Driving it, the Python way:
//   next()      runs to the next co_yield and returns its value; an empty
//               optional is Python's StopIteration.
//   send(v)     the same, but the suspended co_yield evaluates to v. Sending
//               to a generator that never ran throws std::logic_error, as
//               Python raises TypeError.
//   range-for   begin()/end(): an input iterator and a sentinel.
//   co_yield from(sub)
//               Python's `yield from sub`: yields everything sub yields,
//               forwards next() and send() into it, and evaluates to what sub
//               returns (its co_return value).
//
// Like cppcoro's generator, a generator is a move-only owner of its
// coroutine: destroying it destroys the frame, finished or not. An exception
// that escapes the body is stored and rethrown to whoever resumed it
// (next(), send(), the range-for loop, or the co_yield from() that
// delegated to it); the generator is then finished.
//
// GCC 12 miscompiles a co_yield inside an if condition, and a co_yield whose
// operand is a ?: producing a class temporary (both free a string twice).
// Write `auto v = co_yield x; if (v == ...)` and yield a named variable.
//
// Index
//   [SECTION] Slots: what goes in and out of a suspended co_yield
//   [SECTION] The promise's core: stepping, and forwarding into a delegate
//   [SECTION] generator: the consumer's side
//   [SECTION] from(): delegation, the counterpart of `yield from`
//   [SECTION] repr(): results shown the way Python's REPL shows them
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace livedeck::demos {

template <class Yield, class Send = void, class Return = void>
class generator;

namespace detail {

//-----------------------------------------------------------------------------
// [SECTION] Slots: what goes in and out of a suspended co_yield
//-----------------------------------------------------------------------------

// What a suspended co_yield evaluates to once resumed: the value sent, or
// an empty optional (Python's None) when resumed by next().
template <class Send>
struct sent_slot {
    std::optional<Send> value;
    std::optional<Send> take() { return std::exchange(value, std::nullopt); }
};

// A generator nobody can send to: its co_yield evaluates to void.
template <>
struct sent_slot<void> {
    void take() {}
};

// Where `co_return value` puts the value, for result() to read.
template <class Return>
struct return_slot {
    std::optional<Return> value;
    void return_value(Return v) { value.emplace(std::move(v)); }
};

// A generator that returns nothing: plain `co_return`, or running off the end.
template <>
struct return_slot<void> {
    void return_void() {}
};

//-----------------------------------------------------------------------------
// [SECTION] The promise's core: stepping, and forwarding into a delegate
//-----------------------------------------------------------------------------

// The part of the promise that does not depend on Return, so that a
// generator can delegate to a sub-generator that returns another type.
template <class Yield, class Send>
struct generator_core {
    std::coroutine_handle<> self;         // this promise's coroutine
    std::optional<Yield> current;         // the last value yielded, until taken
    sent_slot<Send> sent;                 // what the suspended co_yield evaluates to
    std::exception_ptr exception;         // what escaped the body, until rethrown
    generator_core* delegate = nullptr;   // the sub-generator of a running co_yield from()
    bool started = false;                 // resumed at least once
    bool running = false;                 // inside step(): resuming again would be UB

    // Runs the generator to its next co_yield, which then evaluates to what
    // `sent` holds. Returns true if it yielded (the value is in `current`),
    // false if it is finished. An exception from the body is left in
    // `exception` for the caller to rethrow.
    bool step() {
        if (self.done()) return false;  // exhausted: Python's StopIteration again
        if (running) throw std::logic_error("generator already executing");
        running = true;
        struct not_running {
            bool& flag;
            ~not_running() { flag = false; }
        } guard{running};
        started = true;
        current.reset();
        if (delegate && forward_to_delegate()) return true;
        self.resume();
        return !self.done();
    }

private:
    // Inside `co_yield from(sub)`: the sub-generator gets what was sent, and
    // what it yields is yielded from here. Returns false once it is finished
    // (returned or threw): then this generator resumes at its co_yield
    // from(), which takes sub's result or rethrows sub's exception.
    bool forward_to_delegate() {
        delegate->sent = std::exchange(sent, {});
        if (delegate->step()) {
            current = std::exchange(delegate->current, std::nullopt);
            return true;
        }
        delegate = nullptr;
        return false;
    }
};

// The awaiter of `co_yield from(sub)`, defined after generator.
template <class Yield, class Send, class Return>
struct delegation_awaiter;

}  // namespace detail

//-----------------------------------------------------------------------------
// [SECTION] generator: the consumer's side
//-----------------------------------------------------------------------------

// `co_yield from(sub)` hands this to the promise; see from() below.
template <class Yield, class Send, class Return>
struct delegation {
    generator<Yield, Send, Return> sub;
};

template <class Yield, class Send, class Return>
class [[nodiscard]] generator {
public:
    struct promise_type : detail::generator_core<Yield, Send>, detail::return_slot<Return> {
        generator get_return_object() {
            this->self = std::coroutine_handle<promise_type>::from_promise(*this);
            return generator(std::coroutine_handle<promise_type>::from_promise(*this));
        }

        // Lazy, like Python: nothing of the body runs before the first next().
        std::suspend_always initial_suspend() noexcept { return {}; }
        // Stay suspended at the end, so the owner can see done() and result().
        std::suspend_always final_suspend() noexcept { return {}; }

        void unhandled_exception() { this->exception = std::current_exception(); }

        // `co_yield value`: hand the value out, suspend, and evaluate to what
        // was sent (std::optional<Send>; void without a Send type).
        struct yield_awaiter {
            promise_type& promise;
            bool await_ready() noexcept { return false; }
            void await_suspend(std::coroutine_handle<>) noexcept {}
            auto await_resume() { return promise.sent.take(); }
        };
        yield_awaiter yield_value(const Yield& yielded) {
            this->current.emplace(yielded);
            return yield_awaiter{*this};
        }
        yield_awaiter yield_value(Yield&& yielded) {
            this->current.emplace(std::move(yielded));
            return yield_awaiter{*this};
        }

        // `co_yield from(sub)`: delegate to sub until it is finished.
        template <class SubReturn>
        detail::delegation_awaiter<Yield, Send, SubReturn> yield_value(
            delegation<Yield, Send, SubReturn>&& d) {
            return {std::move(d.sub)};
        }

        // A generator suspends only at co_yield: co_await is not allowed in one.
        template <class Awaitable>
        void await_transform(Awaitable&&) = delete;
    };

    generator(generator&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    generator& operator=(generator&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    generator(const generator&) = delete;
    generator& operator=(const generator&) = delete;

    // Destroys the coroutine frame, finished or not: its locals (and any
    // sub-generator it was delegating to) are destroyed with it.
    ~generator() {
        if (handle_) handle_.destroy();
    }

    // Python's next(g): runs to the next co_yield and returns its value;
    // empty once the generator is exhausted (StopIteration).
    std::optional<Yield> next() {
        if (!handle_) return std::nullopt;  // moved from
        handle_.promise().sent = {};        // the co_yield evaluates to "None"
        return take_next();
    }

    // Python's g.send(value): like next(), but the suspended co_yield
    // evaluates to `value`. A generator that has not run yet is not
    // suspended at a co_yield: sending to it throws std::logic_error.
    template <class Value>
        requires(!std::is_void_v<Send> && std::convertible_to<Value, Send>)
    std::optional<Yield> send(Value&& value) {
        if (!handle_) return std::nullopt;
        promise_type& promise = handle_.promise();
        if (!promise.started)
            throw std::logic_error("can't send non-None value to a just-started generator");
        promise.sent.value.emplace(std::forward<Value>(value));
        return take_next();
    }

    // The generator's co_return value, once it is exhausted.
    template <class R = Return>
        requires(!std::is_void_v<R>)
    const R& result() const {
        if (!handle_ || !handle_.done() || !handle_.promise().value)
            throw std::logic_error("the generator has not returned a value");
        return *handle_.promise().value;
    }

    // True once the body has finished (returned or thrown).
    bool done() const noexcept { return !handle_ || handle_.done(); }

    // Range-for: `for (auto x : g)` calls begin() (the first next()), then
    // operator++ (next()) until the iterator equals end().
    struct sentinel {};

    class iterator {
    public:
        using value_type = Yield;
        using difference_type = std::ptrdiff_t;

        iterator() = default;
        explicit iterator(std::coroutine_handle<promise_type> handle) : handle_(handle) {}

        Yield& operator*() const { return *handle_.promise().current; }
        iterator& operator++() {
            advance(handle_);
            return *this;
        }
        void operator++(int) { ++*this; }
        bool operator==(sentinel) const noexcept { return !handle_ || handle_.done(); }

    private:
        std::coroutine_handle<promise_type> handle_;
    };

    iterator begin() {
        if (handle_) {
            handle_.promise().sent = {};
            advance(handle_);
        }
        return iterator(handle_);
    }
    sentinel end() const noexcept { return {}; }

private:
    explicit generator(std::coroutine_handle<promise_type> handle) : handle_(handle) {}

    // Steps the coroutine; rethrows what escaped its body. True if it yielded.
    static bool advance(std::coroutine_handle<promise_type> handle) {
        promise_type& promise = handle.promise();
        if (promise.step()) return true;
        if (promise.exception) std::rethrow_exception(std::exchange(promise.exception, nullptr));
        return false;
    }

    std::optional<Yield> take_next() {
        if (!advance(handle_)) return std::nullopt;
        return std::exchange(handle_.promise().current, std::nullopt);
    }

    template <class Y, class S, class R>
    friend struct detail::delegation_awaiter;

    std::coroutine_handle<promise_type> handle_;
};

//-----------------------------------------------------------------------------
// [SECTION] from(): delegation, the counterpart of `yield from`
//-----------------------------------------------------------------------------

// `auto r = co_yield from(sub);` is Python's `r = yield from sub`. The
// delegating generator takes sub over, yields what sub yields, passes what
// it is sent on to sub, and evaluates to sub's co_return value (void for a
// sub-generator without one); an exception from sub is rethrown there.
// Both must yield and accept the same types.
template <class Yield, class Send, class Return>
delegation<Yield, Send, Return> from(generator<Yield, Send, Return> sub) {
    return {std::move(sub)};
}

namespace detail {

// Lives in the delegating generator's frame while it delegates, and owns
// the sub-generator, so destroying the outer frame destroys sub as well.
// The first step of sub runs here; the later ones run from the outer
// promise's step() (forward_to_delegate), without resuming the outer body.
template <class Yield, class Send, class Return>
struct delegation_awaiter {
    generator<Yield, Send, Return> sub;

    bool await_ready() const noexcept { return false; }

    template <class OuterPromise>
    bool await_suspend(std::coroutine_handle<OuterPromise> outer) {
        auto& inner = sub.handle_.promise();
        if (!inner.step()) return false;  // sub finished at once: carry on
        outer.promise().current = std::exchange(inner.current, std::nullopt);
        outer.promise().delegate = &inner;
        return true;
    }

    Return await_resume() {
        auto& inner = sub.handle_.promise();
        if (inner.exception) std::rethrow_exception(std::exchange(inner.exception, nullptr));
        if constexpr (!std::is_void_v<Return>) return std::move(*inner.value);
    }
};

}  // namespace detail

//-----------------------------------------------------------------------------
// [SECTION] repr(): results shown the way Python's REPL shows them
//-----------------------------------------------------------------------------

// Python's repr() of a string: single quotes, or double quotes when the
// text has a single quote and no double one; escapes like Python's.
inline std::string repr(std::string_view text) {
    const bool doubled = text.find('\'') != text.npos && text.find('"') == text.npos;
    const char quote = doubled ? '"' : '\'';
    std::string out(1, quote);
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == quote || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + quote;
}
inline std::string repr(const std::string& text) { return repr(std::string_view(text)); }
inline std::string repr(const char* text) { return repr(std::string_view(text)); }

// Python's repr() of an integer or a bool (True, False).
template <std::integral T>
std::string repr(T value) {
    if constexpr (std::same_as<T, bool>)
        return value ? "True" : "False";
    else
        return std::to_string(value);
}

// What next() or send() gave, as Python's REPL shows it: the value's
// repr, or StopIteration for an exhausted generator.
template <class T>
std::string repr(const std::optional<T>& value) {
    return value ? repr(*value) : "StopIteration";
}

}  // namespace livedeck::demos
