// A video file written with libavcodec/libavformat: frames at exact times
// (only the frames that changed, each with its own timestamp), chapters,
// and an audio stream copied from a recording. MP4 gets its index at the
// front (faststart); every write is checked.
#pragma once

#include <cstdint>
#include <mutex>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "render/context.hpp"

struct AVPacket;

namespace livedeck::exporting {

struct Chapter {
    double start = 0;  // seconds of video
    std::string title;
};

struct EncoderOptions {
    std::filesystem::path output;  // .mp4, .mkv or .webm
    int width = 1920, height = 1080;
    int fps = 30;                  // the grid frames are placed on, and the rate players are told
    // Audio to copy in (a recording's audio.mka), shifted by `audio_offset`
    // seconds (session time to video time); none when empty.
    std::filesystem::path audio;
    double audio_offset = 0;
    // Chapters (in order) and the video's length: MP4 needs them before its
    // header. When they are not known yet, frames are encoded all the same
    // and wait in memory (a few MB) until begin() gives them.
    std::vector<Chapter> chapters;
    double duration = 0;
    bool chapters_known = true;
};

class Encoder {
public:
    // Opens the file and the encoder. Throws std::runtime_error with a
    // message naming the file when it cannot.
    explicit Encoder(const EncoderOptions& options);
    ~Encoder();
    Encoder(const Encoder&) = delete;
    Encoder& operator=(const Encoder&) = delete;

    // A frame shown from `seconds` on (strictly after the last one's time).
    // `keyframe`: seekable from here. The frame is converted and encoded on
    // the encoder's own thread while the caller renders the next one; an
    // error there comes back from a later add() or from finish().
    // The frame is shared, not copied: a repeat is the same one again.
    void add(std::shared_ptr<const render::Image> frame, double seconds, bool keyframe);
    // The chapters and length, once known (see EncoderOptions::chapters_known):
    // writes the header and what was encoded so far.
    void begin(std::vector<Chapter> chapters, double duration);
    // Flushes the encoder, copies the audio up to `end` seconds, writes the
    // chapters and the index. The file lasts until `end`.
    void finish(double end);
    // Whether the audio file was there and readable (a warning otherwise).
    const std::string& audio_warning() const { return audio_warning_; }

private:
    void encode(const render::Image& frame, std::int64_t pts, bool keyframe);  // the encoder thread
    void work();
    void write_video(AVPacket* packet);  // or keep it until the header is out
    void write_header();

    struct Av;
    std::unique_ptr<Av> av_;
    struct Queue;
    std::unique_ptr<Queue> queue_;
    EncoderOptions options_;
    std::string audio_warning_;
    double last_ = -1;
    bool finished_ = false;
};

// "mp4", "mkv" or "webm" for a path with one of those extensions.
std::optional<std::string> video_kind(const std::filesystem::path& path);

}  // namespace livedeck::exporting
