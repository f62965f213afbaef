// Slide images: decode time and peak memory of each format at 1920x1080,
// and a remote image's fetch, cold (into an empty cache) and cached.
//
//   build/release/bench/images_bench [RUNS]
//
// Writes its own images (a photo-like pattern: gradients and noise) into a
// temporary folder with each format's encoder, then decodes each one RUNS
// times (default 10) in a child process of its own, whose peak RSS (less its
// RSS before the first decode) is the decode's memory. The remote case serves a 1920x1080
// PNG from a loopback HTTP server: no network latency, so it shows
// livedeck's own cost (curl, the cache write, the lookup).
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../tests/image_support.hpp"
#include "deck/deck.hpp"
#include "deck/image_fetch.hpp"
#include "deck/image_formats.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace livedeck;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int W = 1920, H = 1080;

std::vector<std::uint8_t> photo_like() {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(W) * H * 4);
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> noise(-12, 12);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            std::uint8_t* p = px.data() + (static_cast<std::size_t>(y) * W + static_cast<std::size_t>(x)) * 4;
            auto clamp = [](int v) { return static_cast<std::uint8_t>(std::clamp(v, 0, 255)); };
            p[0] = clamp(x * 255 / W + noise(rng));
            p[1] = clamp(y * 255 / H + noise(rng));
            p[2] = clamp(((x / 64 + y / 64) % 2) * 120 + 60 + noise(rng));
            p[3] = 255;
        }
    return px;
}

// An SVG of the same size: 400 shapes with gradients, and text.
std::string busy_svg() {
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1920\" height=\"1080\">\n"
                    "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#f80\"/>"
                    "<stop offset=\"1\" stop-color=\"#08f\"/></linearGradient></defs>\n"
                    "<rect width=\"1920\" height=\"1080\" fill=\"url(#g)\"/>\n";
    std::mt19937 rng(7);
    for (int i = 0; i < 400; ++i) {
        const int x = static_cast<int>(rng() % 1920), y = static_cast<int>(rng() % 1080), r = 10 + static_cast<int>(rng() % 80);
        char shape[200];
        std::snprintf(shape, sizeof shape,
                      "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"#%06x\" fill-opacity=\"0.6\" stroke=\"#000\"/>\n", x, y,
                      r, static_cast<unsigned>(rng() & 0xFFFFFF));
        s += shape;
    }
    s += "<text x=\"100\" y=\"540\" font-size=\"120\" font-family=\"DejaVu Sans\">livedeck</text>\n</svg>\n";
    return s;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// A line of /proc/self/status, in KB (VmHWM: peak RSS of this program's
// image since its exec; ru_maxrss would carry the parent's over the exec).
long status_kb(const char* key) {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    const std::size_t n = std::strlen(key);
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, key, n) == 0) kb = std::atol(line + n + 1);
    std::fclose(f);
    return kb;
}

// Runs this program with `args` and waits for it.
bool run_child(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    std::string self = fs::read_symlink("/proc/self/exe").string();
    argv.push_back(self.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return false;
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int decode_child(const char* file, int runs) {
    const long before = status_kb("VmHWM:");
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        const deck::Pixels p = deck::decode_image(file, 0, 0);
        times.push_back(ms_since(t0));
        if (!p.error.empty() || p.width != W || p.height != H) {
            std::fprintf(stderr, "%s: %s (%dx%d)\n", file, p.error.c_str(), p.width, p.height);
            return 1;
        }
    }
    std::sort(times.begin(), times.end());
    double sum = 0;
    for (double t : times) sum += t;
    std::printf("%8.1f %8.1f %10.1f", times.front(), sum / static_cast<double>(times.size()),
                static_cast<double>(status_kb("VmHWM:") - before) / 1024.0);
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::string(argv[1]) == "idle") return 0;
    if (argc >= 4 && std::string(argv[1]) == "decode") return decode_child(argv[2], std::atoi(argv[3]));
    const int runs = argc >= 2 ? std::max(1, std::atoi(argv[1])) : 10;

    const fs::path dir = fs::temp_directory_path() / "livedeck_images_bench";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::vector<std::uint8_t> px = photo_like();
    test::write_png(dir / "photo.png", W, H, px);
    test::write_jpeg(dir / "photo.jpg", W, H, px, 90);
    test::write_gif(dir / "photo.gif", W, H, px);
    test::write_webp(dir / "photo.webp", W, H, px, 80);
    test::write_text(dir / "busy.svg", busy_svg());

    std::printf("decode at %dx%d, %d runs each, each format in a process of its own (peak MB: its peak RSS\n"
                "less the RSS it had before the first decode)\n", W, H, runs);
    std::printf("%-6s %10s %8s %8s %10s\n", "format", "file KB", "min ms", "mean ms", "peak MB");
    for (const char* name : {"photo.png", "photo.jpg", "photo.gif", "photo.webp", "busy.svg"}) {
        const fs::path file = dir / name;
        std::printf("%-6s %10ju ", file.extension().c_str() + 1, static_cast<std::uintmax_t>(fs::file_size(file) / 1024));
        std::fflush(stdout);
        if (!run_child({"decode", file.string(), std::to_string(runs)})) std::printf(" failed");
        std::printf("\n");
    }

    // Remote: a deck with one remote 1920x1080 PNG, loaded and fetched.
    ::setenv("XDG_CACHE_HOME", (dir / "cache").c_str(), 1);
    test::HttpServer server({{"/photo.png", test::read_file(dir / "photo.png")}});
    const fs::path deck_file = dir / "remote.md";
    test::write_text(deck_file, "# Remote\n\n![photo](" + server.url("/photo.png") + ")\n");
    std::printf("remote: %s (%ju KB) on loopback\n", server.url("/photo.png").c_str(),
                static_cast<std::uintmax_t>(fs::file_size(dir / "photo.png") / 1024));
    for (const char* when : {"cold", "cached", "cached"}) {
        const auto t0 = Clock::now();
        deck::Deck d = deck::load(deck_file);
        deck::fetch_remote_images(d);
        const double ms = ms_since(t0);
        std::printf("  load + fetch, %-6s %8.2f ms  %s\n", when, ms, d.ok() ? "ok" : d.diagnostics.front().str().c_str());
    }
    std::printf("  requests served: %d (the cached loads asked nothing)\n", server.requests("/photo.png"));
    fs::remove_all(dir);
    return 0;
}
