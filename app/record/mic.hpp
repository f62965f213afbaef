// The talk's sound: a microphone that records into a crash-safe Matroska file
// on the session clock, and a reader that hands that audio back, packet by
// packet and without re-encoding, to the exporter.
//
// Capture is PulseAudio (also PipeWire's pulse server), 48 kHz mono float in
// 20 ms fragments; Opus at 32 kbit/s (libavcodec's "libopus", speech
// application; the native "opus" encoder where libopus is missing); Matroska
// clusters of at most 1 s, each flushed to the file as it closes, so a
// recording killed with -9 loses at most the last second and stays playable.
//
// Timestamps (session clock, 1/48000 s into the encoder; Matroska stores
// them in milliseconds): the first sample's time is when PulseAudio says it
// was captured: now minus the stream's latency from a timing update asked for
// at the first read (device buffer and transport; for a monitor source, when
// the sink plays it). Every later sample is counted from there, so the audio
// cannot wander with the reading thread's scheduling. After a pause or an
// overflow the next sample is timed afresh. Measured on a null sink's
// monitor: a tone whose paplay was started at t is heard at t + 12 ms, about
// 10 ms of which is paplay's own start (tests/mic_test.cpp); expect A/V
// within ~20 ms. Counting samples trusts the sound card's clock: one that
// runs N ppm off the system clock shifts the audio by N us per second
// recorded (typically well under 100 ms in an hour).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/rational.h>
}

namespace livedeck::record {

struct MicOptions {
    std::string source;                            // PulseAudio source name; empty: the default source
    std::filesystem::path path;                    // the file to write, e.g. DIR/audio.mka (Matroska)
    std::chrono::steady_clock::time_point origin;  // t = 0 of the session clock; no later than construction
};

// Records on its own thread from construction to destruction. Sound captured
// before `origin` is dropped, so the file's timestamps are never negative.
class Microphone {
public:
    // Connects (within 3 s), opens the source and the file, then starts. Throws
    // std::runtime_error with a readable message ("no PulseAudio server: ...",
    // "no such source 'x'", "cannot write ...") so the caller can warn and go
    // on without audio; nothing is left on disk when the server or source fails.
    explicit Microphone(MicOptions options);
    // Stops: a request, then a wait of at most 1 s for the file to be finished
    // (trailer, cues). Should the writer be stuck in the kernel (a hung disk),
    // the thread is left to finish on its own and the destructor returns.
    ~Microphone();
    Microphone(const Microphone&) = delete;
    Microphone& operator=(const Microphone&) = delete;

    // While paused, sound is read and dropped: the gap stays a gap in time.
    void set_paused(bool paused);
    // Non-empty once recording stopped by itself (disk full, server gone): why.
    std::string error() const;
    // Session-clock seconds at the end of the last packet handed to the file
    // (0 before); the newest second of it may still sit in the open cluster.
    double seconds_written() const;

    struct State;  // shared with the recording thread, which may outlive us

private:
    std::shared_ptr<State> state_;
    std::thread thread_;
};

// Reads back a recording's audio for muxing into an export, without
// re-encoding. Packets come with pts/dts in time_base() on the session clock
// (Matroska's time base is 1/1000: millisecond steps), with durations, and
// with the reader's own stream_index: set the output's before writing, and
// av_packet_rescale_ts to the output stream's time base. The parameters carry
// Opus's pre-skip (initial_padding, 312 samples), so the first packet's pts is
// 6.5 ms before the first sample heard; decoders and players skip it. MP4,
// Matroska and WebM take Opus as it is (FFmpeg 5.1, normal compliance); MOV
// refuses it at write_header although avformat_query_codec says yes.
class AudioReader {
public:
    explicit AudioReader(const std::filesystem::path& path);  // throws std::runtime_error naming the file
    ~AudioReader();
    AudioReader(AudioReader&&) noexcept;
    AudioReader& operator=(AudioReader&&) noexcept;

    const AVCodecParameters* parameters() const;  // for avformat_new_stream + avcodec_parameters_copy
    AVRational time_base() const;
    // The next packet, or false at the end or at a truncated tail (a file cut
    // short by kill -9 reads up to its last whole packet, never throws or
    // crashes). `packet` is unreferenced first; the caller owns what it holds.
    bool next(AVPacket* packet);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace livedeck::record
