// `livedeck export`: a recorded session (or an automatic walk-through of a
// deck) rendered again offscreen on a virtual clock that jumps from one
// change to the next, into a video; or every slide into PNGs. Nothing waits
// for a real clock: the demos' traces are replayed, not re-run.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "session/session_log.hpp"
#include "show/presentation.hpp"

namespace livedeck::exporting {

struct ExportOptions {
    std::filesystem::path output;
    std::optional<std::filesystem::path> session;  // --session DIR: a recording
    show::Options show;                            // the deck, for a walk-through, PNGs or a PDF
    int width = 1920, height = 1080;
    int fps = 30;
    double slide_seconds = 5;  // walk-through: how long each slide shows
    bool png = false;          // OUT is a directory of PNGs
    bool run_demos = true;     // PDF: run the demos first (--no-run: not)
    bool notes = false;        // PDF: the speaker notes under each slide
    bool quiet = false;        // no progress bar
};

// Runs the export that OUT's extension asks for. Without --session, a video
// is a walk-through of the deck: every slide for `slide_seconds`, each demo
// slide until its demo ends plus 2 s; the demos run all at once while the
// first slides render, and their traces are replayed. Returns the exit code;
// `interrupted` (Ctrl-C) stops it with a playable partial file.
int run(const ExportOptions& options, const std::atomic<bool>& interrupted);

}  // namespace livedeck::exporting
