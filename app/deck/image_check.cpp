// image_check.cpp: where a slide's image is (relative to the deck; `/x`
// also in the deck's public/ folder; a URL's cached copy) and whether it can
// be read (the deck side; no GL). Formats: image_formats.cpp; remote images:
// image_fetch.cpp.

#include "deck/image_fetch.hpp"
#include "deck/image_formats.hpp"
#include "deck/parse_internal.hpp"

#include <cerrno>
#include <system_error>

namespace livedeck::deck {

std::optional<std::string> image_problem(const std::filesystem::path& path) { return detail::check_image(path); }

std::optional<std::string> image_decode_problem(const std::filesystem::path& path, std::string* note) {
    if (auto problem = detail::check_image(path)) return problem;
    const Pixels pixels = decode_image(path);
    if (!pixels.error.empty()) return pixels.error;
    if (note && pixels.animated)
        *note = std::string("animated ") + format_name(pixels.format) + ": only its first frame is shown";
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
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > max_image_file_bytes)
        return "file is larger than " + std::to_string(max_image_file_bytes >> 20) + " MB";
    const ImageHeader header = read_image_header(path);
    if (!header.error.empty()) return header.error;
    return std::nullopt;
}

void resolve_image(Block& img, const std::string& src, const fs::path& base_dir, const std::string& file,
                   Slide& slide) {
    auto fail = [&](const std::string& why) {
        slide.errors.push_back({file, img.line, "cannot read image '" + src + "': " + why});
    };
    if (is_remote_image(src)) {
        img.image_url = src;
        img.image_path = cached_image_path(src);
        note_remote_image(img.image_path, src);
        std::error_code ec;
        if (fs::exists(img.image_path, ec)) {
            if (auto why = check_image(img.image_path))
                slide.errors.push_back({file, img.line, "image fetched from " + src + " (cached at " +
                                                            img.image_path.string() + "): " + *why});
        } else if (RemoteStatus status = remote_status(img.image_path); status.state == FetchState::Failed) {
            slide.errors.push_back({file, img.line, status.error});  // offline, or failed in this process before
        }
        return;  // (fetched before it is shown: fetch_remote_images)
    }
    const fs::path given(src);
    if (given.is_absolute()) {
        // Slidev's convention: `/logo.png` is the deck's public/logo.png.
        img.image_path = given;
        std::error_code ec;
        const bool here = fs::status(given, ec).type() != fs::file_type::not_found;
        if (!here && !base_dir.empty()) {
            const fs::path in_public = base_dir / "public" / given.relative_path();
            if (fs::status(in_public, ec).type() != fs::file_type::not_found) {
                img.image_path = in_public;
            } else {
                fail("not found at " + given.string() + " nor at " + in_public.string());
                return;
            }
        }
    } else {
        img.image_path = base_dir.empty() ? given : base_dir / given;
    }
    if (auto why = check_image(img.image_path)) fail(*why);
}

}  // namespace livedeck::deck::detail
