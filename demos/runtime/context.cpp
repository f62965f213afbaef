#include "runtime/context.hpp"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "farm/async_client.hpp"
#include "farm/client.hpp"
#include "runtime/watchdog.hpp"

namespace livedeck::demos {

namespace {

// The calling thread's actor id, per trace (a thread serves one run at a time).
thread_local const Trace* actor_trace = nullptr;
thread_local int actor_id = -1;

int line_of(const std::source_location& where) { return static_cast<int>(where.line()); }

// The line of a call made from a demo file; 0 for one made from a library
// header (std::scoped_lock calling lock()), whose line means nothing in the
// demo's source. Demo files are .cpp files; the headers that call back
// into the runtime are not.
int demo_line_of(const std::source_location& where) {
    const std::string_view file = where.file_name();
    return file.ends_with(".cpp") ? line_of(where) : 0;
}

// A run above this many requests is one of thousands: it goes over HTTP/2
// (to the embedded farm) or on fresh connections (to another).
constexpr std::size_t many_requests = 100;

}  // namespace

std::string request_url(const Params& params, std::string_view animal) {
    std::string url = params.farm_url + "/" + std::string(animal);
    if (params.delay) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "?delay=%g", *params.delay);
        url += buffer;
    }
    return url;
}

Context::Context(Params params, std::shared_ptr<Trace> trace, std::stop_source stop,
                 boost::asio::io_context& io, Stepper* stepper)
    : params_(std::move(params)),
      trace_(std::move(trace)),
      stop_(std::move(stop)),
      watchdog_(std::make_unique<detail::Watchdog>(*trace_, stop_, params_.verdict_delay)),
      io_(io),
      stepper_(stepper) {
    watchdog_->started(trace_->actor("main"));
}

Context::~Context() = default;

farm::AsyncClient& Context::farm() {
    if (!farm_) {
        farm::AsyncClient::Options options;
        options.timeout = params_.request_timeout;
        // Thousands of requests at once: reusing connections costs more
        // than it saves (DESIGN.md).
        options.fresh_connections = params_.animals.size() > many_requests;
        options.http2 = uses_http2(params_);
        options.max_in_flight = request_budget(params_.farm_in_process);  // and if the farm will not upgrade
        options.max_in_flight_http2 = http2_budget;
        farm_ = std::make_unique<farm::AsyncClient>(io_, options);
    }
    return *farm_;
}

bool uses_http2(const Params& params) { return params.farm_in_process && params.animals.size() > many_requests; }

long run_budget(const Params& params) {
    return uses_http2(params) ? http2_budget : request_budget(params.farm_in_process);
}

long request_budget(bool farm_in_process) {
    // Each connection is a file descriptor, and so is its other end when the
    // farm runs in this process; 512 are left for everything else.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
    const long spare = static_cast<long>(limit.rlim_cur) - 512;
    return std::max<long>(16, farm_in_process ? spare / 2 : spare);
}

void Context::report(std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const Stopped&) {
    } catch (const std::exception& e) {
        failed_ = true;
        trace_->record(EventKind::Error, actor(), e.what());
    } catch (...) {
        failed_ = true;
        trace_->record(EventKind::Error, actor(), "unknown exception");
    }
}

void Context::cancel_async() {
    if (farm_) farm_->cancel();
}

void Context::close_async() { farm_.reset(); }

bool Context::deadlocked() const { return watchdog_->deadlocked(); }

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

void Context::set_actor_id(int actor) {
    actor_trace = trace_.get();
    actor_id = actor;
}

void Context::type_line(std::string_view line, int source_line) {
    const double interval = std::chrono::duration<double>(params_.char_interval).count();
    const int me = actor();
    trace_->record_typed(me, std::string(line), interval, source_line);
    // Read after the event's time: the wait ends no sooner than its typing.
    typed_until_ = std::max(typed_until_, trace_->now() + static_cast<double>(line.size()) * interval);
}

void Context::finish_typing() {
    const double left = typed_until_ - trace_->now();
    if (left > 0) sleep_for(std::chrono::milliseconds(static_cast<long>(std::ceil(left * 1000))));
    check_stop();
}

void Context::check_stop() const {
    if (stop_.stop_requested()) throw Stopped();
}

void Context::sleep_for(std::chrono::milliseconds duration) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    if (cv.wait_for(lock, stop_.get_token(), duration, [] { return false; }) || stop_.stop_requested())
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
    if (ctx.io().get_executor().running_in_this_thread() && !ctx.in_body()) {
        ctx.check_stop();
        ctx.type_line(line, line_of(where));
        return;
    }
    for (char c : line) {
        ctx.check_stop();
        ctx.trace().record(EventKind::Text, actor, std::string(1, c), line_of(where));
        ctx.sleep_for(ctx.params().char_interval);
    }
    ctx.trace().record(EventKind::Text, actor, "\n", line_of(where));
}

void print_now(Context& ctx, std::string_view line, std::source_location where) {
    ctx.check_stop();
    ctx.trace().record(EventKind::Text, ctx.actor(), std::string(line) + '\n', line_of(where));
}

void Stepper::step() {
    {
        std::lock_guard lock(mutex_);
        ++pending_;
    }
    stepped_.notify_all();
}

bool Stepper::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_ && pending_ == 0;
}

void Stepper::wait(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    waiting_ = true;
    const bool stepped = stepped_.wait(lock, stop, [&] { return pending_ > 0; });
    waiting_ = false;
    if (!stepped) throw Stopped();
    --pending_;
}

void step(Context& ctx, std::source_location where) {
    ctx.trace().record(EventKind::Step, ctx.actor(), "waiting for Step", line_of(where));
    if (ctx.params_.manual_steps && ctx.stepper_)
        ctx.stepper_->wait(ctx.stop_token());
    else if (ctx.params_.animate)
        ctx.sleep_for(ctx.params_.step_interval);
    ctx.check_stop();
}

Mutex::Mutex(Context& ctx, std::string name) : ctx_(ctx), name_(std::move(name)) {}

void Mutex::lock(std::source_location where) {
    ctx_.check_stop();  // a stopped demo waits for nothing more
    const int me = ctx_.actor();
    const int line = demo_line_of(where);
    // The watchdog takes its own mutex and then state_ (through owner()), so
    // it is told with state_ unlocked, and `waiting`, declared before `lock`,
    // is destroyed after state_ is unlocked again.
    std::optional<detail::Watchdog::Waiting> waiting;
    std::unique_lock lock(state_);
    if (owner_ >= 0) {
        ctx_.trace().record(EventKind::LockWait, me, name_, line);
        lock.unlock();
        waiting.emplace(ctx_.watchdog(), me, this);
        lock.lock();
        if (!released_.wait(lock, ctx_.stop_token(), [&] { return owner_ < 0; }))
            throw Stopped();
    }
    owner_ = me;
    ctx_.trace().record(EventKind::LockTaken, me, name_, line);
}

bool Mutex::try_lock() {
    const int me = ctx_.actor();
    std::lock_guard lock(state_);
    if (owner_ >= 0) return false;
    owner_ = me;
    ctx_.trace().record(EventKind::LockTaken, me, name_);
    return true;
}

void Mutex::unlock(std::source_location where) {
    {
        std::lock_guard lock(state_);
        ctx_.trace().record(EventKind::LockReleased, owner_, name_, demo_line_of(where));
        owner_ = -1;
    }
    released_.notify_all();
}

int Mutex::owner() const {
    std::lock_guard lock(state_);
    return owner_;
}

}  // namespace livedeck::demos
