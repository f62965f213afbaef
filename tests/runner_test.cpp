// The demo runtime: Run, stop latency in every waiting state, no leaked
// threads, failures shown in the output, parameters.
#include "runtime/runner.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <atomic>
#include <thread>

#include "farm/farm.hpp"
#include "registry.hpp"
#include "test_support.hpp"

using namespace livedeck;
using namespace livedeck::demos;
using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

namespace {

Params params_for(const farm::Server& server) {
    Params p;
    p.farm_url = server.url();
    return p;
}

// Stops `run` and returns how long stop() took.
Ms time_stop(Run& run) {
    const auto t0 = std::chrono::steady_clock::now();
    run.stop();
    return std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t0);
}

std::string last_done(const Run& run) {
    std::string outcome;
    for (const Event& e : run.trace().events())
        if (e.kind == EventKind::Done) outcome = e.text;
    return outcome;
}

}  // namespace

TEST(Run, FinishesAndRecordsDone) {
    Params p;
    p.char_interval = Ms(1);
    demos::Run run([](Context& ctx) { print(ctx, "hello"); }, p);
    ASSERT_TRUE(test::wait_done(run));
    EXPECT_EQ(last_done(run), "finished");
    EXPECT_EQ(test::texts(fold_lines(run.trace().events(), 1e9)), (std::vector<std::string>{"hello"}));
    // One Text event per character, then the newline.
    std::size_t texts = 0;
    for (const Event& e : run.trace().events()) texts += e.kind == EventKind::Text;
    EXPECT_EQ(texts, 6u);
}

TEST(Run, AnimatedPrintSpacesCharacters) {
    Params p;
    p.char_interval = Ms(20);
    demos::Run run([](Context& ctx) { print(ctx, "abcd"); }, p);
    ASSERT_TRUE(test::wait_done(run));
    std::vector<double> times;
    for (const Event& e : run.trace().events())
        if (e.kind == EventKind::Text) times.push_back(e.t);
    ASSERT_EQ(times.size(), 5u);
    for (std::size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], 0.019);
}

TEST(Run, StopWhileSleepingIsPrompt) {
    demos::Run run(
        [](Context& ctx) {
            ctx.trace().record(EventKind::Step, ctx.actor(), "sleeping");
            ctx.sleep_for(60s);
        },
        Params{});
    ASSERT_TRUE(test::wait_for_event(run, EventKind::Step));
    EXPECT_LT(time_stop(run), Ms(200));
    EXPECT_EQ(last_done(run), "stopped");
}

TEST(Run, StopWhileAnimatingIsPrompt) {
    Params p;
    p.char_interval = Ms(10'000);
    demos::Run run([](Context& ctx) { print(ctx, "slow"); }, p);
    ASSERT_TRUE(test::wait_for_event(run, EventKind::Text));
    EXPECT_LT(time_stop(run), Ms(200));
    EXPECT_EQ(last_done(run), "stopped");
}

TEST(Run, StopWhileWaitingOnHttpIsPrompt) {
    farm::Server server("127.0.0.1", 0, 30s);
    demos::Run run([](Context& ctx) { fetch(ctx, "cow"); }, params_for(server));
    ASSERT_TRUE(test::wait_for_event(run, EventKind::RequestStart));
    EXPECT_LT(time_stop(run), Ms(200));
    EXPECT_EQ(last_done(run), "stopped");
}

TEST(Run, StopWithThousandsOfRequestsEndsTheRunBeforeItsCleanUp) {
    // Thousands of sockets and coroutines take a while to close and destroy;
    // the run ends (Done) at once and cleans up after, on its worker.
    farm::Server server("127.0.0.1", 0, 30s);
    Params p = params_for(server);
    p.animals.assign(3000, "cow");
    p.animate = false;
    demos::Run run(demos::find_demo("farm-await")->body, p);
    std::size_t starts = 0, seen = 0;
    std::vector<Event> events;
    for (auto deadline = std::chrono::steady_clock::now() + 20s;
         starts < 3000 && std::chrono::steady_clock::now() < deadline;) {
        run.trace().wait(seen, 100ms);
        events.clear();
        seen = run.trace().read(seen, events);
        for (const Event& e : events) starts += e.kind == EventKind::RequestStart;
    }
    ASSERT_EQ(starts, 3000u);
    const auto t0 = std::chrono::steady_clock::now();
    run.request_stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, Ms(5));  // a request, not a wait
    ASSERT_TRUE(test::wait_done(run));
    EXPECT_EQ(last_done(run), "stopped");
    EXPECT_EQ(run.trace().events().back().kind, EventKind::Done);  // nothing after Done
    run.stop();  // joins the clean-up
    EXPECT_TRUE(run.finished());
    EXPECT_EQ(run.trace().events().back().kind, EventKind::Done);
}

TEST(Run, StopWhileWaitingForALockIsPrompt) {
    demos::Run run(
        [](Context& ctx) {
            Mutex lock(ctx, "print lock");
            std::atomic<bool> held{false};
            std::jthread holder([&] {
                ctx.set_actor("holder");
                lock.lock();
                held = true;
                held.notify_one();
                try {
                    ctx.sleep_for(60s);
                } catch (const Stopped&) {
                }
                lock.unlock();
            });
            held.wait(false);
            lock.lock();  // waits for the holder, until Stop
        },
        Params{});
    ASSERT_TRUE(test::wait_for_event(run, EventKind::LockWait));
    EXPECT_LT(time_stop(run), Ms(200));
    EXPECT_EQ(last_done(run), "stopped");
}

TEST(Run, NeverLeaksAThread) {
    farm::Server server("127.0.0.1", 0, 30s);
    const std::size_t before = test::thread_count();
    for (int i = 0; i < 5; ++i) {
        demos::Run run([](Context& ctx) { fetch(ctx, "pig"); }, params_for(server));
        ASSERT_TRUE(test::wait_for_event(run, EventKind::RequestStart));
        run.stop();
    }
    {
        demos::Run finished([](Context&) {}, Params{});
        ASSERT_TRUE(test::wait_done(finished));
    }  // destroyed without stop(): the destructor joins
    EXPECT_EQ(test::thread_count(), before);
}

TEST(Run, FarmDownShowsAReadableError) {
    Params p;
    p.farm_url = "http://127.0.0.1:1/animals";  // nothing listens on port 1
    demos::Run run([](Context& ctx) { fetch(ctx, "cow"); }, p);
    ASSERT_TRUE(test::wait_done(run));
    EXPECT_EQ(last_done(run), "failed");
    const auto lines = fold_lines(run.trace().events(), 1e9);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(lines[0].error);
    EXPECT_NE(lines[0].text.find("127.0.0.1:1/animals/cow"), std::string::npos) << lines[0].text;
}

TEST(Run, UnknownAnimalShowsTheFarmsAnswer) {
    farm::Server server("127.0.0.1", 0, 10ms);
    demos::Run run([](Context& ctx) { fetch(ctx, "unicorn"); }, params_for(server));
    ASSERT_TRUE(test::wait_done(run));
    const auto lines = fold_lines(run.trace().events(), 1e9);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(lines[0].error);
    EXPECT_NE(lines[0].text.find("404"), std::string::npos) << lines[0].text;
    EXPECT_NE(lines[0].text.find("The animal unicorn was not found."), std::string::npos) << lines[0].text;
}

TEST(Run, SlowFarmTimesOutWithAReadableError) {
    farm::Server server("127.0.0.1", 0, 30s);
    Params p = params_for(server);
    p.request_timeout = Ms(300);
    demos::Run run([](Context& ctx) { fetch(ctx, "cow"); }, p);
    ASSERT_TRUE(test::wait_done(run));
    const auto lines = fold_lines(run.trace().events(), 1e9);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].text.find("timed out"), std::string::npos) << lines[0].text;
}

TEST(Run, DemoDelayOverridesTheFarm) {
    farm::Server server("127.0.0.1", 0, 30s);
    Params p = params_for(server);
    p.delay = 0.05;
    demos::Run run([](Context& ctx) { fetch(ctx, "duck"); }, p);
    ASSERT_TRUE(test::wait_done(run, 10s));
    EXPECT_EQ(last_done(run), "finished");
}

TEST(Params, AppliesAnimalsAndDelay) {
    Params p;
    EXPECT_FALSE(apply_params(p, {{"animals", "cow,duck"}, {"delay", "0.5"}}));
    EXPECT_EQ(p.animals, (std::vector<std::string>{"cow", "duck"}));
    ASSERT_TRUE(p.delay);
    EXPECT_DOUBLE_EQ(*p.delay, 0.5);
}

TEST(Params, RejectsBadValues) {
    Params p;
    EXPECT_TRUE(apply_param(p, "delay", "soon"));
    EXPECT_TRUE(apply_param(p, "delay", "-1"));
    EXPECT_TRUE(apply_param(p, "delay", "100"));
    EXPECT_TRUE(apply_param(p, "animals", "cow,,pig"));
    EXPECT_TRUE(apply_param(p, "animals", "cow/../x"));
    EXPECT_TRUE(apply_param(p, "colour", "red"));
    EXPECT_EQ(p.animals, (std::vector<std::string>{"cow", "pig", "chicken"}));
}

TEST(Params, AnimalsFromAFileRelativeToTheDeck) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "livedeck_animals";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "herd.txt") << "cow\n  pig  \n\nchicken,duck\r\ngoat\n";
    Params p;
    EXPECT_FALSE(apply_param(p, "animals", "@herd.txt", dir));
    EXPECT_EQ(p.animals, (std::vector<std::string>{"cow", "pig", "chicken", "duck", "goat"}));
    EXPECT_FALSE(apply_param(p, "animals", "@" + (dir / "herd.txt").string()));  // absolute, no base
    EXPECT_EQ(p.animals.size(), 5u);

    const auto missing = apply_param(p, "animals", "@nowhere.txt", dir);
    ASSERT_TRUE(missing);
    EXPECT_NE(missing->find("no such file"), std::string::npos) << *missing;
    std::ofstream(dir / "bad.txt") << "cow\nbad name\n";
    EXPECT_TRUE(apply_param(p, "animals", "@bad.txt", dir));
    std::ofstream(dir / "empty.txt") << "\n\n";
    EXPECT_TRUE(apply_param(p, "animals", "@empty.txt", dir));
    ASSERT_EQ(::mkfifo((dir / "fifo.txt").c_str(), 0600) == 0 || std::filesystem::exists(dir / "fifo.txt"), true);
    const auto fifo = apply_param(p, "animals", "@fifo.txt", dir);
    ASSERT_TRUE(fifo);
    EXPECT_NE(fifo->find("not a regular file"), std::string::npos) << *fifo;
    EXPECT_EQ(p.animals.size(), 5u) << "a bad file changes nothing";
}
