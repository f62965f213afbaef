// The session log: a recording of a talk is what happened, not pixels. A
// directory holds `session.jsonl` (one JSON object a line: a header, then
// timestamped events: the deck loaded, slides shown (and their reveal steps), blackouts, demo runs and
// every event of their traces, markers, pauses, the end), the deck's text
// and images as they were at each (re)load, and the microphone's audio. Lines
// are written and flushed as things happen, so a crash loses at most the
// last moment. The exporter reads the log back and renders it again.
//
// Index
//   [SECTION] Recorder (writing)
//   [SECTION] Recording (reading)
//   [SECTION] One line (shared with follow/: the same lines travel to followers)
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deck/deck.hpp"
#include "show/presentation.hpp"

namespace livedeck::session {

inline constexpr int format_version = 1;
inline constexpr const char* log_name = "session.jsonl";
// Caps on what a log may hold, checked when reading (a log is input).
inline constexpr std::size_t max_line_bytes = 1 << 20;
inline constexpr std::size_t max_log_bytes = std::size_t(1) << 30;

// [SECTION] Recorder (writing) ---------------------------------------------------

class Recorder {
public:
    // Creates `dir` (and its parents), writes the header and the deck.
    // Throws std::runtime_error naming the path when it cannot.
    Recorder(std::filesystem::path dir, const show::Presentation& show, double t);
    ~Recorder();  // writes the end
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // A session event as it happens (the presentation's listener).
    void record(const show::SessionEvent& event);
    // A chapter marker (M), titled after the slide shown.
    void marker(const std::string& title, double t);
    void set_paused(bool paused, double t);
    bool paused() const { return paused_; }
    // Writes what is buffered; call once a frame. Events are buffered at
    // most until then, discrete ones (slides, runs, markers) not at all.
    void flush();
    // Says the recording is still going at t (a line every half second at
    // most), so that a crash loses at most that much of its end.
    void tick(double t);
    // Ends the log (idempotent).
    void end(double t);

    const std::filesystem::path& dir() const { return dir_; }
    // Seconds recorded at session time t (pauses left out).
    double elapsed(double t) const;
    // Why recording stopped (a full disk, an unwritable directory); empty
    // while it goes on. Once failed, it writes nothing more; the talk goes on.
    const std::string& error() const { return error_; }

private:
    void write_line(const std::string& line, bool now);
    void snapshot_deck(const deck::Deck& deck, double t);

    std::filesystem::path dir_;
    std::FILE* file_ = nullptr;
    std::string buffer_;
    std::string error_;
    int decks_ = 0;
    double started_ = 0;
    double paused_total_ = 0;
    double last_tick_ = 0;
    std::optional<double> paused_at_;
    bool paused_ = false;
    bool ended_ = false;
    const show::Presentation& show_;
};

// [SECTION] Recording (reading) ---------------------------------------------------

// One event of a recording, in the log's order.
struct Entry {
    double t = 0;
    enum class Kind { Deck, Slide, Screen, Run, Stop, Step, Trace, Marker, Pause, Resume, Tick, End, Reveal } kind = Kind::End;
    int slide = -1;
    int step = 0;                  // Reveal: the reveal step shown on the slide
    std::string text;              // Deck: the deck file (in the recording); Screen: slide|black|white;
                                   // Run: the demo; Marker: its title; Trace: the actor
    demos::Event trace;            // Trace (its t: seconds into the run)
    int line = 0;                  // the log line it came from
};

struct Recording {
    std::filesystem::path dir;
    std::string deck_path;  // where the deck was when it was recorded
    double start = 0;       // session time the recording started at (video time 0)
    std::vector<Entry> entries;
    double end = 0;         // the last time in the log
    bool ended = false;     // the log has its end (else: cut short, e.g. by a crash)
    // What could not be read, as file:line: message. Reading stops at the
    // first bad line: the entries before it are good.
    std::vector<deck::Diagnostic> problems;
};

// Reads a recording directory. Never throws: a directory that is not a
// recording gives no entries and a problem saying so.
Recording read(const std::filesystem::path& dir);
// The same from a log's text (fuzzing, tests); `file` names it in problems.
Recording parse(std::string_view text, const std::string& file);

// [SECTION] One line ------------------------------------------------------------------

// A session event as its log line (JSON, ending in '\n'); empty for the
// events a log leaves out (the presenter's clock, rejected reloads) and for
// DeckLoaded, which the writer stores its own way (see encode_deck).
std::string encode_event(const show::SessionEvent& event);
// A deck line: the deck is `file` (a recording: a path in it; a followed talk: the deck's id).
std::string encode_deck(double t, const std::string& file);
std::string encode_slide(double t, int slide);
std::string encode_reveal(double t, int slide, int step);
std::string encode_screen(double t, show::Screen screen);
std::string encode_run(double t, int slide, const std::string& demo, const std::map<std::string, std::string>& params);
std::string encode_trace(double t, int slide, const std::string& actor, const demos::Event& event);
// The images a deck shows from inside its folder, relative to it (each
// once): what a recording copies and a followed talk sends with the deck.
std::vector<std::filesystem::path> deck_images(const deck::Deck& deck);
// One event line (not the header) back: the entry, or nullopt with `error`
// saying why. Never throws; caps as read() does.
std::optional<Entry> decode_line(std::string_view line, std::string& error);

}  // namespace livedeck::session
