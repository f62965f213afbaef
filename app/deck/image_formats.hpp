// Slide image formats: PNG and JPEG (stb_image), GIF (giflib; its first
// frame), WebP (libwebp; an animation's first frame) and SVG (librsvg,
// rasterized at the size it is drawn). The format comes from the file's
// bytes, not its name. No GL: the deck's check, the windows' textures and
// the PDF painter all decode through here, under the same caps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livedeck::deck {

enum class ImageFormat {
    Unknown,  // none of the ones below
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
};

// "PNG", "JPEG", ... ("unknown").
const char* format_name(ImageFormat format);
// The formats that work, for messages: "PNG, JPEG, GIF, WebP or SVG".
inline constexpr std::string_view known_image_formats = "PNG, JPEG, GIF, WebP or SVG";

// The largest image file read (a photo at the side cap fits in it).
inline constexpr std::uintmax_t max_image_file_bytes = 64u << 20;

// The format of a file that starts with `head` (its first 512 bytes or so);
// `name` (its file name) only tells a gzipped SVG (.svgz) from other gzip.
ImageFormat sniff_image(std::string_view head, const std::filesystem::path& name = {});

// What a file's header says: its format and size in pixels (an SVG's
// intrinsic size, or its viewBox's), or why it cannot be used. Reads the
// header only (an SVG is parsed, but not drawn). The caller has made sure
// the path is a regular file.
struct ImageHeader {
    ImageFormat format = ImageFormat::Unknown;
    int width = 0, height = 0;
    std::string error;  // empty when the header is good
};
ImageHeader read_image_header(const std::filesystem::path& path);

// Decoded pixels: straight (not premultiplied) RGBA, rows top to bottom,
// width * 4 bytes each.
struct Pixels {
    ImageFormat format = ImageFormat::Unknown;
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;
    bool animated = false;  // GIF, WebP: more frames than the one decoded
    std::string error;      // empty on success
};

// Decodes the image at `path` (its first frame). An SVG is rasterized at
// `svg_width` x `svg_height` pixels (its intrinsic size where 0), capped at
// max_image_side a side keeping its shape; raster images come at their own
// size, refused past max_image_side a side.
Pixels decode_image(const std::filesystem::path& path, int svg_width = 0, int svg_height = 0);

}  // namespace livedeck::deck
