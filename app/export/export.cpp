// Index
//   [SECTION] Replaying a recording onto a presentation
//   [SECTION] Walk-through
//   [SECTION] Video
//   [SECTION] PNGs
//   [SECTION] Dispatch
#include "export/export.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

#include "export/encoder.hpp"
#include "render/context.hpp"
#include "views/export_pdf.hpp"
#include "views/layouts.hpp"

namespace livedeck::exporting {

using session::Entry;

// [SECTION] Replaying a recording onto a presentation --------------------------------

namespace {

// Applies a recording's entries, in time order, to a presentation that runs
// nothing itself: the state at any time is the state the audience saw.
class Replay {
public:
    // `deck`: the deck to start with; `dir`: where a recording's deck files are.
    Replay(std::filesystem::path dir, const std::filesystem::path& deck) : dir_(std::move(dir)) {
        show::Options o;
        o.deck_path = deck;
        o.manual_steps = false;
        show_ = std::make_unique<show::Presentation>(o, 0.0);
    }
    explicit Replay(const session::Recording& recording)
        : Replay(recording.dir, first_deck(recording)) {
        entries_ = recording.entries;
        // Trace events are logged once a frame, after the slide events of that
        // frame: put everything back in time order (stable: same times keep theirs).
        std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.t < b.t; });
        complete_ = true;
    }

    // More entries, later than those already in (a walk-through as it is made).
    void append(Entry e) { entries_.push_back(std::move(e)); }
    void set_complete() { complete_ = true; }
    bool complete() const { return complete_; }
    const std::vector<Entry>& entries() const { return entries_; }

    // Applies every entry up to time t; returns how many.
    int advance(double t) {
        int applied = 0;
        for (; next_ < entries_.size() && entries_[next_].t <= t; ++next_, ++applied) apply(entries_[next_]);
        return applied;
    }
    // The time of the next entry (of those in so far).
    double next_time() const { return next_ < entries_.size() ? entries_[next_].t : 1e18; }
    show::Presentation& show() { return *show_; }

private:
    static std::filesystem::path first_deck(const session::Recording& r) {
        for (const Entry& e : r.entries)
            if (e.kind == Entry::Kind::Deck) return r.dir / e.text;
        return r.deck_path;
    }

    void apply(const Entry& e) {
        switch (e.kind) {
        case Entry::Kind::Deck: {
            deck::Deck d = show::load_deck(dir_ / e.text);
            if (!d.slides.empty()) show_->replay_deck(std::move(d), e.t);
            break;
        }
        case Entry::Kind::Slide: show_->replay_slide(e.slide, e.t); break;
        case Entry::Kind::Reveal: show_->replay_step(e.slide, e.step, e.t); break;
        case Entry::Kind::Screen:
            show_->replay_screen(e.text == "black"   ? show::Screen::Black
                                 : e.text == "white" ? show::Screen::White
                                                     : show::Screen::Slide,
                                 e.t);
            break;
        case Entry::Kind::Run: show_->replay_run(e.slide, e.t); break;
        case Entry::Kind::Trace: show_->replay_trace(e.slide, e.trace, e.text); break;
        default: break;
        }
    }

    std::filesystem::path dir_;
    std::vector<Entry> entries_;
    std::size_t next_ = 0;
    bool complete_ = false;
    std::unique_ptr<show::Presentation> show_;
};

std::string clock_text(double seconds) {
    const long s = static_cast<long>(seconds);
    char buffer[32];
    if (s >= 3600) std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", s / 60, s % 60);
    return buffer;
}

// A progress bar with an ETA on stderr, when it is a terminal.
class Progress {
public:
    Progress(bool quiet, double total) : on_(!quiet && isatty(2)), total_(std::max(total, 1e-6)) {}
    void update(double done) {
        if (!on_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        const double f = std::clamp(done / total_, 0.0, 1.0);
        const double spent = std::chrono::duration<double>(now - start_).count();
        const double eta = f > 0.01 ? spent * (1 - f) / f : 0;
        const int filled = static_cast<int>(f * 30);
        std::fprintf(stderr, "\r[%s%s] %3d%%  %s of %s  ETA %s ", std::string(filled, '#').c_str(),
                     std::string(30 - filled, ' ').c_str(), static_cast<int>(f * 100), clock_text(done).c_str(),
                     clock_text(total_).c_str(), clock_text(eta).c_str());
    }
    void done() {
        if (on_) std::fprintf(stderr, "\r%*s\r", 80, "");
    }

private:
    bool on_;
    double total_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

// [SECTION] Walk-through ----------------------------------------------------------------

namespace {

Entry entry(double t, Entry::Kind kind, int slide = -1) {
    Entry e;
    e.t = t;
    e.kind = kind;
    e.slide = slide;
    return e;
}

// A walk-through made as it is rendered: every demo starts at once, and the
// slides up to the next demo whose run has not ended yet are placed at once;
// the renderer works on those while the demos run, and waits only when it
// gets to a demo still running. Each slide shows for `slide_seconds`, a demo
// slide 1 s, then its run to the end, then 2 s more.
class Walk {
public:
    Walk(const show::Options& options, double slide_seconds) : slide_seconds_(slide_seconds) {
        show::Options live = options;
        live.manual_steps = false;  // hand-driven demos pace themselves
        show_ = std::make_unique<show::Presentation>(live, 0.0);
        for (int i = 0; i < show_->slide_count(); ++i)
            if (show_->demo(i)) {
                show_->apply({show::CommandKind::Jump, i}, 0.0);
                show_->apply({show::CommandKind::Run}, 0.0);
            }
        deadline_ = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    }
    const show::Presentation& show() const { return *show_; }
    std::filesystem::path deck() const { return std::filesystem::absolute(show_->deck().path); }

    // Appends what can be placed, and returns the time up to which the
    // walk-through is known. A demo still running is placed as far as its
    // trace goes (its events up to now are final), so frames of it render
    // while it runs. With `wait`, it first waits a little for more of it.
    double extend(Replay& replay, bool wait, const std::atomic<bool>& interrupted) {
        if (next_ == 0 && !placed_slide_ && !replay.complete()) {
            Entry deck_entry = entry(0, Entry::Kind::Deck);
            deck_entry.text = deck().string();
            replay.append(deck_entry);
        }
        while (next_ < show_->slide_count()) {
            const show::DemoSlot* slot = show_->demo(next_);
            const bool live = slot && slot->ran;
            const double start = t_ + 1.0;  // a moment to read the slide, as the presenter gives
            const int steps = show_->slide(next_) ? show_->slide(next_)->steps : 0;
            if (!placed_slide_) {
                replay.append(entry(t_, Entry::Kind::Slide, next_));
                // Reveal steps: one every slide_seconds (on a demo slide, all at once).
                for (int k = 1; k <= steps; ++k) {
                    Entry reveal = entry(live ? t_ : t_ + slide_seconds_ * k, Entry::Kind::Reveal, next_);
                    reveal.step = live ? steps : k;
                    replay.append(reveal);
                    if (live) break;
                }
                if (live) replay.append(entry(start, Entry::Kind::Run, next_));
                placed_slide_ = true;
                appended_ = 0;
            }
            if (!live) {
                t_ += slide_seconds_ * (1 + steps);
                ++next_;
                placed_slide_ = false;
                continue;
            }
            // Read the clock first: every event before it is in the trace after.
            const double known = slot->run->trace().now();
            show_->update();
            for (; appended_ < slot->events.size(); ++appended_) {
                Entry trace = entry(start + slot->events[appended_].t, Entry::Kind::Trace, next_);
                trace.trace = slot->events[appended_];
                replay.append(trace);
            }
            const bool late = std::chrono::steady_clock::now() > deadline_ || interrupted;
            if (!slot->done() && !late) {
                if (!wait) return start + known;
                slot->run->trace().wait(slot->events.size(), std::chrono::milliseconds(50));
                wait = false;
                continue;
            }
            if (!slot->done())
                std::cerr << "livedeck export: the demo of slide " << next_ + 1 << " did not end; shown as far as it got\n";
            t_ = start + (slot->events.empty() ? 0 : slot->events.back().t) + 2.0;
            ++next_;
            placed_slide_ = false;
        }
        if (!replay.complete()) {
            replay.append(entry(t_, Entry::Kind::End));
            replay.set_complete();
        }
        return t_;
    }

private:
    std::unique_ptr<show::Presentation> show_;
    double slide_seconds_;
    int next_ = 0;              // the slide being placed
    bool placed_slide_ = false;  // its Slide (and Run) entries are in
    std::size_t appended_ = 0;  // its trace events in so far
    double t_ = 0;              // when it starts
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

// [SECTION] Video ---------------------------------------------------------------------

namespace {

struct VideoJob {
    std::filesystem::path output;
    int width, height, fps;
    bool quiet;
    std::filesystem::path audio;  // a recording's audio, if any
};

// The chapters: one a slide shown (by its title) and the markers, in video
// time from t0; a slide shown for less than a second gives none.
std::vector<Chapter> chapters_of(const std::vector<Entry>& entries, double t0, const show::Presentation& show) {
    std::vector<Chapter> out;
    for (const Entry& e : entries) {
        const double v = std::max(0.0, e.t - t0);
        if (e.kind == Entry::Kind::Slide) {
            const deck::Slide* s = show.slide(e.slide);
            std::string title = std::to_string(e.slide + 1) + ". " + (s && !s->title.empty() ? s->title : "Slide");
            if (!out.empty() && v - out.back().start < 1.0) out.pop_back();
            if (!out.empty() && out.back().title == title) continue;
            out.push_back({v, std::move(title)});
        } else if (e.kind == Entry::Kind::Marker) {
            out.push_back({v, e.text.empty() ? "Marker" : e.text});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Chapter& a, const Chapter& b) { return a.start < b.start; });
    if (!out.empty()) out.front().start = 0;  // video sites want the first at 00:00
    return out;
}

bool write_chapters_txt(const std::filesystem::path& path, const std::vector<Chapter>& chapters, std::string& error) {
    std::string text;
    for (const Chapter& c : chapters) text += clock_text(c.start) + " " + c.title + "\n";
    return render::write_file(path.string(), std::vector<std::uint8_t>(text.begin(), text.end()), error);
}

// Renders `replay` from t0 into a video. A complete replay (a recording)
// knows its end and chapters up front; a walk-through grows while it renders.
int export_video(const VideoJob& job, Replay& replay, Walk* walk, double t0, const std::atomic<bool>& interrupted) {
    double placed = walk ? walk->extend(replay, false, interrupted) : 1e18;
    auto end_of = [&] { return replay.entries().empty() ? t0 : std::max(t0, replay.entries().back().t); };
    replay.advance(t0);  // chapter titles come from the deck as it is at the start
    EncoderOptions eo;
    eo.output = job.output;
    eo.width = job.width;
    eo.height = job.height;
    eo.fps = job.fps;
    eo.audio = job.audio;
    eo.audio_offset = t0;
    eo.chapters_known = replay.complete();
    if (replay.complete()) {
        eo.chapters = chapters_of(replay.entries(), t0, replay.show());
        eo.duration = end_of() - t0 + 1.0 / job.fps;
    }
    render::Headless gl(job.width, job.height);
    views::Stage stage;
    Encoder encoder(eo);
    if (!encoder.audio_warning().empty()) std::cerr << "livedeck export: " << encoder.audio_warning() << "\n";
    std::vector<Chapter> chapters = eo.chapters;
    double duration = eo.duration;
    bool begun = replay.complete();

    views::UiState ui;
    std::shared_ptr<const render::Image> previous;
    // A frame at least every 2 s (so a seek lands near its time: a repeat costs
    // almost nothing), a keyframe at least every 10 s (x264 adds its own at
    // slide changes).
    constexpr double repeat_every = 2.0, keyframe_every = 10.0;
    double last_frame = -1e9, last_key = -1e9, last_status = -1;
    int frames = 0, encoded = 0;
    std::optional<Progress> progress;
    if (begun) progress.emplace(job.quiet, duration);
    const auto started = std::chrono::steady_clock::now();
    double v = 0;
    bool stopped = false;
    // The frame grid, visited only where something may have changed: after an
    // entry, while a demo on the slide ticks its status, and every 2 s.
    for (std::int64_t k = 0;; ++k) {
        v = static_cast<double>(k) / job.fps;
        const double t = t0 + v;
        // A walk-through: place more slides when the frames get to them.
        while (walk && !replay.complete() && t >= placed) placed = walk->extend(replay, true, interrupted);
        if (!begun && replay.complete()) {
            chapters = chapters_of(replay.entries(), t0, replay.show());
            duration = end_of() - t0 + 1.0 / job.fps;
            encoder.begin(chapters, duration);
            progress.emplace(job.quiet, duration);
            begun = true;
        }
        if (begun && v > duration) break;
        if (interrupted) {
            stopped = true;
            break;
        }
        const bool changed = replay.advance(t) > 0 || k == 0;
        const show::DemoSlot* slot = replay.show().current_demo();
        const bool ticking = slot && slot->running() && replay.show().screen() == show::Screen::Slide;
        const double status = ticking ? std::floor(slot->demo_time(t) * 10) : -1;
        const bool repeat_due = v - last_frame >= repeat_every;
        const bool key_due = v - last_key >= keyframe_every;
        const bool moved = changed || status != last_status;
        if (!moved && !repeat_due) {
            // Nothing until the next entry or status tick: jump the grid there.
            double next = std::min(replay.next_time(), placed) - t0;
            if (ticking) next = std::min(next, (status + 1) / 10 + slot->started - t0);
            next = std::min(next, last_frame + repeat_every);
            const std::int64_t to = static_cast<std::int64_t>(std::ceil(next * job.fps - 1e-9));
            if (to > k + 1) k = to - 1;
            continue;
        }
        last_status = status;
        if (moved) {
            views::draw_frame(gl, stage, views::Frame{replay.show(), ui, t, 0, views::Role::Audience});
            auto image = std::make_shared<const render::Image>(gl.read_back_bottom_up());
            ++frames;
            const bool same = previous && image->rgba == previous->rgba;
            if (!same) previous = std::move(image);
            if (same && !repeat_due && !key_due) continue;
        }
        encoder.add(previous, v, key_due);  // a repeat is the last frame again
        ++encoded;
        last_frame = v;
        if (key_due) last_key = v;
        if (progress) progress->update(v);
    }
    if (stopped && encoded == 0) {
        // Stopped before the first frame: there is no video to keep, and the
        // file the encoder opened holds nothing a player can read.
        std::error_code ignored;
        std::filesystem::remove(job.output, ignored);
        std::cerr << "livedeck export: interrupted before the first frame: nothing written to "
                  << job.output.string() << "\n";
        return 130;
    }
    // The last picture lasts until the end: a frame of it at the end's time,
    // else a player ends the video where that picture first appears (the
    // last slide of a walk-through was on screen for no time at all).
    if (const double end = duration - 1.0 / job.fps; !stopped && previous && end > last_frame + 1e-9) {
        encoder.add(previous, end, false);
        ++encoded;
    }
    encoder.finish(stopped ? v : duration);
    if (progress) progress->done();
    std::string error;
    std::filesystem::path txt = job.output;
    txt.replace_extension(".chapters.txt");
    std::vector<Chapter> written = chapters;
    if (stopped) std::erase_if(written, [&](const Chapter& c) { return c.start >= v; });
    if (!write_chapters_txt(txt, written, error)) {
        std::cerr << "livedeck export: " << error << "\n";
        return 1;
    }
    const double length = stopped ? v : duration;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!job.quiet)
        std::cerr << "livedeck export: " << job.output.string() << ": " << clock_text(length) << " of video, "
                  << encoded << " frames encoded of " << frames << " rendered, in " << std::fixed
                  << std::setprecision(1) << wall << " s (" << length / std::max(wall, 1e-3)
                  << "x real time); chapters in " << txt.string() << "\n";
    if (stopped) {
        std::cerr << "livedeck export: interrupted: " << job.output.string() << " holds the first "
                  << clock_text(v) << " and plays\n";
        return 130;
    }
    return 0;
}

// [SECTION] PNGs ------------------------------------------------------------------------

int export_pngs(const ExportOptions& options, const std::atomic<bool>& interrupted) {
    show::Options o = options.show;
    o.manual_steps = false;
    show::Presentation show(o, 0.0);
    if (show.slide_count() == 0) {
        for (const deck::Diagnostic& d : show.problems()) std::cerr << d.str() << "\n";
        return 1;
    }
    std::error_code ec;
    std::filesystem::create_directories(options.output, ec);
    if (ec) {
        std::cerr << "livedeck export: cannot create " << options.output.string() << ": " << ec.message() << "\n";
        return 1;
    }
    render::Headless gl(options.width, options.height);
    views::Stage stage;
    views::UiState ui;
    const int digits = static_cast<int>(std::to_string(show.slide_count()).size());
    for (int i = 0; i < show.slide_count() && !interrupted; ++i) {
        show.apply({show::CommandKind::Jump, i}, 0.0);
        show.apply({show::CommandKind::RevealAll}, 0.0);  // a picture of the slide: all of it
        for (int pass = 0; pass < 2; ++pass)
            views::draw_frame(gl, stage, views::Frame{show, ui, 0.0, 0, views::Role::Audience});
        char name[32];
        std::snprintf(name, sizeof name, "%0*d.png", digits, i + 1);
        std::string error;
        if (!render::write_png((options.output / name).string(), gl.read_back(), error)) {
            std::cerr << "livedeck export: " << error << "\n";
            return 1;
        }
    }
    if (interrupted) return 130;
    if (!options.quiet)
        std::cerr << "livedeck export: " << show.slide_count() << " slides in " << options.output.string() << "\n";
    return 0;
}

}  // namespace

// [SECTION] Dispatch ----------------------------------------------------------------------

int run(const ExportOptions& options, const std::atomic<bool>& interrupted) {
    try {
        const std::filesystem::path& out = options.output;
        if (options.png) return export_pngs(options, interrupted);
        if (out.extension() == ".pdf") {
            views::PdfOptions pdf;
            pdf.show = options.show;
            pdf.output = out;
            pdf.run_demos = options.run_demos;
            pdf.notes = options.notes;
            return views::export_pdf(pdf);
        }
        if (!video_kind(out)) {
            std::cerr << "livedeck export: cannot tell what to make of '" << out.string()
                      << "': name a .mp4, .mkv, .webm or .pdf file, or a directory with --png\n";
            return 2;
        }
        VideoJob job{out, options.width, options.height, options.fps, options.quiet, {}};
        if (options.session) {
            const session::Recording recording = session::read(*options.session);
            for (const deck::Diagnostic& d : recording.problems) std::cerr << d.str() << "\n";
            if (recording.entries.empty()) {
                std::cerr << "livedeck export: nothing to export from " << options.session->string() << "\n";
                return 1;
            }
            if (!recording.ended)
                std::cerr << "livedeck export: the log ends early (a crash?): exporting up to "
                          << clock_text(recording.end - recording.start) << "\n";
            if (std::filesystem::exists(recording.dir / "audio.mka")) job.audio = recording.dir / "audio.mka";
            Replay replay(recording);
            return export_video(job, replay, nullptr, recording.start, interrupted);
        }
        Walk walk(options.show, options.slide_seconds);
        if (walk.show().slide_count() == 0) {
            for (const deck::Diagnostic& d : walk.show().problems()) std::cerr << d.str() << "\n";
            return 1;
        }
        Replay replay({}, walk.deck());
        return export_video(job, replay, &walk, 0.0, interrupted);
    } catch (const std::exception& e) {
        std::cerr << "livedeck export: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace livedeck::exporting
