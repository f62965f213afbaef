// The font atlas's build: what `Stage::prepare_fonts` costs for a deck's
// characters (render::Fonts::build with the fallback chain), median of 5,
// at 1080p (raster 1) and 4K (raster 2), with the texture's size. The first
// build of each deck includes sorting the fallback fonts (fontconfig).
//   <deck> code points per frame: <us>  (the walk every frame makes)
//   <case> raster=<r> first=<ms> median=<ms> texture=<W>x<H> (<MB>) own=<n> merged=<n> missing=<n> cut=<n>
// Usage: atlas_bench [DECK...]  (default: slides/talk.md and
// tests/data/decks/glyphs.md), plus 1,000 and 3,000 CJK ideographs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "render/context.hpp"
#include "render/fonts.hpp"
#include "show/presentation.hpp"
#include "views/glyph_set.hpp"
#include "views/theme.hpp"

using namespace livedeck;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void measure(const std::string& name, const std::vector<char32_t>& points) {
    const views::Theme& t = views::theme();
    for (const float raster : {1.0f, 2.0f}) {
        // A fresh Fonts each time: its first build sorts the fallback fonts.
        const auto made = Clock::now();
        render::Fonts fonts(t.sans_family, t.mono_family);
        const double construct = ms_since(made);
        std::vector<double> times;
        for (int i = 0; i < 6; ++i) {
            const auto start = Clock::now();
            fonts.build(t.font_requests(), raster, points);
            times.push_back(ms_since(start));
        }
        const double first = times.front();
        times.erase(times.begin());
        std::sort(times.begin(), times.end());
        const auto [w, h] = fonts.texture_size();
        const render::GlyphReport& r = fonts.report();
        std::printf("%s raster=%.0f fonts=%.1fms first=%.1fms median=%.1fms texture=%dx%d (%.1f MB) own=%zu "
                    "merged=%zu missing=%zu cut=%zu\n",
                    name.c_str(), static_cast<double>(raster), construct, first, times[times.size() / 2], w, h,
                    static_cast<double>(w) * h / 1e6, r.own, r.merged, r.missing.size(), r.cut.size());
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::vector<std::string> decks(argv + 1, argv + argc);
    if (decks.empty()) decks = {"slides/talk.md", "tests/data/decks/glyphs.md"};
    render::Headless gl(64, 64);
    gl.activate();
    for (const std::string& deck : decks) {
        const deck::Deck d = show::load_deck(deck);
        // What every frame pays to find the deck's characters (Stage::code_points).
        const auto start = Clock::now();
        std::size_t n = 0;
        for (int i = 0; i < 1000; ++i) n += views::deck_code_points(d).size();
        std::printf("%s code points per frame: %.1f us (%zu beyond ASCII)\n", deck.c_str(), ms_since(start),
                    n / 1000);
        measure(deck, views::deck_code_points(d));
    }
    for (const std::size_t n : {1000u, 3000u}) {
        std::vector<char32_t> cjk;
        for (char32_t c = 0x4E00; c < 0x4E00 + n; ++c) cjk.push_back(c);
        measure(std::to_string(n) + " CJK", cjk);
    }
}
