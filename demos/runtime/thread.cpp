#include "runtime/thread.hpp"

#include "runtime/watchdog.hpp"

namespace livedeck::demos {

Thread::Thread(Context& ctx, std::string name, std::function<void()> body)
    : ctx_(&ctx), actor_(ctx.trace().new_actor(name)) {
    const int actor = actor_;
    ctx.watchdog().started(actor);
    thread_ = std::thread([&ctx, actor, name = std::move(name), body = std::move(body)] {
        ctx.set_actor_id(actor);
        try {
            body();
        } catch (const Stopped&) {
        } catch (const std::exception& e) {
            ctx.trace().record(EventKind::Error, actor, "Exception in thread " + name + ": " + e.what());
        } catch (...) {
            ctx.trace().record(EventKind::Error, actor, "Exception in thread " + name);
        }
        ctx.watchdog().ended(actor);
    });
}

Thread::~Thread() { join(); }

void Thread::join() {
    if (!thread_.joinable()) return;
    detail::Watchdog::Waiting waiting(ctx_->watchdog(), ctx_->actor(), actor_);
    thread_.join();
}

}  // namespace livedeck::demos
