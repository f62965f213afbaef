// Runs one demo on a worker thread that owns a boost::asio::io_context, and
// stops it on request. A stop request returns at once; the run records Done
// within milliseconds while the demo sleeps, waits on an HTTP request or
// waits for a lock, at any number of requests: the loop stops first, and the
// clean-up (closing thousands of sockets, destroying their coroutines) comes
// after Done, on the worker. Destroying a Run joins the worker: a run never
// leaks a thread; finished() says when that join costs nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "runtime/context.hpp"
#include "runtime/trace.hpp"

namespace livedeck::demos {

using DemoBody = std::function<void(Context&)>;

class Run {
public:
    // Starts the demo at once on a new worker thread.
    Run(DemoBody body, Params params);
    ~Run();  // stop()
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // Asks the demo to stop and returns at once: done() turns true when it
    // has (within milliseconds while it sleeps, fetches or waits for a lock).
    void request_stop() { stop_.request_stop(); }
    // Asks the demo to stop and joins the worker. Idempotent.
    void stop();

    // The worker has returned, clean-up included: destroying the Run now
    // does not wait. (done() may be true a while before.)
    bool finished() const { return finished_.load(std::memory_order_acquire); }

    const Trace& trace() const { return *trace_; }
    std::shared_ptr<const Trace> shared_trace() const { return trace_; }
    bool done() const { return trace_->done(); }

    // Hand-driven demos (Params::manual_steps): let the demo take one step.
    void step() { stepper_.step(); }
    bool waiting_for_step() const { return !done() && stepper_.waiting(); }

private:
    void work(DemoBody body, Params params);

    std::shared_ptr<Trace> trace_;
    std::stop_source stop_;
    Stepper stepper_;
    std::atomic<bool> finished_{false};
    std::thread worker_;
};

// How long a request may take when the farm answers after `delay` seconds:
// the delay and 10 s more (at least 10 s), so a slow farm is not a failure.
std::chrono::milliseconds timeout_for(double delay);

// Applies one `key=value` demo parameter (from a slide directive or the
// command line) to `params`. Keys: animals (comma-separated names),
// delay (seconds, 0..60). Returns an error message for a bad one.
// `animals=@FILE` reads the names from FILE (one a line, or comma-separated;
// relative to `base`, e.g. the deck's folder): 50,000 names do not fit in one
// command-line argument.
std::optional<std::string> apply_param(Params& params, const std::string& key,
                                       const std::string& value, const std::filesystem::path& base = {});
std::optional<std::string> apply_params(Params& params,
                                        const std::map<std::string, std::string>& values,
                                        const std::filesystem::path& base = {});

}  // namespace livedeck::demos
