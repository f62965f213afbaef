#include "render/images.hpp"

#include "deck/deck.hpp"
#include "deck/image_fetch.hpp"
#include "deck/image_formats.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <cstdlib>

namespace livedeck::render {

namespace {

// Uploads straight RGBA pixels into `texture` (a new GL texture, or the one it has).
void upload(Texture& texture, const deck::Pixels& pixels) {
    if (!texture.id) glGenTextures(1, &texture.id);
    glBindTexture(GL_TEXTURE_2D, texture.id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, pixels.width, pixels.height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 pixels.rgba.data());
    texture.raster_width = pixels.width;
    texture.raster_height = pixels.height;
}

}  // namespace

ImageCache::~ImageCache() { clear(); }

void ImageCache::clear() {
    for (auto& [path, texture] : textures_)
        if (texture.id) glDeleteTextures(1, &texture.id);
    textures_.clear();
    for (auto& [path, rasters] : rasters_)
        for (Texture& texture : rasters)
            if (texture.id) glDeleteTextures(1, &texture.id);
    rasters_.clear();
}

const Texture& ImageCache::get(const std::filesystem::path& path) {
    auto it = textures_.find(path);
    if (it != textures_.end()) return it->second;
    Texture texture;
    // A remote image: drawn once it is in the cache, fetched meanwhile.
    const deck::RemoteStatus remote = deck::remote_status(path);
    if (!remote.url.empty() && remote.state != deck::FetchState::Ready) {
        const deck::RemoteStatus now =
            remote.state == deck::FetchState::Unknown ? deck::fetch_in_background(path) : remote;
        if (now.state == deck::FetchState::Failed) {
            texture.error = now.error;
            return textures_.emplace(path, std::move(texture)).first->second;
        }
        if (now.state == deck::FetchState::Pending) {
            pending_ = Texture{};
            pending_.pending = true;
            pending_.error = "loading " + now.url + " ...";
            return pending_;  // (not kept: asked again next frame)
        }
    }
    if (auto problem = deck::image_problem(path)) {
        texture.error = "cannot read image: " + *problem;
        return textures_.emplace(path, std::move(texture)).first->second;
    }
    const deck::ImageHeader header = deck::read_image_header(path);
    texture.width = header.width;
    texture.height = header.height;
    texture.vector = header.format == deck::ImageFormat::Svg;
    // An SVG is rasterized again at the size it is drawn; until then, at
    // its own size, at most 1024 pixels a side.
    int w = 0, h = 0;
    if (texture.vector && std::max(header.width, header.height) > 1024) {
        const double k = 1024.0 / std::max(header.width, header.height);
        w = std::max(1, static_cast<int>(header.width * k));
        h = std::max(1, static_cast<int>(header.height * k));
    }
    const deck::Pixels pixels = deck::decode_image(path, w, h);
    if (!pixels.error.empty()) texture.error = "cannot read image: " + pixels.error;
    else upload(texture, pixels);
    return textures_.emplace(path, std::move(texture)).first->second;
}

const Texture& ImageCache::get(const std::filesystem::path& path, int width, int height) {
    const Texture& known = get(path);
    if (!known.vector || !known.id || width <= 0 || height <= 0) return known;
    // Within a pixel of a size it has: that one (no raster per subpixel move).
    auto close = [&](const Texture& t) {
        return std::abs(t.raster_width - width) <= 1 && std::abs(t.raster_height - height) <= 1;
    };
    if (close(known)) return known;
    std::vector<Texture>& rasters = rasters_[path];
    rasters.reserve(rasters_per_svg);  // (what get() returned stays where it is until the next get())
    for (const Texture& t : rasters)
        if (close(t)) return t;
    const deck::Pixels pixels = deck::decode_image(path, width, height);
    if (!pixels.error.empty()) return known;
    if (rasters.size() == rasters_per_svg) {  // the oldest goes
        if (rasters.front().id) glDeleteTextures(1, &rasters.front().id);
        rasters.erase(rasters.begin());
    }
    Texture texture = known;
    texture.id = 0;
    upload(texture, pixels);
    rasters.push_back(std::move(texture));
    return rasters.back();
}

}  // namespace livedeck::render
