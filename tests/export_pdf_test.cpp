// `livedeck export OUT.pdf`: the PDF is read back with poppler's tools, as
// a person would read it: the pages and their size (pdfinfo), the words on
// them (pdftotext), and one bookmark per slide.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "process.hpp"
#include "registry.hpp"
#include "show/presentation.hpp"
#include "views/export_pdf.hpp"

using livedeck::test::run_command;
namespace fs = std::filesystem;

namespace {

std::string squeeze(std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
    return s;
}

// Words wrap and split differently on a page: compare without whitespace.
bool has_text(const std::string& text, const std::string& wanted) {
    return squeeze(text).find(squeeze(wanted)) != std::string::npos;
}

std::string pdftotext(const fs::path& pdf) {
    return run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' -").text;
}

// The bookmarks' titles, read from the file: literal strings, or UTF-16 in
// hex where cairo had to escape something.
std::set<std::string> outline_titles(const fs::path& pdf) {
    std::ifstream in(pdf, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::set<std::string> titles;
    const std::string key = "<< /Title ";
    for (std::size_t at = bytes.find(key); at != std::string::npos; at = bytes.find(key, at + 1)) {
        std::size_t i = at + key.size();
        std::string title;
        if (bytes[i] == '(') {
            for (++i; i < bytes.size() && bytes[i] != ')'; ++i) {
                if (bytes[i] == '\\' && i + 1 < bytes.size()) ++i;
                title += bytes[i];
            }
        } else if (bytes[i] == '<') {
            const std::size_t end = bytes.find('>', i);
            const std::string hex = bytes.substr(i + 1, end - i - 1);
            for (std::size_t h = 4; h + 4 <= hex.size(); h += 4) {  // after the FEFF mark
                const unsigned unit = static_cast<unsigned>(std::stoul(hex.substr(h, 4), nullptr, 16));
                if (unit < 0x80) {
                    title += static_cast<char>(unit);
                } else if (unit < 0x800) {
                    title += static_cast<char>(0xC0 | (unit >> 6));
                    title += static_cast<char>(0x80 | (unit & 0x3F));
                } else {
                    title += static_cast<char>(0xE0 | (unit >> 12));
                    title += static_cast<char>(0x80 | ((unit >> 6) & 0x3F));
                    title += static_cast<char>(0x80 | (unit & 0x3F));
                }
            }
        }
        titles.insert(title);
    }
    return titles;
}

class ExportPdf : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("livedeck-export-pdf-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

}  // namespace

TEST_F(ExportPdf, TheTalkWithoutRunningItsDemos) {
    const fs::path pdf = dir_ / "talk.pdf";
    livedeck::views::PdfOptions options;
    options.show.deck_path = livedeck::test::talk();
    options.output = pdf;
    options.run_demos = false;
    const auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(livedeck::views::export_pdf(options), 0);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(took, 10.0) << "the talk without its demos is a matter of a second or two";
    EXPECT_LT(fs::file_size(pdf), 1024u * 1024u);

    const livedeck::deck::Deck deck = livedeck::show::load_deck(livedeck::test::talk());
    ASSERT_GT(deck.slides.size(), 20u);
    const std::string info = run_command("pdfinfo '" + pdf.string() + "'").text;
    EXPECT_NE(info.find("Pages:           " + std::to_string(deck.slides.size()) + "\n"), std::string::npos) << info;
    EXPECT_NE(info.find("Page size:       960 x 540 pts"), std::string::npos) << info;

    const std::string text = pdftotext(pdf);
    const std::set<std::string> bookmarks = outline_titles(pdf);
    EXPECT_EQ(bookmarks.size(), deck.slides.size());
    for (const livedeck::deck::Slide& slide : deck.slides) {
        EXPECT_TRUE(has_text(text, slide.title)) << "slide " << slide.number << ": " << slide.title;
        EXPECT_TRUE(bookmarks.count(std::to_string(slide.number) + ". " + slide.title)) << slide.title;
    }
    // A demo's source, as its code pane shows it.
    const livedeck::demos::Demo* demo = livedeck::demos::find_demo("sequential");
    ASSERT_NE(demo, nullptr);
    const std::string source(demo->source());
    const std::size_t fetch = source.find("fetch(");
    ASSERT_NE(fetch, std::string::npos);
    const std::size_t line_start = source.rfind('\n', fetch) + 1;
    const std::string line = source.substr(line_start, source.find('\n', fetch) - line_start);
    EXPECT_TRUE(has_text(text, line)) << line;
    // The audience's view: never the speaker notes.
    for (const livedeck::deck::Slide& slide : deck.slides) {
        if (slide.notes.size() > 40) {
            EXPECT_FALSE(has_text(text, slide.notes.substr(0, 40))) << slide.notes;
        }
    }
}

TEST_F(ExportPdf, DemosRunFirstAndNotesGoUnderTheSlides) {
    const fs::path pdf = dir_ / "deck.pdf";
    livedeck::views::PdfOptions options;
    options.show.deck_path = livedeck::test::source_dir() + "/tests/data/decks/pdf.md";
    options.show.farm_delay = 0.05;
    options.output = pdf;
    options.notes = true;
    const auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(livedeck::views::export_pdf(options), 0);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(took, 15.0);

    const std::string info = run_command("pdfinfo '" + pdf.string() + "'").text;
    EXPECT_NE(info.find("Pages:           3\n"), std::string::npos) << info;
    EXPECT_EQ(info.find("Page size:       960 x 540 pts"), std::string::npos) << "a taller page holds the notes";
    const std::string text = pdftotext(pdf);
    // The sequential demo ran to its end: every animal's line, its status.
    for (const char* animal : {"cow", "pig", "chicken"})
        EXPECT_TRUE(has_text(text, std::string("The ") + animal + " says")) << animal << "\n" << text;
    EXPECT_TRUE(has_text(text, "finished in")) << text;
    EXPECT_FALSE(has_text(text, "Press R or click Run")) << "every demo ran";
    // The notes, under their slides, their paragraphs kept.
    EXPECT_TRUE(has_text(text, "NOTES"));
    for (const char* note : {"Words for the first page.", "Notes of the second slide, over two lines.",
                             "And a second paragraph.", "Slide three."})
        EXPECT_TRUE(has_text(text, note)) << note << "\n" << text;
    // The slide's image, embedded.
    const std::string images = run_command("pdfimages -list '" + pdf.string() + "'").text;
    EXPECT_NE(images.find(" image       2     2 "), std::string::npos) << images;
}

TEST_F(ExportPdf, AnUnwritableFileIsAnError) {
    livedeck::views::PdfOptions options;
    options.show.deck_path = livedeck::test::source_dir() + "/tests/data/decks/gui.md";
    options.run_demos = false;
    options.output = dir_ / "no-such-directory" / "out.pdf";
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(livedeck::views::export_pdf(options), 1);
    const std::string error = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(error.find("livedeck export: cannot write"), std::string::npos) << error;
    EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(options.output));

    if (fs::exists("/dev/full")) {  // the disk fills up
        options.output = "/dev/full";
        ::testing::internal::CaptureStderr();
        EXPECT_EQ(livedeck::views::export_pdf(options), 1);
        const std::string full = ::testing::internal::GetCapturedStderr();
        EXPECT_NE(full.find("No space left on device"), std::string::npos) << full;
        EXPECT_TRUE(fs::exists("/dev/full"));
    }
}

TEST_F(ExportPdf, TheCommandLineWritesThePdf) {
    const fs::path pdf = dir_ / "cli.pdf";
    const auto out = run_command(livedeck::test::program() + " export '" + pdf.string() + "' --no-run --notes '" +
                                 livedeck::test::source_dir() + "/tests/data/decks/gui.md'");
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_TRUE(has_text(pdftotext(pdf), "Slide two.")) << out.text;
    const auto bad = run_command(livedeck::test::program() + " export '" + (dir_ / "missing" / "x.pdf").string() +
                                 "' --no-run '" + livedeck::test::source_dir() + "/tests/data/decks/gui.md'");
    EXPECT_EQ(bad.status, 1) << bad.text;
    EXPECT_NE(bad.text.find("livedeck export: cannot write"), std::string::npos) << bad.text;
}
