// The presentation model: the deck, the current slide, the demo runs, the
// embedded farm, hot reload, blackout and the presenter's clock. It changes
// only through commands; windows, recorders and exporters only read it.
// No GL, no GLFW, no clock: every command takes the time it happens at (t,
// seconds on the session clock that the caller keeps), and every change is
// reported to the listener as a session event with that time.
//
// Index
//   [SECTION] Commands and session events
//   [SECTION] Demo slots
//   [SECTION] Presenter clock
//   [SECTION] Presentation
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deck/deck.hpp"
#include "deck/highlight.hpp"
#include "registry.hpp"
#include "runtime/runner.hpp"

namespace livedeck::farm {
class Server;
}

namespace livedeck::show {

// [SECTION] Commands and session events ------------------------------------

// What the audience screen shows instead of the slide, if anything.
enum class Screen {
    Slide,  // the slide
    Black,  // blacked out (B or '.')
    White,  // whited out (W)
};

enum class CommandKind {
    Next,        // the slide's next reveal step, else the next slide
    Previous,    // the slide's previous reveal step, else the previous slide (all shown)
    First,       // the first slide
    Last,        // the last slide
    Jump,        // slide `slide` (0-based; one that does not exist is ignored)
    Run,         // run the current slide's demo (restart it once it ran)
    Stop,        // ask the current slide's demo to stop
    Restart,     // start the current slide's demo afresh
    Step,        // let a hand-driven demo take its next step
    Black,       // black the audience screen, or bring the slide back
    White,       // white the audience screen, or bring the slide back
    TimerPause,  // pause the presenter's timer, or resume it
    TimerReset,  // the timer back to 00:00, waiting for the next slide change
    Reload,      // read the deck file again
    RevealAll,   // every reveal step of the current slide at once (exports, shots)
};

struct Command {
    CommandKind kind;
    int slide = 0;  // Jump
};

enum class EventType {
    DeckLoaded,   // text: the deck's path
    DeckRejected, // a reload kept the last good deck; text: the first problem
    SlideShown,   // slide: 0-based (at reveal step 0)
    StepShown,    // slide; step: the reveal step now shown on it
    ScreenChanged,// text: "slide", "black" or "white"
    DemoRun,      // slide; text: the demo's name; params: its parameters
    DemoStop,     // slide
    DemoStep,     // slide
    Trace,        // slide; trace: one event of the slide's run (its t: seconds into the run); text: the actor
    TimerPaused,
    TimerResumed,
    TimerReset,
};

struct SessionEvent {
    double t = 0;  // session seconds
    EventType type;
    int slide = -1;
    std::string text;
    std::map<std::string, std::string> params;  // DemoRun: animals, delay, as the slide gives them
    demos::Event trace;                         // Trace
    int step = 0;                               // StepShown
};

// [SECTION] Demo slots -------------------------------------------------------

// A demo slide's demo: its source (highlighted once), its parameters, and
// its latest run with the trace read so far. The events are read from the
// run's trace by Presentation::update(), never by a view.
struct DemoSlot {
    const demos::Demo* demo = nullptr;
    demos::Params params;
    deck::DemoView view;  // how the slide lays out its panes
    // The source's tokens, filled by Presentation::demo() on first use (from
    // the deck's prefetch when it got there first), so start-up does not wait
    // for the syntax definitions; `code` holds the text they view.
    mutable std::vector<deck::TokenLine> tokens;
    mutable std::shared_ptr<const deck::HighlightedCode> code;
    std::unique_ptr<demos::Run> run;   // the live run, if it runs here (not in a replay)
    bool ran = false;                  // a run started, live or replayed
    double started = 0;                // session seconds when the run started
    std::vector<demos::Event> events;  // the run's trace so far
    std::vector<std::string> actors;   // the names of its actors, as far as the events go
    std::size_t seen = 0;
    // The output folded up to some time; continued, not redone, frame to frame.
    mutable demos::Fold fold;

    // Ended: its Done event is in (live or replayed).
    bool done() const { return !events.empty() && events.back().kind == demos::EventKind::Done; }
    bool running() const { return ran && !done(); }
    // Seconds into the run at session time t (0 before it starts).
    double demo_time(double t) const { return ran ? std::max(0.0, t - started) : 0; }
};

// [SECTION] Presenter clock --------------------------------------------------

// Starts at the first slide change, pauses and resets. Pure arithmetic on
// the times the commands carry.
class Timer {
public:
    void slide_changed(double t) {
        if (!started_) started_ = t;
    }
    void toggle_pause(double t);
    void reset() { *this = Timer{}; }

    bool started() const { return started_.has_value(); }
    bool paused() const { return paused_at_.has_value(); }
    double elapsed(double t) const;

private:
    std::optional<double> started_;
    std::optional<double> paused_at_;
    double paused_total_ = 0;
};

// [SECTION] Presentation ----------------------------------------------------

struct Options {
    std::filesystem::path deck_path;
    std::string farm_url;      // empty: start the embedded farm on a loopback port
    double farm_delay = 2.0;   // the embedded farm's delay, seconds
    // Asked of the farm per request (`?delay=S`) unless a slide sets its own:
    // how --delay reaches a farm that is not the embedded one.
    std::optional<double> request_delay;
    bool manual_steps = true;  // hand-driven demos wait for Step (false: they pace themselves)
    // The deck's remote images not cached yet are fetched before the model
    // is made (shot, export); false: whoever draws fetches them in the
    // background (the windows, which open at once).
    bool fetch_remote_images = true;
};

// The deck to use when none is named: slides/talk.md from the working
// directory, else from the source tree the program was built from.
std::filesystem::path default_deck();

// Checks a demo directive against the demo registry: a known demo, every
// parameter valid (`animals=@FILE` relative to `base`, the deck's folder).
deck::DemoValidator demo_validator(std::filesystem::path base);

// Loads a deck, checking its demo directives with demo_validator. With
// `fetch_remote`, its remote images not cached yet are fetched first
// (blocking: `check`, `shot`, `export`); the windows pass false (also on a
// hot reload) and fetch them in the background.
deck::Deck load_deck(const std::filesystem::path& path, bool fetch_remote = true);

class Presentation {
public:
    using Listener = std::function<void(const SessionEvent&)>;

    // Loads the deck (a broken one still gives a model; see problems()).
    explicit Presentation(Options options, double t = 0);
    ~Presentation();
    Presentation(const Presentation&) = delete;
    Presentation& operator=(const Presentation&) = delete;

    // Every session event from now on, as it happens.
    void set_listener(Listener listener) { listener_ = std::move(listener); }

    // The one way to change the show.
    void apply(const Command& command, double t);

    // Reads what the demo runs wrote since the last call and reaps stopped
    // runs. Call once per frame, before drawing. Returns true if anything new
    // arrived.
    bool update();

    const deck::Deck& deck() const { return deck_; }
    const Options& options() const { return options_; }
    int slide_count() const { return static_cast<int>(deck_.slides.size()); }
    int current() const { return current_; }  // 0-based
    const deck::Slide* slide(int index) const;
    // The reveal step shown on the current slide (0: its first view; at
    // most the slide's steps).
    int reveal() const { return reveal_; }
    Screen screen() const { return screen_; }
    const Timer& timer() const { return timer_; }
    double slide_shown_at() const { return slide_shown_at_; }

    // The slot of a demo slide (nullptr for other slides).
    const DemoSlot* demo(int index) const;
    const DemoSlot* current_demo() const { return demo(current_); }
    bool waiting_for_step() const;
    // True while a demo of the current slide runs (the screen moves).
    bool animating() const;

    // Problems to show the presenter: the deck's own, or, after a reload
    // that failed, the new file's (the show goes on with the last good deck).
    const std::vector<deck::Diagnostic>& problems() const {
        return rejected_.empty() ? deck_.diagnostics : rejected_;
    }
    bool reload_rejected() const { return !rejected_.empty(); }

    // Base URL of the farm the demos use (starts the embedded one if needed).
    std::string farm_url();

    // Highlights the deck's code (demo sources, fenced code blocks) on a
    // background thread, and again whenever the deck (re)loads, so a slide
    // with code does not wait for its syntax definitions. The window loop
    // asks once start-up is done; shot and export highlight what they draw.
    void prefetch_code();

    // Replaying a recorded session: the same state, set from its events
    // instead of commands, with no demo run live.
    void replay_deck(deck::Deck deck, double t);
    void replay_slide(int index, double t);
    void replay_step(int index, int step, double t);
    void replay_screen(Screen screen, double t);
    void replay_run(int slide, double t);
    // `actor` names the event's actor (a recording stores the names).
    void replay_trace(int slide, const demos::Event& event, std::string_view actor = {});

private:
    void go(int index, double t);
    void show_step(int step, double t);  // on the current slide
    void run(double t);
    void stop(double t);
    void restart(double t);
    void step(double t);
    void reload(double t);
    void emit(double t, EventType type, int slide = -1, std::string text = {});
    void make_slots();          // one for every demo slide of the deck
    DemoSlot* slot(int index);  // nullptr for a slide without a demo

    Options options_;
    deck::Deck deck_;
    int current_ = 0;
    int reveal_ = 0;
    Screen screen_ = Screen::Slide;
    Timer timer_;
    double slide_shown_at_ = 0;
    std::map<int, DemoSlot> slots_;
    bool prefetching_ = false;                  // prefetch_code() was asked for
    std::unique_ptr<deck::Prefetch> prefetch_;  // the deck's code, highlighted in the background
    std::vector<std::unique_ptr<demos::Run>> stopping_;  // asked to stop, not yet ended
    std::vector<deck::Diagnostic> rejected_;
    std::unique_ptr<farm::Server> farm_;
    Listener listener_;
};

// How `check` goes.
struct CheckOptions {
    bool strict = false;  // warnings are errors (exit 1)
    // More warnings, from what the model cannot see (the views' layout).
    std::function<std::vector<deck::Diagnostic>(const deck::Deck&)> more_warnings;
};

// Validates a deck: prints every error as file:line: message, and every
// warning as file:line: warning: message. Returns 0 when it has no errors
// (and, with strict, no warnings), 1 otherwise.
int check(const std::filesystem::path& deck_path, const CheckOptions& options = {});

}  // namespace livedeck::show
