// How long Stop takes at scale: farm-await with N animals against the
// embedded farm at delay 5 s, stopped once every request that fits the
// run's budget is in flight (the rest wait in the client's queue). Runs of
// more than 100 animals go over HTTP/2 (demos::run_budget()).
// Reports the cost of request_stop() on the calling (UI) thread and the time
// until the run's Done event, the bound the presenter sees.
// Usage: build/bench/stop_bench [N...]   (default 1000 10000 50000)
#include "farm/farm.hpp"
#include "registry.hpp"
#include "runtime/runner.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace livedeck;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Waits until `wanted` RequestStart events are in, or `deadline` passes.
std::size_t wait_for_starts(const demos::Trace& trace, std::size_t wanted, Clock::time_point deadline) {
    std::vector<demos::Event> events;
    std::size_t seen = 0, starts = 0;
    while (starts < wanted && Clock::now() < deadline) {
        trace.wait(seen, 100ms);
        events.clear();
        seen = trace.read(seen, events);
        for (const auto& e : events) starts += e.kind == demos::EventKind::RequestStart;
    }
    return starts;
}

}  // namespace

int main(int argc, char** argv) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    std::vector<long> counts;
    for (int i = 1; i < argc; ++i) counts.push_back(std::atol(argv[i]));
    if (counts.empty()) counts = {1000, 10000, 50000};

    const auto* demo = demos::find_demo("farm-await");
    std::printf("%8s %12s %10s %10s %18s %14s\n", "animals", "stopped_at", "started", "in_flight", "request_stop_us",
                "stop_to_done_ms");
    for (long n : counts)
      for (bool early : {true, false}) {
        farm::Server server("127.0.0.1", 0, 5s);
        demos::Params params;
        params.animals.assign(static_cast<std::size_t>(n), "cow");
        params.farm_url = server.url();
        params.farm_in_process = true;
        params.animate = false;
        params.request_timeout = demos::timeout_for(5);
        const long budget = demos::run_budget(params);
        demos::Run run(demo->body, params);
        // Early: 0.3 s after the start, in the storm of connects. Late: once
        // every request started (in flight, or queued beyond the budget).
        const auto started = wait_for_starts(run.trace(), static_cast<std::size_t>(n),
                                             Clock::now() + (early ? 300ms : 30s));
        const auto t0 = Clock::now();
        run.request_stop();
        const auto t1 = Clock::now();
        while (!run.done() && Clock::now() - t0 < 30s) run.trace().wait(run.trace().size(), 50ms);
        const auto t2 = Clock::now();
        std::printf("%8ld %12s %10zu %10ld %18.1f %14.1f%s\n", n, early ? "0.3 s" : "all started", started, std::min(n, budget), ms(t1 - t0) * 1000, ms(t2 - t0),
                    run.done() ? "" : " (not done after 30 s)");
        std::size_t failed = 0, answered = 0;
        for (const auto& e : run.trace().events()) {
            failed += e.kind == demos::EventKind::RequestFailed || e.kind == demos::EventKind::Error;
            answered += e.kind == demos::EventKind::RequestDone;
        }
        if (failed || answered) std::printf("    (before the stop: %zu answered, %zu failed)\n", answered, failed);
        run.stop();
    }
}
