// The trace: an append-only, thread-safe list of timestamped events that a
// demo run writes. Nothing else carries demo state to the screen: the output
// pane, the terminal and the tests all fold the same events.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace livedeck::demos {

using Clock = std::chrono::steady_clock;

enum class EventKind {
    Text,           // characters written to the demo's terminal (text)
    TypedLine,      // a whole line that the views type out, a character
                    // every Event::interval seconds (text: the line, no '\n')
    RequestStart,   // an HTTP GET began (text: the URL)
    RequestDone,    // it answered 200 (text: the body)
    RequestFailed,  // it failed (text: the error)
    LockWait,       // the actor started waiting for a lock (text: lock name)
    LockTaken,      // the actor holds the lock (text: lock name)
    LockReleased,   // the actor released the lock (text: lock name)
    Error,          // a failure shown in the output (text: message)
    Verdict,        // a judgement by the runtime, e.g. a deadlock (text: message)
    Step,           // a step of a driven coroutine or generator (text: label)
    Done,           // the run ended (text: "finished", "stopped" or "failed")
};

std::string_view to_string(EventKind kind);

struct Event {
    double t = 0;  // seconds since the run started
    EventKind kind = EventKind::Text;
    int actor = 0;  // index into Trace::actors()
    std::string text;
    int line = 0;  // demo source line that caused it (0: none)
    double interval = 0;  // TypedLine: seconds per character (0: at once)
};

// A TypedLine is typed from its event's time, a character every
// Event::interval seconds, on a row of its own: lines typed at once go side
// by side, as the loop's coroutines that printed them did.
double typed_end(const Event& e);
// How many characters of a TypedLine show at time t.
std::size_t typed_chars(const Event& e, double t);

class Trace {
public:
    Trace();
    // A trace on another clock (seconds since the trace's start): a replay's
    // virtual clock, or a test's clock that fails when anything reads it.
    explicit Trace(std::function<double()> clock);

    // Seconds since the trace was created (or the given clock's reading).
    double now() const;
    Clock::time_point start() const { return start_; }

    // Returns the id of the actor with that name, adding it if new.
    int actor(std::string_view name);
    // Adds an actor that is new even if the name is taken ("cow", then
    // "cow (2)"): threads of the same animal are different actors.
    int new_actor(std::string_view name);
    std::vector<std::string> actors() const;

    void record(EventKind kind, int actor, std::string text, int line = 0);
    // Records a TypedLine typed at `interval` seconds per character.
    void record_typed(int actor, std::string text, double interval, int line = 0);
    // Appends an event that happened at `t` (a recorded trace being
    // replayed); reads no clock. Times never go back: an earlier t is taken
    // as the last event's.
    void record_at(double t, EventKind kind, int actor, std::string text, int line = 0,
                   double interval = 0);

    // A copy of every event so far.
    std::vector<Event> events() const;
    // Appends events [from, size()) to `out`; returns the new size. Lets a
    // view or the terminal follow a trace without copying it whole each time.
    std::size_t read(std::size_t from, std::vector<Event>& out) const;
    std::size_t size() const;

    // True once a Done event was recorded.
    bool done() const;
    // Blocks until more than `seen` events exist, the trace is done, or the
    // timeout passes. Returns size().
    std::size_t wait(std::size_t seen, std::chrono::milliseconds timeout) const;

private:
    Clock::time_point start_;
    std::function<double()> clock_;  // empty: the steady clock since start_
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<Event> events_;
    std::vector<std::string> actors_;
    bool done_ = false;
};

// One line of a demo's terminal output.
struct OutputLine {
    std::string text;
    bool error = false;  // an Error or Verdict: drawn apart, in the error colour
};

// Folds the events with t <= until into terminal lines, the way a terminal
// shows a stream of characters: Text events are appended in order ('\n'
// ends a line), so unsynchronized writers interleave exactly as they did.
// Error and Verdict events take a line of their own, above a line that is
// still being typed, so that line stays intact, and so does a TypedLine,
// whose row shows the characters typed by `until` (typed_chars), or by
// the run's end if it was stopped sooner. A trailing partial line is
// included.
std::vector<OutputLine> fold_lines(const std::vector<Event>& events, double until);

// fold_lines, continued from the last call instead of redone: while the
// events only grow and `until` does not go back, each call folds only what
// is new. Anything else starts over.
class Fold {
public:
    const std::vector<OutputLine>& at(const std::vector<Event>& events, double until);
    void reset() { *this = Fold{}; }

private:
    struct Typed {
        std::size_t row;  // index into lines_
        std::size_t event;
    };
    // Puts a row above the open line (or last), moving the typed rows below.
    void insert_row(OutputLine line);

    std::vector<OutputLine> lines_;
    std::vector<Typed> typed_;  // TypedLine rows not fully typed at until_
    double done_at_ = std::numeric_limits<double>::infinity();  // the Done event's time
    bool open_ = false;     // the last line is still being written
    std::size_t next_ = 0;  // the first event not folded yet
    double until_ = -1;
};

}  // namespace livedeck::demos
