#include "render/fills.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <cmath>

namespace livedeck::render {

namespace {

float channel(ImU32 color, int shift) { return static_cast<float>((color >> shift) & 0xFF) / 255.0f; }

// The colour of row `y` of `rows` between `top` and `bottom`, in 8 bits a channel.
ImU32 row_color(ImU32 top, ImU32 bottom, int y, int rows) {
    const float f = (static_cast<float>(y) + 0.5f) / static_cast<float>(rows);
    ImU32 c = 0;
    for (int k = 0; k < 3; ++k) {
        const float a = channel(top, k * 8), b = channel(bottom, k * 8);
        c |= static_cast<ImU32>(std::lround((a + (b - a) * f) * 255.0f)) << (k * 8);
    }
    return c;
}

}  // namespace

void Fills::rect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color) { gradient(draw, min, max, color, color); }

void Fills::gradient(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom) {
    if (max.x <= min.x || max.y <= min.y) return;
    jobs_.push_back({min, max, top, bottom});
    draw->PushClipRect(min, max, true);
    draw->AddCallback(&Fills::run, &jobs_.back());
    draw->PopClipRect();
}

void Fills::run(const ImDrawList*, const ImDrawCmd* cmd) {
    const Job& job = *static_cast<const Job*>(cmd->UserCallbackData);
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
    const int cx0 = std::max(ax0, px(cmd->ClipRect.x, pos.x, scale.x));
    const int cy0 = std::max(ay0, px(cmd->ClipRect.y, pos.y, scale.y));
    const int cx1 = std::min(ax1, px(cmd->ClipRect.z, pos.x, scale.x));
    const int cy1 = std::min(ay1, px(cmd->ClipRect.w, pos.y, scale.y));
    if (cx1 <= cx0 || cy1 <= cy0) return;
    // A gradient between two close colours is a few runs of rows of one
    // 8-bit colour (the slide's background: about ten): one clear a run. The
    // scissor test is on while ImGui draws, and ImGui sets its own scissor
    // again for what comes next.
    const int rows = ay1 - ay0;
    for (int y = cy0; y < cy1;) {
        const ImU32 c = row_color(job.top, job.bottom, y - ay0, rows);
        int end = y + 1;
        while (end < cy1 && row_color(job.top, job.bottom, end - ay0, rows) == c) ++end;
        glScissor(cx0, fb_h - end, cx1 - cx0, end - y);
        glClearColor(channel(c, 0), channel(c, 8), channel(c, 16), 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        y = end;
    }
}

}  // namespace livedeck::render
