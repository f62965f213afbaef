// Input: keys and typed text from any window become commands on the
// presentation, or changes of what the presenter's own screen shows (layout,
// the jump and "go to" prompts). One controller serves both windows, so a
// key does the same thing in either. It reads no clock: the caller passes
// the time every key happened at.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "show/presentation.hpp"
#include "show/search.hpp"

namespace livedeck::views {

// What the presenter's window shows.
enum class Layout {
    Audience,   // the slide, letterboxed: what the room sees
    Presenter,  // the slide, the next one, the notes, the clocks (Tab)
    Overview,   // every slide as a thumbnail (O)
};

// State of the presenter's screen that is not the show's: drawn by the
// views, changed only by the controller.
struct UiState {
    Layout layout = Layout::Audience;
    std::string jump;  // digits typed so far ("Go to slide 12_")
    bool go_to = false;  // the G prompt is open
    std::string query;   // what was typed into it
    std::vector<show::SearchHit> hits;
    int selected = 0;    // index into hits
    // Recording, for the console's REC indicator (never on the audience's screen).
    bool recording = false;
    double recorded = 0;        // seconds recorded so far
    std::string record_status;  // why recording stopped, or a warning (no microphone)
    // Publishing (--publish), for the console only: the broker link and the
    // number of followers, in words; `publish_trouble`: not connected.
    std::string publish_status;
    bool publish_trouble = false;
    // Following (`livedeck follow`): the mode (following, broken away), the
    // broker link and refused messages, a small line in the follower's own
    // window; `follow_trouble`: something is wrong (not connected, a refused message).
    std::string follow_status;
    bool follow_trouble = false;
};

class Controller {
public:
    // `browse`: attendee mode (no presenter layout). `two_windows`: the
    // console is a window of its own, so it never shows the bare audience
    // layout.
    Controller(show::Presentation& show, bool browse, bool two_windows, Layout initial);

    // A key (GLFW key code, on press and repeat) and typed text.
    void key(int key, int mods, double t);
    void text(unsigned codepoint, double t);
    // A command from a button on screen.
    void command(const show::Command& c, double t) { apply(c, t); }
    // A thumbnail of the overview was clicked.
    void open_slide(int index, double t);

    const UiState& ui() const { return ui_; }
    bool take_fullscreen_toggle() { return std::exchange(toggle_fullscreen_, false); }
    bool take_leave_fullscreen() { return std::exchange(leave_fullscreen_, false); }
    bool quit_requested() const { return quit_; }
    bool take_record_toggle() { return std::exchange(record_toggle_, false); }  // Ctrl+R
    bool take_marker() { return std::exchange(marker_, false); }               // M
    // Following a presenter: every command from this window (a key, a
    // button, a thumbnail) breaks away; J asks to rejoin.
    void set_following(bool on) { follow_ = on; }
    bool take_break_away() { return std::exchange(break_away_, false); }
    bool take_rejoin() { return std::exchange(rejoin_, false); }
    void set_follow_status(std::string status, bool trouble) {
        ui_.follow_status = std::move(status);
        ui_.follow_trouble = trouble;
    }
    void set_publish_status(std::string status, bool trouble) {
        ui_.publish_status = std::move(status);
        ui_.publish_trouble = trouble;
    }
    void set_recording(bool on, double seconds, std::string status) {
        ui_.recording = on;
        ui_.recorded = seconds;
        ui_.record_status = std::move(status);
    }

private:
    // Every command goes through here: while following, it breaks away first.
    void apply(const show::Command& c, double t);
    void go_to_key(int key, double t);
    void refresh_hits();
    Layout home() const { return two_windows_ ? Layout::Presenter : Layout::Audience; }

    show::Presentation& show_;
    bool browse_, two_windows_;
    UiState ui_;
    bool toggle_fullscreen_ = false, leave_fullscreen_ = false, quit_ = false;
    bool swallow_g_ = false;
    bool record_toggle_ = false, marker_ = false;  // the text event of the G that opened the prompt
    bool follow_ = false, break_away_ = false, rejoin_ = false;
};

}  // namespace livedeck::views
