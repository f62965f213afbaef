// Views are functions of (events, t): one recorded trace drawn at t = 1, 3
// and 9 s shows the demo's state at those times, at once, with no clock read
// (the trace's clock fails the test if anything calls it).
#include <gtest/gtest.h>

#include <chrono>

#include "deck/highlight.hpp"
#include "registry.hpp"
#include "render/context.hpp"
#include "views/layouts.hpp"
#include "views/painter_imgui.hpp"

using namespace livedeck;
using demos::EventKind;

namespace {

// The sequential demo's trace for one cow, as a recording holds it.
std::vector<demos::Event> recorded_events() {
    demos::Trace trace([]() -> double {
        ADD_FAILURE() << "something read the clock while drawing";
        return 0;
    });
    const int main = trace.actor("main");
    trace.record_at(0.1, EventKind::RequestStart, main, "http://farm/cow", 6);
    trace.record_at(2.0, EventKind::RequestDone, main, "Moo!", 6);
    const std::string line = "The cow says \"Moo!\".\n";
    double t = 2.0;
    for (char c : line) trace.record_at(t += 0.05, EventKind::Text, main, std::string(1, c), 7);
    trace.record_at(4.0, EventKind::RequestStart, main, "http://farm/pig", 6);
    trace.record_at(8.0, EventKind::Done, main, "finished");
    return trace.events();
}

// Bright pixels inside a rectangle: how much text it holds.
long ink(const render::Image& image, int x0, int y0, int x1, int y1) {
    long n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const std::uint8_t* p = &image.rgba[(static_cast<std::size_t>(y) * image.width + x) * 4];
            if (p[0] > 140 && p[1] > 140 && p[2] > 140) ++n;
        }
    return n;
}

}  // namespace

TEST(Views, DemoStateAtAnyTimeComesFromTheEventsAlone) {
    const std::vector<demos::Event> events = recorded_events();
    const demos::Demo* demo = demos::find_demo("sequential");
    ASSERT_NE(demo, nullptr);
    const std::vector<deck::TokenLine> tokens = deck::highlight(demo->source(), "cpp");
    demos::Fold fold;  // continued from one time to the next, like frames
    auto at = [&](double t) {
        return views::demo_state({demo, &tokens, &events, &fold, t, false});
    };

    const views::DemoState one = at(1);
    EXPECT_TRUE(one.ran);
    EXPECT_FALSE(one.done);
    EXPECT_EQ(one.status, "running  1.0 s");
    EXPECT_EQ(one.active_lines, std::vector<int>{6});  // waiting on the fetch
    EXPECT_TRUE(one.lines.empty());

    const views::DemoState three = at(3);
    EXPECT_EQ(three.status, "running  3.0 s");
    EXPECT_EQ(three.active_lines, std::vector<int>{7});  // printing
    // How the running line moved: the code pane follows it.
    ASSERT_EQ(three.line_steps.size(), 2u);
    EXPECT_DOUBLE_EQ(three.line_steps[0].t, 0.1);
    EXPECT_EQ(three.line_steps[0].lo, 6);
    EXPECT_EQ(three.line_steps[1].lo, 7);
    EXPECT_EQ(three.line_steps[1].hi, 7);
    ASSERT_EQ(three.lines.size(), 1u);
    EXPECT_EQ(three.lines[0].text, "The cow says \"Moo!\".");

    const views::DemoState nine = at(9);
    EXPECT_TRUE(nine.done);
    EXPECT_EQ(nine.status, "finished in 8.0 s");
    EXPECT_TRUE(nine.active_lines.empty());
    ASSERT_EQ(nine.lines.size(), 1u);

    // Going back in time starts the fold over: the same answer as at first.
    const views::DemoState again = at(1);
    EXPECT_TRUE(again.lines.empty());
    EXPECT_EQ(again.status, one.status);
    // Never run: a placeholder, no status.
    EXPECT_FALSE(views::demo_state({demo, &tokens, nullptr, nullptr, 5, false}).ran);
}

TEST(Views, DrawingARecordedTraceAtNineSecondsDoesNotWaitForIt) {
    const std::vector<demos::Event> events = recorded_events();
    const demos::Demo* demo = demos::find_demo("sequential");
    const std::vector<deck::TokenLine> tokens = deck::highlight(demo->source(), "cpp");
    const int w = 1280, h = 720;
    render::Headless gl(w, h);
    views::Stage stage;
    stage.prepare_fonts(static_cast<float>(w) / 1920.0f);
    demos::Fold fold;
    std::map<double, long> output_ink;
    const auto started = std::chrono::steady_clock::now();
    for (double t : {1.0, 3.0, 9.0}) {
        gl.new_frame();
        views::ImGuiPainter painter(ImGui::GetBackgroundDrawList(), &stage.fonts(), nullptr, &stage.images());
        const views::Canvas canvas{&painter, ImVec2(0, 0), static_cast<float>(w) / 1920.0f, &views::theme()};
        views::draw_demo(canvas, {demo, &tokens, &events, &fold, t, false}, 200, nullptr);
        gl.render();
        const render::Image image = gl.read_back();
        // The output pane is the right 40% of the canvas, below its header.
        output_ink[t] = ink(image, w * 62 / 100, 200 * h / 1080 + 40, w - 50, h - 120);
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(took, 8.0) << "drawing t = 9 s must not wait for the clock to get there";
    EXPECT_LT(output_ink[1.0], output_ink[3.0]) << "the cow's line is typed by 3 s";
    EXPECT_EQ(output_ink[3.0], output_ink[9.0]) << "nothing more is printed after 3 s";
}
