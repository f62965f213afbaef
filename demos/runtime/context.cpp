#include "runtime/context.hpp"

#include <cstdio>

#include "farm/client.hpp"

namespace livedeck::demos {

namespace {

// The calling thread's actor id, per trace (a thread serves one run at a time).
thread_local const Trace* actor_trace = nullptr;
thread_local int actor_id = -1;

std::string request_url(const Params& params, std::string_view animal) {
    std::string url = params.farm_url + "/" + std::string(animal);
    if (params.delay) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "?delay=%g", *params.delay);
        url += buffer;
    }
    return url;
}

int line_of(const std::source_location& where) { return static_cast<int>(where.line()); }

}  // namespace

Context::Context(Params params, std::shared_ptr<Trace> trace, std::stop_token stop)
    : params_(std::move(params)), trace_(std::move(trace)), stop_(std::move(stop)) {}

int Context::actor() {
    if (actor_trace != trace_.get() || actor_id < 0) {
        actor_trace = trace_.get();
        actor_id = trace_->actor("main");
    }
    return actor_id;
}

void Context::set_actor(std::string_view name) {
    actor_trace = trace_.get();
    actor_id = trace_->actor(name);
}

void Context::check_stop() const {
    if (stop_.stop_requested()) throw Stopped();
}

void Context::sleep_for(std::chrono::milliseconds duration) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    if (cv.wait_for(lock, stop_, duration, [] { return false; }) || stop_.stop_requested())
        throw Stopped();
}

std::string fetch(Context& ctx, std::string_view animal, std::source_location where) {
    ctx.check_stop();
    const int actor = ctx.actor();
    const std::string url = request_url(ctx.params(), animal);
    ctx.trace().record(EventKind::RequestStart, actor, url, line_of(where));
    try {
        std::string noise = farm::get(url, ctx.params().request_timeout, ctx.stop_token());
        ctx.trace().record(EventKind::RequestDone, actor, noise, line_of(where));
        return noise;
    } catch (const farm::FetchError& e) {
        ctx.trace().record(EventKind::RequestFailed, actor, e.what(), line_of(where));
        throw;
    }
}

void print(Context& ctx, std::string_view line, std::source_location where) {
    const int actor = ctx.actor();
    if (!ctx.params().animate) {
        ctx.check_stop();
        ctx.trace().record(EventKind::Text, actor, std::string(line) + '\n', line_of(where));
        return;
    }
    for (char c : line) {
        ctx.check_stop();
        ctx.trace().record(EventKind::Text, actor, std::string(1, c), line_of(where));
        ctx.sleep_for(ctx.params().char_interval);
    }
    ctx.trace().record(EventKind::Text, actor, "\n", line_of(where));
}

Mutex::Mutex(Context& ctx, std::string name) : ctx_(ctx), name_(std::move(name)) {}

void Mutex::lock() {
    const int me = ctx_.actor();
    std::unique_lock lock(state_);
    if (owner_ >= 0) {
        ctx_.trace().record(EventKind::LockWait, me, name_);
        if (!released_.wait(lock, ctx_.stop_token(), [&] { return owner_ < 0; }))
            throw Stopped();
    }
    owner_ = me;
    ctx_.trace().record(EventKind::LockTaken, me, name_);
}

bool Mutex::try_lock() {
    const int me = ctx_.actor();
    std::lock_guard lock(state_);
    if (owner_ >= 0) return false;
    owner_ = me;
    ctx_.trace().record(EventKind::LockTaken, me, name_);
    return true;
}

void Mutex::unlock() {
    {
        std::lock_guard lock(state_);
        ctx_.trace().record(EventKind::LockReleased, owner_, name_);
        owner_ = -1;
    }
    released_.notify_all();
}

int Mutex::owner() const {
    std::lock_guard lock(state_);
    return owner_;
}

}  // namespace livedeck::demos
