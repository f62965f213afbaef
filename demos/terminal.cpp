#include "terminal.hpp"

namespace livedeck::demos {

int run_in_terminal(const Demo& demo, Params params, std::ostream& out,
                    const std::atomic<bool>& interrupt, bool color) {
    Run run([body = demo.body](Context& ctx) { body(ctx); }, std::move(params));
    std::vector<Event> events;
    std::size_t seen = 0;
    bool line_open = false;  // mirrors fold_lines(): errors take a line of their own
    std::string outcome;
    while (outcome.empty()) {
        if (interrupt) {
            run.stop();
            if (line_open) out << '\n';
            out.flush();
            return 130;
        }
        run.trace().wait(seen, std::chrono::milliseconds(50));
        events.clear();
        seen = run.trace().read(seen, events);
        for (const Event& e : events) {
            switch (e.kind) {
            case EventKind::Text:
                out << e.text;
                if (!e.text.empty()) line_open = e.text.back() != '\n';
                break;
            case EventKind::Error:
            case EventKind::Verdict:
                if (line_open) out << '\n';
                out << (color ? "\x1b[31m" : "") << e.text << (color ? "\x1b[0m" : "") << '\n';
                line_open = false;
                break;
            case EventKind::Done: outcome = e.text; break;
            default: break;
            }
        }
        out.flush();
    }
    if (line_open) out << '\n';
    out.flush();
    return outcome == "finished" ? 0 : outcome == "stopped" ? 130 : 1;
}

}  // namespace livedeck::demos
