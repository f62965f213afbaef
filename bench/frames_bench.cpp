// Frame cost of each view, rendered offscreen (headless EGL) at a given size:
// N frames after a warm-up, each ended by glFinish, one line per view:
//   <view> p50=<ms> p99=<ms> build=<ms>
// `build` is the CPU time of building the ImGui frame (before GL draws it).
// The demo slide is measured while its demo runs and types its output.
// Usage: frames_bench [--frames N] [--size WxH] [--demo NAME] [DECK]
// (--demo: the demo slide to measure, default sequential)
#include <glad/gl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "render/context.hpp"
#include "views/layouts.hpp"

using namespace livedeck;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Result {
    std::vector<double> frame, build;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 30, width = 1920, height = 1080;
    std::string deck = show::default_deck().string();
    std::string demo_name = "sequential";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) frames = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--demo") && i + 1 < argc) demo_name = argv[++i];
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc) std::sscanf(argv[++i], "%dx%d", &width, &height);
        else deck = argv[i];
    }
    render::Headless gl(width, height);
    std::fprintf(stderr, "renderer: %s, %dx%d, %d frames per view\n", gl.renderer().c_str(), width, height, frames);
    show::Options options;
    options.deck_path = deck;
    options.farm_delay = 0.3;
    options.manual_steps = false;
    show::Presentation show(options, 0);
    views::Stage stage;
    const ImVec2 display(static_cast<float>(width), static_cast<float>(height));

    // A view: where to go and what layout; `live` runs the slide's demo and
    // draws at the run's real time.
    auto measure = [&](const char* name, int slide, views::Layout layout, bool live) {
        show.apply({show::CommandKind::Jump, slide}, 0);
        views::UiState ui;
        ui.layout = layout;
        const Clock::time_point origin = Clock::now();
        auto now = [&] { return std::chrono::duration<double>(Clock::now() - origin).count(); };
        if (live) show.apply({show::CommandKind::Restart}, now());
        Result r;
        const int warmup = 5;
        for (int i = 0; i < warmup + frames; ++i) {
            show.update();
            const views::Frame frame{show, ui, now(), 0, views::Role::Single};
            stage.prepare_fonts(views::raster_scale(frame, display, 1.0f));
            const Clock::time_point start = Clock::now();
            gl.new_frame();
            views::Intents ignored;
            views::draw_window(frame, stage, display, 1.0f, ignored);
            ImGui::Render();  // the draw lists, timed apart (render() collects them again, cheaply)
            const double build = ms_since(start);
            gl.render();
            glFinish();
            if (i >= warmup) {
                r.frame.push_back(ms_since(start));
                r.build.push_back(build);
            }
        }
        const bool still_running = !live || show.animating();
        std::printf("%s p50=%.1f p99=%.1f build=%.2f%s\n", name, percentile(r.frame, 0.5), percentile(r.frame, 0.99),
                    percentile(r.build, 0.5), still_running ? "" : " (the demo ended before the last frame)");
        std::fflush(stdout);
    };

    // The first slide without a demo whose only block is a heading, if any;
    // else the first slide.
    int heading_slide = 0, demo_slide = -1;
    for (int i = 0; i < show.slide_count(); ++i) {
        const deck::Slide& s = *show.slide(i);
        if (s.demo && demo_slide < 0 && s.demo->name == demo_name) demo_slide = i;
        if (!s.demo && s.blocks.size() == 1 && s.blocks[0].kind == deck::BlockKind::Heading && heading_slide == 0)
            heading_slide = i;
    }
    {
        views::UiState ui;
        const views::Frame frame{show, ui, 0, 0, views::Role::Single};
        stage.prepare_fonts(views::raster_scale(frame, display, 1.0f));
        const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
        std::fprintf(stderr, "font atlas: %dx%d, %d fonts\n", atlas->TexWidth, atlas->TexHeight, atlas->Fonts.Size);
    }
    measure("slide", heading_slide, views::Layout::Audience, false);
    if (demo_slide >= 0) measure("demo", demo_slide, views::Layout::Audience, true);
    measure("presenter", demo_slide >= 0 ? demo_slide : 0, views::Layout::Presenter, demo_slide >= 0);
    measure("overview", 0, views::Layout::Overview, false);
    return 0;
}
