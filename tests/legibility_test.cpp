// Legible from the back row: every demo slide of the talk is drawn at 1080p
// by the audience view, through a painter that records what it is asked to
// write, and the code pane's type must be at least 22 px. The sizes are
// printed (one line per demo slide) so they can be compared across changes:
//   build/tests/legibility_test --gtest_filter='*Talk*'
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "deck/highlight.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "show/presentation.hpp"
#include "render/context.hpp"
#include "views/app.hpp"
#include "views/layouts.hpp"
#include "views/painter_imgui.hpp"

using namespace livedeck;
using demos::EventKind;

namespace {

// Measures as the PDF's painter does (the real font files), records every
// line of monospaced text it is asked to draw, and draws nothing.
class RecordingPainter final : public views::Painter {
public:
    struct Text {
        float px;
        ImVec2 pos;
        std::string text;
    };
    explicit RecordingPainter(views::Painter& measure) : measure_(&measure) {}
    float text_width(const views::FontSpec& font, std::string_view text) override {
        return measure_->text_width(font, text);
    }
    float advance_per_px(render::Face face) override { return measure_->advance_per_px(face); }
    void text(const views::FontSpec& font, ImVec2 pos, ImU32, std::string_view text) override {
        if (font.face == render::Face::Mono) mono.push_back({font.px, pos, std::string(text)});
    }
    void mono_text(const views::FontSpec& font, ImVec2 pos, ImU32 color, std::string_view text, float) override {
        this->text(font, pos, color, text);
    }
    void rect(ImVec2, ImVec2, ImU32, float) override {}
    void fill(ImVec2, ImVec2, ImU32, float) override {}
    void gradient(ImVec2, ImVec2, ImU32, ImU32) override {}
    void frame(ImVec2, ImVec2, ImU32, float, float) override {}
    void line(ImVec2, ImVec2, ImU32, float) override {}
    void push_clip(ImVec2, ImVec2) override {}
    void pop_clip() override {}
    views::ImageInfo image_info(const std::filesystem::path& path) override { return measure_->image_info(path); }
    void image(const std::filesystem::path&, ImVec2, ImVec2, float) override {}

    std::vector<Text> mono;

private:
    views::Painter* measure_;
};

struct Drawn {
    std::string demo;
    float code_px = 0;  // the size most of the code pane's text is drawn at
    float laid_out = 0; // the size demo_code_layout (what `livedeck check` reads) gives
};

enum class Target { Window, Pdf };

// Every demo slide of a deck drawn at 1080p (1 canvas unit = 1 pixel), its
// text measured as a window measures it (ImGui's fonts rasterized for
// 1080p, headless) or as a PDF page does (cairo).
std::vector<Drawn> draw_demo_slides(const std::string& deck, Target target) {
    show::Options options;
    options.deck_path = deck;
    show::Presentation show(options, 0);
    std::unique_ptr<render::Headless> gl;
    views::Stage stage;
    std::unique_ptr<views::Painter> measure;
    if (target == Target::Window) {
        gl = std::make_unique<render::Headless>(1920, 1080);
        stage.prepare_fonts(1.0f);
        gl->new_frame();
        measure = std::make_unique<views::ImGuiPainter>(ImGui::GetBackgroundDrawList(), &stage.fonts(), nullptr,
                                                        &stage.images());
    } else {
        measure = views::measuring_painter(stage.fonts());
    }
    views::UiState ui;
    std::vector<Drawn> drawn;
    for (int i = 0; i < show.slide_count(); ++i) {
        const show::DemoSlot* slot = show.demo(i);
        if (!slot) continue;
        RecordingPainter painter(*measure);
        const views::Canvas canvas{&painter, ImVec2(0, 0), 1, &views::theme()};
        const views::Frame frame{show, ui, 0, 0, views::Role::Audience};
        views::draw_slide_canvas(canvas, ImVec2(0, 0), 1920, frame, i, stage, nullptr);
        // The code pane is the left one: its tokens are most of the
        // monospaced text there (its title is one line at the small size).
        std::map<float, int> count;
        for (const RecordingPainter::Text& t : painter.mono)
            if (t.pos.x < 960) ++count[t.px];
        Drawn d{std::string(slot->demo->name), 0,
                views::demo_code_layout(canvas, *show.slide(i), slot->tokens, stage.images()).size};
        int best = 0;
        for (const auto& [px, n] : count)
            if (n > best) best = n, d.code_px = px;
        drawn.push_back(d);
    }
    if (gl) gl->render();
    return drawn;
}

}  // namespace

TEST(Legibility, EveryDemoSlideOfTheTalkDrawsCodeAtTwentyTwoPixelsOrMore) {
    const std::vector<Drawn> window = draw_demo_slides(test::talk(), Target::Window);
    const std::vector<Drawn> pdf = draw_demo_slides(test::talk(), Target::Pdf);
    ASSERT_FALSE(window.empty());
    ASSERT_EQ(window.size(), pdf.size());
    std::printf("code px at 1080p           window    pdf\n");
    for (std::size_t i = 0; i < window.size(); ++i) {
        std::printf("  %-22s %9.1f %6.1f\n", window[i].demo.c_str(), window[i].code_px, pdf[i].code_px);
        EXPECT_GE(window[i].code_px, 22.0f) << window[i].demo << " in a window";
        EXPECT_GE(pdf[i].code_px, 22.0f) << pdf[i].demo << " on a PDF page";
        // One layout for every target, and the one `livedeck check` reads.
        EXPECT_FLOAT_EQ(window[i].code_px, pdf[i].code_px) << window[i].demo;
        EXPECT_FLOAT_EQ(window[i].laid_out, window[i].code_px) << window[i].demo;
        EXPECT_FLOAT_EQ(pdf[i].laid_out, pdf[i].code_px) << pdf[i].demo;
    }
    show::Options options;
    options.deck_path = test::talk();
    const show::Presentation show(options, 0);
    for (const deck::Diagnostic& w : views::legibility_warnings(show.deck())) ADD_FAILURE() << w.str();
}

namespace {

// The line numbers a code pane drew, top to bottom, with where they went.
std::vector<std::pair<int, float>> line_numbers(const RecordingPainter& painter, float gutter_right) {
    std::vector<std::pair<int, float>> out;
    for (const RecordingPainter::Text& t : painter.mono)
        if (t.pos.x < gutter_right && !t.text.empty() &&
            t.text.find_first_not_of("0123456789") == std::string::npos)
            out.emplace_back(std::stoi(t.text), t.pos.y);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    return out;
}

}  // namespace

TEST(Legibility, ALongFileFollowsTheRunningLineSmoothly) {
    // generator-send is longer than its pane at 22 px: it scrolls to the
    // line that runs, easing there, as a function of the trace and t.
    const demos::Demo* demo = demos::find_demo("generator-send");
    ASSERT_NE(demo, nullptr);
    const std::vector<deck::TokenLine> tokens = deck::highlight(demo->source(), "cpp");
    const int last = static_cast<int>(tokens.size());
    demos::Trace trace([]() -> double {
        ADD_FAILURE() << "something read the clock while drawing";
        return 0;
    });
    const int main = trace.actor("main");
    trace.record_at(0.5, EventKind::Text, main, "x", 3);
    trace.record_at(2.0, EventKind::Text, main, "y", last - 1);  // near the end
    const std::vector<demos::Event> events = trace.events();
    const std::vector<std::string> actors = trace.actors();
    views::Stage stage;
    const std::unique_ptr<views::Painter> measure = views::measuring_painter(stage.fonts());
    const deck::DemoView view;
    auto draw_at = [&](double t) {
        RecordingPainter painter(*measure);
        const views::Canvas canvas{&painter, ImVec2(0, 0), 1, &views::theme()};
        views::DemoFrame frame{demo, &tokens, &events, nullptr, t, false, &view, &actors, 0};
        views::draw_demo(canvas, frame, 200, nullptr);
        return line_numbers(painter, 200);
    };
    // Laid out at the floor, more lines than fit.
    RecordingPainter probe(*measure);
    const views::Canvas canvas{&probe, ImVec2(0, 0), 1, &views::theme()};
    const views::DemoPanes panes = views::demo_panes(views::theme(), 200, view);
    const views::CodeLayout layout = views::code_layout(canvas, panes.code_min, panes.code_max, tokens,
                                                        views::code_rows(tokens.size(), {}));
    EXPECT_FLOAT_EQ(layout.size, 22.0f);
    ASSERT_TRUE(layout.scrolls);
    auto first_shown = [&](const std::vector<std::pair<int, float>>& numbers) {
        for (const auto& [n, y] : numbers)
            if (y >= layout.body_top - 1) return n;
        return -1;
    };

    const auto before = draw_at(1.0);
    EXPECT_EQ(first_shown(before), 1) << "line 3 runs: the top of the file stays";
    const auto settled = draw_at(4.0);
    EXPECT_EQ(settled.back().first, last) << "line " << last - 1 << " runs: the end of the file is in view";
    EXPECT_EQ(first_shown(settled), last - layout.visible + 1);
    // Part way, it is between the two, and it moves one way only.
    int previous = 1;
    for (double t : {2.02, 2.06, 2.12, 2.2, 2.4, 3.0}) {
        const int first = first_shown(draw_at(t));
        EXPECT_GE(first, previous) << "at " << t;
        previous = first;
    }
    EXPECT_GT(first_shown(draw_at(2.06)), 1);
    EXPECT_LT(first_shown(draw_at(2.06)), last - layout.visible + 1);
    // Drawing an earlier time again gives the earlier picture.
    EXPECT_EQ(draw_at(1.0), before);
}
