// A demo slide's demo: the source with its running lines marked, the output
// folded from the trace at the frame's time, the timeline when the slide
// asks for it, and the Run/Stop/Restart (and Step) buttons, whose clicks
// become commands.
#include <map>
#include <set>

#include "views/layouts.hpp"
#include "views/panes.hpp"
#include "views/timeline.hpp"

namespace livedeck::views {

using render::Face;
using show::CommandKind;

DemoFrame demo_frame(const show::DemoSlot& slot, double session_t) {
    DemoFrame f;
    f.demo = slot.demo;
    f.tokens = &slot.tokens;
    if (slot.ran) {
        f.events = &slot.events;
        f.fold = &slot.fold;
        f.t = slot.demo_time(session_t);
        f.waiting_for_step = slot.run && slot.run->waiting_for_step();
    }
    f.view = &slot.view;
    f.actors = &slot.actors;
    return f;
}

double shared_timeline_axis(const show::Presentation& show, double session_t) {
    double longest = 0;
    for (int i = 0; i < show.slide_count(); ++i) {
        const show::DemoSlot* slot = show.demo(i);
        if (!slot || !slot->ran || !slot->view.timeline) continue;
        longest = std::max(longest, slot->done() ? slot->events.back().t : slot->demo_time(session_t));
    }
    return timeline_axis(longest);
}

namespace {

void draw_controls(const Canvas& canvas, const DemoFrame& demo, bool running, ImVec2 min, ImVec2 max,
                   Intents& intents) {
    const Theme& t = *canvas.theme;
    const bool ran = demo.events != nullptr;
    struct Button {
        const char* label;
        bool enabled;
        CommandKind command;
    };
    std::vector<Button> buttons{
        {"\xE2\x96\xB6  Run   R", !ran, CommandKind::Run},
        {"\xE2\x96\xA0  Stop   S", running, CommandKind::Stop},
        {"\xE2\x86\xBB  Restart   R", ran, CommandKind::Restart},
    };
    // Hand-driven demos wait for the presenter between steps.
    if (demo.waiting_for_step || (running && demo.demo->name == "coroutine-by-hand"))
        buttons.insert(buttons.begin(), Button{"\xE2\x8F\x8E  Step", demo.waiting_for_step, CommandKind::Step});
    ImGui::PushFont(canvas.font(Face::SansBold, t.size.small));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, t.layout.radius * canvas.k);
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(t.color.button));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(t.color.button_hover));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::ColorConvertU32ToFloat4(t.color.accent));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(t.color.button_text));
    const float gap = 16;
    const float count = static_cast<float>(buttons.size());
    const float w = (max.x - min.x - gap * (count - 1)) / count;
    for (std::size_t i = 0; i < buttons.size(); ++i) {
        const Button& b = buttons[i];
        ImGui::SetCursorScreenPos(canvas.screen(ImVec2(min.x + static_cast<float>(i) * (w + gap), min.y)));
        ImGui::PushID(static_cast<int>(i));
        if (!b.enabled) ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.35f);
        const bool clicked = ImGui::Button(b.label, ImVec2(w * canvas.k, (max.y - min.y) * canvas.k));
        if (!b.enabled) ImGui::PopStyleVar();
        if (clicked && b.enabled) intents.commands.push_back({b.command});
        ImGui::PopID();
    }
    ImGui::PopStyleColor(4);
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

}  // namespace

DemoState demo_state(const DemoFrame& demo) {
    DemoState state;
    if (!demo.events) return state;
    state.ran = true;
    const std::vector<demos::Event>& events = *demo.events;
    const double now = demo.t;
    // One pass up to `now`: how the run ended, if it did, and the source line
    // of every actor's last event (the lines running now, while it runs),
    // with every change of the lowest and highest of them.
    std::map<int, int> last_line;
    std::multiset<int> running;
    for (const demos::Event& e : events) {
        if (e.t > now) break;
        if (e.line > 0) {
            auto [it, added] = last_line.try_emplace(e.actor, e.line);
            if (added || it->second != e.line) {
                if (!added) running.erase(running.find(it->second));
                it->second = e.line;
                running.insert(e.line);
                const int lo = *running.begin(), hi = *running.rbegin();
                if (state.line_steps.empty() || state.line_steps.back().lo != lo || state.line_steps.back().hi != hi)
                    state.line_steps.push_back({e.t, lo, hi});
            }
        }
        if (e.kind == demos::EventKind::Done) {
            state.done = true;
            state.done_at = e.t;
            state.outcome = e.text;
        }
    }
    if (!state.done)
        for (const auto& [actor, line] : last_line) state.active_lines.push_back(line);
    if (!state.done)
        state.status = "running  " + seconds(now);
    else if (state.outcome == "finished")
        state.status = "finished in " + seconds(state.done_at);
    else
        state.status = state.outcome + " after " + seconds(state.done_at);
    demos::Fold scratch;
    state.lines = (demo.fold ? *demo.fold : scratch).at(events, now);
    return state;
}

DemoPanes demo_panes(const Theme& t, float top, const deck::DemoView& view) {
    const float left = t.layout.margin_x;
    const float right = t.canvas_width - t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;
    const float gap = t.layout.pane_gap;
    const float split = left + (right - left) * static_cast<float>(view.split) / 100.0f;
    const float controls_h = t.size.small * 2.6f;
    DemoPanes p;
    p.code_min = ImVec2(left, top);
    p.code_max = ImVec2(split - gap * 0.5f, bottom);
    p.controls_min = ImVec2(split + gap * 0.5f, bottom - controls_h);
    p.controls_max = ImVec2(right, bottom);
    p.output_min = ImVec2(split + gap * 0.5f, top);
    p.output_max = ImVec2(right, bottom - controls_h - 16);
    if (view.timeline) {
        // The output keeps the upper part (the newest lines); the timeline, the rest.
        const float h = p.output_max.y - top;
        p.output_max.y = top + std::max(h * 0.42f, pane_header_height(t) * 2.5f);
        p.timeline_min = ImVec2(p.output_min.x, p.output_max.y + 16);
        p.timeline_max = ImVec2(right, bottom - controls_h - 16);
    } else {
        p.timeline_min = p.timeline_max = p.output_max;
    }
    return p;
}

CodeLayout demo_code_layout(const Canvas& canvas, const deck::Slide& slide, const std::vector<deck::TokenLine>& tokens,
                            render::ImageCache& images) {
    const deck::DemoView view = slide.demo ? slide.demo->view : deck::DemoView{};
    const DemoPanes panes = demo_panes(*canvas.theme, demo_top(canvas, slide, images), view);
    return code_layout(canvas, panes.code_min, panes.code_max, tokens, code_rows(tokens.size(), view.lines));
}

void draw_demo(const Canvas& canvas, const DemoFrame& demo, float top, Intents* intents) {
    const Theme& t = *canvas.theme;
    static const deck::DemoView defaults;
    const deck::DemoView& view = demo.view ? *demo.view : defaults;
    const DemoPanes panes = demo_panes(t, top, view);
    DemoState state = demo_state(demo);

    const std::vector<CodeRow> rows = code_rows(demo.tokens->size(), view.lines);
    CodePane code;
    code.title = demo.demo->file;
    code.lines = demo.tokens;
    code.rows = &rows;
    code.active = std::move(state.active_lines);
    code.steps = state.ran ? &state.line_steps : nullptr;
    code.t = demo.t;
    draw_code_pane(canvas, panes.code_min, panes.code_max, code);

    OutputPane pane;
    pane.title = "Output - " + std::string(demo.demo->name);
    pane.status = state.status;
    if (!state.ran) {
        pane.placeholder = "Press R or click Run to start the demo.";
    } else if (!state.done) {
        pane.status_color = t.color.accent;
        pane.cursor = true;
    } else {
        pane.status_color = state.outcome == "finished" ? t.color.ok : t.color.error;
    }
    draw_output_pane(canvas, panes.output_min, panes.output_max, pane, state.lines);
    if (view.timeline) {
        static const std::vector<demos::Event> none;
        static const std::vector<std::string> nobody;
        const Timeline timeline =
            build_timeline(demo.events ? *demo.events : none, demo.actors ? *demo.actors : nobody, demo.t);
        const double end = timeline.done ? timeline.done_at : timeline.t;
        draw_timeline(canvas, panes.timeline_min, panes.timeline_max, timeline,
                      std::max(demo.axis, timeline_axis(end)));
    }
    if (intents) draw_controls(canvas, demo, state.ran && !state.done, panes.controls_min, panes.controls_max, *intents);
}

}  // namespace livedeck::views
