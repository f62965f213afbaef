// What a running demo sees: its parameters, its trace and its stop token,
// plus the few operations the talk is about (fetch, print, sleep, lock),
// each of which records trace events and returns promptly on Stop.
//
// Demo files include "runtime/demo.hpp", which pulls this in.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/stopped.hpp"
#include "runtime/trace.hpp"

namespace livedeck::demos {

// How a demo is run: which animals, against which farm, how fast.
struct Params {
    std::vector<std::string> animals{"cow", "pig", "chicken"};
    // Base URL of the animals endpoint; the cow is at farm_url + "/cow".
    std::string farm_url;
    // When set, every request asks the farm for this delay (`?delay=S`);
    // otherwise the farm's own delay holds.
    std::optional<double> delay;
    // The farm runs in this process (the embedded one): its end of every
    // connection is a file descriptor here too.
    bool farm_in_process = true;
    bool animate = true;  // false: print whole lines at once
    std::chrono::milliseconds char_interval{50};
    std::chrono::milliseconds request_timeout{10'000};
    // Steps of a hand-driven demo: false, each comes step_interval after the
    // last (the terminal); true, each waits for Run::step() (the Step button).
    bool manual_steps = false;
    std::chrono::milliseconds step_interval{700};
    // How long a deadlock stays on screen, its waiting lines marked, before
    // the watchdog gives its verdict and ends the run.
    std::chrono::milliseconds verdict_delay{1500};
};

// How many requests a run keeps in flight at once on this machine (its
// open-files limit; 0: no limit). The others queue and start as these end.
long request_budget(bool farm_in_process);

// Thousands of requests to the embedded farm go over HTTP/2, a thousand to
// a connection (farm/h2.hpp), so descriptors no longer bound them; memory
// does, at about 12 KB a request. A few requests go over HTTP/1.1, as in
// the talk's Python.
bool uses_http2(const Params& params);
inline constexpr long http2_budget = 10'000;

// How many requests `params`' run keeps in flight at once (0: no limit).
long run_budget(const Params& params);

// Step requests from the presenter to a demo waiting in step().
class Stepper {
public:
    void step();           // any thread: lets one waiting step() go on
    bool waiting() const;  // a step() waits right now
    // Waits for a step() call; throws Stopped on stop.
    void wait(std::stop_token stop);

private:
    mutable std::mutex mutex_;
    std::condition_variable_any stepped_;
    int pending_ = 0;
    bool waiting_ = false;
};

class Mutex;

namespace detail {
class Watchdog;
}

}  // namespace livedeck::demos

namespace boost::asio {
class io_context;
}
namespace livedeck::farm {
class AsyncClient;
}

namespace livedeck::demos {

class Context {
public:
    // `stop` is the run's: the runtime requests it on Stop, and the
    // deadlock watchdog requests it when it gives its verdict.
    Context(Params params, std::shared_ptr<Trace> trace, std::stop_source stop,
            boost::asio::io_context& io, Stepper* stepper = nullptr);
    ~Context();

    const Params& params() const { return params_; }
    const std::vector<std::string>& animals() const { return params_.animals; }
    Trace& trace() { return *trace_; }
    std::stop_token stop_token() const { return stop_.get_token(); }
    bool stop_requested() const { return stop_.stop_requested(); }
    // True once the watchdog found a deadlock and ended the demo.
    bool deadlocked() const;
    detail::Watchdog& watchdog() { return *watchdog_; }

    // The run's event loop. A demo may start asynchronous work on it
    // (co_spawn, timers); the run ends when the loop runs out of work.
    boost::asio::io_context& io() { return io_; }
    // The asynchronous farm client on io() (runtime/async.hpp).
    farm::AsyncClient& farm();
    // Records an exception that escaped a coroutine; the run then counts
    // as failed. Stopped is not a failure.
    void report(std::exception_ptr error);
    bool failed() const { return failed_; }
    // Cancels the asynchronous work in flight; the run calls it on Stop.
    void cancel_async();
    // Destroys the farm client; the run calls it before destroying io().
    void close_async();

    // The trace actor of the calling thread ("main" for the demo's own thread).
    int actor();
    // Names the calling thread's actor (e.g. after the animal it fetches).
    void set_actor(std::string_view name);
    // Makes the calling thread act as an actor made with Trace::new_actor().
    void set_actor_id(int actor);

    // Throws Stopped if a stop was requested.
    void check_stop() const;

    // Sleeps, returning early with Stopped on a stop request.
    void sleep_for(std::chrono::milliseconds duration);

    // Records a line that the views type out (a TypedLine) and returns at
    // once: print() in a handler of the event loop, which typing must not
    // hold up.
    void type_line(std::string_view line, int source_line);
    // True while the demo's body runs (the loop's first handler, run()
    // sets it): the body holds the loop anyway, and its prints are typed
    // one after another, as a script's are.
    bool in_body() const { return in_body_; }
    void set_in_body(bool in) { in_body_ = in; }
    // Waits until the views have typed every such line, so that the run
    // ends (Done) after its output, as when print() typed it itself. Throws
    // Stopped on a stop request. The run calls it when its loop is out of work.
    void finish_typing();

private:
    Params params_;
    bool in_body_ = false;
    double typed_until_ = 0;  // when the last TypedLine is typed (the loop's thread only)
    std::shared_ptr<Trace> trace_;
    std::stop_source stop_;
    std::unique_ptr<detail::Watchdog> watchdog_;
    boost::asio::io_context& io_;
    std::unique_ptr<farm::AsyncClient> farm_;
    bool failed_ = false;
    Stepper* stepper_;

    friend void step(Context& ctx, std::source_location where);
};

// Waits for the presenter's Step (or, in the terminal, a short pause).
void step(Context& ctx, std::source_location where = std::source_location::current());

// The URL of an animal's noise on the run's farm (with `?delay=S` when the
// demo sets its own delay).
std::string request_url(const Params& params, std::string_view animal);

// The slow web API: a blocking GET of the animal's noise. Records
// RequestStart and RequestDone (or RequestFailed). Throws farm::FetchError
// when the farm fails, Stopped on a stop request.
std::string fetch(Context& ctx, std::string_view animal,
                  std::source_location where = std::source_location::current());

// Prints one line to the demo's terminal, a character at a time
// (Params::char_interval apart), then a newline. Each character is a Text
// event. Without animation the whole line is one event.
//
// In a handler of the event loop (Context::io()) other than the demo's body
// (a coroutine the loop resumed, a completion handler), typing must not hold
// up the loop: the line is one TypedLine event, typed out by the views from
// its time (typed_chars), and print returns at once. Threads, and the body,
// still type it themselves, so threads' slow prints interleave and a
// script's lines come one after another.
void print(Context& ctx, std::string_view line,
           std::source_location where = std::source_location::current());

// Prints one line at once, without animation (Python's plain print): for a
// demo whose lesson is timing, where typing would hold up its event loop.
void print_now(Context& ctx, std::string_view line,
               std::source_location where = std::source_location::current());

// A mutex that reports to the trace (LockWait, LockTaken, LockReleased) and
// whose lock() gives up with Stopped when the demo is stopped. Satisfies
// Lockable, so std::scoped_lock and std::unique_lock work with it.
//
// Its events carry the demo line of the lock() or unlock() call, so the code
// pane marks where a thread waits. A call from a library header (the lock()
// inside std::scoped_lock) has no demo line: its events carry none.
//
// Unlike std::mutex, it tolerates an owner that ends without unlocking it
// (the deadlock demo's cow): with std::mutex that is undefined behaviour.
class Mutex {
public:
    Mutex(Context& ctx, std::string name = "lock");
    void lock(std::source_location where = std::source_location::current());
    bool try_lock();
    void unlock(std::source_location where = std::source_location::current());
    // The actor holding it, or -1.
    int owner() const;
    const std::string& name() const { return name_; }

private:
    Context& ctx_;
    std::string name_;
    mutable std::mutex state_;
    std::condition_variable_any released_;
    int owner_ = -1;
};

}  // namespace livedeck::demos
