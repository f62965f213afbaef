// The timeline of a demo run: one lane per actor (thread or coroutine), and
// on it, in time, when the actor waits on the network, waits for a lock,
// holds it, prints, waits for Step, fails, and where its events end. Built
// from the trace's events alone (views/timeline.cpp); drawn under a demo's
// output on slides with `timeline=on` (draw_timeline, same file).
//
// Lanes that do not fit are pooled into bands: `main` keeps its lane and the
// other actors, in the order they appeared, share the remaining rows; a band
// shows, for each slice of time, what share of its actors was in each state.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "runtime/trace.hpp"
#include "views/canvas.hpp"

namespace livedeck::views {

enum class SpanKind {
    Network,   // RequestStart -> RequestDone or RequestFailed
    LockWait,  // LockWait -> LockTaken
    LockHeld,  // LockTaken -> LockReleased
    Print,     // the first character of a line -> its '\n'
    Step,      // waiting for the presenter's Step -> the actor's next event
    Error,     // an Error or Verdict: a moment, not a stretch
};
inline constexpr std::size_t span_kinds = 6;

struct Span {
    SpanKind kind;
    double start = 0, end = 0;  // seconds into the run
    bool open = false;          // still going at the time drawn (or cut by the run's end)
    bool failed = false;        // Network: it ended in RequestFailed
};

struct Lane {
    int actor = 0;
    std::string name;
    double first = 0, last = 0;  // the actor's first and last event
    std::size_t most_requests = 0;  // the most requests it had out at once (coroutines share a name)
    std::vector<Span> spans;     // in the order they started
};

struct Timeline {
    std::vector<Lane> lanes;  // in the order the actors first did something
    double t = 0;             // the time it shows
    bool done = false;        // the run's Done event is at or before t
    double done_at = 0;
};

// The lanes at time t (only events at or before t count; a span still
// going ends at t and is open). `actors` names the actors by id (a missing
// name reads "#id").
Timeline build_timeline(const std::vector<demos::Event>& events, const std::vector<std::string>& actors, double t);

// Lanes pooled into a band: for each of `buckets` equal slices of
// [0, axis] seconds, the average share of the band's actors in each kind of
// span (0..1).
struct Band {
    std::size_t first = 0, count = 0;  // lanes [first, first + count) of the timeline
    std::string label;                 // e.g. "cow +49"
    std::vector<std::array<float, span_kinds>> share;  // one per bucket
};
Band pool_lanes(const Timeline& timeline, std::size_t first, std::size_t count, double axis, int buckets);

// How the lanes are shown in at most `rows` rows: each lane its own row
// when they fit; otherwise the first lane (`main`, when it did anything)
// alone and the rest in bands of one size, as few as fit. Returns, per
// row, the lanes it shows ([first, first + count)).
struct Row {
    std::size_t first = 0, count = 0;
};
std::vector<Row> timeline_rows(std::size_t lanes, int rows);

// The axis of every timeline of the deck, in seconds: a round number at
// least `longest` (the longest run drawn on a timeline so far), so that
// sequential, threads and farm-await share one scale.
double timeline_axis(double longest);

// Draws the timeline pane into [min, max] with its time axis running from
// 0 to `axis` seconds.
void draw_timeline(const Canvas& canvas, ImVec2 min, ImVec2 max, const Timeline& timeline, double axis);

}  // namespace livedeck::views
