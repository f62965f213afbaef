// Opaque fills that a software rasterizer (Mesa's llvmpipe) does without
// shading a pixel. A quad costs llvmpipe ~11 ms per full 1080p screen on one
// core, whatever it draws with; a scissored glClear costs ~0.2 ms. So the
// big opaque areas (the slide's background gradient, the panes' insides, a
// blacked-out screen) are drawn as ImGui draw-list callbacks that clear (a
// gradient: a run of rows of one colour at a time), in draw order with
// everything else. A cached gradient texture blitted costs ~1 ms less a
// frame, and 4-8 MB a size: not worth it.
#pragma once

#include <imgui.h>

#include <deque>

namespace livedeck::render {

// This frame's fill requests, which the callbacks read when ImGui renders.
class Fills {
public:
    // Call before drawing a frame: forgets the last frame's requests.
    void begin_frame() { jobs_.clear(); }

    // An opaque rectangle (alpha ignored), clipped to the draw list's clip rect.
    void rect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color);
    // An opaque vertical gradient from `top` to `bottom`.
    void gradient(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom);

private:
    struct Job {
        ImVec2 min, max;  // the whole area, in ImGui's display coordinates
        ImU32 top, bottom;
    };
    static void run(const ImDrawList* list, const ImDrawCmd* cmd);

    std::deque<Job> jobs_;  // stable addresses: callbacks point at them
};

}  // namespace livedeck::render
