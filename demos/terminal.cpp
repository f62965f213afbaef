#include "terminal.hpp"

#include <thread>

namespace livedeck::demos {

int run_in_terminal(const Demo& demo, Params params, std::ostream& out,
                    const std::atomic<bool>& interrupt, bool color) {
    Run run([body = demo.body](Context& ctx) { body(ctx); }, std::move(params));
    std::vector<Event> events;
    std::size_t seen = 0;
    // The line being typed. An error goes above it, as in the pane
    // (fold_lines): on a terminal the line is erased, the error printed and
    // the line typed again; into a pipe, the error simply starts a new line.
    std::string open_line;
    std::string outcome;
    auto finish = [&] {
        if (!open_line.empty()) out << '\n';
        out.flush();
    };
    while (outcome.empty()) {
        if (interrupt) {
            run.stop();
            finish();
            return 130;
        }
        run.trace().wait(seen, std::chrono::milliseconds(50));
        events.clear();
        seen = run.trace().read(seen, events);
        for (const Event& e : events) {
            switch (e.kind) {
            case EventKind::Text:
                out << e.text;
                for (char c : e.text) {
                    if (c == '\n')
                        open_line.clear();
                    else
                        open_line += c;
                }
                break;
            case EventKind::TypedLine:
                // Typed here, at its pace, on a row of its own above a line
                // being typed (as an error). This is the printer, not the
                // demo's loop: the run goes on meanwhile, and what it
                // records waits its turn. Lines the views type side by side
                // come one after another here.
                if (!open_line.empty()) out << (color ? "\r\x1b[2K" : "\n");
                for (char c : e.text) {
                    if (interrupt) break;
                    out << c << std::flush;
                    if (e.interval > 0) std::this_thread::sleep_for(std::chrono::duration<double>(e.interval));
                }
                out << '\n';
                if (color) out << open_line;
                else open_line.clear();
                break;
            case EventKind::Error:
            case EventKind::Verdict:
                if (color) {
                    out << (open_line.empty() ? "" : "\r\x1b[2K") << "\x1b[31m" << e.text << "\x1b[0m\n"
                        << open_line;
                } else {
                    if (!open_line.empty()) out << '\n';
                    out << e.text << '\n';
                    open_line.clear();
                }
                break;
            case EventKind::Done: outcome = e.text; break;
            default: break;
            }
        }
        out.flush();
    }
    finish();
    return outcome == "finished" ? 0 : outcome == "stopped" ? 130 : 1;
}

}  // namespace livedeck::demos
