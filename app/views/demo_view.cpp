// A demo slide's demo: the source with its running lines marked, the output
// folded from the trace at the frame's time, and the Run/Stop/Restart (and
// Step) buttons, whose clicks become commands.
#include <map>

#include "views/layouts.hpp"
#include "views/panes.hpp"

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
    return f;
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
    // of every actor's last event (the lines running now, while it runs).
    std::map<int, int> last_line;
    for (const demos::Event& e : events) {
        if (e.t > now) break;
        if (e.line > 0) last_line[e.actor] = e.line;
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

void draw_demo(const Canvas& canvas, const DemoFrame& demo, float top, Intents* intents) {
    const Theme& t = *canvas.theme;
    const float left = t.layout.margin_x;
    const float right = t.canvas_width - t.layout.margin_x;
    const float bottom = t.canvas_height - t.layout.margin_bottom;
    const float gap = t.layout.pane_gap;
    const float split = left + (right - left) * 0.6f;  // source lines are longer than output lines
    const float controls_h = t.size.small * 2.6f;
    const DemoState state = demo_state(demo);

    draw_code_pane(canvas, ImVec2(left, top), ImVec2(split - gap * 0.5f, bottom), std::string(demo.demo->file),
                   *demo.tokens, state.active_lines);

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
    const ImVec2 out_min(split + gap * 0.5f, top);
    const ImVec2 out_max(right, bottom - controls_h - 16);
    draw_output_pane(canvas, out_min, out_max, pane, state.lines);
    if (intents)
        draw_controls(canvas, demo, state.ran && !state.done, ImVec2(out_min.x, bottom - controls_h),
                      ImVec2(right, bottom), *intents);
}

}  // namespace livedeck::views
