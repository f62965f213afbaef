// Slide images (PNG, JPEG) decoded with stb_image and uploaded as GL
// textures, once per file.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace livedeck::render {

struct Texture {
    unsigned id = 0;  // GL texture name; 0 if the image could not be read
    int width = 0, height = 0;
    std::string error;
};

class ImageCache {
public:
    ImageCache() = default;
    ~ImageCache();
    ImageCache(const ImageCache&) = delete;
    ImageCache& operator=(const ImageCache&) = delete;

    // Loads on first use; needs the GL context current.
    const Texture& get(const std::filesystem::path& path);
    void clear();

private:
    std::map<std::filesystem::path, Texture> textures_;
};

}  // namespace livedeck::render
