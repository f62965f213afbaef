#include <stb_image_write.h>

#include "render/context.hpp"

namespace livedeck::render {

bool write_png(const std::string& path, const Image& image, std::string& error) {
    if (image.width <= 0 || image.height <= 0) {
        error = "empty image";
        return false;
    }
    if (!stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(),
                        image.width * 4)) {
        error = "cannot write " + path;
        return false;
    }
    return true;
}

}  // namespace livedeck::render
