// image_check.cpp: whether a slide's image can be read (the deck side; no
// GL, the image is not decoded).

#include "deck/parse_internal.hpp"

#include <stb_image.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace livedeck::deck::detail {

// Why the image at `path` cannot be used, or nothing.
std::optional<std::string> check_image(const fs::path& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) return std::generic_category().message(ENOENT);
    if (ec) return ec.message();
    if (fs::is_directory(st)) return std::generic_category().message(EISDIR);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return std::generic_category().message(errno);
    int w = 0, h = 0, comp = 0;
    int ok = stbi_info_from_file(f, &w, &h, &comp);
    std::fclose(f);
    if (!ok) {
        const char* reason = stbi_failure_reason();
        return std::string(reason != nullptr ? reason : "unknown image format");
    }
    return std::nullopt;
}

}  // namespace livedeck::deck::detail
