// `livedeck export OUT.pdf`: every slide on a page, drawn by the views that
// draw the screen (through cairo instead of ImGui), with real text, one
// bookmark per slide, each demo's final output, and optionally the speaker
// notes under each slide.
#pragma once

#include <filesystem>

#include "show/presentation.hpp"

namespace livedeck::views {

struct PdfOptions {
    show::Options show;             // the deck, and the farm the demos use
    std::filesystem::path output;   // the PDF file to write
    bool run_demos = true;          // run every demo first (all at once) and show its final output
    bool notes = false;             // the speaker notes under each slide (a taller page)
};

// Writes the PDF. Returns the exit code: 0, or 1 with the reason on stderr
// ("livedeck export: ..."): a deck without slides, an unwritable file, a
// full disk.
int export_pdf(const PdfOptions& options);

}  // namespace livedeck::views
