#include "render/context.hpp"

#include <glad/gl.h>
// glad must come before GLFW so GLFW does not pull in the system GL header.
#define GLFW_INCLUDE_NONE
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

namespace livedeck::render {

// [SECTION] ImGui ----------------------------------------------------------

ImGuiGuard::ImGuiGuard() {
    IMGUI_CHECKVERSION();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);  // CreateContext keeps an existing one current
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini next to the user's deck
    io.LogFilename = nullptr;
    if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
        ImGui::DestroyContext(context_);
        throw std::runtime_error("cannot initialise ImGui's OpenGL 3 renderer");
    }
    // Make the backend's shaders now, so that it never makes a font texture of
    // its own later: render::Fonts uploads the atlas itself (one byte a texel).
    ImGui_ImplOpenGL3_CreateDeviceObjects();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    io.Fonts->Clear();
}

ImGuiGuard::~ImGuiGuard() {
    ImGui::SetCurrentContext(context_);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext(context_);
}

Image read_pixels(int width, int height, bool top_first) {
    Image image{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 4), !top_first};
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, image.rgba.data());
    if (!top_first) return image;
    // GL's first row is the bottom one.
    const std::size_t stride = static_cast<std::size_t>(width) * 4;
    std::vector<std::uint8_t> row(stride);
    for (int y = 0; y < height / 2; ++y) {
        std::uint8_t* a = image.rgba.data() + stride * static_cast<std::size_t>(y);
        std::uint8_t* b = image.rgba.data() + stride * static_cast<std::size_t>(height - 1 - y);
        std::memcpy(row.data(), a, stride);
        std::memcpy(a, b, stride);
        std::memcpy(b, row.data(), stride);
    }
    return image;
}

// [SECTION] Window (GLFW) --------------------------------------------------

namespace {
std::atomic<bool> monitors_changed{false};
std::string glfw_error;  // GLFW's last complaint, for the messages that follow it
}

struct Window::Glfw {
    Glfw() {
        glfwSetErrorCallback([](int, const char* description) { glfw_error = description ? description : ""; });
        if (!glfwInit())
            throw std::runtime_error("cannot open a window: " + glfw_error +
                                     " (is DISPLAY set? `livedeck shot` renders without one)");
        glfwSetMonitorCallback([](GLFWmonitor*, int) {
            monitors_changed = true;
        });
    }
    ~Glfw() { glfwTerminate(); }

    // One per process, alive while any window is.
    static std::shared_ptr<Glfw> get() {
        static std::weak_ptr<Glfw> shared;
        std::shared_ptr<Glfw> g = shared.lock();
        if (!g) shared = g = std::make_shared<Glfw>();
        return g;
    }
};

namespace {

Window* self_of(GLFWwindow* w) { return static_cast<Window*>(glfwGetWindowUserPointer(w)); }

// ImGui's backend keeps its state in the current ImGui context: make the
// window's own current before handing it an event.
struct ImGuiOf {
    explicit ImGuiOf(ImGuiContext* context) : previous(ImGui::GetCurrentContext()) {
        ImGui::SetCurrentContext(context);
    }
    ~ImGuiOf() { ImGui::SetCurrentContext(previous); }
    ImGuiContext* previous;
};

}  // namespace

std::shared_ptr<void> Window::library() { return Glfw::get(); }

std::vector<Monitor> Window::monitors() {
    auto glfw = Glfw::get();
    std::vector<Monitor> out;
    int count = 0;
    GLFWmonitor** list = glfwGetMonitors(&count);
    for (int i = 0; i < count; ++i) {
        Monitor m;
        const char* name = glfwGetMonitorName(list[i]);
        m.name = name ? name : "monitor " + std::to_string(i);
        glfwGetMonitorPos(list[i], &m.x, &m.y);
        if (const GLFWvidmode* mode = glfwGetVideoMode(list[i])) {
            m.width = mode->width;
            m.height = mode->height;
        }
        out.push_back(std::move(m));
    }
    return out;
}

bool Window::take_monitors_changed() { return monitors_changed.exchange(false); }

Window::Window(const std::string& title, const Placement& placement, InputHandlers handlers)
    : glfw_(Glfw::get()), handlers_(std::move(handlers)) {
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    glfwWindowHint(GLFW_DECORATED, placement.decorated ? GLFW_TRUE : GLFW_FALSE);
    // GLFW 3.3 places a window after it exists: create it hidden, move it, show it.
    if (placement.x && placement.y) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    window_ = glfwCreateWindow(placement.width, placement.height, title.c_str(), nullptr, nullptr);
    if (!window_) throw std::runtime_error("cannot create a window with OpenGL 3.3: " + glfw_error);
    if (placement.x && placement.y) {
        glfwSetWindowPos(window_, *placement.x, *placement.y);
        glfwShowWindow(window_);
    }
    glfwMakeContextCurrent(window_);
    // Only the first window waits for the display's refresh: two windows that
    // both did would halve the frame rate.
    static int windows_with_vsync = 0;
    glfwSwapInterval(windows_with_vsync++ == 0 ? 1 : 0);
    if (!gladLoadGL(glfwGetProcAddress)) {
        glfwDestroyWindow(window_);
        throw std::runtime_error("cannot load OpenGL functions");
    }
    glfwSetWindowUserPointer(window_, this);
    glfwSetKeyCallback(window_, [](GLFWwindow* w, int key, int scancode, int action, int mods) {
        Window* self = self_of(w);
        if (action != GLFW_RELEASE && self->handlers_.key) self->handlers_.key(key, mods);
        ImGuiOf guard(self->imgui_->context());
        ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
    });
    glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned codepoint) {
        Window* self = self_of(w);
        if (self->handlers_.text) self->handlers_.text(codepoint);
        ImGuiOf guard(self->imgui_->context());
        ImGui_ImplGlfw_CharCallback(w, codepoint);
    });
    glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int button, int action, int mods) {
        ImGuiOf guard(self_of(w)->imgui_->context());
        ImGui_ImplGlfw_MouseButtonCallback(w, button, action, mods);
    });
    glfwSetScrollCallback(window_, [](GLFWwindow* w, double dx, double dy) {
        ImGuiOf guard(self_of(w)->imgui_->context());
        ImGui_ImplGlfw_ScrollCallback(w, dx, dy);
    });
    glfwSetWindowFocusCallback(window_, [](GLFWwindow* w, int focused) {
        ImGuiOf guard(self_of(w)->imgui_->context());
        ImGui_ImplGlfw_WindowFocusCallback(w, focused);
    });
    glfwSetCursorEnterCallback(window_, [](GLFWwindow* w, int entered) {
        ImGuiOf guard(self_of(w)->imgui_->context());
        ImGui_ImplGlfw_CursorEnterCallback(w, entered);
    });
    try {
        imgui_ = std::make_unique<ImGuiGuard>();
    } catch (...) {
        glfwDestroyWindow(window_);
        throw;
    }
    ImGui_ImplGlfw_InitForOpenGL(window_, false);  // callbacks: ours above, per window
    if (placement.fullscreen) fullscreen_on(*placement.fullscreen);
}

Window::~Window() {
    activate();
    ImGui_ImplGlfw_Shutdown();
    imgui_.reset();
    glfwDestroyWindow(window_);
}

void Window::activate() {
    glfwMakeContextCurrent(window_);
    ImGui::SetCurrentContext(imgui_->context());
}

bool Window::should_close() const { return glfwWindowShouldClose(window_); }
void Window::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }
void Window::set_title(const std::string& title) { glfwSetWindowTitle(window_, title.c_str()); }

int Window::monitor_index() const {
    int x = 0, y = 0, w = 0, h = 0;
    glfwGetWindowPos(window_, &x, &y);
    glfwGetWindowSize(window_, &w, &h);
    const std::vector<Monitor> list = monitors();
    const int cx = x + w / 2, cy = y + h / 2;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Monitor& m = list[i];
        if (cx >= m.x && cx < m.x + m.width && cy >= m.y && cy < m.y + m.height) return static_cast<int>(i);
    }
    return -1;
}

void Window::toggle_fullscreen() {
    if (fullscreen_) {
        leave_fullscreen();
        return;
    }
    fullscreen_on(std::max(0, monitor_index()));
}

void Window::fullscreen_on(int index) {
    int count = 0;
    GLFWmonitor** list = glfwGetMonitors(&count);
    if (index < 0 || index >= count) return;
    GLFWmonitor* monitor = list[index];
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    if (!mode) return;
    if (!fullscreen_) {
        glfwGetWindowPos(window_, &saved_x_, &saved_y_);
        glfwGetWindowSize(window_, &saved_w_, &saved_h_);
    }
    glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    fullscreen_ = true;
}

void Window::leave_fullscreen() {
    if (!fullscreen_) return;
    glfwSetWindowMonitor(window_, nullptr, saved_x_, saved_y_, std::max(saved_w_, 320), std::max(saved_h_, 180), 0);
    fullscreen_ = false;
}

void Window::wait_events(double timeout_seconds) {
    if (timeout_seconds < 0)
        glfwWaitEvents();
    else
        glfwWaitEventsTimeout(timeout_seconds);
}

void Window::poll_events() { glfwPollEvents(); }
void Window::wake() { glfwPostEmptyEvent(); }

int Window::framebuffer_width() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return w;
}

int Window::framebuffer_height() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return h;
}

float Window::content_scale() const {
    int fw = 0, fh = 0, ww = 0, wh = 0;
    glfwGetFramebufferSize(window_, &fw, &fh);
    glfwGetWindowSize(window_, &ww, &wh);
    return ww > 0 ? static_cast<float>(fw) / static_cast<float>(ww) : 1.0f;
}

ImVec2 Window::display() const {
    const float scale = content_scale();
    return ImVec2(static_cast<float>(framebuffer_width()) / scale, static_cast<float>(framebuffer_height()) / scale);
}

void Window::new_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
}

void Window::render() {
    ImGui::Render();
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(0, 0, framebuffer_width(), framebuffer_height());
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

Image Window::read_back() const {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
    glReadBuffer(GL_BACK);
    return read_pixels(framebuffer_width(), framebuffer_height());
}

void Window::swap() { glfwSwapBuffers(window_); }

// [SECTION] Headless (EGL) -------------------------------------------------

struct Headless::Egl {
    EGLDisplay display = EGL_NO_DISPLAY;
    EGLContext context = EGL_NO_CONTEXT;

    Egl() {
        auto get_platform_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
            eglGetProcAddress("eglGetPlatformDisplayEXT"));
        if (!get_platform_display)
            throw std::runtime_error("EGL lacks eglGetPlatformDisplayEXT");
        display = get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
        EGLint major = 0, minor = 0;
        if (display == EGL_NO_DISPLAY || !eglInitialize(display, &major, &minor)) {
            display = first_device(get_platform_display);
            if (display == EGL_NO_DISPLAY || !eglInitialize(display, &major, &minor))
                throw std::runtime_error(
                    "cannot open a headless EGL display (neither Mesa's surfaceless platform "
                    "nor an EGL device)");
        }
        if (!eglBindAPI(EGL_OPENGL_API)) throw std::runtime_error("EGL cannot bind OpenGL");
        const EGLint config_attribs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE,
                                         EGL_PBUFFER_BIT, EGL_NONE};
        EGLConfig config = nullptr;
        EGLint count = 0;
        if (!eglChooseConfig(display, config_attribs, &config, 1, &count) || count < 1)
            config = nullptr;  // EGL_KHR_no_config_context
        const EGLint context_attribs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                                          EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                          EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
        context = eglCreateContext(display, config, EGL_NO_CONTEXT, context_attribs);
        if (context == EGL_NO_CONTEXT) {
            eglTerminate(display);
            throw std::runtime_error("cannot create an OpenGL 3.3 core context through EGL");
        }
        if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
            eglDestroyContext(display, context);
            eglTerminate(display);
            throw std::runtime_error("cannot make the EGL context current without a surface");
        }
    }

    static EGLDisplay first_device(PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display) {
        auto query_devices =
            reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
        if (!query_devices) return EGL_NO_DISPLAY;
        EGLDeviceEXT devices[8];
        EGLint count = 0;
        if (!query_devices(8, devices, &count) || count < 1) return EGL_NO_DISPLAY;
        return get_platform_display(EGL_PLATFORM_DEVICE_EXT, devices[0], nullptr);
    }

    ~Egl() {
        eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglDestroyContext(display, context);
        eglTerminate(display);
    }
};

Headless::Headless(int width, int height)
    : egl_(std::make_unique<Egl>()), width_(width), height_(height) {
    if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress)))
        throw std::runtime_error("cannot load OpenGL functions through EGL");
    glGenFramebuffers(1, &fbo_);
    glGenRenderbuffers(1, &color_);
    glBindRenderbuffer(GL_RENDERBUFFER, color_);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
        throw std::runtime_error("cannot create a " + std::to_string(width) + "x" +
                                 std::to_string(height) + " offscreen framebuffer");
    imgui_ = std::make_unique<ImGuiGuard>();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
    io.DisplayFramebufferScale = ImVec2(1, 1);
}

Headless::~Headless() {
    imgui_.reset();
    glDeleteFramebuffers(1, &fbo_);
    glDeleteRenderbuffers(1, &color_);
}

std::string Headless::renderer() const {
    const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    return name ? name : "unknown";
}

void Headless::activate() {
    eglMakeCurrent(egl_->display, EGL_NO_SURFACE, EGL_NO_SURFACE, egl_->context);
    ImGui::SetCurrentContext(imgui_->context());
}

void Headless::new_frame() {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60.0f;  // nothing here animates with ImGui's own clock
    io.DisplaySize = ImVec2(static_cast<float>(width_), static_cast<float>(height_));
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
}

void Headless::render() {
    ImGui::Render();
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glViewport(0, 0, width_, height_);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

Image Headless::read_back() const {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
    glReadBuffer(GL_COLOR_ATTACHMENT0);
    return read_pixels(width_, height_);
}

Image Headless::read_back_bottom_up() const {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
    glReadBuffer(GL_COLOR_ATTACHMENT0);
    return read_pixels(width_, height_, false);
}

}  // namespace livedeck::render
