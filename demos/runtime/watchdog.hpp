// The deadlock watchdog: knows which demo threads are alive, which have
// ended, and which wait for which Mutex. When every live thread waits for a
// lock that can never be released (its owner ended, or the owners wait on
// each other), it lets the hang show for a moment (Params::verdict_delay:
// the audience sees the waiting lines marked), then records a Verdict in the
// trace naming the lock, its owner and the waiters, and stops the run, so a
// deadlocked demo ends instead of hanging the talk. A Stop during that
// moment ends the run without a verdict.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>

#include "runtime/trace.hpp"

namespace livedeck::demos {
class Mutex;
}

namespace livedeck::demos::detail {

class Watchdog {
public:
    Watchdog(Trace& trace, std::stop_source stop, std::chrono::milliseconds verdict_delay = {})
        : trace_(trace), stop_(std::move(stop)), verdict_delay_(verdict_delay) {}

    void started(int actor);  // a demo thread exists (called before it runs)
    void ended(int actor);    // it finished, normally or by an exception

    // While alive, `actor` waits for `mutex`, or to join the thread `joined`.
    class Waiting {
    public:
        Waiting(Watchdog& dog, int actor, const Mutex* mutex);
        Waiting(Watchdog& dog, int actor, int joined);
        ~Waiting();
        Waiting(const Waiting&) = delete;
        Waiting& operator=(const Waiting&) = delete;

    private:
        Watchdog& dog_;
        int actor_;
    };

    bool deadlocked() const;

private:
    void check();  // call without mutex_ held

    Trace& trace_;
    std::stop_source stop_;
    std::chrono::milliseconds verdict_delay_;
    mutable std::mutex mutex_;
    std::set<int> live_, ended_;
    struct Target {
        const Mutex* mutex = nullptr;  // waits for this lock...
        int joined = -1;               // ...or for this thread to end
    };
    void wait(int actor, Target target);
    std::map<int, Target> waiting_;
    bool found_ = false;    // a deadlock was found (its verdict may still be due)
    bool verdict_ = false;  // and its verdict given
};

}  // namespace livedeck::demos::detail
