#include "session/session_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace livedeck::session {

using nlohmann::json;

namespace {

const char* kind_name(Entry::Kind kind) {
    switch (kind) {
    case Entry::Kind::Deck: return "deck";
    case Entry::Kind::Slide: return "slide";
    case Entry::Kind::Screen: return "screen";
    case Entry::Kind::Run: return "run";
    case Entry::Kind::Stop: return "stop";
    case Entry::Kind::Step: return "step";
    case Entry::Kind::Trace: return "trace";
    case Entry::Kind::Marker: return "marker";
    case Entry::Kind::Pause: return "pause";
    case Entry::Kind::Resume: return "resume";
    case Entry::Kind::Tick: return "tick";
    case Entry::Kind::End: return "end";
    case Entry::Kind::Reveal: return "reveal";
    }
    return "?";
}

std::optional<Entry::Kind> kind_of(const std::string& name) {
    for (int k = 0; k <= static_cast<int>(Entry::Kind::Reveal); ++k)
        if (name == kind_name(static_cast<Entry::Kind>(k))) return static_cast<Entry::Kind>(k);
    return std::nullopt;
}

std::optional<demos::EventKind> trace_kind_of(const std::string& name) {
    for (int k = 0; k <= static_cast<int>(demos::EventKind::Done); ++k)
        if (name == demos::to_string(static_cast<demos::EventKind>(k))) return static_cast<demos::EventKind>(k);
    return std::nullopt;
}

// An integer field of a log line, or `fallback` when it is absent. A value
// that is no integer in [low, high] (1.5, 1e300, "x") throws: converting it
// to int as it stands would be undefined.
int int_field(const json& j, const char* key, int fallback, int low, int high) {
    const auto it = j.find(key);
    if (it == j.end()) return fallback;
    const double value = it->is_number() ? it->get<double>() : std::nan("");
    if (!(value >= low && value <= high) || value != std::floor(value))
        throw std::runtime_error(std::string("bad ") + key + " number");
    return static_cast<int>(value);
}

// An event line's entry (not the header); throws std::exception saying what is wrong.
Entry entry_of(const json& j) {
    Entry e;
    e.t = j.at("t").get<double>();
    if (!std::isfinite(e.t) || e.t < 0 || e.t > 1e7) throw std::runtime_error("bad time");
    const auto kind = kind_of(j.at("e").get<std::string>());
    if (!kind) throw std::runtime_error("unknown event '" + j.at("e").get<std::string>() + "'");
    e.kind = *kind;
    e.slide = int_field(j, "slide", -1, -1, 1'000'000);
    switch (e.kind) {
    case Entry::Kind::Deck: e.text = j.at("file").get<std::string>(); break;
    case Entry::Kind::Screen: e.text = j.at("screen").get<std::string>(); break;
    case Entry::Kind::Run: e.text = j.at("demo").get<std::string>(); break;
    case Entry::Kind::Marker: e.text = j.value("title", ""); break;
    case Entry::Kind::Reveal:
        if (!j.contains("step")) throw std::runtime_error("no reveal step");
        e.step = int_field(j, "step", 0, 0, 1'000'000);
        break;
    case Entry::Kind::Trace: {
        e.text = j.value("actor", "");
        const auto tk = trace_kind_of(j.at("kind").get<std::string>());
        if (!tk) throw std::runtime_error("unknown trace event '" + j.at("kind").get<std::string>() + "'");
        e.trace.kind = *tk;
        e.trace.t = j.at("rt").get<double>();
        if (!std::isfinite(e.trace.t) || e.trace.t < 0 || e.trace.t > 1e7) throw std::runtime_error("bad run time");
        e.trace.text = j.value("text", "");
        e.trace.line = int_field(j, "line", 0, 0, 10'000'000);
        e.trace.interval = j.value("interval", 0.0);
        if (!std::isfinite(e.trace.interval) || e.trace.interval < 0 || e.trace.interval > 10)
            throw std::runtime_error("bad typing interval");
        break;
    }
    default: break;
    }
    return e;
}

// Times are written to the microsecond: enough, and short.
double rounded(double t) { return std::round(t * 1e6) / 1e6; }

json line_of(double t, Entry::Kind kind) { return json{{"t", rounded(t)}, {"e", kind_name(kind)}}; }

json trace_line(double t, int slide, const std::string& actor, const demos::Event& e) {
    json j = line_of(t, Entry::Kind::Trace);
    j["slide"] = slide;
    j["rt"] = rounded(e.t);
    j["kind"] = std::string(demos::to_string(e.kind));
    j["actor"] = actor;
    j["text"] = e.text;
    if (e.line > 0) j["line"] = e.line;
    if (e.kind == demos::EventKind::TypedLine) j["interval"] = rounded(e.interval);
    return j;
}

// JSON as one line; invalid UTF-8 in a demo's text is replaced, not fatal.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

}  // namespace

// [SECTION] Recorder -------------------------------------------------------------

Recorder::Recorder(std::filesystem::path dir, const show::Presentation& show, double t)
    : dir_(std::move(dir)), started_(t), show_(show) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw std::runtime_error("cannot create the recording directory " + dir_.string() + ": " + ec.message());
    const std::filesystem::path log = dir_ / log_name;
    if (std::filesystem::exists(log))
        throw std::runtime_error(log.string() + " exists already: record into a new directory");
    file_ = std::fopen(log.c_str(), "wbx");
    if (!file_) throw std::runtime_error("cannot write " + log.string() + ": " + std::strerror(errno));
    json header{{"livedeck", LIVEDECK_VERSION}, {"format", format_version}, {"deck", show.deck().path.string()},
                {"canvas", {1920, 1080}}, {"start", rounded(t)}};
    write_line(dump(header), true);
    // The state at the start: the deck, the slide, the screen, and the runs
    // already going with their traces so far.
    snapshot_deck(show.deck(), t);
    write_line(encode_slide(t, show.current()), false);
    if (show.reveal() > 0) write_line(encode_reveal(t, show.current(), show.reveal()), false);
    if (show.screen() != show::Screen::Slide) write_line(encode_screen(t, show.screen()), false);
    for (int i = 0; i < show.slide_count(); ++i) {
        const show::DemoSlot* s = show.deck().slides[static_cast<std::size_t>(i)].demo ? show.demo(i) : nullptr;
        if (!s || !s->ran) continue;
        write_line(encode_run(s->started, i, std::string(s->demo->name), {}), false);
        const std::vector<std::string> actors = s->run ? s->run->trace().actors() : s->actors;
        for (const demos::Event& e : s->events) {
            const std::string actor = e.actor >= 0 && static_cast<std::size_t>(e.actor) < actors.size()
                                          ? actors[static_cast<std::size_t>(e.actor)]
                                          : "";
            write_line(encode_trace(s->started + e.t, i, actor, e), false);
        }
    }
    flush();
}

Recorder::~Recorder() {
    end(started_ + 0);  // a recorder that was not ended says so at its start time at worst
    if (file_) std::fclose(file_);
}

void Recorder::write_line(const std::string& line, bool now) {
    if (!error_.empty() || !file_) return;
    buffer_ += line;
    if (now || buffer_.size() > 64 * 1024) flush();
}

void Recorder::flush() {
    if (!error_.empty() || !file_ || buffer_.empty()) return;
    // In the kernel's hands once written: a crash of this process loses nothing written.
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size() || std::fflush(file_) != 0) {
        error_ = "recording stopped: cannot write " + (dir_ / log_name).string() + ": " + std::strerror(errno);
        std::fclose(file_);
        file_ = nullptr;
    }
    buffer_.clear();
}

void Recorder::snapshot_deck(const deck::Deck& d, double t) {
    // The deck file and the images it uses, as they are now, under deck-N/,
    // at the same paths relative to the deck.
    const std::string name = "deck-" + std::to_string(++decks_);
    const std::filesystem::path base = dir_ / name;
    std::error_code ec;
    std::filesystem::create_directories(base, ec);
    const std::filesystem::path file = base / d.path.filename();
    std::filesystem::copy_file(d.path, file, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
        error_ = "recording stopped: cannot copy the deck into " + base.string() + ": " + ec.message();
        return;
    }
    for (const std::filesystem::path& relative : deck_images(d)) {
        std::filesystem::create_directories((base / relative).parent_path(), ec);
        std::filesystem::copy_file(d.path.parent_path() / relative, base / relative,
                                   std::filesystem::copy_options::overwrite_existing, ec);
    }
    write_line(encode_deck(t, (std::filesystem::path(name) / d.path.filename()).string()), true);
}

void Recorder::record(const show::SessionEvent& e) {
    if (ended_) return;
    if (e.type == show::EventType::DeckLoaded) {
        snapshot_deck(show_.deck(), e.t);
        return;
    }
    const std::string line = encode_event(e);
    if (line.empty()) return;  // the presenter's own clock and rejected reloads are not the audience's
    write_line(line, e.type != show::EventType::Trace);  // traces go with the next flush
}

void Recorder::tick(double t) {
    if (ended_ || t - last_tick_ < 0.5) return;
    last_tick_ = t;
    write_line(dump(line_of(t, Entry::Kind::Tick)), true);
}

void Recorder::marker(const std::string& title, double t) {
    json j = line_of(t, Entry::Kind::Marker);
    j["title"] = title;
    j["slide"] = show_.current();
    write_line(dump(j), true);
}

void Recorder::set_paused(bool paused, double t) {
    if (paused == paused_) return;
    paused_ = paused;
    if (paused) paused_at_ = t;
    else if (paused_at_) {
        paused_total_ += t - *paused_at_;
        paused_at_.reset();
    }
    write_line(dump(line_of(t, paused ? Entry::Kind::Pause : Entry::Kind::Resume)), true);
}

double Recorder::elapsed(double t) const {
    const double until = paused_at_ ? *paused_at_ : t;
    return std::max(0.0, until - started_ - paused_total_);
}

void Recorder::end(double t) {
    if (ended_) return;
    flush();
    write_line(dump(line_of(std::max(t, started_), Entry::Kind::End)), true);
    ended_ = true;
}

// [SECTION] Recording (reading) ------------------------------------------------------

Recording parse(std::string_view text, const std::string& file) {
    Recording r;
    auto problem = [&](int line, const std::string& message) { r.problems.push_back({file, line, message}); };
    if (text.size() > max_log_bytes) {
        problem(0, "the log is larger than " + std::to_string(max_log_bytes >> 20) + " MB");
        return r;
    }
    int number = 0;
    bool header = false;
    double last_t = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t end = text.find('\n');
        const bool complete = end != std::string_view::npos;
        const std::string_view line = text.substr(0, complete ? end : text.size());
        text.remove_prefix(complete ? end + 1 : text.size());
        if (line.empty()) continue;
        if (line.size() > max_line_bytes) {
            problem(number, "a line longer than " + std::to_string(max_line_bytes) + " bytes; the log stops here");
            break;
        }
        json j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            // A crash cuts the last line short: that is the end, not an error of the log.
            problem(number, complete ? "not a JSON object; the log stops here" : "cut short; the log stops here");
            break;
        }
        try {
            if (!header) {
                const auto format = j.find("format");
                if (!j.contains("livedeck") || format == j.end() || !format->is_number_integer() ||
                    *format != format_version) {
                    problem(number, "not a livedeck session log (no header of format " +
                                        std::to_string(format_version) + ")");
                    break;
                }
                r.deck_path = j.value("deck", "");
                r.start = j.value("start", 0.0);
                if (!std::isfinite(r.start) || r.start < 0 || r.start > 1e7) r.start = 0;
                header = true;
                continue;
            }
            Entry e = entry_of(j);
            e.line = number;
            last_t = std::max(last_t, e.t);
            if (e.kind == Entry::Kind::End) r.ended = true;
            r.entries.push_back(std::move(e));
            if (r.ended) break;
        } catch (const std::exception& ex) {
            problem(number, std::string("bad event (") + ex.what() + "); the log stops here");
            break;
        }
    }
    if (!header && r.problems.empty()) problem(0, "empty: not a livedeck session log");
    r.end = last_t;
    return r;
}

// [SECTION] One line ------------------------------------------------------------------

std::vector<std::filesystem::path> deck_images(const deck::Deck& d) {
    const std::filesystem::path deck_dir = d.path.parent_path();
    std::vector<std::filesystem::path> out;
    std::vector<const deck::Block*> stack;
    for (const deck::Slide& s : d.slides)
        for (const deck::Block& b : s.blocks) stack.push_back(&b);
    while (!stack.empty()) {
        const deck::Block* b = stack.back();
        stack.pop_back();
        for (const deck::ListItem& item : b->items)
            for (const deck::Block& c : item.blocks) stack.push_back(&c);
        for (const deck::Block& c : b->children) stack.push_back(&c);
        for (const deck::Column& column : b->columns)
            for (const deck::Block& c : column.blocks) stack.push_back(&c);
        if (b->kind != deck::BlockKind::Image) continue;
        const std::filesystem::path relative = b->image_path.lexically_relative(deck_dir.empty() ? "." : deck_dir);
        if (relative.empty() || *relative.begin() == "..") continue;  // outside the deck's folder: left out
        if (std::find(out.begin(), out.end(), relative) == out.end()) out.push_back(relative);
    }
    return out;
}

std::string encode_deck(double t, const std::string& file) {
    json j = line_of(t, Entry::Kind::Deck);
    j["file"] = file;
    return dump(j);
}

std::string encode_slide(double t, int slide) {
    json j = line_of(t, Entry::Kind::Slide);
    j["slide"] = slide;
    return dump(j);
}

std::string encode_reveal(double t, int slide, int step) {
    json j = line_of(t, Entry::Kind::Reveal);
    j["slide"] = slide;
    j["step"] = step;
    return dump(j);
}

std::string encode_screen(double t, show::Screen screen) {
    json j = line_of(t, Entry::Kind::Screen);
    j["screen"] = screen == show::Screen::Slide ? "slide" : screen == show::Screen::Black ? "black" : "white";
    return dump(j);
}

std::string encode_run(double t, int slide, const std::string& demo, const std::map<std::string, std::string>& params) {
    json j = line_of(t, Entry::Kind::Run);
    j["slide"] = slide;
    j["demo"] = demo;
    if (!params.empty()) j["params"] = params;
    return dump(j);
}

std::string encode_trace(double t, int slide, const std::string& actor, const demos::Event& event) {
    return dump(trace_line(t, slide, actor, event));
}

std::string encode_event(const show::SessionEvent& e) {
    using show::EventType;
    json j;
    switch (e.type) {
    case EventType::SlideShown: return encode_slide(e.t, e.slide);
    case EventType::StepShown: return encode_reveal(e.t, e.slide, e.step);
    case EventType::ScreenChanged:
        j = line_of(e.t, Entry::Kind::Screen);
        j["screen"] = e.text;
        return dump(j);
    case EventType::DemoRun: return encode_run(e.t, e.slide, e.text, e.params);
    case EventType::DemoStop:
        j = line_of(e.t, Entry::Kind::Stop);
        j["slide"] = e.slide;
        return dump(j);
    case EventType::DemoStep:
        j = line_of(e.t, Entry::Kind::Step);
        j["slide"] = e.slide;
        return dump(j);
    case EventType::Trace: return encode_trace(e.t, e.slide, e.text, e.trace);
    default: return {};  // DeckLoaded: the writer stores the deck itself; the presenter's clock; rejected reloads
    }
}

std::optional<Entry> decode_line(std::string_view line, std::string& error) {
    if (line.size() > max_line_bytes) {
        error = "a line longer than " + std::to_string(max_line_bytes) + " bytes";
        return std::nullopt;
    }
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    try {
        return entry_of(j);
    } catch (const std::exception& ex) {
        error = std::string("bad event (") + ex.what() + ")";
        return std::nullopt;
    }
}

Recording read(const std::filesystem::path& dir) {
    const std::filesystem::path log = dir / log_name;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(log, ec)) {
        Recording r;
        r.dir = dir;
        r.problems.push_back({dir.string(), 0, "not a livedeck recording (no " + std::string(log_name) + ")"});
        return r;
    }
    const auto size = std::filesystem::file_size(log, ec);
    if (!ec && size > max_log_bytes) {
        Recording r;
        r.dir = dir;
        r.problems.push_back({log.string(), 0, "larger than " + std::to_string(max_log_bytes >> 20) + " MB"});
        return r;
    }
    std::ifstream in(log, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    Recording r = parse(text.str(), log.string());
    r.dir = dir;
    return r;
}

}  // namespace livedeck::session
