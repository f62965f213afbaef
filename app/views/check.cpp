// `livedeck check`'s legibility warnings: every demo slide laid out as the
// audience view lays it out (demo_code_layout, the computation draw_demo
// makes), measured without a window, and its code's size held against the
// theme's floor. And its code warnings: the code blocks drawn without the
// highlighting their language asks for.
#include <cmath>
#include <cstdio>
#include <functional>

#include "deck/highlight.hpp"
#include "registry.hpp"
#include "views/app.hpp"
#include "views/layouts.hpp"

namespace livedeck::views {

namespace {

std::string px(float size) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f px", static_cast<double>(size));
    return buffer;
}

}  // namespace

std::vector<deck::Diagnostic> legibility_warnings(const deck::Deck& deck) {
    std::vector<deck::Diagnostic> warnings;
    const Theme& t = theme();
    Stage stage;  // the fonts' files; nothing of GL is used
    const std::unique_ptr<Painter> painter = measuring_painter(stage.fonts());
    const Canvas canvas{painter.get(), ImVec2(0, 0), 1, &t};  // 1080p: a canvas unit is a pixel
    for (const deck::Slide& slide : deck.slides) {
        const demos::Demo* demo = slide.demo ? demos::find_demo(slide.demo->name) : nullptr;
        if (!demo) continue;
        const std::vector<deck::TokenLine> tokens = deck::highlight(demo->source(), "cpp");
        const CodeLayout layout = demo_code_layout(canvas, slide, tokens, stage.images());
        // As drawn: a tenth of a pixel is the report's precision.
        if (std::round(layout.size * 10) >= t.size.code_floor * 10) continue;
        std::string message = "the code of " + std::string(demo->file) + " is drawn at " + px(layout.size) +
                              " at 1080p, below the " + px(t.size.code_floor) + " floor";
        if (layout.width_bound) {
            // The narrowest split at which its widest line fits at the floor, if any.
            deck::DemoView wider = slide.demo->view;
            int fits = 0;
            for (int split = wider.split + 1; split <= 80 && !fits; ++split) {
                wider.split = split;
                const DemoPanes panes = demo_panes(t, demo_top(canvas, slide, stage.images()), wider);
                const CodeLayout l = code_layout(canvas, panes.code_min, panes.code_max, tokens,
                                                 code_rows(tokens.size(), wider.lines));
                if (std::round(l.size * 10) >= t.size.code_floor * 10) fits = split;
            }
            message += ": its widest line has " + std::to_string(layout.widest) + " characters; ";
            message += fits ? "give the code more width (split=" + std::to_string(fits) + ") or shorten the line"
                            : "shorten the line (even split=80 is too narrow)";
        }
        warnings.push_back({deck.path.string(), slide.demo->line, message});
    }
    return warnings;
}

std::vector<deck::Diagnostic> code_warnings(const deck::Deck& deck) {
    std::vector<deck::Diagnostic> warnings;
    const std::string file = deck.path.string();
    std::function<void(const std::vector<deck::Block>&)> visit = [&](const std::vector<deck::Block>& blocks) {
        for (const deck::Block& b : blocks) {
            for (const deck::ListItem& item : b.items) visit(item.blocks);
            visit(b.children);
            for (const deck::Column& c : b.columns) visit(c.blocks);
            if (b.kind != deck::BlockKind::Code || b.lang.empty()) continue;
            std::string lang = b.lang;
            for (char& c : lang)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (lang == "text" || lang == "plain" || lang == "plaintext" || lang == "txt" || lang == "none" ||
                lang == "nohighlight")
                continue;  // asks for no highlighting
            if (lang == "mermaid" || lang == "plantuml")
                warnings.push_back({file, b.line, b.lang + " diagrams are not drawn: the code block shows their source"});
            else if (!deck::known_language(b.lang))
                warnings.push_back({file, b.line, "code block language '" + b.lang + "' is not known: shown without "
                                                  "highlighting"});
        }
    };
    for (const deck::Slide& slide : deck.slides) visit(slide.blocks);
    return warnings;
}

}  // namespace livedeck::views
