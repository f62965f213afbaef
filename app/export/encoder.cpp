#include "export/encoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace livedeck::exporting {

namespace {

std::string av_error(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buffer, sizeof buffer);
    return buffer;
}

}  // namespace

std::optional<std::string> video_kind(const std::filesystem::path& path) {
    const std::string ext = path.extension().string();
    if (ext == ".mp4") return "mp4";
    if (ext == ".mkv") return "mkv";
    if (ext == ".webm") return "webm";
    return std::nullopt;
}

// Frames waiting for the encoder thread: a few at most, so memory stays
// bounded and the renderer waits when the encoder falls behind.
struct Encoder::Queue {
    struct Item {
        std::shared_ptr<const render::Image> image;
        std::int64_t pts;
        bool keyframe;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Item> items;
    bool closed = false;
    std::exception_ptr error;
    std::thread worker;
};

struct Encoder::Av {
    AVFormatContext* format = nullptr;
    AVCodecContext* video = nullptr;
    AVStream* video_stream = nullptr;
    AVFrame* frame = nullptr;
    AVFrame* rgba = nullptr;  // wraps the image being converted (not owned data)
    AVPacket* packet = nullptr;
    SwsContext* sws = nullptr;
    // Audio copied from the recording.
    AVFormatContext* audio_in = nullptr;
    int audio_index = -1;
    AVStream* audio_stream = nullptr;
    bool header_written = false;
    std::mutex write;                // the header and packets: the encoder thread and begin()
    std::vector<AVPacket*> pending;  // encoded before the header could go out (codec time base)

    ~Av() {
        for (AVPacket*& p : pending) av_packet_free(&p);
        sws_freeContext(sws);
        av_packet_free(&packet);
        av_frame_free(&frame);
        if (rgba) rgba->data[0] = nullptr;
        av_frame_free(&rgba);
        avcodec_free_context(&video);
        if (audio_in) avformat_close_input(&audio_in);
        if (format) {
            if (format->pb) avio_closep(&format->pb);
            avformat_free_context(format);
        }
    }
};

Encoder::Encoder(const EncoderOptions& options) : av_(std::make_unique<Av>()), options_(options) {
    av_log_set_level(AV_LOG_ERROR);  // the encoders' chatter is not ours to print
    const std::string path = options.output.string();
    const auto kind = video_kind(options.output);
    if (!kind) throw std::runtime_error(path + ": not a video file name (.mp4, .mkv or .webm)");
    const char* muxer = *kind == "mp4" ? "mp4" : *kind == "mkv" ? "matroska" : "webm";
    if (int e = avformat_alloc_output_context2(&av_->format, nullptr, muxer, path.c_str()); e < 0)
        throw std::runtime_error("cannot make a " + *kind + " file: " + av_error(e));

    // Video: H.264 for MP4 and MKV, VP9 for WebM.
    const AVCodec* codec = avcodec_find_encoder_by_name(*kind == "webm" ? "libvpx-vp9" : "libx264");
    if (!codec) throw std::runtime_error(std::string("this libavcodec has no ") + (*kind == "webm" ? "VP9" : "H.264") +
                                         " encoder");
    av_->video = avcodec_alloc_context3(codec);
    AVCodecContext* c = av_->video;
    c->width = options.width;
    c->height = options.height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = AVRational{1, 1000};  // milliseconds: each frame at its own time
    c->framerate = AVRational{options.fps, 1};
    c->gop_size = options.fps * 20;      // keyframes come where asked (every <= 10 s) and at slide changes
    c->max_b_frames = 0;
    if (av_->format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary* opts = nullptr;
    if (*kind == "webm") {
        av_dict_set(&opts, "deadline", "realtime", 0);
        av_dict_set(&opts, "cpu-used", "8", 0);
        av_dict_set(&opts, "row-mt", "1", 0);
        av_dict_set(&opts, "crf", "32", 0);
        c->bit_rate = 0;
    } else {
        av_dict_set(&opts, "preset", "veryfast", 0);
        av_dict_set(&opts, "tune", "stillimage", 0);
        av_dict_set(&opts, "crf", "23", 0);
        av_dict_set(&opts, "forced-idr", "1", 0);
    }
    const int opened = avcodec_open2(c, codec, &opts);
    av_dict_free(&opts);
    if (opened < 0) throw std::runtime_error("cannot open the video encoder: " + av_error(opened));
    av_->video_stream = avformat_new_stream(av_->format, nullptr);
    av_->video_stream->time_base = c->time_base;
    avcodec_parameters_from_context(av_->video_stream->codecpar, c);

    // Audio: the recording's packets, copied as they are.
    if (!options.audio.empty()) {
        if (std::filesystem::exists(options.audio) &&
            avformat_open_input(&av_->audio_in, options.audio.c_str(), nullptr, nullptr) >= 0 &&
            avformat_find_stream_info(av_->audio_in, nullptr) >= 0) {
            av_->audio_index = av_find_best_stream(av_->audio_in, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
            if (av_->audio_index >= 0 &&
                avformat_query_codec(av_->format->oformat,
                                     av_->audio_in->streams[av_->audio_index]->codecpar->codec_id,
                                     FF_COMPLIANCE_NORMAL) == 1) {
                av_->audio_stream = avformat_new_stream(av_->format, nullptr);
                avcodec_parameters_copy(av_->audio_stream->codecpar, av_->audio_in->streams[av_->audio_index]->codecpar);
                av_->audio_stream->codecpar->codec_tag = 0;
                av_->audio_stream->time_base = av_->audio_in->streams[av_->audio_index]->time_base;
            } else {
                audio_warning_ = options.audio.string() + ": its audio cannot go into a " + *kind + " file";
            }
        } else {
            audio_warning_ = options.audio.string() + ": no readable audio; the video has none";
        }
        if (!av_->audio_stream && av_->audio_in) avformat_close_input(&av_->audio_in);
    }

    if (int e = avio_open(&av_->format->pb, path.c_str(), AVIO_FLAG_WRITE); e < 0)
        throw std::runtime_error("cannot write " + path + ": " + av_error(e));
    av_->frame = av_frame_alloc();
    av_->frame->format = c->pix_fmt;
    av_->frame->width = c->width;
    av_->frame->height = c->height;
    if (av_frame_get_buffer(av_->frame, 0) < 0) throw std::runtime_error("out of memory for a video frame");
    av_->packet = av_packet_alloc();
    // RGBA to YUV is the costliest step after drawing (~9 ms a 1080p frame on
    // one core): swscale's own threads split it.
    av_->sws = sws_alloc_context();
    if (av_->sws) {
        av_opt_set_int(av_->sws, "srcw", c->width, 0);
        av_opt_set_int(av_->sws, "srch", c->height, 0);
        av_opt_set_pixel_fmt(av_->sws, "src_format", AV_PIX_FMT_RGBA, 0);
        av_opt_set_int(av_->sws, "dstw", c->width, 0);
        av_opt_set_int(av_->sws, "dsth", c->height, 0);
        av_opt_set_pixel_fmt(av_->sws, "dst_format", AV_PIX_FMT_YUV420P, 0);
        av_opt_set_int(av_->sws, "sws_flags", SWS_POINT, 0);
        av_opt_set_int(av_->sws, "threads", 0, 0);  // as many as there are cores
        if (sws_init_context(av_->sws, nullptr, nullptr) < 0) {
            sws_freeContext(av_->sws);
            av_->sws = nullptr;
        }
    }
    if (!av_->sws) throw std::runtime_error("cannot convert RGBA to YUV");
    av_->rgba = av_frame_alloc();
    av_->rgba->format = AV_PIX_FMT_RGBA;
    av_->rgba->width = c->width;
    av_->rgba->height = c->height;
    queue_ = std::make_unique<Queue>();
    queue_->worker = std::thread([this] { work(); });
}

Encoder::~Encoder() {
    {
        std::lock_guard lock(queue_->mutex);
        queue_->closed = true;
        queue_->items.clear();  // an export given up: nothing more to encode
    }
    queue_->changed.notify_all();
    if (queue_->worker.joinable()) queue_->worker.join();
}

void Encoder::work() {
    for (;;) {
        Queue::Item item;
        {
            std::unique_lock lock(queue_->mutex);
            queue_->changed.wait(lock, [&] { return queue_->closed || !queue_->items.empty(); });
            if (queue_->items.empty()) return;  // closed and drained
            item = std::move(queue_->items.front());
            queue_->items.pop_front();
        }
        queue_->changed.notify_all();
        try {
            encode(*item.image, item.pts, item.keyframe);
        } catch (...) {
            std::lock_guard lock(queue_->mutex);
            queue_->error = std::current_exception();
            queue_->closed = true;
            queue_->items.clear();
            queue_->changed.notify_all();
            return;
        }
    }
}

namespace {

// Hands every packet the encoder has ready to `write`.
template <typename Write>
void drain(AVCodecContext* c, AVPacket* packet, Write write) {
    for (;;) {
        const int e = avcodec_receive_packet(c, packet);
        if (e == AVERROR(EAGAIN) || e == AVERROR_EOF) return;
        if (e < 0) throw std::runtime_error("video encoder: " + av_error(e));
        write(packet);
    }
}

}  // namespace

void Encoder::write_header() {
    // Chapters: each until the next one, the last until the end.
    const std::vector<Chapter>& chapters = options_.chapters;
    for (std::size_t i = 0; i < chapters.size(); ++i) {
        const double from = chapters[i].start;
        const double to = i + 1 < chapters.size() ? chapters[i + 1].start : options_.duration;
        if (to <= from) continue;
        auto* ch = static_cast<AVChapter*>(av_mallocz(sizeof(AVChapter)));
        ch->id = static_cast<std::int64_t>(i + 1);
        ch->time_base = AVRational{1, 1000};
        ch->start = std::llround(from * 1000);
        ch->end = std::llround(to * 1000);
        av_dict_set(&ch->metadata, "title", chapters[i].title.c_str(), 0);
        av_dynarray_add(&av_->format->chapters, reinterpret_cast<int*>(&av_->format->nb_chapters), ch);
    }
    AVDictionary* opts = nullptr;
    if (video_kind(options_.output) == "mp4") av_dict_set(&opts, "movflags", "+faststart", 0);
    const int e = avformat_write_header(av_->format, &opts);
    av_dict_free(&opts);
    if (e < 0) throw std::runtime_error("cannot write " + options_.output.string() + ": " + av_error(e));
    av_->header_written = true;
    for (AVPacket*& p : av_->pending) {
        write_video(p);
        av_packet_free(&p);
    }
    av_->pending.clear();
}

void Encoder::write_video(AVPacket* packet) {
    if (!av_->header_written) {
        av_->pending.push_back(av_packet_clone(packet));
        return;
    }
    av_packet_rescale_ts(packet, av_->video->time_base, av_->video_stream->time_base);
    packet->stream_index = av_->video_stream->index;
    if (const int w = av_interleaved_write_frame(av_->format, packet); w < 0)
        throw std::runtime_error("cannot write " + options_.output.string() + ": " + av_error(w));
}

void Encoder::begin(std::vector<Chapter> chapters, double duration) {
    std::lock_guard lock(av_->write);
    if (av_->header_written) return;
    options_.chapters = std::move(chapters);
    options_.duration = duration;
    write_header();
}

void Encoder::add(std::shared_ptr<const render::Image> frame, double seconds, bool keyframe) {
    if (finished_) return;
    if (options_.chapters_known && !av_->header_written) begin(options_.chapters, options_.duration);
    const std::int64_t pts = std::llround(seconds * 1000);
    if (pts <= std::llround(last_ * 1000)) return;  // one frame a millisecond at most
    last_ = seconds;
    std::unique_lock lock(queue_->mutex);
    queue_->changed.wait(lock, [&] { return queue_->items.size() < 3 || queue_->error; });
    if (queue_->error) std::rethrow_exception(queue_->error);
    queue_->items.push_back({std::move(frame), pts, keyframe});
    lock.unlock();
    queue_->changed.notify_all();
}

void Encoder::encode(const render::Image& image, std::int64_t pts, bool keyframe) {
    if (av_frame_make_writable(av_->frame) < 0) throw std::runtime_error("out of memory for a video frame");
    // GL's rows come bottom first: start at the last and step back.
    const int row = image.width * 4;
    uint8_t* pixels = const_cast<uint8_t*>(image.rgba.data());
    av_->rgba->data[0] = image.bottom_up ? pixels + static_cast<std::ptrdiff_t>(row) * (image.height - 1) : pixels;
    av_->rgba->linesize[0] = image.bottom_up ? -row : row;
    if (const int e = sws_scale_frame(av_->sws, av_->frame, av_->rgba); e < 0)
        throw std::runtime_error("cannot convert a frame to YUV: " + av_error(e));
    av_->frame->pts = pts;
    av_->frame->pict_type = keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    if (const int e = avcodec_send_frame(av_->video, av_->frame); e < 0)
        throw std::runtime_error("video encoder: " + av_error(e));
    drain(av_->video, av_->packet, [&](AVPacket* p) {
        std::lock_guard lock(av_->write);
        write_video(p);
    });
}

void Encoder::finish(double end) {
    if (finished_) return;
    finished_ = true;
    const std::string path = options_.output.string();
    {
        std::lock_guard lock(queue_->mutex);
        queue_->closed = true;  // the worker encodes what is queued, then ends
    }
    queue_->changed.notify_all();
    queue_->worker.join();
    if (queue_->error) std::rethrow_exception(queue_->error);
    if (last_ < 0) throw std::runtime_error("no frame to write into " + path);
    if (!av_->header_written) {  // cut short before the chapters were known: those so far, until here
        options_.duration = end;
        while (!options_.chapters.empty() && options_.chapters.back().start >= end) options_.chapters.pop_back();
        write_header();
    }
    avcodec_send_frame(av_->video, nullptr);
    drain(av_->video, av_->packet, [&](AVPacket* p) { write_video(p); });
    // The audio, shifted onto the video's time and cut at its end.
    if (av_->audio_stream) {
        AVStream* in = av_->audio_in->streams[av_->audio_index];
        const std::int64_t shift = std::llround(options_.audio_offset / av_q2d(in->time_base));
        const std::int64_t stop = std::llround(end / av_q2d(in->time_base));
        while (av_read_frame(av_->audio_in, av_->packet) >= 0) {
            if (av_->packet->stream_index != av_->audio_index) {
                av_packet_unref(av_->packet);
                continue;
            }
            if (av_->packet->pts != AV_NOPTS_VALUE) av_->packet->pts -= shift;
            if (av_->packet->dts != AV_NOPTS_VALUE) av_->packet->dts -= shift;
            const std::int64_t at = av_->packet->pts != AV_NOPTS_VALUE ? av_->packet->pts : av_->packet->dts;
            if (at < 0 || at > stop) {  // before the recording's start, or after its end
                av_packet_unref(av_->packet);
                continue;
            }
            av_packet_rescale_ts(av_->packet, in->time_base, av_->audio_stream->time_base);
            av_->packet->stream_index = av_->audio_stream->index;
            av_->packet->pos = -1;
            if (const int w = av_interleaved_write_frame(av_->format, av_->packet); w < 0)
                throw std::runtime_error("cannot write " + path + ": " + av_error(w));
        }
    }
    if (const int e = av_write_trailer(av_->format); e < 0)
        throw std::runtime_error("cannot finish " + path + ": " + av_error(e));
    if (av_->format->pb && av_->format->pb->error < 0)
        throw std::runtime_error("cannot write " + path + ": " + av_error(av_->format->pb->error));
    if (const int e = avio_closep(&av_->format->pb); e < 0)
        throw std::runtime_error("cannot write " + path + ": " + av_error(e));
}

}  // namespace livedeck::exporting
