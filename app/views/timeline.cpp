// The timeline: lanes and spans folded from a run's events, pooled into
// bands when they do not fit, and drawn on a shared time axis.
//
// Index
//   [SECTION] Lanes from events
//   [SECTION] Bands and rows
//   [SECTION] Axis
//   [SECTION] Drawing
#include "views/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>

#include "views/panes.hpp"

namespace livedeck::views {

using demos::EventKind;
using render::Face;

// [SECTION] Lanes from events ------------------------------------------------

namespace {

// The spans of one lane still going, by index into its spans. Requests of
// one actor may overlap (coroutines named after the same animal): they are
// closed first in, first out.
struct Open {
    std::deque<std::size_t> network;
    long wait = -1, held = -1, print = -1, step = -1;
};

void close(Lane& lane, long& index, double t) {
    if (index < 0) return;
    Span& s = lane.spans[static_cast<std::size_t>(index)];
    s.end = t;
    s.open = false;
    index = -1;
}

long open(Lane& lane, SpanKind kind, double t) {
    lane.spans.push_back({kind, t, t, true, false});
    return static_cast<long>(lane.spans.size() - 1);
}

}  // namespace

Timeline build_timeline(const std::vector<demos::Event>& events, const std::vector<std::string>& actors, double t) {
    Timeline timeline;
    timeline.t = t;
    std::vector<long> lane_of;  // by actor id: index into lanes, or -1
    std::vector<Open> opens;
    for (const demos::Event& e : events) {
        if (e.t > t) break;
        if (e.kind == EventKind::Done) {
            timeline.done = true;
            timeline.done_at = e.t;
            continue;
        }
        if (e.actor < 0) continue;
        const auto id = static_cast<std::size_t>(e.actor);
        if (id >= lane_of.size()) lane_of.resize(id + 1, -1);
        if (lane_of[id] < 0) {
            lane_of[id] = static_cast<long>(timeline.lanes.size());
            Lane lane;
            lane.actor = e.actor;
            lane.name = id < actors.size() && !actors[id].empty() ? actors[id] : "#" + std::to_string(id);
            lane.first = e.t;
            timeline.lanes.push_back(std::move(lane));
            opens.emplace_back();
        }
        Lane& lane = timeline.lanes[static_cast<std::size_t>(lane_of[id])];
        Open& o = opens[static_cast<std::size_t>(lane_of[id])];
        lane.last = e.t;
        if (e.kind != EventKind::Step) close(lane, o.step, e.t);  // the presenter let it go on
        switch (e.kind) {
        case EventKind::RequestStart:
            o.network.push_back(static_cast<std::size_t>(open(lane, SpanKind::Network, e.t)));
            lane.most_requests = std::max(lane.most_requests, o.network.size());
            break;
        case EventKind::RequestDone:
        case EventKind::RequestFailed:
            if (!o.network.empty()) {
                Span& s = lane.spans[o.network.front()];
                s.end = e.t;
                s.open = false;
                s.failed = e.kind == EventKind::RequestFailed;
                o.network.pop_front();
            }
            break;
        case EventKind::LockWait:
            close(lane, o.wait, e.t);
            o.wait = open(lane, SpanKind::LockWait, e.t);
            break;
        case EventKind::LockTaken:
            close(lane, o.wait, e.t);
            close(lane, o.held, e.t);
            o.held = open(lane, SpanKind::LockHeld, e.t);
            break;
        case EventKind::LockReleased: close(lane, o.held, e.t); break;
        case EventKind::Text:
            if (o.print < 0) o.print = open(lane, SpanKind::Print, e.t);
            if (!e.text.empty() && e.text.back() == '\n') close(lane, o.print, e.t);
            break;
        case EventKind::TypedLine: {
            // Printing while the views type it: not at once, not blocking.
            const double end = demos::typed_end(e);
            lane.spans.push_back({SpanKind::Print, e.t, std::min(end, t), end > t, false});
            break;
        }
        case EventKind::Error:
        case EventKind::Verdict:
            lane.spans.push_back({SpanKind::Error, e.t, e.t, false, false});
            break;
        case EventKind::Step: close(lane, o.step, e.t), o.step = open(lane, SpanKind::Step, e.t); break;
        case EventKind::Done: break;
        }
    }
    // What is still going ends where the drawing does: at t, or where the
    // run ended (a wait the run was stopped in stays open: it never ended).
    const double end = timeline.done ? timeline.done_at : t;
    for (Lane& lane : timeline.lanes)
        for (Span& s : lane.spans) {
            if (s.open)
                s.end = std::max(s.start, end);
            else if (timeline.done && s.end > timeline.done_at)  // a typed line cut by a stop
                s.end = std::max(s.start, timeline.done_at);
        }
    // Actor order: main first, then as the demo made them.
    std::stable_sort(timeline.lanes.begin(), timeline.lanes.end(),
                     [](const Lane& a, const Lane& b) { return a.actor < b.actor; });
    return timeline;
}

// [SECTION] Bands and rows ----------------------------------------------------

Band pool_lanes(const Timeline& timeline, std::size_t first, std::size_t count, double axis, int buckets) {
    Band band;
    band.first = first;
    band.count = std::min(count, timeline.lanes.size() - std::min(first, timeline.lanes.size()));
    buckets = std::max(buckets, 1);
    band.share.assign(static_cast<std::size_t>(buckets), {});
    if (band.count == 0 || axis <= 0) return band;
    band.label = timeline.lanes[first].name;
    if (band.count > 1) band.label += " +" + std::to_string(band.count - 1);
    const double w = axis / buckets;
    for (std::size_t i = first; i < first + band.count; ++i) {
        for (const Span& s : timeline.lanes[i].spans) {
            const auto kind = static_cast<std::size_t>(s.kind);
            if (s.kind == SpanKind::Error) {
                // A moment: the share of actors that failed in that slice.
                const auto b = static_cast<std::size_t>(std::clamp(static_cast<int>(s.start / w), 0, buckets - 1));
                band.share[b][kind] += 1;
                continue;
            }
            // A line printed at once still took a moment on screen.
            const double start = s.start;
            const double end = std::max(s.end, s.start + (s.kind == SpanKind::Print ? w * 0.25 : 0));
            if (end <= 0 || start >= axis) continue;
            const int b0 = std::clamp(static_cast<int>(start / w), 0, buckets - 1);
            const int b1 = std::clamp(static_cast<int>(end / w), 0, buckets - 1);
            for (int b = b0; b <= b1; ++b) {
                const double lo = std::max(start, b * w), hi = std::min(end, (b + 1) * w);
                if (hi > lo) band.share[static_cast<std::size_t>(b)][kind] += static_cast<float>((hi - lo) / w);
            }
        }
    }
    const auto n = static_cast<float>(band.count);
    for (auto& slice : band.share)
        for (float& v : slice) v = std::min(1.0f, v / n);
    return band;
}

std::vector<Row> timeline_rows(std::size_t lanes, int rows) {
    std::vector<Row> out;
    if (lanes == 0) return out;
    rows = std::max(rows, 1);
    if (lanes <= static_cast<std::size_t>(rows)) {
        for (std::size_t i = 0; i < lanes; ++i) out.push_back({i, 1});
        return out;
    }
    if (rows == 1) return {{0, lanes}};
    out.push_back({0, 1});  // main keeps its lane
    // Bands of one size (the last may be smaller), as few as that needs.
    const std::size_t rest = lanes - 1;
    const std::size_t size = (rest + static_cast<std::size_t>(rows) - 2) / static_cast<std::size_t>(rows - 1);
    for (std::size_t from = 1; from < lanes; from += size) out.push_back({from, std::min(size, lanes - from)});
    return out;
}

// [SECTION] Axis --------------------------------------------------------------

double timeline_axis(double longest) {
    static const double nice[] = {5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600};
    for (double n : nice)
        if (longest <= n) return n;
    return std::ceil(longest / 300) * 300;
}

// [SECTION] Drawing -------------------------------------------------------------

namespace {

ImU32 span_color(const Theme& t, SpanKind kind) {
    switch (kind) {
    case SpanKind::Network: return t.color.link;
    case SpanKind::LockWait: return t.color.error;
    case SpanKind::LockHeld: return t.color.accent;
    case SpanKind::Print: return t.color.ok;
    case SpanKind::Step: return t.color.muted;
    case SpanKind::Error: return t.color.error;
    }
    return t.color.text;
}

// Seconds between ticks: about one label per `min_gap` units of width.
double tick_step(double axis, float width, float min_gap) {
    static const double steps[] = {0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600};
    for (double s : steps)
        if (width * static_cast<float>(s / axis) >= min_gap) return s;
    return axis;
}

std::string tick_label(double s) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, s == std::floor(s) ? "%.0f s" : "%.1f s", s);
    return buffer;
}

}  // namespace

void draw_timeline(const Canvas& canvas, ImVec2 min, ImVec2 max, const Timeline& timeline, double axis) {
    const Theme& t = *canvas.theme;
    const ImVec2 body = draw_pane_frame(canvas, min, max, "Timeline");
    const float small = t.size.small;
    // The legend, in the header: what each colour means.
    {
        const struct {
            SpanKind kind;
            const char* label;
        } legend[] = {{SpanKind::Network, "network"}, {SpanKind::LockWait, "lock"}, {SpanKind::Print, "print"}};
        const float text_y = min.y + (pane_header_height(t) - small) * 0.5f;
        float x = max.x - 22;
        for (auto it = std::rbegin(legend); it != std::rend(legend); ++it) {
            x -= canvas.text_width(Face::Sans, small, it->label);
            canvas.text(Face::Sans, small, ImVec2(x, text_y), t.color.muted, it->label);
            x -= small * 0.3f + small * 0.6f;
            canvas.rect(ImVec2(x, text_y + small * 0.25f), ImVec2(x + small * 0.6f, text_y + small * 0.85f),
                        span_color(t, it->kind), 3);
            x -= small * 0.9f;
        }
    }
    const float pad = 14;
    const float axis_h = small * 1.3f;
    const float x0 = body.x + pad + std::min(150.0f, (max.x - min.x) * 0.24f);
    const float x1 = max.x - pad - small;  // room for the last tick's label
    const float y0 = body.y + pad * 0.5f;
    const float y1 = max.y - pad * 0.5f - axis_h;
    if (axis <= 0 || x1 <= x0 || y1 <= y0) return;
    auto x_of = [&](double s) { return x0 + static_cast<float>(std::clamp(s / axis, 0.0, 1.0)) * (x1 - x0); };

    // The axis: ticks and their seconds.
    const double step = tick_step(axis, x1 - x0, small * 3.2f);
    for (double s = 0; s <= axis + 1e-9; s += step) {
        const float x = x_of(s);
        canvas.line(ImVec2(x, y0), ImVec2(x, y1), t.color.pane_border, 1);
        const std::string label = tick_label(s);
        const float w = canvas.text_width(Face::Sans, small * 0.85f, label);
        canvas.text(Face::Sans, small * 0.85f, ImVec2(x - w * 0.5f, y1 + axis_h * 0.2f), t.color.muted, label);
    }
    if (timeline.lanes.empty()) return;

    // Lanes as thin as 18 units rather than pooled; pooled, bands of at
    // least 26, so their labels stay readable.
    const int thin = std::max(1, static_cast<int>((y1 - y0) / 18));
    const int fit = timeline.lanes.size() <= static_cast<std::size_t>(thin)
                        ? thin
                        : std::max(1, static_cast<int>((y1 - y0) / 26));
    const std::vector<Row> rows = timeline_rows(timeline.lanes.size(), fit);
    const float row_h = std::min(56.0f, (y1 - y0) / static_cast<float>(rows.size()));
    const float label_size = std::min(small, row_h * 0.78f);
    const double now = timeline.done ? timeline.done_at : timeline.t;
    canvas.clip(ImVec2(body.x, body.y), ImVec2(max.x - 2, max.y - 2));
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const float top = y0 + static_cast<float>(r) * row_h;
        const float mid = top + row_h * 0.5f;
        const float bar = std::max(4.0f, row_h * 0.56f);
        const Row& row = rows[r];
        // A name longer than the label column is cut at its edge.
        auto label = [&](std::string_view name) {
            canvas.clip(ImVec2(body.x + pad, top), ImVec2(x0 - 8, top + row_h));
            canvas.text(Face::Sans, label_size, ImVec2(body.x + pad, mid - label_size * 0.5f), t.color.text, name);
            canvas.unclip();
        };
        if (row.count == 1) {
            const Lane& lane = timeline.lanes[row.first];
            // An actor with many requests out at once says how many.
            label(lane.most_requests > 1 ? lane.name + " \xC3\x97" + std::to_string(lane.most_requests) : lane.name);
            // The lifeline: from the actor's first event to its last (done)
            // or to now (still going).
            const float end = x_of(timeline.done ? lane.last : now);
            canvas.line(ImVec2(x_of(lane.first), mid), ImVec2(end, mid), t.color.muted, 2);
            for (const Span& s : lane.spans) {
                const float a = x_of(s.start);
                const float b = std::max(x_of(s.end), a + 3);
                switch (s.kind) {
                case SpanKind::LockHeld:  // under the bar: the lock is this actor's
                    canvas.rect(ImVec2(a, mid + bar * 0.5f), ImVec2(b, mid + bar * 0.5f + 4), span_color(t, s.kind));
                    break;
                case SpanKind::Error:
                    canvas.rect(ImVec2(a - 2, top + 2), ImVec2(a + 2, top + row_h - 2), span_color(t, s.kind));
                    break;
                default:
                    canvas.rect(ImVec2(a, mid - bar * 0.5f), ImVec2(b, mid + bar * 0.5f), span_color(t, s.kind), 3);
                    if (s.failed) canvas.rect(ImVec2(b - 4, mid - bar * 0.5f), ImVec2(b, mid + bar * 0.5f), t.color.error);
                    break;
                }
            }
            if (timeline.done) canvas.rect(ImVec2(end - 3, mid - 3), ImVec2(end + 3, mid + 3), t.color.text, 3);
        } else {
            // A band: per slice of time, the share of its actors in each
            // state, stacked from the bottom of the row.
            const int buckets = std::max(1, static_cast<int>((x1 - x0) / 4));
            const Band band = pool_lanes(timeline, row.first, row.count, axis, buckets);
            label(band.label);
            const float w = (x1 - x0) / static_cast<float>(buckets);
            const float bottom = top + row_h - 2, height = row_h - 4;
            canvas.line(ImVec2(x0, bottom), ImVec2(x1, bottom), t.color.pane_border, 1);
            for (const SpanKind kind : {SpanKind::Network, SpanKind::LockWait, SpanKind::Print, SpanKind::Error}) {
                // Runs of slices of the same height are one rectangle.
                int from = 0;
                auto level = [&](int b) {
                    const auto& slice = band.share[static_cast<std::size_t>(b)];
                    float below = 0;
                    for (const SpanKind k : {SpanKind::Network, SpanKind::LockWait, SpanKind::Print, SpanKind::Error}) {
                        if (k == kind) break;
                        below += slice[static_cast<std::size_t>(k)];
                    }
                    const float share = slice[static_cast<std::size_t>(kind)];
                    return std::make_pair(std::round(std::min(below, 1.0f) * height),
                                          std::round(std::min(below + share, 1.0f) * height));
                };
                for (int b = 1; b <= buckets; ++b) {
                    if (b < buckets && level(b) == level(from)) continue;
                    const auto [lo, hi] = level(from);
                    if (hi > lo)
                        canvas.rect(ImVec2(x0 + static_cast<float>(from) * w, bottom - hi),
                                    ImVec2(x0 + static_cast<float>(b) * w, bottom - lo), span_color(t, kind));
                    from = b;
                }
            }
        }
    }
    // Now, while it runs.
    if (!timeline.done) canvas.line(ImVec2(x_of(now), y0), ImVec2(x_of(now), y1), t.color.accent, 2);
    canvas.unclip();
}

}  // namespace livedeck::views
