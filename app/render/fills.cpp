#include "render/fills.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace livedeck::render {

namespace {

float channel(ImU32 color, int shift) { return static_cast<float>((color >> shift) & 0xFF) / 255.0f; }

}  // namespace

Fills::~Fills() {
    for (auto& [key, t] : gradients_) {
        glDeleteFramebuffers(1, &t.framebuffer);
        glDeleteTextures(1, &t.texture);
    }
}

void Fills::rect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color) {
    if (max.x <= min.x || max.y <= min.y) return;
    jobs_.push_back({this, min, max, color, color, false});
    draw->PushClipRect(min, max, true);
    draw->AddCallback(&Fills::run, &jobs_.back());
    draw->PopClipRect();
}

void Fills::gradient(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) {
    if (max.x <= min.x || max.y <= min.y) return;
    jobs_.push_back({this, min, max, top, bottom, top != bottom});
    draw->PushClipRect(min, max, true);
    draw->AddCallback(&Fills::run, &jobs_.back());
    draw->PopClipRect();
}

void Fills::run(const ImDrawList*, const ImDrawCmd* cmd) {
    const Job& job = *static_cast<const Job*>(cmd->UserCallbackData);
    job.self->execute(job, *cmd);
}

void Fills::execute(const Job& job, const ImDrawCmd& cmd) {
    const ImDrawData* data = ImGui::GetDrawData();
    if (!data) return;
    GLint viewport[4];
    glGetIntegerv(GL_VIEWPORT, viewport);
    const int fb_h = viewport[3];
    const ImVec2 pos = data->DisplayPos, scale = data->FramebufferScale;
    auto px = [&](float v, float origin, float k) { return static_cast<int>(std::lround((v - origin) * k)); };
    // The whole area and the visible part of it, in framebuffer pixels (top-left origin).
    const int ax0 = px(job.min.x, pos.x, scale.x), ay0 = px(job.min.y, pos.y, scale.y);
    const int ax1 = px(job.max.x, pos.x, scale.x), ay1 = px(job.max.y, pos.y, scale.y);
    const int cx0 = std::max(ax0, px(cmd.ClipRect.x, pos.x, scale.x));
    const int cy0 = std::max(ay0, px(cmd.ClipRect.y, pos.y, scale.y));
    const int cx1 = std::min(ax1, px(cmd.ClipRect.z, pos.x, scale.x));
    const int cy1 = std::min(ay1, px(cmd.ClipRect.w, pos.y, scale.y));
    if (cx1 <= cx0 || cy1 <= cy0) return;

    if (!job.gradient) {
        glScissor(cx0, fb_h - cy1, cx1 - cx0, cy1 - cy0);  // the scissor test is on while ImGui draws
        glClearColor(channel(job.top, 0), channel(job.top, 8), channel(job.top, 16), 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        return;
    }
    // A same-size blit is a copy for llvmpipe; a scaled one would shade again.
    const Texture& t = gradient_texture(ax1 - ax0, ay1 - ay0, job.top, job.bottom);
    GLint read = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, t.framebuffer);
    glDisable(GL_SCISSOR_TEST);
    const int h = ay1 - ay0;
    // Texture rows run bottom-up, like the framebuffer.
    const int sx0 = cx0 - ax0, sx1 = cx1 - ax0, sy0 = h - (cy1 - ay0), sy1 = h - (cy0 - ay0);
    glBlitFramebuffer(sx0, sy0, sx1, sy1, cx0, fb_h - cy1, cx1, fb_h - cy0, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glEnable(GL_SCISSOR_TEST);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(read));
}

const Fills::Texture& Fills::gradient_texture(int width, int height, ImU32 top, ImU32 bottom) {
    ++frame_;
    const auto key = std::make_tuple(width, height, top, bottom);
    if (auto it = gradients_.find(key); it != gradients_.end()) {
        it->second.used = frame_;
        return it->second;
    }
    // A few sizes are in use at once (slide, thumbnails, the next slide):
    // drop the oldest beyond that, e.g. after a resize.
    while (gradients_.size() >= 6) {
        auto oldest = std::min_element(gradients_.begin(), gradients_.end(),
                                       [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
        glDeleteFramebuffers(1, &oldest->second.framebuffer);
        glDeleteTextures(1, &oldest->second.texture);
        gradients_.erase(oldest);
    }
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    for (int y = 0; y < height; ++y) {
        // Row 0 is the bottom one.
        const float f = 1.0f - (static_cast<float>(y) + 0.5f) / static_cast<float>(height);
        std::uint8_t rgb[3];
        for (int c = 0; c < 3; ++c) {
            const float a = channel(top, c * 8), b = channel(bottom, c * 8);
            rgb[c] = static_cast<std::uint8_t>(std::lround((a + (b - a) * f) * 255.0f));
        }
        std::uint8_t* row = pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 4;
        for (int x = 0; x < width; ++x) {
            row[x * 4 + 0] = rgb[0];
            row[x * 4 + 1] = rgb[1];
            row[x * 4 + 2] = rgb[2];
            row[x * 4 + 3] = 255;
        }
    }
    Texture t;
    t.used = frame_;
    GLint previous_texture = 0, previous_read = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous_texture);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &previous_read);
    glGenTextures(1, &t.texture);
    glBindTexture(GL_TEXTURE_2D, t.texture);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glGenFramebuffers(1, &t.framebuffer);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, t.framebuffer);
    glFramebufferTexture2D(GL_READ_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t.texture, 0);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(previous_read));
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous_texture));
    return gradients_.emplace(key, t).first->second;
}

}  // namespace livedeck::render
