// image_check.cpp: whether a slide's image can be read (the deck side; no
// GL, the image is not decoded).

#include "deck/parse_internal.hpp"

#include <stb_image.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace livedeck::deck {

std::optional<std::string> image_problem(const std::filesystem::path& path) { return detail::check_image(path); }

std::optional<std::string> image_decode_problem(const std::filesystem::path& path) {
    if (auto problem = detail::check_image(path)) return problem;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return std::generic_category().message(errno);
    int w = 0, h = 0, comp = 0;
    unsigned char* pixels = stbi_load_from_file(f, &w, &h, &comp, 4);
    std::fclose(f);
    if (pixels == nullptr) {
        const char* reason = stbi_failure_reason();
        return std::string("cannot be decoded (truncated or corrupt): ") + (reason != nullptr ? reason : "unknown");
    }
    stbi_image_free(pixels);
    return std::nullopt;
}

}  // namespace livedeck::deck

namespace livedeck::deck::detail {

// Why the image at `path` cannot be used, or nothing.
std::optional<std::string> check_image(const fs::path& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) return std::generic_category().message(ENOENT);
    if (ec) return ec.message();
    if (fs::is_directory(st)) return std::generic_category().message(EISDIR);
    // A FIFO or a device would block the open or the read: only plain files.
    if (!fs::is_regular_file(st)) return std::string("not a regular file");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return std::generic_category().message(errno);
    int w = 0, h = 0, comp = 0;
    int ok = stbi_info_from_file(f, &w, &h, &comp);
    std::fclose(f);
    if (!ok) {
        const char* reason = stbi_failure_reason();
        return std::string(reason != nullptr ? reason : "unknown image format");
    }
    if (w > max_image_side || h > max_image_side)
        return std::to_string(w) + "x" + std::to_string(h) + " pixels is too big (at most " +
               std::to_string(max_image_side) + " a side)";
    return std::nullopt;
}

}  // namespace livedeck::deck::detail
