#include "runtime/watchdog.hpp"

#include <condition_variable>
#include <string>
#include <vector>

#include "runtime/context.hpp"

namespace livedeck::demos::detail {

namespace {

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

}  // namespace

void Watchdog::started(int actor) {
    std::lock_guard lock(mutex_);
    live_.insert(actor);
}

void Watchdog::ended(int actor) {
    {
        std::lock_guard lock(mutex_);
        live_.erase(actor);
        ended_.insert(actor);
    }
    check();
}

void Watchdog::wait(int actor, Target target) {
    {
        std::lock_guard lock(mutex_);
        waiting_[actor] = target;
    }
    check();
}

Watchdog::Waiting::Waiting(Watchdog& dog, int actor, const Mutex* mutex) : dog_(dog), actor_(actor) {
    dog_.wait(actor, Target{mutex, -1});
}

Watchdog::Waiting::Waiting(Watchdog& dog, int actor, int joined) : dog_(dog), actor_(actor) {
    dog_.wait(actor, Target{nullptr, joined});
}

Watchdog::Waiting::~Waiting() {
    std::lock_guard lock(dog_.mutex_);
    dog_.waiting_.erase(actor_);
}

bool Watchdog::deadlocked() const {
    std::lock_guard lock(mutex_);
    return verdict_;
}

void Watchdog::check() {
    std::string message;
    {
        std::lock_guard lock(mutex_);
        if (found_ || live_.empty()) return;
        // Start from "every waiting live thread is stuck" and free any whose
        // lock is free or held by someone still able to release it. What is
        // left waits forever: on a dead owner, or in a cycle.
        // stuck actor -> the actor it waits for (a lock's owner, or a thread to join)
        std::map<int, int> owner_of;
        for (int actor : live_) {
            auto it = waiting_.find(actor);
            if (it == waiting_.end()) return;  // someone still runs: no verdict yet
            owner_of[actor] = it->second.mutex ? it->second.mutex->owner() : it->second.joined;
        }
        for (bool changed = true; changed;) {
            changed = false;
            for (auto it = owner_of.begin(); it != owner_of.end();) {
                const int owner = it->second;
                // A lock whose owner ended is never released; a thread that
                // ended is joined at once.
                const bool dead_owner = waiting_[it->first].mutex && ended_.count(owner);
                // A thread that owns the lock it was waiting for got it: it
                // is on its way out of lock(), not stuck.
                const bool got_it = owner == it->first;
                const bool hopeless = !got_it && (dead_owner || owner_of.count(owner));
                if (!hopeless) {
                    it = owner_of.erase(it);
                    changed = true;
                } else {
                    ++it;
                }
            }
        }
        if (owner_of.size() != live_.size()) return;

        const std::vector<std::string> names = trace_.actors();
        auto name = [&](int actor) {
            return actor >= 0 && static_cast<std::size_t>(actor) < names.size() ? names[static_cast<std::size_t>(actor)]
                                                                                : std::string("?");
        };
        // Group the waiters by the lock they wait for.
        std::map<const Mutex*, std::vector<std::string>> waiters;
        for (const auto& [actor, owner] : owner_of)
            if (const Mutex* m = waiting_[actor].mutex) waiters[m].push_back(name(actor));
        message = "Deadlock:";
        bool first = true;
        for (const auto& [mutex, who] : waiters) {
            const int owner = mutex->owner();
            message += first ? " " : "; ";
            first = false;
            if (ended_.count(owner))
                message += "'" + mutex->name() + "' is held by " + name(owner) +
                           ", which ended without releasing it; " + join_names(who) +
                           (who.size() == 1 ? " waits" : " wait") + " for it forever";
            else
                message += join_names(who) + (who.size() == 1 ? " waits" : " wait") + " for '" + mutex->name() +
                           "', held by " + name(owner) + ", which waits too";
        }
        message += ".";
        found_ = true;
    }
    // A deadlock never ends by itself: the calling thread (one that is about
    // to wait forever, or the owner on its way out) waits out the delay, so
    // that the hang is seen before it is named. Only a Stop cuts it short.
    std::mutex m;
    std::condition_variable_any never;
    std::unique_lock lock(m);
    never.wait_for(lock, stop_.get_token(), verdict_delay_, [] { return false; });
    if (stop_.stop_requested()) return;
    {
        std::lock_guard guard(mutex_);
        verdict_ = true;
    }
    trace_.record(EventKind::Verdict, trace_.actor("runtime"), message);
    stop_.request_stop();
}

}  // namespace livedeck::demos::detail
