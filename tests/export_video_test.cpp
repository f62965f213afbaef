// `livedeck export` to video and PNGs, read back as a viewer would: ffprobe
// for the streams, chapters and index, tesseract for the frames.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.hpp"

using livedeck::test::program;
using livedeck::test::run_command;

namespace {

std::string gui_deck() { return livedeck::test::source_dir() + "/tests/data/decks/gui.md"; }

std::string temp(const std::string& name) {
    const auto dir = std::filesystem::path(::testing::TempDir()) / "livedeck_export";
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

std::string command(const std::string& arguments) {
    return program() + " " + arguments;
}

// The frame on screen at `seconds`: the last one starting at or before it.
std::string ocr_at(const std::string& video, double seconds) {
    const std::string png = video + "." + std::to_string(static_cast<int>(seconds * 1000)) + ".png";
    run_command("ffmpeg -loglevel error -y -i " + video + " -vf \"select='lte(t," + std::to_string(seconds) +
                ")'\" -vsync passthrough -update 1 " + png);
    return run_command("tesseract " + png + " - 2>/dev/null").text;
}

// Top-level MP4 boxes in file order.
std::vector<std::string> mp4_boxes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> boxes;
    for (;;) {
        unsigned char header[8];
        if (!in.read(reinterpret_cast<char*>(header), 8)) break;
        std::uint64_t size = (std::uint64_t(header[0]) << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
        boxes.emplace_back(reinterpret_cast<char*>(header + 4), 4);
        std::uint64_t skip = size - 8;
        if (size == 1) {
            unsigned char large[8];
            in.read(reinterpret_cast<char*>(large), 8);
            size = 0;
            for (unsigned char b : large) size = size << 8 | b;
            skip = size - 16;
        }
        if (size == 0) break;
        in.seekg(static_cast<std::streamoff>(skip), std::ios::cur);
    }
    return boxes;
}

}  // namespace

TEST(ExportVideo, AWalkThroughHasAChapterPerSlideAndItsIndexInFront) {
    const std::string out = temp("walk.mp4");
    const auto result = run_command(command("export " + out + " --quiet --slide-seconds 1.5 --delay 0.05 --size 1280x720 " + gui_deck()));
    ASSERT_EQ(result.status, 0) << result.text;
    const std::string probe =
        run_command("ffprobe -v error -show_entries format=duration:stream=codec_name,width -show_chapters -of compact " + out).text;
    EXPECT_NE(probe.find("codec_name=h264|width=1280"), std::string::npos) << probe;
    for (const char* title : {"1. GUI test deck", "2. Parallelism on slide two", "3. Sequential on slide three",
                              "4. By hand on slide four"})
        EXPECT_NE(probe.find(std::string("title=") + title), std::string::npos) << title << "\n" << probe;
    const std::vector<std::string> boxes = mp4_boxes(out);
    const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
    const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
    ASSERT_NE(moov, boxes.end());
    EXPECT_LT(moov - boxes.begin(), mdat - boxes.begin()) << "the index comes first (faststart)";
    std::ifstream chapters(temp("walk.chapters.txt"));
    std::stringstream text;
    text << chapters.rdbuf();
    EXPECT_EQ(text.str().substr(0, 22), "00:00 1. GUI test deck") << text.str();
    EXPECT_NE(text.str().find("00:01 2. Parallelism on slide two"), std::string::npos) << text.str();
    // Each slide at its chapter: the title, then the demo's output once typed.
    EXPECT_NE(ocr_at(out, 0.5).find("GUI test deck"), std::string::npos);
    EXPECT_NE(ocr_at(out, 2.0).find("Parallelism on slide two"), std::string::npos);
    const std::string demo = ocr_at(out, 3.0 + 1.0 + 4.2);  // slide 3 at 3 s, its run 1 s later, typed by ~4 s
    EXPECT_NE(demo.find("The chicken says"), std::string::npos) << demo;
}

TEST(ExportVideo, TheLastSlideLastsItsTimeToo) {
    // Three plain slides of 0.5 s each: 1.5 s of video, and the last slide on
    // screen at its end (the video used to stop where it first appeared).
    const std::string deck = temp("three.md");
    std::ofstream(deck) << "# Slide one\n\n---\n\n# Slide two\n\n---\n\n# Slide three\n";
    for (const char* kind : {"three.mkv", "three.mp4"}) {
        const std::string out = temp(kind);
        const auto result = run_command(command("export " + out + " --quiet --fps 10 --slide-seconds 0.5 --size 640x360 " + deck));
        ASSERT_EQ(result.status, 0) << result.text;
        const std::string duration = run_command("ffprobe -v error -show_entries format=duration -of csv=p=0 " + out).text;
        EXPECT_GE(std::stod(duration), 1.5 - 1e-6) << kind;
        EXPECT_NE(ocr_at(out, 1.45).find("Slide three"), std::string::npos) << kind;
    }
}

TEST(ExportVideo, PngsOneASlide) {
    const std::string dir = temp("pngs");
    std::filesystem::remove_all(dir);
    const auto result = run_command(command("export " + dir + " --png --quiet --size 960x540 " + gui_deck()));
    ASSERT_EQ(result.status, 0) << result.text;
    for (const char* name : {"1.png", "2.png", "3.png", "4.png"})
        EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / name)) << name;
    EXPECT_NE(run_command("tesseract " + dir + "/2.png - 2>/dev/null").text.find("Parallelism"), std::string::npos);
}

TEST(ExportVideo, AnUnknownKindOfOutputListsTheKnownOnes) {
    const auto result = run_command(command("export " + temp("talk.avi") + " " + gui_deck()));
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.text.find(".mp4, .mkv, .webm or .pdf"), std::string::npos) << result.text;
}

TEST(ExportVideo, ASessionThatIsNotARecordingOrCorruptMidwaySaysWhere) {
    const auto dir = std::filesystem::path(temp("not_a_session"));
    std::filesystem::create_directories(dir);
    auto result = run_command(command("export " + temp("x.mkv") + " --session " + dir.string()));
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.text.find("not a livedeck recording"), std::string::npos) << result.text;

    // Corrupt at line 5: what comes before it is exported, and it says so.
    const auto rec = std::filesystem::path(temp("corrupt_session"));
    std::filesystem::remove_all(rec);
    std::filesystem::create_directories(rec / "deck-1");
    std::filesystem::copy_file(gui_deck(), rec / "deck-1" / "gui.md");
    std::ofstream(rec / "session.jsonl") << "{\"livedeck\":\"0.1.0\",\"format\":1,\"deck\":\"gui.md\",\"start\":0}\n"
                                            "{\"t\":0,\"e\":\"deck\",\"file\":\"deck-1/gui.md\"}\n"
                                            "{\"t\":0,\"e\":\"slide\",\"slide\":0}\n"
                                            "{\"t\":2,\"e\":\"slide\",\"slide\":1}\n"
                                            "garbage that is not JSON\n"
                                            "{\"t\":9,\"e\":\"slide\",\"slide\":2}\n";
    const std::string out = temp("corrupt.mkv");
    result = run_command(command("export " + out + " --quiet --session " + rec.string()));
    EXPECT_EQ(result.status, 0) << result.text;
    EXPECT_NE(result.text.find("session.jsonl:5: not a JSON object; the log stops here"), std::string::npos) << result.text;
    EXPECT_NE(result.text.find("ends early"), std::string::npos) << result.text;
    const std::string duration = run_command("ffprobe -v error -show_entries format=duration -of csv=p=0 " + out).text;
    EXPECT_NEAR(std::stod(duration), 2.0, 0.2) << "up to the last good event";
}
