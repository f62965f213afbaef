// Slide images (PNG, JPEG, GIF, WebP, SVG; deck/image_formats.hpp) uploaded
// as GL textures, once per file; an SVG is rasterized again at the size it
// is drawn. A remote image that is not in the cache yet is fetched in the
// background (deck/image_fetch.hpp) and shows as pending meanwhile: the
// frame never waits on the network.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace livedeck::render {

struct Texture {
    unsigned id = 0;  // GL texture name; 0 if the image could not be read (or is pending)
    int width = 0, height = 0;  // the image's own size (an SVG's intrinsic size)
    std::string error;          // why there is no texture
    bool pending = false;       // a remote image being fetched: `error` says so; ask again later
    bool vector = false;        // SVG: rasterized at the size drawn
    int raster_width = 0, raster_height = 0;  // the texture's size in pixels
};

class ImageCache {
public:
    ImageCache() = default;
    ~ImageCache();
    ImageCache(const ImageCache&) = delete;
    ImageCache& operator=(const ImageCache&) = delete;

    // Loads on first use; needs the GL context current.
    const Texture& get(const std::filesystem::path& path);
    // The texture to draw at `width` x `height` pixels: an SVG is rasterized
    // for that size (again when it changes); others are as get().
    const Texture& get(const std::filesystem::path& path, int width, int height);
    void clear();

private:
    std::map<std::filesystem::path, Texture> textures_;
    // An SVG's rasters at the sizes it is drawn (the slide, the next-slide
    // preview, thumbnails): a few per file, so views of one frame do not
    // take turns rasterizing it.
    static constexpr std::size_t rasters_per_svg = 4;
    std::map<std::filesystem::path, std::vector<Texture>> rasters_;
    Texture pending_;  // what get() returns for a remote image still being fetched
};

}  // namespace livedeck::render
