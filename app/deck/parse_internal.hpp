// parse_internal.hpp: what crosses files between the deck parser's stages.
// Internal to app/deck; the public interface is deck.hpp.
//
//   slides.cpp       the file -> chunks of lines, one per slide (fences, `---`)
//   directives.cpp   `key: value` lines at a slide's top, `demo:` values
//   notes.cpp        HTML comments, and which of them are speaker notes
//   image_check.cpp  whether an image file can be read (stb_image, no GL)
//   markdown.cpp     a slide's Markdown -> blocks (md4c)
//   deck.cpp         one slide from a chunk, and the public API
#pragma once

#include "deck/deck.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livedeck::deck::detail {

namespace fs = std::filesystem;

//-----------------------------------------------------------------------------
// [SECTION] Splitting the file into slides (slides.cpp)
//-----------------------------------------------------------------------------

// A code fence: ``` or ~~~ (three or more). Indentation is accepted so that
// fences inside list items keep their `---` lines too.
struct Fence {
    char ch = 0;
    size_t len = 0;
};

// The fence that `line` opens, or a Fence whose ch is 0.
Fence fence_opened_by(std::string_view line);

// For each line: is it part of a fenced code block (fences included)?
// `unclosed` gets the index of a fence never closed, or -1.
std::vector<bool> fenced_lines(const std::vector<std::string_view>& lines, int& unclosed);

// One slide's lines, as cut from the file.
struct Chunk {
    int first_line = 0;  // 1-based
    std::vector<std::string_view> lines;
    int unclosed_fence_line = 0;  // 1-based, 0 if none
};

// The file's slides: cut at `---` lines outside fenced code; chunks holding
// only whitespace are dropped. The views point into `text`.
std::vector<Chunk> split_slides(std::string_view text);

//-----------------------------------------------------------------------------
// [SECTION] Directives (directives.cpp)
//-----------------------------------------------------------------------------

// `key: value` with key [a-z][a-z0-9-]* and the colon followed by a space or
// the end of the line.
bool parse_directive_line(std::string_view line, std::string_view& key, std::string_view& value);

// Parses `NAME key=value ...`; returns an error message or nothing.
std::optional<std::string> parse_demo(std::string_view value, DemoRef& demo);

//-----------------------------------------------------------------------------
// [SECTION] HTML comments and speaker notes (notes.cpp)
//-----------------------------------------------------------------------------

struct Comment {
    size_t begin = 0;  // offset of "<!--"
    size_t end = 0;    // offset just past "-->" (or the text's end when unterminated)
    bool terminated = true;
};

// Finds the HTML comments outside fenced code and inline code spans.
std::vector<Comment> find_comments(std::string_view src, const std::vector<size_t>& line_starts,
                                   const std::vector<bool>& fenced);

// Indices of the comments that are speaker notes: the terminated comments at
// the end of the slide, each starting its line (after other notes).
std::vector<size_t> trailing_comments(std::string_view src, const std::vector<Comment>& comments);

//-----------------------------------------------------------------------------
// [SECTION] Images (image_check.cpp)
//-----------------------------------------------------------------------------

// Why the image at `path` cannot be used, or nothing.
std::optional<std::string> check_image(const fs::path& path);

//-----------------------------------------------------------------------------
// [SECTION] Markdown to blocks (markdown.cpp)
//-----------------------------------------------------------------------------

// Builds the slide's blocks from `md`, its Markdown with the comments
// removed, whose first line is file line `first_line`. Also sets the slide's
// title and reports unreadable images in its errors. Returns false when md4c
// fails (the blocks then hold what was built before).
bool build_blocks(std::string_view md, int first_line, const fs::path& base_dir, Slide& slide,
                  const std::string& file);

}  // namespace livedeck::deck::detail
