#include "runtime/trace.hpp"

#include <algorithm>
#include <cmath>

namespace livedeck::demos {

std::string_view to_string(EventKind kind) {
    switch (kind) {
    case EventKind::Text: return "text";
    case EventKind::TypedLine: return "typed-line";
    case EventKind::RequestStart: return "request-start";
    case EventKind::RequestDone: return "request-done";
    case EventKind::RequestFailed: return "request-failed";
    case EventKind::LockWait: return "lock-wait";
    case EventKind::LockTaken: return "lock-taken";
    case EventKind::LockReleased: return "lock-released";
    case EventKind::Error: return "error";
    case EventKind::Verdict: return "verdict";
    case EventKind::Step: return "step";
    case EventKind::Done: return "done";
    }
    return "?";
}

Trace::Trace() : start_(Clock::now()) {}

Trace::Trace(std::function<double()> clock) : start_(Clock::now()), clock_(std::move(clock)) {}

double Trace::now() const {
    if (clock_) return clock_();
    return std::chrono::duration<double>(Clock::now() - start_).count();
}

int Trace::actor(std::string_view name) {
    std::lock_guard lock(mutex_);
    auto it = std::find(actors_.begin(), actors_.end(), name);
    if (it != actors_.end()) return static_cast<int>(it - actors_.begin());
    actors_.emplace_back(name);
    return static_cast<int>(actors_.size() - 1);
}

int Trace::new_actor(std::string_view name) {
    std::lock_guard lock(mutex_);
    std::string unique(name);
    for (int n = 2; std::find(actors_.begin(), actors_.end(), unique) != actors_.end(); ++n)
        unique = std::string(name) + " (" + std::to_string(n) + ")";
    actors_.push_back(std::move(unique));
    return static_cast<int>(actors_.size() - 1);
}

std::vector<std::string> Trace::actors() const {
    std::lock_guard lock(mutex_);
    return actors_;
}

void Trace::record(EventKind kind, int actor, std::string text, int line) {
    {
        std::lock_guard lock(mutex_);
        if (done_) return;  // Done is the last event (a run's clean-up may still unwind)
        events_.push_back(Event{now(), kind, actor, std::move(text), line});
        if (kind == EventKind::Done) done_ = true;
    }
    changed_.notify_all();
}

void Trace::record_typed(int actor, std::string text, double interval, int line) {
    {
        std::lock_guard lock(mutex_);
        if (done_) return;
        events_.push_back(Event{now(), EventKind::TypedLine, actor, std::move(text), line, interval});
    }
    changed_.notify_all();
}

void Trace::record_at(double t, EventKind kind, int actor, std::string text, int line, double interval) {
    {
        std::lock_guard lock(mutex_);
        if (done_) return;
        if (!events_.empty()) t = std::max(t, events_.back().t);
        events_.push_back(Event{t, kind, actor, std::move(text), line, interval});
        if (kind == EventKind::Done) done_ = true;
    }
    changed_.notify_all();
}

std::vector<Event> Trace::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::size_t Trace::read(std::size_t from, std::vector<Event>& out) const {
    std::lock_guard lock(mutex_);
    if (from < events_.size())
        out.insert(out.end(), events_.begin() + static_cast<std::ptrdiff_t>(from), events_.end());
    return events_.size();
}

std::size_t Trace::size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
}

bool Trace::done() const {
    std::lock_guard lock(mutex_);
    return done_;
}

std::size_t Trace::wait(std::size_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return events_.size() > seen || done_; });
    return events_.size();
}

double typed_end(const Event& e) {
    return e.t + static_cast<double>(e.text.size()) * std::max(e.interval, 0.0);
}

std::size_t typed_chars(const Event& e, double t) {
    if (t < e.t) return 0;
    if (e.interval <= 0) return e.text.size();
    // A hair of slack: t = e.t + n * interval shows n characters even
    // when the sum rounds down.
    const double n = std::floor((t - e.t) / e.interval + 1e-9);
    return n >= static_cast<double>(e.text.size()) ? e.text.size() : static_cast<std::size_t>(n);
}

void Fold::insert_row(OutputLine line) {
    const std::size_t row = open_ ? lines_.size() - 1 : lines_.size();
    lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(row), std::move(line));
    for (Typed& typed : typed_)
        if (typed.row >= row) ++typed.row;
}

const std::vector<OutputLine>& Fold::at(const std::vector<Event>& events, double until) {
    if (until < until_ || events.size() < next_) reset();
    until_ = until;
    for (; next_ < events.size(); ++next_) {
        const Event& e = events[next_];
        if (e.t > until) break;
        if (e.kind == EventKind::Text) {
            for (char c : e.text) {
                if (!open_) {
                    lines_.emplace_back();
                    open_ = true;
                }
                if (c == '\n')
                    open_ = false;
                else
                    lines_.back().text += c;
            }
        } else if (e.kind == EventKind::TypedLine) {
            // A row of its own, above the line being typed, like an error;
            // its characters are filled in below.
            insert_row(OutputLine{});
            typed_.push_back(Typed{open_ ? lines_.size() - 2 : lines_.size() - 1, next_});
        } else if (e.kind == EventKind::Error || e.kind == EventKind::Verdict) {
            // Above the line being typed, which then goes on intact.
            insert_row(OutputLine{e.text, true});
        } else if (e.kind == EventKind::Done) {
            done_at_ = e.t;  // a run stopped mid-line leaves it cut
        }
    }
    // The typed rows as they stand at `until`; the finished ones are final.
    std::erase_if(typed_, [&](const Typed& typed) {
        const Event& e = events[typed.event];
        const std::size_t n = typed_chars(e, std::min(until, done_at_));
        lines_[typed.row].text.assign(e.text, 0, n);
        return n == e.text.size() || until >= done_at_;
    });
    return lines_;
}

std::vector<OutputLine> fold_lines(const std::vector<Event>& events, double until) {
    Fold fold;
    return fold.at(events, until);
}

}  // namespace livedeck::demos
