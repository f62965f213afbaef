// Opaque fills that a software rasterizer (Mesa's llvmpipe) does without
// shading a pixel. A quad costs llvmpipe ~11 ms per full 1080p screen on one
// core, whatever it draws with; a scissored glClear or a same-size blit costs
// ~0.2 ms. So the big opaque areas (the slide's background gradient, the
// panes' insides, a blacked-out screen) are drawn as ImGui draw-list
// callbacks that clear or blit, in draw order with everything else.
#pragma once

#include <imgui.h>

#include <deque>
#include <map>
#include <tuple>

namespace livedeck::render {

// Per GL context: gradients already made, and this frame's fill requests.
// Destroy it with its GL context current.
class Fills {
public:
    Fills() = default;
    ~Fills();
    Fills(const Fills&) = delete;
    Fills& operator=(const Fills&) = delete;

    // Call before drawing a frame: forgets the last frame's requests.
    void begin_frame() { jobs_.clear(); }

    // An opaque rectangle (alpha ignored), clipped to the draw list's clip rect.
    void rect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color);
    // An opaque vertical gradient from `top` to `bottom`.
    void gradient(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 top, ImU32 bottom);

private:
    struct Job {
        Fills* self;
        ImVec2 min, max;  // the whole area, in ImGui's display coordinates
        ImU32 top, bottom;
        bool gradient;
    };
    struct Texture {
        unsigned texture = 0, framebuffer = 0;
        int used = 0;  // frame of last use, to drop old ones
    };
    static void run(const ImDrawList* list, const ImDrawCmd* cmd);
    void execute(const Job& job, const ImDrawCmd& cmd);
    const Texture& gradient_texture(int width, int height, ImU32 top, ImU32 bottom);

    std::deque<Job> jobs_;  // stable addresses: callbacks point at them
    std::map<std::tuple<int, int, ImU32, ImU32>, Texture> gradients_;
    int frame_ = 0;
};

}  // namespace livedeck::render
