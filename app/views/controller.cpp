#include "views/controller.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>

namespace livedeck::views {

using show::Command;
using show::CommandKind;

Controller::Controller(show::Presentation& show, bool browse, bool two_windows, Layout initial)
    : show_(show), browse_(browse), two_windows_(two_windows) {
    ui_.layout = initial;
    if (browse_ && ui_.layout == Layout::Presenter) ui_.layout = Layout::Audience;
    if (two_windows_ && ui_.layout == Layout::Audience) ui_.layout = Layout::Presenter;
}

void Controller::apply(const Command& c, double t) {
    // The follower's window does what it is told, and stops following
    // (before the loop applies the presenter's next event: it takes the
    // request before it polls the broker).
    if (follow_) break_away_ = true;
    show_.apply(c, t);
}

void Controller::open_slide(int index, double t) {
    apply({CommandKind::Jump, index}, t);
    ui_.layout = home();
}

void Controller::refresh_hits() {
    ui_.hits = show::search(show_.deck(), ui_.query);
    ui_.selected = std::clamp(ui_.selected, 0, std::max(0, static_cast<int>(ui_.hits.size()) - 1));
}

void Controller::go_to_key(int key, double t) {
    switch (key) {
    case GLFW_KEY_ESCAPE: ui_.go_to = false; break;
    case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER:
        if (!ui_.hits.empty()) apply({CommandKind::Jump, ui_.hits[static_cast<std::size_t>(ui_.selected)].slide}, t);
        ui_.go_to = false;
        break;
    case GLFW_KEY_BACKSPACE:
        if (!ui_.query.empty()) {
            // Drop one UTF-8 character.
            do ui_.query.pop_back();
            while (!ui_.query.empty() && (static_cast<unsigned char>(ui_.query.back()) & 0xC0) == 0x80);
            refresh_hits();
        }
        break;
    case GLFW_KEY_DOWN: case GLFW_KEY_TAB:
        if (!ui_.hits.empty()) ui_.selected = (ui_.selected + 1) % static_cast<int>(ui_.hits.size());
        break;
    case GLFW_KEY_UP:
        if (!ui_.hits.empty())
            ui_.selected = (ui_.selected + static_cast<int>(ui_.hits.size()) - 1) % static_cast<int>(ui_.hits.size());
        break;
    default: break;  // letters arrive as text
    }
}

void Controller::key(int key, int mods, double t) {
    swallow_g_ = false;
    if (ui_.go_to) {
        go_to_key(key, t);
        return;
    }
    const bool shift = mods & GLFW_MOD_SHIFT;
    const bool ctrl = mods & GLFW_MOD_CONTROL;
    auto run = [&](CommandKind kind) { apply({kind}, t); };
    switch (key) {
    case GLFW_KEY_RIGHT: case GLFW_KEY_DOWN: case GLFW_KEY_SPACE: case GLFW_KEY_PAGE_DOWN: case GLFW_KEY_N:
        run(CommandKind::Next);
        ui_.jump.clear();
        break;
    case GLFW_KEY_LEFT: case GLFW_KEY_UP: case GLFW_KEY_PAGE_UP: case GLFW_KEY_P:
        run(CommandKind::Previous);
        ui_.jump.clear();
        break;
    case GLFW_KEY_HOME: run(CommandKind::First); break;
    case GLFW_KEY_END: run(CommandKind::Last); break;
    case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER:
        if (!ui_.jump.empty()) {
            // A number that is not a slide is dropped, not clamped.
            apply({CommandKind::Jump, std::stoi(ui_.jump) - 1}, t);
            ui_.jump.clear();
        } else if (ui_.layout == Layout::Overview) {
            ui_.layout = home();
        } else {
            run(CommandKind::Step);
        }
        break;
    case GLFW_KEY_BACKSPACE:
        if (!ui_.jump.empty()) ui_.jump.pop_back();
        break;
    case GLFW_KEY_ESCAPE:
        if (!ui_.jump.empty()) ui_.jump.clear();
        else if (ui_.layout == Layout::Overview) ui_.layout = home();
        else leave_fullscreen_ = true;
        break;
    case GLFW_KEY_F: toggle_fullscreen_ = true; break;
    case GLFW_KEY_TAB:  // the presenter's own view; attendees have no notes
        if (browse_) break;
        ui_.layout = ui_.layout == Layout::Presenter ? Layout::Audience : Layout::Presenter;
        break;
    case GLFW_KEY_O: ui_.layout = ui_.layout == Layout::Overview ? home() : Layout::Overview; break;
    case GLFW_KEY_G:
        ui_.go_to = true;
        ui_.query.clear();
        ui_.hits.clear();
        ui_.selected = 0;
        ui_.jump.clear();
        swallow_g_ = true;
        break;
    case GLFW_KEY_B: case GLFW_KEY_PERIOD: run(CommandKind::Black); break;
    case GLFW_KEY_W: run(CommandKind::White); break;
    case GLFW_KEY_T:
        if (browse_) break;
        run(shift ? CommandKind::TimerReset : CommandKind::TimerPause);
        break;
    case GLFW_KEY_R:
        if (ctrl) record_toggle_ = !browse_;
        else run(shift ? CommandKind::Restart : CommandKind::Run);
        break;
    case GLFW_KEY_M: marker_ = true; break;
    case GLFW_KEY_J:  // back in step with the presenter
        if (follow_) rejoin_ = true;
        break;
    case GLFW_KEY_S: run(CommandKind::Stop); break;
    case GLFW_KEY_Q:
        if (ctrl) quit_ = true;
        break;
    default: break;
    }
}

void Controller::text(unsigned codepoint, double /*t*/) {
    if (ui_.go_to) {
        // The G that opened the prompt arrives as text too: skip it.
        if (std::exchange(swallow_g_, false) && (codepoint == 'g' || codepoint == 'G')) return;
        if (codepoint < 0x20 || ui_.query.size() > 120) return;
        deck::append_utf8(ui_.query, codepoint);
        ui_.selected = 0;
        refresh_hits();
        return;
    }
    if (codepoint >= '0' && codepoint <= '9' && ui_.jump.size() < 4) ui_.jump += static_cast<char>(codepoint);
}

}  // namespace livedeck::views
