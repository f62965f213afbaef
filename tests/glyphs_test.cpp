// Every glyph drawn: characters beyond Latin-1 (Latin Extended, Greek,
// Cyrillic, CJK, symbols, emoji) come from fontconfig's fallback fonts into
// the atlas (render/fonts.cpp, render/fonts_fallback.cpp), into the PDF
// (views/painter_cairo.cpp), and `check` names those no font has
// (views/glyph_set.cpp). Shots are read back with tesseract in each
// script's language.
#include <gtest/gtest.h>

#include <imgui.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "process.hpp"
#include "render/context.hpp"
#include "render/fonts.hpp"
#include "show/presentation.hpp"
#include "views/glyph_set.hpp"
#include "views/layouts.hpp"
#include "views/theme.hpp"
#include "views/view.hpp"

using namespace livedeck;
using livedeck::test::program;
using livedeck::test::run_command;
using livedeck::test::source_dir;

namespace {

std::string deck_path(const std::string& name) { return source_dir() + "/tests/data/decks/" + name; }

// One character of each kind the issue names, all in tests/data/decks/glyphs.md.
const std::vector<std::pair<char32_t, const char*>> samples = {
    {U'ł', "Latin Extended"}, {U'Ž', "Latin Extended"}, {U'€', "currency"}, {U'λ', "Greek"},
    {U'П', "Cyrillic"},       {U'漢', "CJK"},           {U'か', "kana"},    {U'한', "Hangul"},
    {U'★', "symbol"},         {U'♞', "symbol"},         {U'☕', "emoji"},   {U'🐄', "emoji beyond U+FFFF"},
};

// The atlas glyph of `c` (through its stand-in beyond U+FFFF), or nullptr.
const ImFontGlyph* glyph(const render::Fonts& fonts, render::Face face, float size, char32_t c) {
    const ImFont* font = fonts.get(face, size);
    const ImWchar id = c <= 0xFFFF ? static_cast<ImWchar>(c) : fonts.stand_in(c);
    if (!font || !id) return nullptr;
    return font->FindGlyphNoFallback(id);
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    ASSERT_TRUE(out) << path;
}

// tesseract reads dark text on a light page best: the negative, as grey.
std::string read_back(const std::string& png, const std::string& language) {
    const std::string negative = png + ".negative.png";
    const auto convert = run_command("ffmpeg -loglevel error -y -i " + png + " -vf negate,format=gray " + negative);
    EXPECT_EQ(convert.status, 0) << convert.text;
    return run_command("tesseract " + negative + " - -l " + language + " --psm 11 2>/dev/null").text;
}

}  // namespace

TEST(Glyphs, TheDeckListsEveryCharacterItDraws) {
    const deck::Deck deck = show::load_deck(deck_path("glyphs.md"));
    ASSERT_TRUE(deck.ok());
    const std::vector<char32_t> points = views::deck_code_points(deck);
    ASSERT_TRUE(std::is_sorted(points.begin(), points.end()));
    for (const auto& [c, what] : samples)
        EXPECT_TRUE(std::binary_search(points.begin(), points.end(), c)) << what << " U+" << std::hex << static_cast<unsigned>(c);
    // From the code block and from the notes too.
    EXPECT_TRUE(std::binary_search(points.begin(), points.end(), U'Ж'));
    EXPECT_TRUE(std::binary_search(points.begin(), points.end(), U'Ω'));
    EXPECT_FALSE(std::binary_search(points.begin(), points.end(), U'a')) << "ASCII is always there";
}

TEST(Glyphs, TheAtlasHasARealGlyphForEachCharacter) {
    render::Headless gl(64, 64);
    gl.activate();
    const views::Theme& t = views::theme();
    render::Fonts fonts(t.sans_family, t.mono_family);
    // Without the deck's characters: only the base set, '?' for the rest.
    fonts.build(t.font_requests(), 1.0f);
    EXPECT_EQ(glyph(fonts, render::Face::Sans, t.size.body, U'ł'), nullptr);
    EXPECT_EQ(glyph(fonts, render::Face::Sans, t.size.body, U'漢'), nullptr);

    const std::vector<char32_t> points = views::deck_code_points(show::load_deck(deck_path("glyphs.md")));
    fonts.build(t.font_requests(), 1.0f, points);
    EXPECT_TRUE(fonts.report().missing.empty());
    EXPECT_TRUE(fonts.report().cut.empty());
    EXPECT_GE(fonts.report().merged, 5u) << "CJK, kana, Hangul and the symbols come from fallback fonts";
    EXPECT_EQ(fonts.report().astral, 1u) << "the cow";
    const std::pair<render::Face, float> fonts_used[] = {
        {render::Face::Sans, t.size.body}, {render::Face::SansBold, t.size.h1},
        {render::Face::SansItalic, t.size.body}, {render::Face::Mono, t.size.code}};
    for (const auto& [face, size] : fonts_used) {
        const ImFont* font = fonts.get(face, size);
        ASSERT_NE(font, nullptr);
        const ImFontGlyph* question = font->FindGlyphNoFallback('?');
        for (const auto& [c, what] : samples) {
            const ImFontGlyph* g = glyph(fonts, face, size, c);
            ASSERT_NE(g, nullptr) << what << " U+" << std::hex << static_cast<unsigned>(c) << " face " << static_cast<int>(face);
            EXPECT_TRUE(g->Visible) << what;
            EXPECT_NE(g, font->FallbackGlyph) << what;
            EXPECT_NE(g->U0, question->U0) << what << ": not the '?' glyph";
            // Ink of a letter's size, on the line: not a sliver, not off the line.
            EXPECT_GT(g->Y1 - g->Y0, size * 0.2f) << what;
            EXPECT_GE(g->Y0, -1.0f) << what;
            EXPECT_LE(g->Y1, font->FontSize + 1.0f) << what;
        }
    }
}

TEST(Glyphs, AReloadWithNewCharactersRebuildsTheAtlas) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "glyphs_reload";
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / "deck.md";
    write(file, "# Hello\n\nplain text\n");
    show::Options options;
    options.deck_path = file;
    show::Presentation show(options);
    render::Headless gl(320, 180);
    views::Stage stage;
    views::UiState ui;
    views::draw_frame(gl, stage, views::Frame{show, ui, 0, 0, views::Role::Single});
    const views::Theme& t = views::theme();
    EXPECT_EQ(glyph(stage.fonts(), render::Face::SansBold, t.size.h1, U'Ж'), nullptr);
    const auto size_before = stage.fonts().texture_size();

    write(file, "# Жук и 漢字 🐄\n\nplain text\n");
    show.apply({show::CommandKind::Reload}, 1.0);
    ASSERT_TRUE(show.deck().ok());
    views::draw_frame(gl, stage, views::Frame{show, ui, 1.0, 0, views::Role::Single});
    for (const char32_t c : {U'Ж', U'漢', U'🐄'}) {
        const ImFontGlyph* g = glyph(stage.fonts(), render::Face::SansBold, t.size.h1, c);
        ASSERT_NE(g, nullptr) << "U+" << std::hex << static_cast<unsigned>(c);
        EXPECT_TRUE(g->Visible);
    }
    EXPECT_GE(stage.fonts().texture_size().second, size_before.second) << "the texture was uploaded again";
}

TEST(Glyphs, TheAtlasIsCappedAndSaysWhatItCut) {
    // 3,500 CJK ideographs: more than the cap.
    std::vector<char32_t> points;
    for (char32_t c = 0x4E00; c < 0x4E00 + 3500; ++c) points.push_back(c);
    render::Headless gl(64, 64);
    gl.activate();
    const views::Theme& t = views::theme();
    render::Fonts fonts(t.sans_family, t.mono_family);
    // A small raster keeps the test quick; the cap counts characters.
    fonts.build(std::vector<render::FontRequest>{{render::Face::Sans, t.size.body}}, 0.25f, points);
    EXPECT_EQ(fonts.report().asked, 3500u);
    EXPECT_EQ(fonts.report().own + fonts.report().merged, render::Fonts::max_extra_glyphs);
    EXPECT_EQ(fonts.report().cut.size(), 3500u - render::Fonts::max_extra_glyphs);
    EXPECT_EQ(fonts.report().cut.front(), 0x4E00 + render::Fonts::max_extra_glyphs);
    EXPECT_NE(glyph(fonts, render::Face::Sans, t.size.body, 0x4E00), nullptr);
    EXPECT_EQ(glyph(fonts, render::Face::Sans, t.size.body, 0x4E00 + 3499), nullptr);
}

TEST(Glyphs, ShotsReadBackInEachScript) {
    const std::pair<int, const char*> slides[] = {{1, "pol"}, {2, "ell"}, {3, "rus"}, {4, "chi_sim"}};
    const char* expected[] = {"Zażółć gęślą jaźń", "Καλημέρα κόσμε", "Привет, мир", "你好世界"};
    for (const auto& [slide, language] : slides) {
        const std::string png = ::testing::TempDir() + "script" + std::to_string(slide) + ".png";
        const auto out = run_command(program() + " shot -o " + png + " --slide " + std::to_string(slide) + " " +
                                     deck_path("scripts.md"));
        ASSERT_EQ(out.status, 0) << out.text;
        const std::string text = read_back(png, language);
        EXPECT_NE(text.find(expected[slide - 1]), std::string::npos) << language << ": " << text;
    }
}

TEST(Glyphs, SymbolsAndEmojiAreNotQuestionMarks) {
    // tesseract reads neither symbols nor '?' alone: each symbol's shot is
    // held against the shot of the same slide with a '?' in its place.
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "glyphs_symbols";
    std::filesystem::create_directories(dir);
    auto shot = [&](const std::string& name, const std::string& heading) {
        write(dir / (name + ".md"), "# x " + heading + " y\n");
        const std::string png = (dir / (name + ".png")).string();
        const auto out = run_command(program() + " shot --size 640x360 -o " + png + " " + (dir / (name + ".md")).string());
        EXPECT_EQ(out.status, 0) << out.text;
        std::ifstream in(png, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    const std::string question = shot("question", "?");
    ASSERT_FALSE(question.empty());
    const char* symbols[] = {"★", "♞", "⌘", "☕", "🐄", "漢"};
    for (int i = 0; i < 6; ++i) {
        const std::string real = shot("symbol" + std::to_string(i), symbols[i]);
        ASSERT_FALSE(real.empty());
        EXPECT_NE(real, question) << symbols[i] << " is drawn as '?'";
    }
}

TEST(Glyphs, ThePdfDrawsThemFromTheFallbackFonts) {
    const std::string pdf = ::testing::TempDir() + "glyphs.pdf";
    const auto out = run_command(program() + " export " + pdf + " " + deck_path("glyphs.md"));
    ASSERT_EQ(out.status, 0) << out.text;
    const std::string fonts = run_command("pdffonts " + pdf).text;
    EXPECT_NE(fonts.find("WenQuanYi"), std::string::npos) << fonts;
    EXPECT_NE(fonts.find("Symbola"), std::string::npos) << fonts;
    const std::string text = run_command("pdftotext " + pdf + " -").text;
    for (const char* s : {"Kłak · 5 €", "Καλημέρα", "Привет", "漢字 かな 한국어", "★ ♞ ⌘", "☕ 🐄", "Ж 漢 ★"})
        EXPECT_NE(text.find(s), std::string::npos) << s << " in\n" << text;
}

TEST(Glyphs, CheckNamesCharactersNoFontHas) {
    const auto bad = run_command(program() + " check " + deck_path("glyphs_missing.md") + " 2>&1");
    EXPECT_EQ(bad.status, 0) << "a warning, not an error: " << bad.text;
    EXPECT_NE(bad.text.find("glyphs_missing.md:3: warning: no installed font has U+0F40"), std::string::npos)
        << bad.text;
    const auto good = run_command(program() + " check " + deck_path("glyphs.md") + " 2>&1");
    EXPECT_EQ(good.status, 0) << good.text;
    EXPECT_EQ(good.text.find("no installed font"), std::string::npos) << good.text;
    EXPECT_NE(good.text.find("ok"), std::string::npos) << good.text;
}

TEST(Glyphs, CheckWarnsWhereTheCapCuts) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "glyphs_cap";
    std::filesystem::create_directories(dir);
    // 3,000 distinct ideographs, 100 a line, from line 3 on: more than fit at 1080p.
    std::vector<char32_t> points;
    std::string deck = "# Many characters\n\n";
    for (char32_t c = 0x4E00; c < 0x4E00 + 3000; ++c) {
        points.push_back(c);
        deck += static_cast<char>(0xE0 | (c >> 12));
        deck += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        deck += static_cast<char>(0x80 | (c & 0x3F));
        if ((c - 0x4E00) % 100 == 99) deck += "\n\n";
    }
    write(dir / "many.md", deck + "\n");
    const std::size_t fit = render::Fonts::fitting(views::theme().font_requests(), 1.0f, points);
    ASSERT_GT(fit, 300u) << "a CJK deck of a few hundred characters fits at 1080p";
    ASSERT_LT(fit, 3000u);
    const auto out = run_command(program() + " check " + (dir / "many.md").string() + " 2>&1");
    const int line = 3 + 2 * static_cast<int>(fit / 100);
    EXPECT_NE(out.text.find("many.md:" + std::to_string(line) + ": warning: the font atlas holds " +
                            std::to_string(fit) + " of the deck's 3000 characters beyond Latin-1 at 1080p"),
              std::string::npos)
        << out.text;
}

TEST(Glyphs, ABigCjkDeckStaysWithinTheTexture) {
    std::vector<char32_t> points;
    for (char32_t c = 0x4E00; c < 0x4E00 + 3000; ++c) points.push_back(c);
    render::Headless gl(64, 64);
    gl.activate();
    const views::Theme& t = views::theme();
    render::Fonts fonts(t.sans_family, t.mono_family);
    fonts.build(t.font_requests(), 1.0f, points);
    const std::size_t fit = render::Fonts::fitting(t.font_requests(), 1.0f, points);
    EXPECT_EQ(fonts.report().cut.size(), 3000u - fit);
    EXPECT_NE(glyph(fonts, render::Face::Sans, t.size.body, 0x4E00 + static_cast<char32_t>(fit) - 1), nullptr);
    EXPECT_EQ(glyph(fonts, render::Face::Sans, t.size.body, 0x4E00 + static_cast<char32_t>(fit)), nullptr);
    const auto [w, h] = fonts.texture_size();
    EXPECT_LE(static_cast<double>(w) * h, render::Fonts::max_extra_texels * 1.5) << w << "x" << h;
    EXPECT_LE(h, 16384);
}

TEST(Glyphs, DemoOutputAddsItsCharactersAsItArrives) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "glyphs_output";
    std::filesystem::create_directories(dir);
    write(dir / "deck.md", "demo: farm-await animals=cow delay=0.1\n# Farm\n");
    show::Options options;
    options.deck_path = dir / "deck.md";
    show::Presentation show(options);
    ASSERT_TRUE(show.deck().ok());
    views::Stage stage;
    const std::vector<char32_t> before = stage.code_points(show);
    EXPECT_FALSE(std::binary_search(before.begin(), before.end(), U'М'));
    // A replayed run prints a noise outside Latin-1, then another.
    show.replay_run(0, 0.0);
    demos::Event noise;
    noise.t = 0.5;
    noise.text = "Муу 🐄";
    show.replay_trace(0, noise);
    std::vector<char32_t> after = stage.code_points(show);
    EXPECT_TRUE(std::binary_search(after.begin(), after.end(), U'М'));
    EXPECT_TRUE(std::binary_search(after.begin(), after.end(), U'🐄'));
    noise.t = 1.0;
    noise.text = "ワン";
    show.replay_trace(0, noise);
    after = stage.code_points(show);
    EXPECT_TRUE(std::binary_search(after.begin(), after.end(), U'ワ')) << "read on from where it stopped";
    EXPECT_TRUE(std::binary_search(after.begin(), after.end(), U'М')) << "and what came before stays";
    // What the presenter types into the search prompt too.
    const std::vector<char32_t> typed = stage.code_points(show, "поиск");
    EXPECT_TRUE(std::is_sorted(typed.begin(), typed.end()));
    EXPECT_TRUE(std::binary_search(typed.begin(), typed.end(), U'п'));
}
