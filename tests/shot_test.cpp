// `livedeck shot` renders headless through EGL; the PNG is read back with
// tesseract, as a person would read the screen.
#include <gtest/gtest.h>

#include <stb_image.h>

#include <filesystem>
#include <fstream>

#include "process.hpp"

using livedeck::test::program;
using livedeck::test::run_command;

namespace {

std::string shot(const std::string& arguments) {
    return program() + " shot " + arguments;
}

std::string ocr(const std::string& png) {
    const auto out = run_command("tesseract " + png + " - --psm 3 2>/dev/null");
    return out.text;
}

// Thumbnails on a black page confuse tesseract's thresholding: read the
// negative instead (ffmpeg is a dependency anyway).
std::string ocr_negative(const std::string& png) {
    const std::string negative = png + ".negative.png";
    run_command("ffmpeg -loglevel error -y -i " + png + " -vf negate,format=gray " + negative);
    return ocr(negative);
}

}  // namespace

TEST(Shot, TitleSlideReadsBack) {
    const std::string png = ::testing::TempDir() + "title.png";
    const auto out = run_command(shot("-o " + png + " --slide 1 " + livedeck::test::talk()));
    ASSERT_EQ(out.status, 0) << out.text;
    int w = 0, h = 0, n = 0;
    ASSERT_TRUE(stbi_info(png.c_str(), &w, &h, &n));
    EXPECT_EQ(w, 1920);
    EXPECT_EQ(h, 1080);
    const std::string text = ocr(png);
    EXPECT_NE(text.find("A brief introduction to concurrency"), std::string::npos) << text;
}

TEST(Shot, SizeIsHonoured) {
    const std::string png = ::testing::TempDir() + "small.png";
    const auto out = run_command(shot("-o " + png + " --slide 2 --size 1280x720 " + livedeck::test::talk()));
    ASSERT_EQ(out.status, 0) << out.text;
    int w = 0, h = 0, n = 0;
    ASSERT_TRUE(stbi_info(png.c_str(), &w, &h, &n));
    EXPECT_EQ(w, 1280);
    EXPECT_EQ(h, 720);
    EXPECT_NE(ocr(png).find("Parallelism"), std::string::npos);
}

TEST(Shot, SequentialSlideAfterItRanShowsTheThreeLines) {
    const std::string png = ::testing::TempDir() + "sequential.png";
    const auto out = run_command(shot("-o " + png + " --slide sequential --run --delay 0.2 " +
                                 livedeck::test::talk()));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string text = ocr(png);
    EXPECT_NE(text.find("The cow says \"Moo!\"."), std::string::npos) << text;
    EXPECT_NE(text.find("The pig says \"Oink!\"."), std::string::npos) << text;
    EXPECT_NE(text.find("The chicken says \"Cluck!\"."), std::string::npos) << text;
    EXPECT_NE(text.find("finished"), std::string::npos) << text;
    // The source pane shows the compiled file.
    EXPECT_NE(text.find("fetch(ctx, animal)"), std::string::npos) << text;
}

TEST(Shot, AtShowsTheRunPartWay) {
    // At 0.1 s with a 5 s delay the first request is still out: no output yet.
    const std::string png = ::testing::TempDir() + "early.png";
    const auto out = run_command(shot("-o " + png + " --slide sequential --run --at 0.1 --delay 5 " +
                                 livedeck::test::talk()));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string text = ocr(png);
    EXPECT_NE(text.find("running"), std::string::npos) << text;
    EXPECT_EQ(text.find("The cow says"), std::string::npos) << text;
}

TEST(Shot, MissingDeckRendersAnErrorSlide) {
    const std::string png = ::testing::TempDir() + "missing.png";
    const auto out = run_command(shot("-o " + png + " /nonexistent/deck.md"));
    EXPECT_EQ(out.status, 1) << out.text;  // the picture is written, but the deck is a problem
    EXPECT_NE(out.text.find("/nonexistent/deck.md"), std::string::npos) << out.text;
    EXPECT_NE(ocr(png).find("cannot be shown"), std::string::npos);
}

TEST(Shot, PresenterLayoutShowsNotesNextSlideAndTimer) {
    const std::string png = ::testing::TempDir() + "presenter.png";
    const std::string deck = livedeck::test::source_dir() + "/tests/data/decks/gui.md";
    const auto out = run_command(shot("-o " + png + " --slide 2 --layout presenter " + deck));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string text = ocr(png);
    EXPECT_NE(text.find("NOTES"), std::string::npos) << text;
    EXPECT_NE(text.find("Slide two."), std::string::npos) << text;    // the notes themselves
    EXPECT_NE(text.find("NEXT"), std::string::npos) << text;
    EXPECT_NE(text.find("00:00"), std::string::npos) << text;  // the timer, just started
}

TEST(Shot, OverviewLayoutShowsEverySlide) {
    const std::string png = ::testing::TempDir() + "overview.png";
    const std::string deck = livedeck::test::source_dir() + "/tests/data/decks/gui.md";
    const auto out = run_command(shot("-o " + png + " --layout overview --size 3840x2160 " + deck));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string text = ocr_negative(png);
    for (const char* title : {"GUI test deck", "Parallelism on slide two", "Sequential", "By hand"})
        EXPECT_NE(text.find(title), std::string::npos) << title << " in:\n" << text;
}

TEST(Shot, ADeckWithProblemsIsNotASuccess) {
    const std::string deck = ::testing::TempDir() + "broken_for_shot.md";
    std::ofstream(deck) << "# Fine\n\n---\n\ndemo: no-such-demo\n\n# Broken\n";
    const std::string png = ::testing::TempDir() + "broken.png";
    const auto out = run_command(shot("-o " + png + " --slide 1 " + deck));
    EXPECT_EQ(out.status, 1) << out.text;
    EXPECT_NE(out.text.find("broken_for_shot.md:5:"), std::string::npos) << out.text;
    EXPECT_TRUE(std::filesystem::exists(png)) << "the picture is still written";
}

TEST(Shot, EightKDoesNotBreakTheFontAtlas) {
    // Glyphs over ~256 px overran imgui_freetype's scratch (heap corruption):
    // big text is now drawn scaled from at most 200 px.
    const std::string png = ::testing::TempDir() + "eight_k.png";
    const auto out = run_command(shot("-o " + png + " --size 7680x4320 --slide 1 " + livedeck::test::talk()));
    ASSERT_EQ(out.status, 0) << out.text;
    int w = 0, h = 0, channels = 0;
    ASSERT_TRUE(stbi_info(png.c_str(), &w, &h, &channels));
    EXPECT_EQ(w, 7680);
    EXPECT_EQ(h, 4320);
}
