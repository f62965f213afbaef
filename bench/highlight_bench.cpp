// What highlighting costs: the library's first use (repository and C++
// definition), each language's first use, memory (PSS) added, and per block
// once warm: the demo sources and the fenced code of a deck. Also the cache
// lookup that a code block pays each frame.
// Usage: build/bench/highlight_bench [DECK]   (default slides/talk.md)
#include "deck/deck.hpp"
#include "deck/highlight.hpp"
#include "registry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using namespace livedeck;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double pss_mb() {
    std::ifstream in("/proc/self/smaps_rollup");
    std::string key;
    double kb = 0;
    while (in >> key) {
        if (key == "Pss:") {
            in >> kb;
            break;
        }
        in.ignore(1 << 10, '\n');
    }
    return kb / 1024;
}

template <class F>
double median_ms(int runs, F&& f) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        f();
        t.push_back(ms(Clock::now() - start));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void collect(const std::vector<deck::Block>& blocks, std::vector<const deck::Block*>& out) {
    for (const deck::Block& b : blocks) {
        if (b.kind == deck::BlockKind::Code) out.push_back(&b);
        for (const deck::ListItem& item : b.items) collect(item.blocks, out);
        collect(b.children, out);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::string deck_path = argc > 1 ? argv[1] : "slides/talk.md";
    const double pss0 = pss_mb();
    const std::string_view first_source = demos::all_demos().front().source();
    auto start = Clock::now();
    deck::highlight(first_source, "cpp");
    std::printf("first use (repository + C++ definition): %.1f ms, PSS +%.1f MB\n", ms(Clock::now() - start),
                pss_mb() - pss0);

    const char* langs[] = {"python", "c",    "rust", "go",  "javascript", "typescript", "java",     "bash",
                           "json",   "yaml", "toml", "sql", "html",       "css",        "markdown", "diff"};
    for (const char* lang : langs) {
        const double before = pss_mb();
        start = Clock::now();
        deck::highlight("x", lang);
        std::printf("first use of %-10s %7.1f ms, PSS +%.1f MB\n", lang, ms(Clock::now() - start), pss_mb() - before);
    }
    std::printf("all of them: PSS +%.1f MB over the process before\n", pss_mb() - pss0);

    std::printf("\nwarm, median of 20 per block:\n");
    double demo_total = 0;
    std::size_t demo_bytes = 0;
    int demo_count = 0;
    for (const demos::Demo& d : demos::all_demos()) {
        demo_total += median_ms(20, [&] { deck::highlight(d.source(), "cpp"); });
        demo_bytes += d.source().size();
        ++demo_count;
    }
    std::printf("  %d demo sources (C++, %zu bytes): %.3f ms in all, %.3f ms a block\n", demo_count, demo_bytes,
                demo_total, demo_total / demo_count);

    const deck::Deck d = deck::load(deck_path);
    std::vector<const deck::Block*> blocks;
    for (const deck::Slide& s : d.slides) collect(s.blocks, blocks);
    double block_total = 0, worst = 0;
    for (const deck::Block* b : blocks) {
        const double t = median_ms(20, [&] { deck::highlight(b->text, b->lang); });
        block_total += t;
        worst = std::max(worst, t);
    }
    if (!blocks.empty())
        std::printf("  %zu code blocks of %s: %.3f ms in all, %.3f ms a block, worst %.3f ms\n", blocks.size(),
                    deck_path.c_str(), block_total, block_total / static_cast<double>(blocks.size()), worst);

    if (!blocks.empty()) {
        const deck::Block& b = *blocks.front();
        deck::highlighted(b.text, b.lang);
        const auto lookup_start = Clock::now();
        for (int i = 0; i < 10000; ++i) deck::highlighted(b.text, b.lang);
        std::printf("  a frame's cache lookup (%zu bytes): %.2f us\n", b.text.size(),
                    ms(Clock::now() - lookup_start) * 1000 / 10000);
    }
    return 0;
}
