// GL contexts with an ImGui context on top: a GLFW window for presenting,
// and a headless EGL context rendering into an offscreen framebuffer for
// `shot` and `export` (no X server needed).
//
// Both are RAII guards: construction sets everything up (or throws
// std::runtime_error with a readable message), destruction tears it down in
// reverse order.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct GLFWwindow;
struct ImGuiContext;

namespace livedeck::render {

// RGBA pixels, top row first (or, as GL reads them, bottom row first).
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;
    bool bottom_up = false;
};

// Owns the ImGui context and its OpenGL3 backend. Created after a GL
// context is current, destroyed before it goes.
class ImGuiGuard {
public:
    ImGuiGuard();
    ~ImGuiGuard();
    ImGuiGuard(const ImGuiGuard&) = delete;
    ImGuiGuard& operator=(const ImGuiGuard&) = delete;

    ImGuiContext* context() const { return context_; }

private:
    ImGuiContext* context_ = nullptr;
};

// Reads the pixels of the currently bound read framebuffer; `top_first`
// flips them into reading order (an encoder can take them as they are).
Image read_pixels(int width, int height, bool top_first = true);

// Something to draw a frame into: a window, or an offscreen framebuffer of
// any size. Views do not care which; the window loop, `shot` and the
// benchmarks drive them all the same way.
class Target {
public:
    virtual ~Target() = default;
    // Makes its GL and ImGui contexts current.
    virtual void activate() = 0;
    // Its size in ImGui's display units, and physical pixels per unit.
    virtual ImVec2 display() const = 0;
    virtual float pixel_scale() const = 0;
    virtual void new_frame() = 0;  // backend new-frame calls + ImGui::NewFrame()
    virtual void render() = 0;     // ImGui::Render() + draw into its framebuffer
    virtual Image read_back() const = 0;
};

// Input the window reports, in the order it happened.
struct InputHandlers {
    std::function<void(int key, int mods)> key;    // GLFW key code, on press and repeat
    std::function<void(unsigned codepoint)> text;  // typed characters
};

// A monitor as GLFW reports it, in desktop coordinates.
struct Monitor {
    std::string name;
    int x = 0, y = 0, width = 0, height = 0;
};

// Where a window opens.
struct Placement {
    int width = 1280, height = 720;
    std::optional<int> x, y;        // desktop position (default: where the system puts it)
    bool decorated = true;          // false: no title bar or border (an exact geometry)
    std::optional<int> fullscreen;  // full screen on that monitor (index into monitors())
};

// A window with a GL 3.3 core context and an ImGui context of its own.
// Several may be open at once: activate() makes one current (its GL and its
// ImGui context) before drawing into it; input goes to the window it
// happened in whichever is current.
class Window : public Target {
public:
    // `handlers` receive keys before ImGui sees them.
    Window(const std::string& title, const Placement& placement, InputHandlers handlers);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // GLFW, initialised while the returned handle (or any window) lives.
    static std::shared_ptr<void> library();
    // The monitors connected now (the primary first).
    static std::vector<Monitor> monitors();
    // True once since the last call if a monitor was connected or removed.
    static bool take_monitors_changed();

    void activate() override;
    bool should_close() const;
    void request_close();
    void set_title(const std::string& title);
    void toggle_fullscreen();
    void leave_fullscreen();
    // Full screen on monitor `index` (nothing if there is no such monitor).
    void fullscreen_on(int index);
    bool fullscreen() const { return fullscreen_; }
    // The monitor the window is on now (its centre), -1 if none.
    int monitor_index() const;

    // Blocks until input arrives in any window (timeout < 0: forever) or
    // wake() is called.
    static void wait_events(double timeout_seconds);
    static void poll_events();
    // Wakes wait_events() from any thread.
    static void wake();

    int framebuffer_width() const;
    int framebuffer_height() const;
    // Physical pixels per window unit (2 on a HiDPI screen).
    float content_scale() const;

    ImVec2 display() const override;
    float pixel_scale() const override { return content_scale(); }
    void new_frame() override;
    void render() override;
    Image read_back() const override;  // the back buffer: call after render(), before swap()
    void swap();

private:
    struct Glfw;
    std::shared_ptr<Glfw> glfw_;  // glfwInit/glfwTerminate, shared by every window
    GLFWwindow* window_ = nullptr;
    std::unique_ptr<ImGuiGuard> imgui_;
    InputHandlers handlers_;
    bool fullscreen_ = false;
    int saved_x_ = 0, saved_y_ = 0, saved_w_ = 0, saved_h_ = 0;
};

// A surfaceless EGL context (Mesa's EGL_PLATFORM_SURFACELESS_MESA, or an
// NVIDIA device through EGL_PLATFORM_DEVICE_EXT) with ImGui drawing into an
// offscreen framebuffer of a fixed size.
class Headless : public Target {
public:
    Headless(int width, int height);
    ~Headless();
    Headless(const Headless&) = delete;
    Headless& operator=(const Headless&) = delete;

    int width() const { return width_; }
    int height() const { return height_; }
    std::string renderer() const;  // GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"

    void activate() override;
    ImVec2 display() const override { return ImVec2(static_cast<float>(width_), static_cast<float>(height_)); }
    float pixel_scale() const override { return 1.0f; }
    void new_frame() override;
    void render() override;
    Image read_back() const override;
    Image read_back_bottom_up() const;  // as GL has them: no flip

private:
    struct Egl;
    std::unique_ptr<Egl> egl_;
    unsigned fbo_ = 0, color_ = 0;
    int width_, height_;
    std::unique_ptr<ImGuiGuard> imgui_;
};

// Encodes a PNG into `out`; returns false with `error` set on failure.
bool encode_png(const Image& image, std::vector<std::uint8_t>& out, std::string& error);
// Writes a PNG; returns false with `error` set on failure (a full disk too).
bool write_png(const std::string& path, const Image& image, std::string& error);
// Writes bytes to a file, every step checked (open, write, flush, close).
bool write_file(const std::string& path, const std::vector<std::uint8_t>& bytes, std::string& error);

}  // namespace livedeck::render
