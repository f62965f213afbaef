// `livedeck shot` renders headless through EGL; the PNG is read back with
// tesseract, as a person would read the screen.
#include <gtest/gtest.h>

#include <stb_image.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <tuple>
#include <vector>

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

TEST(Shot, TimelineOfTheThreadsReadsBack) {
    // threads-lock has `timeline=on` in the talk: a lane per thread, named
    // after its animal, and the legend.
    const std::string png = ::testing::TempDir() + "timeline.png";
    const auto out = run_command(shot("-o " + png + " --slide threads-lock --run --delay 0.2 " +
                                 livedeck::test::talk()));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string text = ocr(png);
    for (const char* word : {"Timeline", "network", "lock", "print", "cow", "pig", "chicken"})
        EXPECT_NE(text.find(word), std::string::npos) << word << " in:\n" << text;
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

// ---- Decks from other tools, read back off the picture

namespace {

std::string dialect(const std::string& name) {
    return livedeck::test::source_dir() + "/tests/data/decks/dialects/" + name;
}

// The left and top of the first word tesseract reads as `word`.
std::optional<std::pair<int, int>> word_box(const std::string& png, const std::string& word) {
    std::istringstream tsv(run_command("tesseract " + png + " - --psm 3 tsv 2>/dev/null").text);
    std::string line;
    while (std::getline(tsv, line)) {
        std::vector<std::string> fields;
        std::istringstream row(line);
        for (std::string f; std::getline(row, f, '\t');) fields.push_back(f);
        if (fields.size() == 12 && fields[11] == word) return std::pair{std::atoi(fields[6].c_str()), std::atoi(fields[7].c_str())};
    }
    return std::nullopt;
}

}  // namespace

TEST(Shot, ATableIsDrawnAsATable) {
    const std::string png = ::testing::TempDir() + "table.png";
    const auto out = run_command(shot("-o " + png + " --slide 5 " + dialect("presenterm.md")));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string text = ocr(png);
    // Header and cells in rows, not a line of pipes.
    for (const char* row : {"Animal Sound", "Cow Moo", "Pig Oink", "fed the cow", "fed the pig"})
        EXPECT_NE(text.find(row), std::string::npos) << row << " in:\n" << text;
    EXPECT_EQ(text.find('|'), std::string::npos) << text;
}

TEST(Shot, ColumnsSitSideBySide) {
    for (const auto& [deck, slide, left, right] : {std::tuple{"presenterm.md", "4", "Left", "fn"},
                                                   std::tuple{"pandoc.md", "4", "Left", "Right"}}) {
        const std::string png = ::testing::TempDir() + "columns.png";
        const auto out = run_command(shot("-o " + png + " --slide " + slide + " " + dialect(deck)));
        ASSERT_EQ(out.status, 0) << out.text;
        // Where tesseract finds the words: the columns' first rows side by side.
        const auto l = word_box(png, left), r = word_box(png, right);
        ASSERT_TRUE(l && r) << deck;
        EXPECT_LT(std::abs(l->second - r->second), 30) << deck << ": not on one row";
        EXPECT_GT(r->first - l->first, 400) << deck << ": not side by side";
    }
}

TEST(Shot, NotesOfEveryDialectStayOffTheAudienceSlide) {
    struct Case {
        const char* deck;
        const char* slide;
        const char* shown;
        const char* note;
    };
    for (const Case& c : {Case{"revealjs.md", "1", "A paragraph with a link", "only display in the notes"},
                          Case{"revealjs.md", "2", "Item two", "private notes"},
                          Case{"pandoc.md", "2", "Drink coffee", "This is my note"},
                          Case{"presenterm.md", "2", "More text between the notes", "Second note"}}) {
        const std::string png = ::testing::TempDir() + "notes.png";
        ASSERT_EQ(run_command(shot("-o " + png + " --slide " + c.slide + " " + dialect(c.deck))).status, 0);
        const std::string audience = ocr(png);
        EXPECT_NE(audience.find(c.shown), std::string::npos) << c.deck << ":\n" << audience;
        EXPECT_EQ(audience.find(c.note), std::string::npos) << c.deck << ":\n" << audience;
        // The presenter's console has them.
        ASSERT_EQ(run_command(shot("-o " + png + " --layout presenter --slide " + c.slide + " " + dialect(c.deck))).status, 0);
        const std::string console = ocr(png);
        EXPECT_NE(console.find(c.note), std::string::npos) << c.deck << ":\n" << console;
    }
}

TEST(Shot, AStepShowsOnlyWhatIsRevealedByThen) {
    const std::string png = ::testing::TempDir() + "step.png";
    ASSERT_EQ(run_command(shot("-o " + png + " --slide 3 --step 1 " + dialect("presenterm.md"))).status, 0);
    std::string text = ocr(png);
    EXPECT_NE(text.find("Second part."), std::string::npos) << text;
    EXPECT_EQ(text.find("cow"), std::string::npos) << text;
    ASSERT_EQ(run_command(shot("-o " + png + " --slide 3 --step 3 " + dialect("presenterm.md"))).status, 0);
    text = ocr(png);
    EXPECT_NE(text.find("pig"), std::string::npos) << text;
    EXPECT_EQ(text.find("hen"), std::string::npos) << text;
    const auto beyond = run_command(shot("-o " + png + " --slide 3 --step 5 " + dialect("presenterm.md")));
    EXPECT_EQ(beyond.status, 2);
    EXPECT_NE(beyond.text.find("slide 3 has 4 reveal steps after its first view, not 5"), std::string::npos) << beyond.text;
}

TEST(Shot, ContentThatDoesNotFitShrinksAndIsCutAtTheBoxNotTheFooter) {
    std::string text = "# Title\n\nfirst\n\n---\n\n# Forty bullets\n\n";
    for (int i = 0; i < 40; ++i) text += "- bullet number " + std::to_string(i) + "\n";
    const std::string deck = ::testing::TempDir() + "forty.md";
    std::ofstream(deck) << text;
    const std::string png = ::testing::TempDir() + "forty.png";
    ASSERT_EQ(run_command(shot("-o " + png + " --slide 2 " + deck)).status, 0);
    const std::string read = run_command("tesseract " + png + " - --psm 6 2>/dev/null").text;  // one block of lines
    EXPECT_NE(read.find("number 17"), std::string::npos) << read;  // shrunk: 18 fit at the floor
    EXPECT_EQ(read.find("number 18"), std::string::npos) << read;  // cut
    EXPECT_TRUE(read.find("2 / 2") != std::string::npos || read.find("2/2") != std::string::npos)
        << read;  // the footer stays clear
}

// ---- Code line highlights, step by step

namespace {

// The picture's rows, each as one string of its RGB bytes.
std::vector<std::string> rows_of(const std::string& png) {
    int w = 0, h = 0, n = 0;
    unsigned char* pixels = stbi_load(png.c_str(), &w, &h, &n, 3);
    std::vector<std::string> rows;
    if (!pixels) return rows;
    for (int y = 0; y < h; ++y)
        rows.emplace_back(reinterpret_cast<const char*>(pixels) + static_cast<std::size_t>(y) * w * 3,
                          static_cast<std::size_t>(w) * 3);
    stbi_image_free(pixels);
    return rows;
}

// The runs of rows (first, one past the last) that differ between two pictures.
std::vector<std::pair<int, int>> differing_runs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::pair<int, int>> runs;
    for (int y = 0; y < static_cast<int>(std::min(a.size(), b.size())); ++y) {
        if (a[static_cast<std::size_t>(y)] == b[static_cast<std::size_t>(y)]) continue;
        if (!runs.empty() && runs.back().second == y) ++runs.back().second;
        else runs.push_back({y, y + 1});
    }
    return runs;
}

std::string code_deck() { return livedeck::test::source_dir() + "/tests/data/decks/code_steps.md"; }

}  // namespace

TEST(Shot, ACodeHighlightMovesWithTheSteps) {
    // Slide 2: ```rust {1-2|4|all}, six lines, then a pause and a paragraph.
    std::vector<std::vector<std::string>> step;
    for (int k = 0; k <= 3; ++k) {
        const std::string png = ::testing::TempDir() + "code_step" + std::to_string(k) + ".png";
        const auto out = run_command(shot("-o " + png + " --slide 2 --step " + std::to_string(k) + " " + code_deck()));
        ASSERT_EQ(out.status, 0) << out.text;
        step.push_back(rows_of(png));
        ASSERT_EQ(step.back().size(), 1080u) << png;
    }
    // A code line is 42 px at 1080p (30 px text, 1.4 apart).
    const int line_h = 42;
    auto near = [](int a, int b) { return std::abs(a - b) <= 3; };
    // Step 1 moves the mark from lines 1-2 to line 4: those rows change, line 3 (dimmed in both) does not.
    const auto moved = differing_runs(step[0], step[1]);
    ASSERT_EQ(moved.size(), 2u) << "runs: " << moved.size();
    EXPECT_TRUE(near(moved[0].second - moved[0].first, 2 * line_h)) << moved[0].first << "-" << moved[0].second;
    EXPECT_TRUE(near(moved[1].first - moved[0].second, line_h)) << moved[1].first;
    EXPECT_TRUE(near(moved[1].second - moved[1].first, line_h)) << moved[1].first << "-" << moved[1].second;
    const int code_top = moved[0].first;  // line 1's top
    // Step 2 (`all`): every line is drawn as usual: lines 1-3 and 5-6 light up, line 4 loses its mark.
    const auto all = differing_runs(step[1], step[2]);
    ASSERT_FALSE(all.empty());
    EXPECT_GE(all.front().first, code_top);
    EXPECT_LT(all.front().first, code_top + line_h) << all.front().first;  // in line 1
    EXPECT_GT(all.back().second, code_top + 5 * line_h) << all.back().second;  // in line 6
    EXPECT_LE(all.back().second, code_top + 6 * line_h);
    // Step 3 is the pause: the paragraph below shows, the code does not change.
    const auto pause = differing_runs(step[2], step[3]);
    ASSERT_FALSE(pause.empty());
    EXPECT_GT(pause.front().first, code_top + 6 * line_h);
    const auto beyond = run_command(shot("-o " + ::testing::TempDir() + "x.png --slide 2 --step 4 " + code_deck()));
    EXPECT_EQ(beyond.status, 2);
    EXPECT_NE(beyond.text.find("slide 2 has 3 reveal steps after its first view, not 4"), std::string::npos)
        << beyond.text;
}

TEST(Shot, ThePresenterSeesTheNextCodeStep) {
    std::vector<std::vector<std::string>> console;
    for (int k = 0; k <= 1; ++k) {
        const std::string png = ::testing::TempDir() + "code_presenter" + std::to_string(k) + ".png";
        ASSERT_EQ(run_command(shot("-o " + png + " --layout presenter --slide 2 --step " + std::to_string(k) + " " +
                                   code_deck()))
                      .status,
                  0);
        EXPECT_NE(ocr(png).find("NEXT (step " + std::to_string(k + 2) + " of 4)"), std::string::npos) << png;
        console.push_back(rows_of(png));
        ASSERT_EQ(console.back().size(), 1080u);
    }
    // The NEXT preview (right of x=1270, under its label) follows the highlight: it changes with the step.
    bool preview_changed = false;
    for (std::size_t y = 220; y < 540; ++y)
        preview_changed = preview_changed || console[0][y].substr(1270 * 3) != console[1][y].substr(1270 * 3);
    EXPECT_TRUE(preview_changed);
}
