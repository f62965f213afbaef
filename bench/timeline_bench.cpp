// What a demo slide with a timeline computes per frame from the trace, at
// 3 and 1,000 threads (a threads-lock run's events, the whole run): the
// demo's state (output, running lines), the timeline's lanes, and the
// lanes drawn (pooled into bands at 1,000) through a painter that draws
// nothing, so only the views' own work is timed.
//   build/bench/timeline_bench
#include <benchmark/benchmark.h>

#include "registry.hpp"
#include "views/layouts.hpp"
#include "views/timeline.hpp"

using namespace livedeck;
using demos::EventKind;

namespace {

struct Run {
    std::vector<demos::Event> events;
    std::vector<std::string> actors;
    double end = 0;
};

// Each thread fetches (1 s), waits for the lock, prints 25 characters 50 ms
// apart holding it.
Run threads_lock(int n) {
    demos::Trace trace([] { return 0.0; });
    const int main = trace.actor("main");
    std::vector<int> ids;
    for (int i = 0; i < n; ++i) ids.push_back(trace.new_actor("animal"));
    for (int id : ids) trace.record_at(0.0, EventKind::RequestStart, id, "url", 6);
    double t = 1.0;
    for (int id : ids) trace.record_at(1.0, EventKind::RequestDone, id, "Moo!", 6);
    for (std::size_t i = 1; i < ids.size(); ++i) trace.record_at(1.0, EventKind::LockWait, ids[i], "print lock", 7);
    for (int id : ids) {
        trace.record_at(t, EventKind::LockTaken, id, "print lock", 7);
        for (int c = 0; c < 24; ++c) trace.record_at(t += 0.05, EventKind::Text, id, "x", 8);
        trace.record_at(t += 0.05, EventKind::Text, id, "\n", 8);
        trace.record_at(t, EventKind::LockReleased, id, "print lock", 9);
    }
    trace.record_at(t, EventKind::Done, main, "finished");
    return {trace.events(), trace.actors(), t};
}

void demo_state(benchmark::State& state) {
    const Run run = threads_lock(static_cast<int>(state.range(0)));
    const demos::Demo* demo = demos::find_demo("threads-lock");
    const std::vector<deck::TokenLine> tokens = deck::highlight(demo->source(), "cpp");
    demos::Fold fold;
    for (auto _ : state)
        benchmark::DoNotOptimize(views::demo_state({demo, &tokens, &run.events, &fold, run.end, false}));
    state.counters["events"] = static_cast<double>(run.events.size());
}

void build_timeline(benchmark::State& state) {
    const Run run = threads_lock(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(views::build_timeline(run.events, run.actors, run.end));
}

void draw_timeline(benchmark::State& state) {
    const Run run = threads_lock(static_cast<int>(state.range(0)));
    views::Stage stage;
    const std::unique_ptr<views::Painter> painter = views::measuring_painter(stage.fonts());
    const views::Canvas canvas{painter.get(), ImVec2(0, 0), 1, &views::theme()};
    const views::Timeline timeline = views::build_timeline(run.events, run.actors, run.end);
    for (auto _ : state)
        views::draw_timeline(canvas, ImVec2(1150, 550), ImVec2(1800, 930), timeline, views::timeline_axis(run.end));
}

}  // namespace

BENCHMARK(demo_state)->Arg(3)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(build_timeline)->Arg(3)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(draw_timeline)->Arg(3)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
