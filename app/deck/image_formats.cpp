// image_formats.cpp: sniffing, headers and decoding of slide images.
//
//   [SECTION] Files and sniffing
//   [SECTION] PNG and JPEG (stb_image)
//   [SECTION] GIF (giflib)
//   [SECTION] WebP (libwebp, libwebpdemux)
//   [SECTION] SVG (librsvg on a cairo image surface)
//   [SECTION] Headers and decoding, by format

#include "deck/image_formats.hpp"

#include "deck/deck.hpp"

#include <cairo.h>
#include <gif_lib.h>
#include <librsvg/rsvg.h>
#include <stb_image.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>

namespace livedeck::deck {

//-----------------------------------------------------------------------------
// [SECTION] Files and sniffing
//-----------------------------------------------------------------------------

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Up to `limit` bytes of the file; false (and `error`) when it cannot be read
// or is longer than `limit` and `whole` is asked for.
bool read_bytes(const std::filesystem::path& path, std::size_t limit, bool whole, std::string& out,
                std::string& error) {
    File f(std::fopen(path.c_str(), "rb"));
    if (!f) {
        error = std::generic_category().message(errno);
        return false;
    }
    out.clear();
    char buffer[1 << 16];
    while (out.size() < limit) {
        const std::size_t want = std::min(sizeof buffer, limit - out.size());
        const std::size_t got = std::fread(buffer, 1, want, f.get());
        out.append(buffer, got);
        if (got < want) {
            if (std::ferror(f.get())) {
                error = std::generic_category().message(errno ? errno : EIO);
                return false;
            }
            return true;  // end of file
        }
    }
    if (whole && std::fgetc(f.get()) != EOF) {
        error = "file is larger than " + std::to_string(limit >> 20) + " MB";
        return false;
    }
    return true;
}

std::string too_big(int w, int h) {
    return std::to_string(w) + "x" + std::to_string(h) + " pixels is too big (at most " +
           std::to_string(max_image_side) + " a side)";
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string unknown_type() {
    return "unknown image type (livedeck reads " + std::string(known_image_formats) + ")";
}

}  // namespace

const char* format_name(ImageFormat format) {
    switch (format) {
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Gif: return "GIF";
    case ImageFormat::Webp: return "WebP";
    case ImageFormat::Svg: return "SVG";
    case ImageFormat::Unknown: break;
    }
    return "unknown";
}

ImageFormat sniff_image(std::string_view head, const std::filesystem::path& name) {
    if (starts_with(head, "\x89PNG\r\n\x1a\n")) return ImageFormat::Png;
    if (starts_with(head, "\xFF\xD8\xFF")) return ImageFormat::Jpeg;
    if (starts_with(head, "GIF87a") || starts_with(head, "GIF89a")) return ImageFormat::Gif;
    if (head.size() >= 12 && starts_with(head, "RIFF") && head.substr(8, 4) == "WEBP") return ImageFormat::Webp;
    if (starts_with(head, "\x1F\x8B")) {  // gzip: an .svgz, or not an image
        std::string ext = name.extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
        return ext == ".svgz" ? ImageFormat::Svg : ImageFormat::Unknown;
    }
    // XML: a BOM, space, a declaration or comments, then an <svg> element.
    std::string_view s = head;
    if (starts_with(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
    const std::size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || s[first] != '<') return ImageFormat::Unknown;
    return s.find("<svg") != std::string_view::npos ? ImageFormat::Svg : ImageFormat::Unknown;
}

//-----------------------------------------------------------------------------
// [SECTION] PNG and JPEG (stb_image)
//-----------------------------------------------------------------------------

namespace {

ImageHeader stb_header(const std::filesystem::path& path, ImageFormat format) {
    ImageHeader h{format, 0, 0, {}};
    File f(std::fopen(path.c_str(), "rb"));
    if (!f) {
        h.error = std::generic_category().message(errno);
        return h;
    }
    int comp = 0;
    if (!stbi_info_from_file(f.get(), &h.width, &h.height, &comp)) {
        const char* reason = stbi_failure_reason();
        h.error = std::string(format_name(format)) + " header cannot be read: " + (reason ? reason : "corrupt");
    }
    return h;
}

void stb_decode(const std::string& bytes, Pixels& p) {
    int w = 0, h = 0, comp = 0;
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int size = static_cast<int>(bytes.size());
    if (!stbi_info_from_memory(data, size, &w, &h, &comp)) {
        const char* reason = stbi_failure_reason();
        p.error = std::string("cannot be decoded (truncated or corrupt): ") + (reason ? reason : "unknown");
        return;
    }
    if (w > max_image_side || h > max_image_side) {
        p.error = too_big(w, h);
        return;
    }
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> pixels(stbi_load_from_memory(data, size, &w, &h, &comp, 4),
                                                                stbi_image_free);
    if (!pixels) {
        const char* reason = stbi_failure_reason();
        p.error = std::string("cannot be decoded (truncated or corrupt): ") + (reason ? reason : "unknown");
        return;
    }
    p.width = w;
    p.height = h;
    p.rgba.assign(pixels.get(), pixels.get() + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
}

//-----------------------------------------------------------------------------
// [SECTION] GIF (giflib)
//-----------------------------------------------------------------------------

struct GifInput {
    const std::string* bytes;
    std::size_t at = 0;
};

int gif_read(GifFileType* gif, GifByteType* out, int n) {
    auto* in = static_cast<GifInput*>(gif->UserData);
    const std::size_t take = std::min(static_cast<std::size_t>(std::max(n, 0)), in->bytes->size() - in->at);
    std::memcpy(out, in->bytes->data() + in->at, take);
    in->at += take;
    return static_cast<int>(take);
}

struct GifCloser {
    void operator()(GifFileType* gif) const {
        int error = 0;
        DGifCloseFile(gif, &error);
    }
};
using Gif = std::unique_ptr<GifFileType, GifCloser>;

std::string gif_error(int code) {
    const char* text = GifErrorString(code);
    return std::string("cannot be decoded (truncated or corrupt): GIF: ") + (text ? text : "error");
}

// The first frame, composed on the logical screen (transparent where the
// frame does not cover it); `animated` when another frame follows.
void gif_decode(const std::string& bytes, Pixels& p) {
    GifInput input{&bytes};
    int error = 0;
    Gif gif(DGifOpen(&input, gif_read, &error));
    if (!gif) {
        p.error = gif_error(error);
        return;
    }
    const int sw = gif->SWidth, sh = gif->SHeight;
    if (sw <= 0 || sh <= 0) {
        p.error = "cannot be decoded: GIF has no size";
        return;
    }
    if (sw > max_image_side || sh > max_image_side) {
        p.error = too_big(sw, sh);
        return;
    }
    int transparent = NO_TRANSPARENT_COLOR;
    bool have_frame = false;
    for (;;) {
        GifRecordType type = UNDEFINED_RECORD_TYPE;
        if (DGifGetRecordType(gif.get(), &type) == GIF_ERROR) {
            if (have_frame) return;  // junk after the first frame: it is shown
            p.error = gif_error(gif->Error);
            return;
        }
        if (type == TERMINATE_RECORD_TYPE) break;
        if (type == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType* ext = nullptr;
            if (DGifGetExtension(gif.get(), &code, &ext) == GIF_ERROR) {
                if (have_frame) return;
                p.error = gif_error(gif->Error);
                return;
            }
            if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4 && !have_frame) {
                GraphicsControlBlock gcb{};
                if (DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK) transparent = gcb.TransparentColor;
            }
            while (ext) {
                if (DGifGetExtensionNext(gif.get(), &ext) == GIF_ERROR) {
                    if (have_frame) return;
                    p.error = gif_error(gif->Error);
                    return;
                }
            }
            continue;
        }
        if (type != IMAGE_DESC_RECORD_TYPE) continue;
        if (have_frame) {  // a second frame: the first is all we show
            p.animated = true;
            return;
        }
        if (DGifGetImageDesc(gif.get()) == GIF_ERROR) {
            p.error = gif_error(gif->Error);
            return;
        }
        const GifImageDesc& d = gif->Image;
        const ColorMapObject* map = d.ColorMap ? d.ColorMap : gif->SColorMap;
        if (!map || d.Width <= 0 || d.Height <= 0 || d.Width > max_image_side || d.Height > max_image_side) {
            p.error = "cannot be decoded (truncated or corrupt): GIF frame without colours or size";
            return;
        }
        p.width = sw;
        p.height = sh;
        p.rgba.assign(static_cast<std::size_t>(sw) * static_cast<std::size_t>(sh) * 4, 0);
        std::vector<GifPixelType> row(static_cast<std::size_t>(d.Width));
        // Interlaced rows come in four passes.
        std::vector<int> order;
        if (d.Interlace) {
            for (const auto& [start, step] : {std::pair{0, 8}, {4, 8}, {2, 4}, {1, 2}})
                for (int y = start; y < d.Height; y += step) order.push_back(y);
        } else {
            for (int y = 0; y < d.Height; ++y) order.push_back(y);
        }
        for (int y : order) {
            if (DGifGetLine(gif.get(), row.data(), d.Width) == GIF_ERROR) {
                p.rgba.clear();
                p.width = p.height = 0;
                p.error = gif_error(gif->Error);
                return;
            }
            const int ty = d.Top + y;
            if (ty < 0 || ty >= sh) continue;
            for (int x = 0; x < d.Width; ++x) {
                const int tx = d.Left + x;
                if (tx < 0 || tx >= sw) continue;
                const int index = row[static_cast<std::size_t>(x)];
                if (index == transparent || index >= map->ColorCount) continue;
                const GifColorType c = map->Colors[index];
                std::uint8_t* out =
                    p.rgba.data() + (static_cast<std::size_t>(ty) * static_cast<std::size_t>(sw) + static_cast<std::size_t>(tx)) * 4;
                out[0] = c.Red;
                out[1] = c.Green;
                out[2] = c.Blue;
                out[3] = 255;
            }
        }
        have_frame = true;
    }
    if (!have_frame) p.error = "cannot be decoded (truncated or corrupt): GIF has no frame";
}

//-----------------------------------------------------------------------------
// [SECTION] WebP (libwebp, libwebpdemux)
//-----------------------------------------------------------------------------

void webp_decode(const std::string& bytes, Pixels& p) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    WebPBitstreamFeatures features{};
    if (WebPGetFeatures(data, bytes.size(), &features) != VP8_STATUS_OK) {
        p.error = "cannot be decoded (truncated or corrupt): WebP header";
        return;
    }
    if (features.width > max_image_side || features.height > max_image_side) {
        p.error = too_big(features.width, features.height);
        return;
    }
    if (!features.has_animation) {
        int w = 0, h = 0;
        std::unique_ptr<std::uint8_t, decltype(&WebPFree)> rgba(WebPDecodeRGBA(data, bytes.size(), &w, &h), WebPFree);
        if (!rgba) {
            p.error = "cannot be decoded (truncated or corrupt): WebP";
            return;
        }
        p.width = w;
        p.height = h;
        p.rgba.assign(rgba.get(), rgba.get() + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
        return;
    }
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options)) {
        p.error = "cannot be decoded: WebP library mismatch";
        return;
    }
    options.color_mode = MODE_RGBA;
    options.use_threads = 0;
    const WebPData webp{data, bytes.size()};
    std::unique_ptr<WebPAnimDecoder, decltype(&WebPAnimDecoderDelete)> decoder(WebPAnimDecoderNew(&webp, &options),
                                                                                 WebPAnimDecoderDelete);
    WebPAnimInfo info{};
    std::uint8_t* frame = nullptr;
    int timestamp = 0;
    if (!decoder || !WebPAnimDecoderGetInfo(decoder.get(), &info) ||
        !WebPAnimDecoderGetNext(decoder.get(), &frame, &timestamp) || !frame) {
        p.error = "cannot be decoded (truncated or corrupt): animated WebP";
        return;
    }
    const int w = static_cast<int>(info.canvas_width), h = static_cast<int>(info.canvas_height);
    if (w > max_image_side || h > max_image_side) {
        p.error = too_big(w, h);
        return;
    }
    p.width = w;
    p.height = h;
    p.animated = info.frame_count > 1;
    p.rgba.assign(frame, frame + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
}

ImageHeader webp_header(const std::filesystem::path& path) {
    ImageHeader h{ImageFormat::Webp, 0, 0, {}};
    std::string head;
    if (!read_bytes(path, 4096, false, head, h.error)) return h;
    WebPBitstreamFeatures features{};
    if (WebPGetFeatures(reinterpret_cast<const std::uint8_t*>(head.data()), head.size(), &features) != VP8_STATUS_OK) {
        h.error = "WebP header cannot be read";
        return h;
    }
    h.width = features.width;
    h.height = features.height;
    return h;
}

//-----------------------------------------------------------------------------
// [SECTION] SVG (librsvg on a cairo image surface)
//-----------------------------------------------------------------------------

struct Unref {
    void operator()(void* object) const { g_object_unref(object); }
};
using Svg = std::unique_ptr<RsvgHandle, Unref>;

// A parsed SVG, or `error`. From the file, so that its relative references
// resolve (librsvg allows only files beside or below it).
Svg svg_open(const std::filesystem::path& path, std::string& error) {
    GError* gerror = nullptr;
    Svg handle(rsvg_handle_new_from_file(path.c_str(), &gerror));
    if (!handle) {
        error = std::string("cannot be decoded (not valid SVG): ") + (gerror ? gerror->message : "unknown");
        if (gerror) g_error_free(gerror);
    }
    return handle;
}

// Its intrinsic size in pixels: width and height, else its viewBox, else a
// browser's default (300x150).
void svg_size(RsvgHandle* handle, double& w, double& h) {
    if (rsvg_handle_get_intrinsic_size_in_pixels(handle, &w, &h) && w > 0 && h > 0) return;
    gboolean has_w = false, has_h = false, has_box = false;
    RsvgLength lw{}, lh{};
    RsvgRectangle box{};
    rsvg_handle_get_intrinsic_dimensions(handle, &has_w, &lw, &has_h, &lh, &has_box, &box);
    if (has_box && box.width > 0 && box.height > 0) {
        w = box.width;
        h = box.height;
        return;
    }
    w = 300;
    h = 150;
}

ImageHeader svg_header(const std::filesystem::path& path) {
    ImageHeader hd{ImageFormat::Svg, 0, 0, {}};
    Svg handle = svg_open(path, hd.error);
    if (!handle) return hd;
    double w = 0, h = 0;
    svg_size(handle.get(), w, h);
    if (!(w < max_image_side + 0.5 && h < max_image_side + 0.5)) {  // NaN too
        hd.error = too_big(static_cast<int>(std::min(w, 1e9)), static_cast<int>(std::min(h, 1e9)));
        return hd;
    }
    hd.width = std::max(1, static_cast<int>(std::lround(w)));
    hd.height = std::max(1, static_cast<int>(std::lround(h)));
    return hd;
}

void svg_decode(const std::filesystem::path& path, int want_w, int want_h, Pixels& p) {
    const ImageHeader hd = svg_header(path);
    if (!hd.error.empty()) {
        p.error = hd.error;
        return;
    }
    int w = want_w > 0 ? want_w : hd.width;
    int h = want_h > 0 ? want_h : hd.height;
    if (w > max_image_side || h > max_image_side) {  // the drawn size is capped too, keeping the shape
        const double k = static_cast<double>(max_image_side) / std::max(w, h);
        w = std::max(1, static_cast<int>(w * k));
        h = std::max(1, static_cast<int>(h * k));
    }
    std::string error;
    Svg handle = svg_open(path, error);
    if (!handle) {
        p.error = error;
        return;
    }
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h), cairo_surface_destroy);
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        p.error = "cannot make a " + std::to_string(w) + "x" + std::to_string(h) + " surface for the SVG";
        return;
    }
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), cairo_destroy);
    const RsvgRectangle viewport{0, 0, static_cast<double>(w), static_cast<double>(h)};
    GError* gerror = nullptr;
    if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &gerror)) {
        p.error = std::string("cannot be drawn (SVG): ") + (gerror ? gerror->message : "unknown");
        if (gerror) g_error_free(gerror);
        return;
    }
    cairo_surface_flush(surface.get());
    // cairo's premultiplied native-endian ARGB words to straight RGBA bytes.
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    p.width = w;
    p.height = h;
    p.rgba.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    for (int y = 0; y < h; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        std::uint8_t* out = p.rgba.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * 4;
        for (int x = 0; x < w; ++x, out += 4) {
            const std::uint32_t v = row[x];
            const std::uint32_t a = v >> 24;
            auto straight = [a](std::uint32_t c) {
                return static_cast<std::uint8_t>(a == 0 ? 0 : std::min<std::uint32_t>(255, (c * 255 + a / 2) / a));
            };
            out[0] = straight((v >> 16) & 0xFF);
            out[1] = straight((v >> 8) & 0xFF);
            out[2] = straight(v & 0xFF);
            out[3] = static_cast<std::uint8_t>(a);
        }
    }
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Headers and decoding, by format
//-----------------------------------------------------------------------------

ImageHeader read_image_header(const std::filesystem::path& path) {
    ImageHeader h;
    std::string head;
    if (!read_bytes(path, 512, false, head, h.error)) return h;
    h.format = sniff_image(head, path);
    switch (h.format) {
    case ImageFormat::Png:
    case ImageFormat::Jpeg: h = stb_header(path, h.format); break;
    case ImageFormat::Gif:
        if (head.size() < 10) {
            h.error = "GIF header cannot be read (truncated)";
            break;
        }
        h.width = static_cast<unsigned char>(head[6]) | static_cast<unsigned char>(head[7]) << 8;
        h.height = static_cast<unsigned char>(head[8]) | static_cast<unsigned char>(head[9]) << 8;
        break;
    case ImageFormat::Webp: h = webp_header(path); break;
    case ImageFormat::Svg: return svg_header(path);  // (its own size check)
    case ImageFormat::Unknown: h.error = unknown_type(); return h;
    }
    if (h.error.empty() && (h.width > max_image_side || h.height > max_image_side)) h.error = too_big(h.width, h.height);
    if (h.error.empty() && (h.width <= 0 || h.height <= 0)) h.error = "image has no size";
    return h;
}

Pixels decode_image(const std::filesystem::path& path, int svg_width, int svg_height) {
    Pixels p;
    std::string head;
    if (!read_bytes(path, 512, false, head, p.error)) return p;
    p.format = sniff_image(head, path);
    if (p.format == ImageFormat::Unknown) {
        p.error = unknown_type();
        return p;
    }
    if (p.format == ImageFormat::Svg) {
        svg_decode(path, svg_width, svg_height, p);
        return p;
    }
    std::string bytes;
    if (!read_bytes(path, max_image_file_bytes, true, bytes, p.error)) return p;
    switch (p.format) {
    case ImageFormat::Png:
    case ImageFormat::Jpeg: stb_decode(bytes, p); break;
    case ImageFormat::Gif: gif_decode(bytes, p); break;
    case ImageFormat::Webp: webp_decode(bytes, p); break;
    case ImageFormat::Svg:
    case ImageFormat::Unknown: break;
    }
    if (!p.error.empty()) {
        p.rgba.clear();
        p.width = p.height = 0;
    }
    return p;
}

}  // namespace livedeck::deck
