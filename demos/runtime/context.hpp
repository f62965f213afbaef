// What a running demo sees: its parameters, its trace and its stop token,
// plus the few operations the talk is about (fetch, print, sleep, lock),
// each of which records trace events and returns promptly on Stop.
//
// Demo files include "runtime/demo.hpp", which pulls this in.
#pragma once

#include <chrono>
#include <condition_variable>
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
    bool animate = true;  // false: print whole lines at once
    std::chrono::milliseconds char_interval{50};
    std::chrono::milliseconds request_timeout{10'000};
};

class Context {
public:
    Context(Params params, std::shared_ptr<Trace> trace, std::stop_token stop);

    const Params& params() const { return params_; }
    const std::vector<std::string>& animals() const { return params_.animals; }
    Trace& trace() { return *trace_; }
    std::stop_token stop_token() const { return stop_; }
    bool stop_requested() const { return stop_.stop_requested(); }

    // The trace actor of the calling thread ("main" for the demo's own thread).
    int actor();
    // Names the calling thread's actor (e.g. after the animal it fetches).
    void set_actor(std::string_view name);

    // Throws Stopped if a stop was requested.
    void check_stop() const;

    // Sleeps, returning early with Stopped on a stop request.
    void sleep_for(std::chrono::milliseconds duration);

private:
    Params params_;
    std::shared_ptr<Trace> trace_;
    std::stop_token stop_;
};

// The slow web API: a blocking GET of the animal's noise. Records
// RequestStart and RequestDone (or RequestFailed). Throws farm::FetchError
// when the farm fails, Stopped on a stop request.
std::string fetch(Context& ctx, std::string_view animal,
                  std::source_location where = std::source_location::current());

// Prints one line to the demo's terminal, a character at a time
// (Params::char_interval apart), then a newline. Each character is a Text
// event. Without animation the whole line is one event.
void print(Context& ctx, std::string_view line,
           std::source_location where = std::source_location::current());

// A mutex that reports to the trace (LockWait, LockTaken, LockReleased) and
// whose lock() gives up with Stopped when the demo is stopped. Satisfies
// Lockable, so std::scoped_lock and std::unique_lock work with it.
class Mutex {
public:
    Mutex(Context& ctx, std::string name = "lock");
    void lock();
    bool try_lock();
    void unlock();
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
