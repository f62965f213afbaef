// Presenting: one window (the audience layout, Tab for the console) or two
// (the audience's full screen on the projector, the console on the laptop).
// This loop is the one place that reads the clock: it passes the session time
// to every command and every frame.
//
// Index
//   [SECTION] Options
//   [SECTION] Deck watcher
//   [SECTION] Windows and roles
//   [SECTION] Recording
//   [SECTION] Publishing and following
//   [SECTION] The loop
#include <GLFW/glfw3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <thread>

#include "record/mic.hpp"
#include "render/context.hpp"
#include "session/session_log.hpp"
#include "deck/image_fetch.hpp"
#include "views/app.hpp"
#include "views/layouts.hpp"

namespace livedeck::views {

// [SECTION] Options ------------------------------------------------------------

std::optional<Geometry> parse_geometry(const std::string& text) {
    Geometry g;
    char x = 0, plus1 = 0, plus2 = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c%d%c%d%c", &g.width, &x, &g.height, &plus1, &g.x, &plus2, &g.y, &extra) != 7)
        return std::nullopt;
    if ((x != 'x' && x != 'X') || (plus1 != '+' && plus1 != '-') || (plus2 != '+' && plus2 != '-')) return std::nullopt;
    if (plus1 == '-') g.x = -g.x;
    if (plus2 == '-') g.y = -g.y;
    if (g.width < 64 || g.height < 64 || g.width > 16384 || g.height > 16384) return std::nullopt;
    if (std::abs(g.x) > 65536 || std::abs(g.y) > 65536) return std::nullopt;
    return g;
}

std::optional<Layout> parse_layout(const std::string& name) {
    if (name == "audience") return Layout::Audience;
    if (name == "presenter") return Layout::Presenter;
    if (name == "overview") return Layout::Overview;
    return std::nullopt;
}

// [SECTION] Deck watcher ---------------------------------------------------------

namespace {

// Watches the deck file and wakes the window loop when it changes.
class DeckWatcher {
public:
    explicit DeckWatcher(std::filesystem::path path)
        : path_(std::move(path)), thread_([this](std::stop_token stop) { watch(stop); }) {}
    bool take_changed() { return changed_.exchange(false); }

private:
    std::filesystem::file_time_type stamp() const {
        std::error_code ec;
        auto t = std::filesystem::last_write_time(path_, ec);
        return ec ? std::filesystem::file_time_type{} : t;
    }
    void watch(std::stop_token stop) {
        auto last = stamp();
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        while (!stop.stop_requested()) {
            // Returns early when the watcher is stopped.
            cv.wait_for(lock, stop, std::chrono::milliseconds(400), [] { return false; });
            if (auto now = stamp(); now != last) {
                last = now;
                changed_ = true;
                render::Window::wake();
            }
        }
    }
    std::filesystem::path path_;
    std::atomic<bool> changed_{false};
    std::jthread thread_;
};

// [SECTION] Windows and roles ------------------------------------------------------

struct Screen {
    Role role;
    std::unique_ptr<render::Window> window;
    std::unique_ptr<Stage> stage;
    std::string title;
    bool dirty = true;  // draw it on the next pass
};

// A follower's window says so ("livedeck follow - 3/12 - Title"): beside the
// presenter's on one screen, the two are told apart.
std::string title_of(const show::Presentation& show, Role role, bool follower) {
    const std::string name = role == Role::Audience ? "livedeck audience" : follower ? "livedeck follow" : "livedeck";
    const deck::Slide* s = show.slide(show.current());
    if (!s) return name + " - " + show.deck().path.string() + " (cannot be shown)";
    std::string title = name + " - " + std::to_string(show.current() + 1) + "/" + std::to_string(show.slide_count());
    if (!s->title.empty()) title += " - " + s->title;
    if (s->steps > 0) title += " - step " + std::to_string(show.reveal() + 1) + "/" + std::to_string(s->steps + 1);
    return title;
}

std::string monitor_list(const std::vector<render::Monitor>& monitors) {
    std::string out;
    for (std::size_t i = 0; i < monitors.size(); ++i) {
        const render::Monitor& m = monitors[i];
        out += "  " + std::to_string(i) + ": " + m.name + " " + std::to_string(m.width) + "x" +
               std::to_string(m.height) + "+" + std::to_string(m.x) + "+" + std::to_string(m.y) + "\n";
    }
    return out.empty() ? "  (none)\n" : out;
}

// Seconds until the console's clocks show something else: the timer's next
// second while it runs, else the wall clock's next minute.
double next_clock_change(const show::Presentation& show, double t, std::time_t wall) {
    const show::Timer& timer = show.timer();
    if (timer.started() && !timer.paused()) {
        const double e = timer.elapsed(t);
        return std::max(0.01, std::floor(e) + 1.0 - e);
    }
    return static_cast<double>(60 - wall % 60);
}

// [SECTION] Recording ---------------------------------------------------------------

// A recording in progress: the session log, and the microphone if asked for.
// Starting it never stops the talk: a failure is a message on the console.
class LiveRecording {
public:
    LiveRecording(const std::optional<std::string>& mic, std::chrono::steady_clock::time_point origin)
        : mic_source_(mic), origin_(origin) {}

    bool on() const { return log_ != nullptr; }

    void start(const std::filesystem::path& dir, show::Presentation& show, double t) {
        stop(t);
        status_.clear();
        try {
            log_ = std::make_unique<session::Recorder>(dir, show, t);
        } catch (const std::exception& e) {
            status_ = std::string("not recording: ") + e.what();
            std::cerr << "livedeck: " << status_ << "\n";
            return;
        }
        std::cerr << "livedeck: recording into " << dir.string() << "\n";
        if (mic_source_) {
            try {
                mic_ = std::make_unique<record::Microphone>(record::MicOptions{*mic_source_, dir / "audio.mka", origin_});
            } catch (const std::exception& e) {
                status_ = std::string("no audio: ") + e.what();
                std::cerr << "livedeck: recording without audio: " << e.what() << "\n";
            }
        }
    }

    void stop(double t) {
        if (!log_) return;
        mic_.reset();
        log_->end(t);
        std::cerr << "livedeck: recorded " << log_->dir().string() << "\n";
        log_.reset();
    }

    void record(const show::SessionEvent& e) {
        if (log_) log_->record(e);
    }
    void marker(const show::Presentation& show, double t) {
        if (!log_) return;
        const deck::Slide* s = show.slide(show.current());
        log_->marker(std::to_string(show.current() + 1) + ". " + (s && !s->title.empty() ? s->title : "Marker"), t);
    }

    // Once a frame: writes what is buffered; a write that failed ends the
    // recording (the talk goes on) and says why.
    void flush(double t) {
        if (!log_) return;
        log_->tick(t);
        log_->flush();
        if (!log_->error().empty()) {
            status_ = log_->error();
            std::cerr << "livedeck: " << status_ << "\n";
            mic_.reset();
            log_.reset();
        } else if (mic_ && !mic_->error().empty()) {
            status_ = "audio stopped: " + mic_->error();
            mic_.reset();
        }
    }

    double elapsed(double t) const { return log_ ? log_->elapsed(t) : 0; }
    const std::string& status() const { return status_; }

private:
    std::optional<std::string> mic_source_;
    std::chrono::steady_clock::time_point origin_;
    std::unique_ptr<session::Recorder> log_;
    std::unique_ptr<record::Microphone> mic_;
    std::string status_;
};

// recordings/<date-time>/ beside the deck.
std::filesystem::path new_recording_dir(const std::filesystem::path& deck, std::time_t wall) {
    std::tm local{};
    localtime_r(&wall, &local);
    char name[32];
    std::strftime(name, sizeof name, "%Y-%m-%d_%H-%M-%S", &local);
    std::filesystem::path dir = deck.parent_path() / "recordings" / name;
    for (int n = 2; std::filesystem::exists(dir); ++n) dir = deck.parent_path() / "recordings" / (std::string(name) + "_" + std::to_string(n));
    return dir;
}

// [SECTION] Publishing and following ------------------------------------------------

// The console's line about publishing, and whether it is trouble.
std::pair<std::string, bool> publish_line(const follow::PublisherStatus& s, const std::string& url) {
    std::string line;
    bool trouble = false;
    switch (s.link) {
    case follow::Link::Connecting:
        // The library's message names the URL: "cannot reach URL (why); trying again".
        line = s.message.empty() || s.message.starts_with("connecting") ? "LIVE  connecting to " + url
                                                                        : "LIVE  " + s.message;
        trouble = !s.message.empty() && !s.message.starts_with("connecting");
        break;
    case follow::Link::Connected:
        line = "LIVE  " + url;
        if (s.followers >= 0)
            line += "  \xC2\xB7  " + std::to_string(s.followers) + (s.followers == 1 ? " follower" : " followers");
        break;
    case follow::Link::Lost:
        // A refused password is no outage: the message says which it is.
        line = s.message.starts_with("the broker refused") ? "LIVE  " + s.message + " (check the user and --password-file); retrying"
               : s.message.empty()                         ? std::string("LIVE  broker away, reconnecting")
                                                              : "LIVE  broker away: " + s.message;
        trouble = true;
        break;
    }
    if (!s.deck_error.empty()) {
        line += "  \xC2\xB7  " + s.deck_error;
        trouble = true;
    }
    return {line, trouble};
}

// The follower's status line: its mode first, then what is wrong if anything.
std::pair<std::string, bool> follow_line(const follow::FollowerStatus& s, const std::string& url) {
    std::string line;
    bool trouble = false;
    if (s.link != follow::Link::Connected) {
        // The library's message says why: connecting (the first try), cannot
        // reach, connection lost, or refused.
        const bool first_try = s.link == follow::Link::Connecting && !s.message.starts_with("cannot reach");
        const std::string refused = "the broker refused: ";
        if (first_try)
            line = "Connecting to " + url;
        else if (s.message.starts_with(refused))
            line = "Refused by " + url + " (" + s.message.substr(refused.size()) + "); retrying";
        else if (s.message.starts_with("cannot reach"))
            line = "C" + s.message.substr(1);  // "cannot reach URL (why); trying again"
        else
            line = "Cannot reach " + url + (s.message.empty() ? ", retrying" : ": " + s.message);
        trouble = !first_try;
        if (!s.following) line = "Broken away (J rejoins)  \xC2\xB7  " + line;
    } else if (!s.following) {
        line = "Broken away  \xC2\xB7  J rejoins the presenter";
    } else if (!s.synced) {
        line = s.presenter_online ? "Following " + url + "  \xC2\xB7  catching up"
                                  : "Following " + url + "  \xC2\xB7  waiting for the presenter";
    } else {
        line = "Following the presenter  \xC2\xB7  " + url;
        if (!s.presenter_online) line += "  \xC2\xB7  presenter offline";
    }
    if (!s.problem.empty()) {
        line += "  \xC2\xB7  " + std::to_string(s.rejected) + (s.rejected == 1 ? " message refused, the last: " : " messages refused, the last: ") +
                s.problem;
        trouble = true;
    }
    return {line, trouble};
}

// A followed run's trace arrives ahead of the time it is drawn at (the
// presenter's times shifted onto ours, a batch at a time): its end may be in
// while the screen has not reached it. Keep drawing until it has.
bool replay_ahead(const show::Presentation& show, double t) {
    const show::DemoSlot* s = show.current_demo();
    return s && s->ran && !s->run && !s->events.empty() && s->demo_time(t) <= s->events.back().t;
}

// Says on stderr what changed about a link, once per change.
void log_change(std::string& last, const std::string& now) {
    if (now == last) return;
    last = now;
    std::cerr << "livedeck: " << now << "\n";
}

// The slide a follower shows until the presenter's deck arrives: a deck
// file of one slide in a private directory, removed at the end.
class WaitingDeck {
public:
    explicit WaitingDeck(const std::string& url) {
        std::string pattern = (std::filesystem::temp_directory_path() / "livedeck-follow-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a directory in " + pattern);
        dir_ = pattern;
        std::ofstream out(path());
        out << "# Following the talk\n\nWaiting for the presenter's slides from `" << url << "`\n";
        out.close();
        if (!out) throw std::runtime_error("cannot write " + path().string());
    }
    ~WaitingDeck() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    WaitingDeck(const WaitingDeck&) = delete;
    WaitingDeck& operator=(const WaitingDeck&) = delete;
    std::filesystem::path path() const { return dir_ / "waiting.md"; }

private:
    std::filesystem::path dir_;
};

}  // namespace

// [SECTION] The loop -------------------------------------------------------------

int present(const AppOptions& options) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point origin = Clock::now();
    auto now = [&] { return std::chrono::duration<double>(Clock::now() - origin).count(); };

    // Which windows: two when asked for a place for the audience, or when
    // there are two monitors; one otherwise.
    const std::shared_ptr<void> glfw = render::Window::library();
    bool two = false;
    render::Placement audience_at, console_at;
    if (!options.single_window && !options.browse) {
        const std::vector<render::Monitor> monitors = render::Window::monitors();
        if (options.audience_monitor && (*options.audience_monitor < 0 ||
                                         *options.audience_monitor >= static_cast<int>(monitors.size()))) {
            std::cerr << "livedeck: there is no monitor " << *options.audience_monitor << "; the monitors are:\n"
                      << monitor_list(monitors);
            return 2;
        }
        if (options.audience_geometry) {
            const Geometry& g = *options.audience_geometry;
            two = true;
            audience_at = {g.width, g.height, g.x, g.y, false, std::nullopt};
        } else if (options.audience_monitor || monitors.size() >= 2) {
            const int index = options.audience_monitor.value_or(1);
            two = true;
            const render::Monitor& m = monitors[static_cast<std::size_t>(index)];
            audience_at = {m.width, m.height, m.x, m.y, false, index};
        }
        if (two && !monitors.empty()) {
            // The console on the first monitor that is not the audience's.
            const int audience_index = audience_at.fullscreen.value_or(-1);
            const render::Monitor& m = monitors[audience_index == 0 && monitors.size() > 1 ? 1 : 0];
            console_at = {std::min(1280, m.width), std::min(720, m.height), m.x + 40, m.y + 40, true, std::nullopt};
        }
    }

    // The windows open at once: remote images come in the background (a
    // venue's network may take its time), each slide showing "loading" meanwhile.
    // A follower without a deck of its own waits on a slide that says so.
    std::unique_ptr<WaitingDeck> waiting;
    show::Options show_options = options.show;
    show_options.fetch_remote_images = false;
    if (options.follow && show_options.deck_path.empty()) {
        waiting = std::make_unique<WaitingDeck>(options.follow->str());
        show_options.deck_path = waiting->path();
    }
    show::Presentation show(show_options, now());
    Controller controller(show, options.browse, two, options.layout);
    LiveRecording recording(options.mic, origin);
    // Publishing: every session event goes to the broker too, from a
    // background thread; the talk never waits for it.
    std::unique_ptr<follow::Publisher> publisher;
    std::string publish_url, publish_said;
    if (options.publish) {
        publish_url = options.publish->str();
        follow::PublisherOptions po;
        po.url = *options.publish;
        publisher = std::make_unique<follow::Publisher>(po, show, now());
        std::cerr << "livedeck: publishing to " << publish_url << "\n";
    }
    show.set_listener([&](const show::SessionEvent& e) {
        recording.record(e);
        if (publisher) publisher->on_event(e);
    });
    // Following: the broker's events replayed into `show` once a frame.
    std::unique_ptr<follow::Follower> follower;
    std::string follow_url, follow_said;
    if (options.follow) {
        follow_url = options.follow->str();
        follow::FollowerOptions fo;
        fo.url = *options.follow;
        follower = std::make_unique<follow::Follower>(fo);
        controller.set_following(true);
    }
    if (options.record) recording.start(*options.record, show, now());
    std::size_t input_from = 0;  // the window the last key came from
    std::vector<Screen> screens;
    auto handlers = [&](std::size_t index) {
        return render::InputHandlers{
            [&, index](int key, int mods) {
                input_from = index;
                controller.key(key, mods, now());
                for (Screen& s : screens) s.dirty = true;
            },
            [&, index](unsigned c) {
                input_from = index;
                controller.text(c, now());
                for (Screen& s : screens) s.dirty = true;
            }};
    };
    auto open = [&](Role role, const render::Placement& at) {
        const std::size_t index = screens.size();
        // The full title comes with the first frame drawn (bench/startup.sh waits for it).
        Screen s{role, nullptr, nullptr,
                 role == Role::Audience ? "livedeck audience" : options.follow ? "livedeck follow" : "livedeck"};
        s.window = std::make_unique<render::Window>(s.title, at, handlers(index));
        s.stage = std::make_unique<Stage>();
        screens.push_back(std::move(s));
    };
    if (two) {
        open(Role::Console, console_at);
        open(Role::Audience, audience_at);
    } else {
        open(Role::Single, render::Placement{});
    }

    // A follower's deck is the presenter's: nothing to watch.
    std::unique_ptr<DeckWatcher> watcher;
    if (!options.follow) watcher = std::make_unique<DeckWatcher>(options.show.deck_path);
    // A remote image fetched in the background is drawn as soon as it is in.
    deck::on_background_fetch_done([] { render::Window::wake(); });
    int settle = 2;  // ImGui settles hover state one frame after input
    int passes = 0;
    double wait = 0;
    while (!controller.quit_requested()) {
        const double waited_from = now();
        render::Window::wait_events(wait);
        const double t = now();
        const std::time_t wall = std::time(nullptr);
        // Woken by an event (input, a mouse move, the watcher), not by the
        // end of the wait: every window may have changed.
        if (wait < 0 || t - waited_from < wait * 0.9) {
            for (Screen& s : screens) s.dirty = true;
            settle = 2;
        }

        // A closed console (or single window) ends the show; a closed
        // audience window leaves the console running.
        bool end = false;
        std::erase_if(screens, [&](Screen& s) {
            if (!s.window->should_close()) return false;
            if (s.role != Role::Audience) end = true;
            s.window->activate();
            return true;
        });
        if (end || screens.empty()) break;
        if (input_from >= screens.size()) input_from = 0;

        if (watcher && watcher->take_changed()) show.apply({show::CommandKind::Reload}, t);
        if (render::Window::take_monitors_changed()) {
            // A projector unplugged or plugged in: a window whose monitor went
            // away leaves full screen; the talk goes on where it was.
            const std::size_t count = render::Window::monitors().size();
            for (Screen& s : screens)
                if (s.window->fullscreen() && (count < 2 || s.window->monitor_index() < 0)) s.window->leave_fullscreen();
        }
        if (controller.take_record_toggle()) {
            if (recording.on()) recording.stop(t);
            else recording.start(new_recording_dir(options.show.deck_path, wall), show, t);
        }
        if (controller.take_marker()) recording.marker(show, t);
        if (controller.take_fullscreen_toggle()) screens[input_from].window->toggle_fullscreen();
        if (controller.take_leave_fullscreen()) screens[input_from].window->leave_fullscreen();

        // Following: a key that changed the show here broke away (before the
        // presenter's next event is applied); J rejoins.
        bool followed = false;
        if (follower) {
            if (controller.take_break_away()) follower->break_away();
            if (controller.take_rejoin()) follower->rejoin();
            followed = follower->poll(show, t);
            follow::FollowerStatus status = follower->status();
            auto [line, trouble] = follow_line(status, follow_url);
            if (line != controller.ui().follow_status) {
                // Refused messages go to stderr from the library (the first few):
                // here only the mode and the link's changes.
                status.problem.clear();
                log_change(follow_said, follow_line(status, follow_url).first);
                controller.set_follow_status(line, trouble);
                for (Screen& s : screens) s.dirty = true;
            }
        }
        if (publisher) {
            follow::PublisherStatus status = publisher->status();
            auto [line, trouble] = publish_line(status, publish_url);
            if (line != controller.ui().publish_status) {
                // The follower count changes often: only the link's changes go to stderr.
                status.followers = -1;
                log_change(publish_said, publish_line(status, publish_url).first);
                controller.set_publish_status(line, trouble);
                for (Screen& s : screens) s.dirty = true;
            }
        }
        if (followed)
            for (Screen& s : screens) s.dirty = true;

        const bool ahead = follower && replay_ahead(show, t);
        const bool moving = show.update() || show.animating() || ahead || settle > 0;
        recording.flush(t);
        controller.set_recording(recording.on(), recording.elapsed(t), recording.status());
        const bool console_layout = controller.ui().layout != Layout::Audience;
        for (Screen& s : screens) {
            // The console's clocks tick; the audience's screen moves only with the show.
            const bool clocks = s.role == Role::Console || (s.role == Role::Single && console_layout);
            if (!(moving || s.dirty || clocks)) continue;
            const Intents intents = draw_frame(*s.window, *s.stage, Frame{show, controller.ui(), t, wall, s.role});
            s.window->swap();
            s.dirty = false;
            for (const show::Command& c : intents.commands) controller.command(c, t);
            if (intents.open_slide >= 0) controller.open_slide(intents.open_slide, t);
            if (!intents.commands.empty() || intents.open_slide >= 0)
                for (Screen& other : screens) other.dirty = true;
            if (std::string title = title_of(show, s.role, follower != nullptr); title != s.title) s.window->set_title(s.title = title);
        }
        settle = std::max(0, settle - 1);
        if (++passes == 3) {
            malloc_trim(0);       // start-up's scratch (shader compiles, font builds) back to the system
            show.prefetch_code();  // then the deck's code is highlighted before its slides come up
        }

        // How long nothing changes by itself: a frame while a demo runs or
        // ImGui settles, the console's clocks, or until input.
        const bool console_shown = two || controller.ui().layout == Layout::Presenter;
        if (show.animating() || ahead || settle > 0 || std::any_of(screens.begin(), screens.end(), [](const Screen& s) { return s.dirty; }))
            wait = 1.0 / 60.0;
        else
            wait = console_shown ? next_clock_change(show, t, wall) : -1;
        // The broker's messages arrive on another thread: look for them
        // (and for the link's state) a few times a second.
        if (follower) wait = std::min(wait < 0 ? 1.0 / 30 : wait, 1.0 / 30);
        if (publisher) wait = std::min(wait < 0 ? 0.25 : wait, 0.25);
        if (recording.on()) {  // the REC time ticks, and the log says it goes on
            const double e = recording.elapsed(t);
            wait = std::min(wait < 0 ? 0.5 : wait, std::max(0.01, std::floor(e * 2) / 2 + 0.5 - e));
        }
    }
    recording.stop(now());
    deck::on_background_fetch_done({});
    // Windows go before the show: their GL contexts, then the demo runs.
    while (!screens.empty()) {
        screens.back().window->activate();
        screens.pop_back();
    }
    return 0;
}

}  // namespace livedeck::views
