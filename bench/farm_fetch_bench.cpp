// GETs from a farm on loopback: the blocking client one at a time, and the
// Asio-driven multi client with N requests in flight on one thread.
// The farm answers at once (delay 0), so this measures client overhead.
#include "farm/async_client.hpp"
#include "farm/client.hpp"
#include "farm/farm.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace {

using namespace std::chrono_literals;
using livedeck::farm::AsyncClient;
using livedeck::farm::Server;

void BM_BlockingGet(benchmark::State& state) {
    Server server("127.0.0.1", 0, 0ms);
    const auto url = server.url() + "/cow";
    for (auto _ : state) benchmark::DoNotOptimize(livedeck::farm::get(url, 10s));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockingGet)->UseRealTime();

// state.range(0) concurrent GETs per iteration; range(1) = fresh connections.
void BM_AsyncGet(benchmark::State& state) {
    Server server("127.0.0.1", 0, 0ms);
    const auto url = server.url() + "/cow";
    const auto concurrent = state.range(0);
    boost::asio::io_context io;
    AsyncClient client(io, {.timeout = 10s, .fresh_connections = state.range(1) != 0});
    std::int64_t failed = 0;
    for (auto _ : state) {
        for (std::int64_t i = 0; i < concurrent; ++i)
            client.async_get(url, [&failed](std::exception_ptr error, std::string body) {
                if (error) ++failed;
                benchmark::DoNotOptimize(body);
            });
        io.restart();
        io.run();
    }
    if (failed) state.SkipWithError("some GETs failed");
    state.SetItemsProcessed(state.iterations() * concurrent);
}
BENCHMARK(BM_AsyncGet)
    ->ArgNames({"concurrent", "fresh"})
    ->ArgsProduct({{1, 10, 100, 1000}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
