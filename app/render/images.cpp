#include "render/images.hpp"

#include "deck/deck.hpp"

#include <glad/gl.h>
#include <stb_image.h>

#include <memory>

namespace livedeck::render {

ImageCache::~ImageCache() { clear(); }

void ImageCache::clear() {
    for (auto& [path, texture] : textures_)
        if (texture.id) glDeleteTextures(1, &texture.id);
    textures_.clear();
}

const Texture& ImageCache::get(const std::filesystem::path& path) {
    auto it = textures_.find(path);
    if (it != textures_.end()) return it->second;
    Texture texture;
    if (auto problem = deck::image_problem(path)) {
        texture.error = "cannot read image: " + *problem;
        return textures_.emplace(path, std::move(texture)).first->second;
    }
    int channels = 0;
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> pixels(
        stbi_load(path.c_str(), &texture.width, &texture.height, &channels, 4), stbi_image_free);
    if (!pixels) {
        texture.error = std::string("cannot read image: ") + stbi_failure_reason();
    } else {
        glGenTextures(1, &texture.id);
        glBindTexture(GL_TEXTURE_2D, texture.id);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, texture.width, texture.height, 0, GL_RGBA,
                     GL_UNSIGNED_BYTE, pixels.get());
    }
    return textures_.emplace(path, std::move(texture)).first->second;
}

}  // namespace livedeck::render
