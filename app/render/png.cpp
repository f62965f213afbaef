// PNG files through libpng and zlib at their fastest setting: a 1080p slide
// encodes in a few milliseconds (stb's encoder took ~0.1 s), and the slides'
// flat colours still compress well. The file is written in one checked
// piece: a full disk or an unwritable path is an error, never a quiet success.
#include <png.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "render/context.hpp"

namespace livedeck::render {

namespace {

struct PngWrite {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~PngWrite() { png_destroy_write_struct(&png, &info); }
};

void append(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + size);
}

}  // namespace

bool encode_png(const Image& image, std::vector<std::uint8_t>& out, std::string& error) {
    if (image.width <= 0 || image.height <= 0 ||
        image.rgba.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4) {
        error = "empty image";
        return false;
    }
    PngWrite w;
    w.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (!w.png || !(w.info = png_create_info_struct(w.png))) {
        error = "out of memory encoding a PNG";
        return false;
    }
    std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
    for (int y = 0; y < image.height; ++y)
        rows[static_cast<std::size_t>(y)] =
            const_cast<png_bytep>(image.rgba.data() + static_cast<std::size_t>(y) * image.width * 4);
    if (setjmp(png_jmpbuf(w.png))) {
        error = "cannot encode the PNG";
        return false;
    }
    out.clear();
    png_set_write_fn(w.png, &out, append, nullptr);
    png_set_compression_level(w.png, 1);
    png_set_filter(w.png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_IHDR(w.png, w.info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
                 PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_set_rows(w.png, w.info, rows.data());
    png_write_png(w.png, w.info, PNG_TRANSFORM_IDENTITY, nullptr);
    return true;
}

bool write_png(const std::string& path, const Image& image, std::string& error) {
    std::vector<std::uint8_t> bytes;
    if (!encode_png(image, bytes, error)) return false;
    return write_file(path, bytes, error);
}

bool write_file(const std::string& path, const std::vector<std::uint8_t>& bytes, std::string& error) {
    std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) {
        error = "cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    // No bytes (a chapter list of an export stopped at once): an empty file,
    // and no fwrite, whose buffer may not be null even for a size of 0.
    const bool written =
        (bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), file.get()) == bytes.size()) &&
        std::fflush(file.get()) == 0;
    const int write_errno = errno;
    const bool closed = std::fclose(file.release()) == 0;
    if (!written || !closed) {
        error = "cannot write " + path + ": " + std::strerror(written ? errno : write_errno);
        return false;
    }
    return true;
}

}  // namespace livedeck::render
