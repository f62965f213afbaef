// `livedeck shot`: one slide rendered headless (EGL, no display) into a PNG,
// at the time the caller asks for.
#include <algorithm>
#include <iostream>

#include "render/context.hpp"
#include "views/app.hpp"
#include "views/layouts.hpp"

namespace livedeck::views {

int shot(const ShotOptions& options) {
    show::Options show_options = options.app.show;
    show_options.manual_steps = false;  // nobody is there to press Step
    show::Presentation show(show_options, 0.0);
    // --slide: a 1-based number or the name of a demo.
    int index = 0;
    if (!options.slide.empty()) {
        if (std::all_of(options.slide.begin(), options.slide.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            index = options.slide.size() > 9 ? -1 : std::stoi(options.slide) - 1;
            if (index < 0 || index >= show.slide_count()) {
                std::cerr << "livedeck shot: slide " << options.slide << " does not exist (the deck has "
                          << show.slide_count() << " slides)\n";
                return 2;
            }
        } else {
            const auto& slides = show.deck().slides;
            auto it = std::find_if(slides.begin(), slides.end(),
                                   [&](const deck::Slide& s) { return s.demo && s.demo->name == options.slide; });
            if (it == slides.end()) {
                std::cerr << "livedeck shot: no slide shows the demo '" << options.slide << "'\n";
                return 2;
            }
            index = static_cast<int>(it - slides.begin());
        }
    }
    render::Headless gl(options.width, options.height);
    show.apply({show::CommandKind::Jump, index}, 0.0);
    if (options.step) {
        const int steps = show.slide(index)->steps;
        if (*options.step > steps) {
            std::cerr << "livedeck shot: slide " << index + 1 << " has " << steps
                      << (steps == 1 ? " reveal step" : " reveal steps") << " after its first view, not "
                      << *options.step << "\n";
            return 2;
        }
        for (int k = 0; k < *options.step; ++k) show.apply({show::CommandKind::Next}, 0.0);
    } else {
        show.apply({show::CommandKind::RevealAll}, 0.0);  // the whole slide
    }
    double t = 0;
    if (options.run) {
        const show::DemoSlot* slot = show.current_demo();
        if (!slot) {
            std::cerr << "livedeck shot: slide " << index + 1 << " has no demo to --run\n";
            return 2;
        }
        show.apply({show::CommandKind::Run}, 0.0);
        // Wait for the moment to show: --at seconds into the run, or its end.
        const demos::Run& run = *slot->run;
        const double until = options.at.value_or(600.0);
        std::size_t seen = 0;
        while (!run.done() && run.trace().now() < until)
            seen = run.trace().wait(seen, std::chrono::milliseconds(20));
        show.update();
        t = slot->started + (options.at ? *options.at : run.trace().now());
    }
    UiState ui;
    ui.layout = options.app.layout;
    Stage stage;
    // Two frames: ImGui lays out widgets on the first.
    for (int pass = 0; pass < 2; ++pass) draw_frame(gl, stage, Frame{show, ui, t, 0, Role::Single});
    std::string error;
    if (!render::write_png(options.output, gl.read_back(), error)) {
        std::cerr << "livedeck shot: " << error << "\n";
        return 1;
    }
    // The picture is written, but a deck with problems is not a success.
    if (!show.deck().ok()) {
        std::cerr << "livedeck shot: wrote " << options.output << ", but the deck has " << show.deck().diagnostics.size()
                  << (show.deck().diagnostics.size() == 1 ? " problem" : " problems") << " (above)\n";
        return 1;
    }
    return 0;
}

}  // namespace livedeck::views
