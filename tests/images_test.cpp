// Slide images: every format decoded (each written by its own encoder),
// paths (relative, Slidev's public/), HTML <img>, remote images over a real
// HTTP server on loopback (fetched once into the cache, caps, --offline),
// `check`'s exact messages, and shots read back where the image is.
#include <gtest/gtest.h>

#include <stb_image.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "deck/deck.hpp"
#include "deck/image_fetch.hpp"
#include "deck/image_formats.hpp"
#include "image_support.hpp"
#include "process.hpp"

// What stb_image says of a PNG cut short in its pixel data.
#define CORRUPT_PNG_REASON "outofdata"

namespace fs = std::filesystem;
using namespace livedeck;
using test::Rgb;

namespace {

constexpr Rgb red{255, 0, 0}, green{0, 200, 0}, blue{0, 0, 255}, gold{255, 200, 0}, magenta{255, 0, 255},
    cyan{0, 200, 200};

// A fresh folder under the test's temporary directory.
fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(::testing::TempDir()) / ("livedeck_images_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// tests/data/decks/images copied to `name`, with its raster images written.
fs::path image_decks(const std::string& name) {
    const fs::path dir = fresh_dir(name);
    fs::copy(fs::path(test::source_dir()) / "tests/data/decks/images", dir, fs::copy_options::recursive);
    test::write_png(dir / "red.png", 320, 180, red);
    test::write_jpeg(dir / "green.jpg", 320, 180, green);
    test::write_gif(dir / "blue.gif", 320, 180, blue);
    test::write_webp(dir / "gold.webp", 320, 180, gold);
    test::write_gif(dir / "animated.gif", 64, 36, blue, 3);
    // A PNG cut short: its header is good, its pixels are not there.
    test::write_png(dir / "whole.png", 320, 180, red);
    const std::string whole = test::read_file(dir / "whole.png");
    test::write_text(dir / "corrupt.png", whole.substr(0, whole.size() / 2));
    test::write_text(dir / "notes.txt", "not an image\n");
    return dir;
}

bool near(const std::uint8_t* p, Rgb c, int tolerance = 12) {
    return std::abs(p[0] - c.r) <= tolerance && std::abs(p[1] - c.g) <= tolerance && std::abs(p[2] - c.b) <= tolerance;
}

// Where a colour is in a PNG: how many pixels, and their bounding box.
struct Found {
    int count = 0;
    int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
    int width() const { return x1 - x0 + 1; }
    int height() const { return y1 - y0 + 1; }
};

Found find_colour(const fs::path& png, Rgb c, int* w_out = nullptr) {
    int w = 0, h = 0, n = 0;
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> px(stbi_load(png.c_str(), &w, &h, &n, 3), stbi_image_free);
    Found f;
    if (!px) return f;
    if (w_out) *w_out = w;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (near(px.get() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3, c)) {
                ++f.count;
                f.x0 = std::min(f.x0, x);
                f.y0 = std::min(f.y0, y);
                f.x1 = std::max(f.x1, x);
                f.y1 = std::max(f.y1, y);
            }
    return f;
}

// The program with its own image cache.
std::string livedeck_with_cache(const fs::path& cache) {
    return "XDG_CACHE_HOME=" + cache.string() + " " + test::program();
}

}  // namespace

//-----------------------------------------------------------------------------
// Decoding, in process
//-----------------------------------------------------------------------------

TEST(ImageFormats, EveryFormatDecodesToItsPixels) {
    const fs::path dir = image_decks("decode");
    const struct {
        const char* file;
        deck::ImageFormat format;
        Rgb colour;
    } cases[] = {{"red.png", deck::ImageFormat::Png, red},       {"green.jpg", deck::ImageFormat::Jpeg, green},
                 {"blue.gif", deck::ImageFormat::Gif, blue},     {"gold.webp", deck::ImageFormat::Webp, gold},
                 {"magenta.svg", deck::ImageFormat::Svg, magenta}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        const deck::ImageHeader header = deck::read_image_header(dir / c.file);
        EXPECT_EQ(header.error, "");
        EXPECT_EQ(header.format, c.format);
        EXPECT_EQ(header.width, 320);
        EXPECT_EQ(header.height, 180);
        const deck::Pixels p = deck::decode_image(dir / c.file);
        ASSERT_EQ(p.error, "");
        ASSERT_EQ(p.width, 320);
        ASSERT_EQ(p.height, 180);
        ASSERT_EQ(p.rgba.size(), 320u * 180u * 4u);
        const std::uint8_t* mid = p.rgba.data() + (90u * 320u + 160u) * 4u;
        EXPECT_TRUE(near(mid, c.colour)) << int(mid[0]) << "," << int(mid[1]) << "," << int(mid[2]);
        EXPECT_EQ(mid[3], 255);
        EXPECT_FALSE(p.animated);
    }
}

TEST(ImageFormats, AnSvgIsRasterizedAtTheSizeAsked) {
    const fs::path dir = image_decks("svg_size");
    const deck::Pixels p = deck::decode_image(dir / "magenta.svg", 960, 540);
    ASSERT_EQ(p.error, "");
    EXPECT_EQ(p.width, 960);
    EXPECT_EQ(p.height, 540);
    EXPECT_TRUE(near(p.rgba.data() + (539u * 960u + 959u) * 4u, magenta));  // the far corner is drawn too
    // Past the side cap, the drawn size is capped, keeping its shape.
    const deck::Pixels big = deck::decode_image(dir / "magenta.svg", 20000, 11250);
    ASSERT_EQ(big.error, "");
    EXPECT_EQ(big.width, deck::max_image_side);
    EXPECT_EQ(big.height, deck::max_image_side * 9 / 16);
}

TEST(ImageFormats, AnSvgTooBigIsRefusedBeforeItIsDrawn) {
    const fs::path dir = fresh_dir("svg_huge");
    test::write_text(dir / "huge.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20000\" height=\"100\"/>");
    EXPECT_EQ(deck::image_problem(dir / "huge.svg"), "20000x100 pixels is too big (at most 8192 a side)");
}

TEST(ImageFormats, AnAnimatedGifShowsItsFirstFrameAndSaysSo) {
    const fs::path dir = image_decks("animated");
    const deck::Pixels p = deck::decode_image(dir / "animated.gif");
    ASSERT_EQ(p.error, "");
    EXPECT_TRUE(p.animated);
    EXPECT_TRUE(near(p.rgba.data(), blue));  // the first frame, not the black ones after it
    std::string note;
    EXPECT_EQ(deck::image_decode_problem(dir / "animated.gif", &note), std::nullopt);
    EXPECT_EQ(note, "animated GIF: only its first frame is shown");
}

TEST(ImageFormats, AnUnknownTypeNamesTheFormatsThatWork) {
    const fs::path dir = image_decks("unknown");
    EXPECT_EQ(deck::image_problem(dir / "notes.txt"), "unknown image type (livedeck reads PNG, JPEG, GIF, WebP or SVG)");
    // The bytes decide, not the name.
    fs::copy_file(dir / "red.png", dir / "really-a-png.gif");
    EXPECT_EQ(deck::image_problem(dir / "really-a-png.gif"), std::nullopt);
}

//-----------------------------------------------------------------------------
// Paths and HTML, in process
//-----------------------------------------------------------------------------

TEST(ImagePaths, AnAbsolutePathIsAlsoLookedForInTheDecksPublicFolder) {
    const fs::path dir = image_decks("public");
    const deck::Deck d = deck::load(dir / "public.md");
    ASSERT_TRUE(d.ok()) << d.diagnostics.front().str();
    ASSERT_EQ(d.slides.at(0).blocks.size(), 2u);
    EXPECT_EQ(d.slides[0].blocks[1].image_path, dir / "public/logo.svg");
}

TEST(ImagePaths, HtmlImgIsAnImageWithItsWidth) {
    const fs::path dir = image_decks("html");
    const deck::Deck d = deck::parse(
        "# HTML\n\n<img src=\"red.png\" width=\"800\" alt=\"a red rectangle\">\n\n"
        "<p align=\"center\"><img src='green.jpg' width=50%></p>\n\nText <img src=blue.gif> inline\n",
        "html.md", dir);
    ASSERT_TRUE(d.ok()) << d.diagnostics.front().str();
    std::vector<const deck::Block*> images;
    for (const deck::Block& b : d.slides.at(0).blocks)
        if (b.kind == deck::BlockKind::Image) images.push_back(&b);
    ASSERT_EQ(images.size(), 3u);
    EXPECT_EQ(images[0]->image_path, dir / "red.png");
    EXPECT_EQ(images[0]->image_width, 800);
    EXPECT_EQ(images[0]->alt, "a red rectangle");
    EXPECT_EQ(images[0]->line, 3);
    EXPECT_EQ(images[1]->image_path, dir / "green.jpg");
    EXPECT_FLOAT_EQ(images[1]->image_width, -0.5f);
    EXPECT_EQ(images[2]->image_path, dir / "blue.gif");
    EXPECT_EQ(images[2]->line, 7);
    // An img is no longer "raw HTML not drawn".
    for (const deck::Diagnostic& w : d.slides[0].warnings) EXPECT_EQ(w.message.find("<img>"), std::string::npos) << w.str();
}

//-----------------------------------------------------------------------------
// Remote images, in process: one fetch's caps
//-----------------------------------------------------------------------------

class RemoteFetch : public ::testing::Test {
protected:
    void SetUp() override {
        cache_ = fresh_dir("fetch_cache");
        ::setenv("XDG_CACHE_HOME", cache_.c_str(), 1);
    }
    void TearDown() override { ::unsetenv("XDG_CACHE_HOME"); }
    fs::path cache_;
};

TEST_F(RemoteFetch, AnImageIsWrittenIntoTheCacheWhole) {
    const fs::path dir = image_decks("fetch_ok");
    test::HttpServer server({{"/red.png", test::read_file(dir / "red.png")}});
    const std::string url = server.url("/red.png");
    EXPECT_EQ(deck::fetch_image(url), std::nullopt);
    const fs::path cached = deck::cached_image_path(url);
    EXPECT_EQ(cached.parent_path(), cache_ / "livedeck/images");
    EXPECT_EQ(cached.extension(), ".png");
    EXPECT_EQ(test::read_file(cached), test::read_file(dir / "red.png"));
    // Nothing half-written is left beside it.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(cached.parent_path())) ++files;
    EXPECT_EQ(files, 1u);
}

TEST_F(RemoteFetch, CapsOnSizeTimeAndRedirectsNameTheUrl) {
    test::HttpServer server({{"/big.png", std::string(5000, 'x')}, {"/page.png", "<html>Sign in</html>"}});
    deck::FetchLimits small;
    small.max_bytes = 1000;
    EXPECT_EQ(deck::fetch_image(server.url("/big.png"), small),
              "cannot fetch " + server.url("/big.png") + ": larger than 1000 bytes");
    EXPECT_EQ(deck::fetch_image(server.url("/redirect/")),
              "cannot fetch " + server.url("/redirect/") + ": more than 5 redirects");
    deck::FetchLimits quick;
    quick.timeout_ms = 300;
    EXPECT_EQ(deck::fetch_image(server.url("/silent"), quick),
              "cannot fetch " + server.url("/silent") + ": timed out after 0.3 s");
    EXPECT_EQ(deck::fetch_image(server.url("/gone.png")), "cannot fetch " + server.url("/gone.png") + ": HTTP 404");
    EXPECT_EQ(deck::fetch_image(server.url("/page.png")),
              "cannot fetch " + server.url("/page.png") +
                  ": not an image (no Content-Type; livedeck reads PNG, JPEG, GIF, WebP or SVG)");
    EXPECT_FALSE(fs::exists(deck::cached_image_path(server.url("/page.png"))));
    EXPECT_FALSE(fs::exists(deck::cached_image_path(server.url("/big.png"))));
}

// What a window does after a hot reload: ask, never wait; draw when told.
TEST_F(RemoteFetch, InTheBackgroundTheCallerIsToldWhenItEnds) {
    const fs::path dir = image_decks("fetch_background");
    test::HttpServer server({{"/red.png", test::read_file(dir / "red.png")}});
    std::mutex mutex;
    std::condition_variable cv;
    int done = 0;
    deck::on_background_fetch_done([&] {
        const std::lock_guard<std::mutex> lock(mutex);
        ++done;
        cv.notify_all();
    });
    auto wait_for = [&](int n) {
        std::unique_lock<std::mutex> lock(mutex);
        return cv.wait_for(lock, std::chrono::seconds(30), [&] { return done >= n; });
    };
    const std::string ok = server.url("/red.png"), gone = server.url("/gone.png");
    deck::note_remote_image(deck::cached_image_path(ok), ok);
    deck::note_remote_image(deck::cached_image_path(gone), gone);
    EXPECT_EQ(deck::remote_status(deck::cached_image_path(ok)).state, deck::FetchState::Unknown);
    const deck::RemoteStatus asked = deck::fetch_in_background(deck::cached_image_path(ok));
    EXPECT_TRUE(asked.state == deck::FetchState::Pending || asked.state == deck::FetchState::Ready);
    ASSERT_TRUE(wait_for(1));
    EXPECT_EQ(deck::remote_status(deck::cached_image_path(ok)).state, deck::FetchState::Ready);
    EXPECT_EQ(deck::image_problem(deck::cached_image_path(ok)), std::nullopt);
    deck::fetch_in_background(deck::cached_image_path(gone));
    ASSERT_TRUE(wait_for(2));
    const deck::RemoteStatus failed = deck::remote_status(deck::cached_image_path(gone));
    EXPECT_EQ(failed.state, deck::FetchState::Failed);
    EXPECT_EQ(failed.error, "cannot fetch " + gone + ": HTTP 404");
    // A failure is not tried again from the background (a frame asks every time).
    EXPECT_EQ(deck::fetch_in_background(deck::cached_image_path(gone)).state, deck::FetchState::Failed);
    EXPECT_EQ(server.requests("/gone.png"), 1);
    EXPECT_EQ(server.requests("/red.png"), 1);
    deck::on_background_fetch_done({});
}

//-----------------------------------------------------------------------------
// check, as a user runs it
//-----------------------------------------------------------------------------

TEST(ImageCheck, EveryProblemIsNamedAtItsLine) {
    const fs::path dir = image_decks("check");
    const std::string deck = (dir / "problems.md").string();
    const std::string d = dir.string() + "/";
    const auto out = test::run_command(test::program() + " check " + deck);
    EXPECT_EQ(out.status, 1);
    EXPECT_EQ(out.text,
              deck + ":3: cannot read image 'nowhere.png': No such file or directory\n" +
              deck + ":5: " + d + "corrupt.png: cannot be decoded (truncated or corrupt): " CORRUPT_PNG_REASON "\n" +
              deck + ":7: cannot read image 'notes.txt': unknown image type (livedeck reads PNG, JPEG, GIF, WebP or SVG)\n" +
              deck + ":9: cannot read image '/nowhere/logo.png': not found at /nowhere/logo.png nor at " + d +
              "public/nowhere/logo.png\n" +
              deck + ":15: warning: " + d + "animated.gif: animated GIF: only its first frame is shown\n" +
              "4 problems (1 warning) in " + deck + "\n");
}

TEST(ImageCheck, EveryFormatDeckPasses) {
    const fs::path dir = image_decks("check_ok");
    for (const char* name : {"png.md", "jpeg.md", "gif.md", "webp.md", "svg.md", "html.md", "public.md"}) {
        const auto out = test::run_command(test::program() + " check " + (dir / name).string());
        EXPECT_EQ(out.status, 0) << name << ": " << out.text;
    }
}

TEST(ImageCheck, RemoteImagesAreFetchedOnceAndFailuresNameTheUrl) {
    const fs::path dir = image_decks("remote");
    const fs::path cache = fresh_dir("remote_cache");
    test::HttpServer server({{"/red.png", test::read_file(dir / "red.png")}});
    const std::string deck = (dir / "remote.md").string();
    test::write_text(deck, "# Remote\n\n![ok](" + server.url("/red.png") + ")\n\n![gone](" + server.url("/gone.png") +
                               ")\n\n![loop](" + server.url("/redirect/") + ")\n");
    const std::string expected = deck + ":5: cannot fetch " + server.url("/gone.png") + ": HTTP 404\n" + deck +
                                 ":7: cannot fetch " + server.url("/redirect/") + ": more than 5 redirects\n" +
                                 "2 problems in " + deck + "\n";
    auto out = test::run_command(livedeck_with_cache(cache) + " check " + deck);
    EXPECT_EQ(out.status, 1);
    EXPECT_EQ(out.text, expected);
    EXPECT_EQ(server.requests("/red.png"), 1);
    EXPECT_TRUE(fs::exists(cache / "livedeck/images" / deck::cached_image_path(server.url("/red.png")).filename()));
    // Again: the image comes from the cache; the failures are tried again.
    out = test::run_command(livedeck_with_cache(cache) + " check " + deck);
    EXPECT_EQ(out.text, expected);
    EXPECT_EQ(server.requests("/red.png"), 1);
    EXPECT_EQ(server.requests("/gone.png"), 2);
}

TEST(ImageCheck, OfflineUsesTheCacheAndFetchesNothing) {
    const fs::path dir = image_decks("offline");
    const fs::path cache = fresh_dir("offline_cache");
    test::HttpServer server({{"/red.png", test::read_file(dir / "red.png")}, {"/blue.gif", test::read_file(dir / "blue.gif")}});
    const std::string deck = (dir / "offline.md").string();
    test::write_text(deck, "# Offline\n\n![cached](" + server.url("/red.png") + ")\n\n![not cached](" +
                               server.url("/blue.gif") + ")\n");
    // Cache the first one only.
    const std::string first = (dir / "first.md").string();
    test::write_text(first, "# First\n\n![cached](" + server.url("/red.png") + ")\n");
    ASSERT_EQ(test::run_command(livedeck_with_cache(cache) + " check " + first).status, 0);
    const auto out = test::run_command(livedeck_with_cache(cache) + " check --offline " + deck);
    EXPECT_EQ(out.status, 1);
    EXPECT_EQ(out.text, deck + ":5: cannot fetch " + server.url("/blue.gif") +
                            ": livedeck is offline (--offline) and has no copy in its cache\n1 problem in " + deck + "\n");
    // A PDF says so in the image's place.
    const std::string pdf = (dir / "offline.pdf").string();
    ASSERT_EQ(test::run_command(livedeck_with_cache(cache) + " export --offline --no-run --quiet " + pdf + " " + deck).status, 0);
    const std::string text = test::run_command("pdftotext " + pdf + " -").text;
    EXPECT_NE(text.find("Image: cannot fetch " + server.url("/blue.gif")), std::string::npos) << text;
    EXPECT_NE(text.find("offline"), std::string::npos) << text;
    EXPECT_EQ(server.requests("/red.png"), 1);
    EXPECT_EQ(server.requests("/blue.gif"), 0);
}

//-----------------------------------------------------------------------------
// Shots read back: the image's pixels are where the image is
//-----------------------------------------------------------------------------

TEST(ImageShot, EveryFormatIsDrawnWhereItBelongs) {
    const fs::path dir = image_decks("shot");
    const struct {
        const char* deck;
        Rgb colour;
    } cases[] = {{"png.md", red}, {"jpeg.md", green}, {"gif.md", blue}, {"webp.md", gold}, {"svg.md", magenta}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.deck);
        const fs::path png = dir / (std::string(c.deck) + ".png");
        const auto out = test::run_command(test::program() + " shot --size 960x540 -o " + png.string() + " " +
                                           (dir / c.deck).string());
        ASSERT_EQ(out.status, 0) << out.text;
        // 320x180 at 1.5x on the 1920-wide canvas, shot at half size: 240x135, centred.
        const Found f = find_colour(png, c.colour);
        EXPECT_NEAR(f.width(), 240, 3);
        EXPECT_NEAR(f.height(), 135, 3);
        EXPECT_GT(f.count, 240 * 135 * 9 / 10);
        EXPECT_NEAR((f.x0 + f.x1) / 2, 480, 4);
    }
}

TEST(ImageShot, HtmlWidthAndThePublicFolderAreHonoured) {
    const fs::path dir = image_decks("shot_html");
    const fs::path html = dir / "html.png";
    auto out = test::run_command(test::program() + " shot --size 960x540 -o " + html.string() + " " +
                                 (dir / "html.md").string());
    ASSERT_EQ(out.status, 0) << out.text;
    const Found f = find_colour(html, red);
    EXPECT_NEAR(f.width(), 400, 3);  // width="800" on the 1920 canvas
    EXPECT_NEAR(f.height(), 225, 3);
    const fs::path pub = dir / "public.png";
    out = test::run_command(test::program() + " shot --size 960x540 -o " + pub.string() + " " +
                            (dir / "public.md").string());
    ASSERT_EQ(out.status, 0) << out.text;
    const Found logo = find_colour(pub, cyan);
    EXPECT_NEAR(logo.width(), 240, 3);
    const Found circle = find_colour(pub, {255, 255, 255}, nullptr);
    EXPECT_GT(circle.count, 2000);  // the SVG's white circle (r = 60 at 1.5x, half size: about 45 px)
}

TEST(ImageShot, ARemoteImageIsDrawnFromTheCacheAndAFailureNamesItsUrl) {
    const fs::path dir = image_decks("shot_remote");
    const fs::path cache = fresh_dir("shot_remote_cache");
    test::HttpServer server({{"/gold.webp", test::read_file(dir / "gold.webp")}});
    const std::string deck = (dir / "remote.md").string();
    test::write_text(deck, "# Remote\n\n![gold](" + server.url("/gold.webp") + ")\n");
    const fs::path png = dir / "remote.png";
    auto out = test::run_command(livedeck_with_cache(cache) + " shot --size 960x540 -o " + png.string() + " " + deck);
    ASSERT_EQ(out.status, 0) << out.text;
    EXPECT_NEAR(find_colour(png, gold).width(), 240, 3);
    // Offline, from the cache: the same picture, and no request.
    out = test::run_command(livedeck_with_cache(cache) + " shot --offline --size 960x540 -o " + png.string() + " " + deck);
    ASSERT_EQ(out.status, 0) << out.text;
    EXPECT_NEAR(find_colour(png, gold).width(), 240, 3);
    EXPECT_EQ(server.requests("/gold.webp"), 1);
    // A failure: shot says so (file:line, exit 1) and draws the message in the slide.
    const std::string broken = (dir / "broken.md").string();
    test::write_text(broken, "# Remote\n\n![gone](" + server.url("/gone.png") + ")\n");
    out = test::run_command(livedeck_with_cache(cache) + " shot --size 960x540 -o " + png.string() + " " + broken);
    EXPECT_EQ(out.status, 1) << out.text;
    EXPECT_NE(out.text.find(broken + ":3: cannot fetch " + server.url("/gone.png") + ": HTTP 404"), std::string::npos)
        << out.text;
}

TEST(ImageShot, APdfDrawsAnSvgAsVectors) {
    const fs::path dir = image_decks("pdf");
    const fs::path svg_pdf = dir / "svg.pdf", png_pdf = dir / "png.pdf";
    ASSERT_EQ(test::run_command(test::program() + " export " + svg_pdf.string() + " --no-run " + (dir / "svg.md").string())
                  .status,
              0);
    ASSERT_EQ(test::run_command(test::program() + " export " + png_pdf.string() + " --no-run " + (dir / "png.md").string())
                  .status,
              0);
    // pdfimages lists a header of two lines, then one line per image.
    auto images = [](const fs::path& pdf) {
        const std::string list = test::run_command("pdfimages -list " + pdf.string()).text;
        return std::count(list.begin(), list.end(), '\n') - 2;
    };
    EXPECT_EQ(images(svg_pdf), 0);  // paths, not pixels
    EXPECT_EQ(images(png_pdf), 1);
    // And the page shows it.
    ASSERT_EQ(test::run_command("pdftoppm -png -r 36 -singlefile " + svg_pdf.string() + " " + (dir / "svg_page").string())
                  .status,
              0);
    EXPECT_GT(find_colour(dir / "svg_page.png", magenta).count, 1000);
}
