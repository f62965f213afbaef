// The microphone and the audio reader (see mic.hpp for the contract).
//
// Index
//   [SECTION] Owners and messages
//   [SECTION] Recording state
//   [SECTION] PulseAudio: connecting
//   [SECTION] Encoding and writing
//   [SECTION] The recording thread
//   [SECTION] Microphone
//   [SECTION] AudioReader
#include "record/mic.hpp"

#include <pulse/pulseaudio.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

namespace livedeck::record {
namespace {

// [SECTION] Owners and messages --------------------------------------------------

constexpr int kRate = 48000;
constexpr int kBitRate = 32000;
constexpr pa_usec_t kFragmentUs = 20000;                       // one read's worth
constexpr auto kConnectLimit = std::chrono::seconds(3);
constexpr auto kStopLimit = std::chrono::seconds(1);
constexpr auto kTimingLimit = std::chrono::milliseconds(200);  // waiting for fresh timing, at most

struct MainloopFree { void operator()(pa_mainloop* m) const { pa_mainloop_free(m); } };
struct ContextFree {
    void operator()(pa_context* c) const {
        pa_context_disconnect(c);
        pa_context_unref(c);
    }
};
struct StreamFree {
    void operator()(pa_stream* s) const {
        if (pa_stream_get_state(s) == PA_STREAM_READY) pa_stream_disconnect(s);
        pa_stream_unref(s);
    }
};
struct CodecFree { void operator()(AVCodecContext* c) const { avcodec_free_context(&c); } };
struct FrameFree { void operator()(AVFrame* f) const { av_frame_free(&f); } };
struct PacketFree { void operator()(AVPacket* p) const { av_packet_free(&p); } };
struct OutputFree {
    void operator()(AVFormatContext* f) const {
        if (f->pb) avio_closep(&f->pb);
        avformat_free_context(f);
    }
};
struct InputFree { void operator()(AVFormatContext* f) const { avformat_close_input(&f); } };

std::string av_message(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

std::string context_message(pa_context* c) { return pa_strerror(pa_context_errno(c)); }

// Session-clock samples (1/kRate) of a steady_clock duration.
int64_t to_samples(std::chrono::steady_clock::duration d) {
    return av_rescale(std::chrono::duration_cast<std::chrono::microseconds>(d).count(), kRate, 1000000);
}

}  // namespace

// [SECTION] Recording state ------------------------------------------------------

// Everything the recording thread touches. The constructor builds it on the
// caller's thread; from then on only the recording thread uses the PulseAudio
// and FFmpeg objects. The atomics and `mutex` are what the two share.
struct Microphone::State {
    MicOptions options;
    std::string source_label;  // for messages: the name, or "(default)"

    // Declared in the order they are built, so they are freed in reverse.
    std::unique_ptr<pa_mainloop, MainloopFree> loop;
    std::unique_ptr<pa_context, ContextFree> context;
    std::unique_ptr<pa_stream, StreamFree> stream;
    std::unique_ptr<AVCodecContext, CodecFree> encoder;
    std::unique_ptr<AVFrame, FrameFree> frame;
    std::unique_ptr<AVPacket, PacketFree> packet;
    std::unique_ptr<AVFormatContext, OutputFree> file;

    std::vector<float> pending;  // captured samples not yet encoded
    int64_t pending_pts = 0;     // session time of pending[0], in 1/kRate
    int64_t fed_end = 0;         // session time just after the last sample encoded
    bool timed = false;          // whether pending_pts holds (false: time the next fragment afresh)
    std::optional<std::chrono::steady_clock::time_point> timing_asked;  // when fresh timing was requested
    bool failed = false;         // recording thread only: stop at the next turn
    bool writer_broken = false;  // the encoder or the file failed: finish without them

    std::atomic<bool> stop_requested{false};
    std::atomic<bool> paused{false};
    std::atomic<double> seconds_written{0.0};
    mutable std::mutex mutex;
    std::condition_variable finished_changed;
    bool finished = false;  // guarded by mutex
    std::string error;      // guarded by mutex

    void fail(const std::string& why) {
        {
            std::lock_guard lock(mutex);
            if (error.empty()) error = why;
        }
        failed = true;
        pa_mainloop_quit(loop.get(), 1);
    }

    void connect();
    void open_encoder();
    void open_file();
    void take(const void* data, std::size_t bytes);
    void time_pending(std::optional<std::chrono::microseconds> latency);
    void encode_pending();
    void encode(std::size_t samples);
    void drain();
    void run();
    void finish();
};

// [SECTION] PulseAudio: connecting -----------------------------------------------

namespace {

// Runs the loop until `done` says so or the deadline passes (false then).
template <class Done>
bool iterate_until(pa_mainloop* loop, std::chrono::steady_clock::time_point deadline, Done done) {
    while (!done()) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return false;
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
        if (pa_mainloop_prepare(loop, static_cast<int>(std::min<int64_t>(us, 100000))) < 0 ||
            pa_mainloop_poll(loop) < 0 || pa_mainloop_dispatch(loop) < 0)
            return false;
    }
    return true;
}

void on_read(pa_stream* s, std::size_t, void* userdata) {
    auto& state = *static_cast<Microphone::State*>(userdata);
    while (!state.failed) {
        const void* data = nullptr;
        std::size_t bytes = 0;
        if (pa_stream_peek(s, &data, &bytes) < 0) {
            state.fail("reading from PulseAudio failed: " + context_message(state.context.get()));
            return;
        }
        if (bytes == 0) return;  // nothing more buffered
        state.take(data, bytes);
        pa_stream_drop(s);
    }
}

void on_timing(pa_stream* s, int success, void* userdata) {
    auto& state = *static_cast<Microphone::State*>(userdata);
    if (state.timed || !state.timing_asked || state.failed) return;  // paused meanwhile, or timed already
    pa_usec_t latency = 0;
    int negative = 0;
    if (!success || pa_stream_get_latency(s, &latency, &negative) < 0) return;  // the time limit will do
    const auto us = std::chrono::microseconds(static_cast<int64_t>(latency));
    state.time_pending(negative ? -us : us);
    state.encode_pending();
}

void on_overflow(pa_stream*, void* userdata) {
    static_cast<Microphone::State*>(userdata)->timed = false;  // samples were lost: time afresh
}

void on_stream_state(pa_stream* s, void* userdata) {
    auto& state = *static_cast<Microphone::State*>(userdata);
    const pa_stream_state_t now = pa_stream_get_state(s);
    if ((now == PA_STREAM_FAILED || now == PA_STREAM_TERMINATED) && !state.stop_requested)
        state.fail("recording from source " + state.source_label + " stopped: " + context_message(state.context.get()));
}

void on_context_state(pa_context* c, void* userdata) {
    auto& state = *static_cast<Microphone::State*>(userdata);
    const pa_context_state_t now = pa_context_get_state(c);
    if ((now == PA_CONTEXT_FAILED || now == PA_CONTEXT_TERMINATED) && !state.stop_requested)
        state.fail("PulseAudio connection lost: " + context_message(c));
}

}  // namespace

void Microphone::State::connect() {
    loop.reset(pa_mainloop_new());
    if (!loop) throw std::runtime_error("no PulseAudio server: cannot create a main loop");
    context.reset(pa_context_new(pa_mainloop_get_api(loop.get()), "livedeck"));
    if (!context) throw std::runtime_error("no PulseAudio server: cannot create a context");

    const auto deadline = std::chrono::steady_clock::now() + kConnectLimit;
    pa_context* c = context.get();
    if (pa_context_connect(c, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) < 0)
        throw std::runtime_error("no PulseAudio server: " + context_message(c));
    const bool settled = iterate_until(loop.get(), deadline, [c] {
        const pa_context_state_t s = pa_context_get_state(c);
        return s == PA_CONTEXT_READY || !PA_CONTEXT_IS_GOOD(s);
    });
    if (!settled) throw std::runtime_error("no PulseAudio server: no answer within 3 s");
    if (pa_context_get_state(c) != PA_CONTEXT_READY)
        throw std::runtime_error("no PulseAudio server: " + context_message(c));

    const pa_sample_spec spec{PA_SAMPLE_FLOAT32NE, kRate, 1};
    stream.reset(pa_stream_new(c, "livedeck microphone", &spec, nullptr));
    if (!stream) throw std::runtime_error("cannot record from PulseAudio: " + context_message(c));
    pa_stream* s = stream.get();
    pa_buffer_attr attr;
    attr.maxlength = static_cast<uint32_t>(-1);
    attr.tlength = attr.prebuf = attr.minreq = static_cast<uint32_t>(-1);
    attr.fragsize = static_cast<uint32_t>(pa_usec_to_bytes(kFragmentUs, &spec));
    const auto flags = static_cast<pa_stream_flags_t>(PA_STREAM_ADJUST_LATENCY | PA_STREAM_INTERPOLATE_TIMING |
                                                      PA_STREAM_AUTO_TIMING_UPDATE);
    const char* device = options.source.empty() ? nullptr : options.source.c_str();
    if (pa_stream_connect_record(s, device, &attr, flags) < 0)
        throw std::runtime_error("cannot record from source " + source_label + ": " + context_message(c));
    const bool ready = iterate_until(loop.get(), deadline, [s] {
        const pa_stream_state_t st = pa_stream_get_state(s);
        return st == PA_STREAM_READY || !PA_STREAM_IS_GOOD(st);
    });
    if (!ready) throw std::runtime_error("cannot record from source " + source_label + ": no answer within 3 s");
    if (pa_stream_get_state(s) != PA_STREAM_READY) {
        if (pa_context_errno(c) == PA_ERR_NOENTITY) throw std::runtime_error("no such source '" + options.source + "'");
        throw std::runtime_error("cannot record from source " + source_label + ": " + context_message(c));
    }
}

// [SECTION] Encoding and writing -------------------------------------------------

void Microphone::State::open_encoder() {
    const AVCodec* codec = avcodec_find_encoder_by_name("libopus");
    if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_OPUS);  // the native encoder (experimental)
    if (!codec) throw std::runtime_error("cannot record: this FFmpeg has no Opus encoder");
    encoder.reset(avcodec_alloc_context3(codec));
    if (!encoder) throw std::runtime_error("cannot record: out of memory");
    AVCodecContext* e = encoder.get();
    // Mono float: the packed and the planar layout are the same bytes, so
    // either encoder takes the capture as it comes.
    e->sample_fmt = AV_SAMPLE_FMT_FLTP;
    for (const AVSampleFormat* f = codec->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; ++f)
        if (*f == AV_SAMPLE_FMT_FLT) e->sample_fmt = AV_SAMPLE_FMT_FLT;
    e->sample_rate = kRate;
    av_channel_layout_default(&e->ch_layout, 1);
    e->bit_rate = kBitRate;
    e->time_base = AVRational{1, kRate};
    e->strict_std_compliance = FF_COMPLIANCE_EXPERIMENTAL;
    e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // Matroska wants OpusHead as CodecPrivate
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "application", "voip", 0);  // libopus's speech mode; others ignore it
    const int opened = avcodec_open2(e, codec, &opts);
    av_dict_free(&opts);
    if (opened < 0) throw std::runtime_error("cannot open the Opus encoder: " + av_message(opened));
    if (e->frame_size <= 0) e->frame_size = kRate / 50;

    frame.reset(av_frame_alloc());
    packet.reset(av_packet_alloc());
    if (!frame || !packet) throw std::runtime_error("cannot record: out of memory");
    frame->format = e->sample_fmt;
    frame->sample_rate = kRate;
    frame->nb_samples = e->frame_size;
    av_channel_layout_default(&frame->ch_layout, 1);
    if (const int r = av_frame_get_buffer(frame.get(), 0); r < 0)
        throw std::runtime_error("cannot record: " + av_message(r));
}

void Microphone::State::open_file() {
    const std::string name = options.path.string();
    AVFormatContext* raw = nullptr;
    if (const int r = avformat_alloc_output_context2(&raw, nullptr, "matroska", name.c_str()); r < 0)
        throw std::runtime_error("cannot write " + name + ": " + av_message(r));
    file.reset(raw);
    AVStream* out = avformat_new_stream(raw, nullptr);
    if (!out) throw std::runtime_error("cannot write " + name + ": out of memory");
    if (const int r = avcodec_parameters_from_context(out->codecpar, encoder.get()); r < 0)
        throw std::runtime_error("cannot write " + name + ": " + av_message(r));
    out->time_base = encoder->time_base;
    if (const int r = avio_open(&raw->pb, name.c_str(), AVIO_FLAG_WRITE); r < 0)
        throw std::runtime_error("cannot write " + name + ": " + av_message(r));
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "flush_packets", "1", 0);         // hand each closed cluster to the kernel at once
    av_dict_set(&opts, "cluster_time_limit", "1000", 0);  // so kill -9 loses at most the last second
    int r = avformat_write_header(raw, &opts);
    av_dict_free(&opts);
    if (r >= 0) {
        avio_flush(raw->pb);
        r = raw->pb->error;
    }
    if (r < 0) {
        file.reset();
        // Leave no half header behind; but only a file we may have made,
        // never a device such as /dev/full.
        std::error_code ignored;
        if (std::filesystem::is_regular_file(options.path, ignored)) std::filesystem::remove(options.path, ignored);
        throw std::runtime_error("cannot write " + name + ": " + av_message(r));
    }
}

// Appends what one read brought (nullptr: a hole of that many bytes) and
// encodes every whole frame once the samples are timed.
void Microphone::State::take(const void* data, std::size_t bytes) {
    if (paused) {
        pending.clear();
        timed = false;
        timing_asked.reset();
        return;
    }
    const std::size_t count = bytes / sizeof(float);
    if (!timed && !timing_asked) {
        // Time the first sample from fresh timing, not from what the
        // stream learnt when it was made (a sink may have buffered ahead
        // then). Until the answer comes (one round trip), samples wait here.
        pending.clear();
        timing_asked = std::chrono::steady_clock::now();
        if (pa_operation* o = pa_stream_update_timing_info(stream.get(), on_timing, this)) pa_operation_unref(o);
    }
    if (data)
        pending.insert(pending.end(), static_cast<const float*>(data), static_cast<const float*>(data) + count);
    else
        pending.insert(pending.end(), count, 0.0f);
    if (!timed && std::chrono::steady_clock::now() - *timing_asked > kTimingLimit) time_pending(std::nullopt);
    if (timed) encode_pending();
}

// Sets the session time of pending[0]. `latency` is PulseAudio's, fresh:
// how long ago the sample just after pending.back() was captured (the read
// index counts what was dropped, and everything in `pending` was). Without
// it, the last sample is taken as captured now.
void Microphone::State::time_pending(std::optional<std::chrono::microseconds> latency) {
    const auto captured_end = std::chrono::steady_clock::now() - latency.value_or(std::chrono::microseconds(0));
    pending_pts = std::max(to_samples(captured_end - options.origin) - static_cast<int64_t>(pending.size()), fed_end);
    timed = true;
    timing_asked.reset();
}

// Encodes every whole frame in `pending`; sound from before the session began is dropped.
void Microphone::State::encode_pending() {
    if (pending_pts < 0) {
        const auto early = std::min<int64_t>(-pending_pts, static_cast<int64_t>(pending.size()));
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(early));
        pending_pts += early;
    }
    const auto whole = static_cast<std::size_t>(encoder->frame_size);
    std::size_t used = 0;
    while (!writer_broken && pending.size() - used >= whole) {
        std::copy_n(pending.data() + used, whole, reinterpret_cast<float*>(frame->data[0]));
        used += whole;
        encode(whole);
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
}

// Encodes the `samples` at the front of `frame` (already copied in), timed at pending_pts.
void Microphone::State::encode(std::size_t samples) {
    frame->nb_samples = static_cast<int>(samples);
    frame->pts = pending_pts;
    pending_pts += static_cast<int64_t>(samples);
    fed_end = pending_pts;
    if (const int r = avcodec_send_frame(encoder.get(), frame.get()); r < 0) {
        writer_broken = true;
        return fail("encoding failed: " + av_message(r));
    }
    drain();
    // The encoder may still hold a reference to the buffer we fill next.
    if (const int r = av_frame_make_writable(frame.get()); r < 0) {
        writer_broken = true;
        fail("encoding failed: " + av_message(r));
    }
}

// Writes every packet the encoder has ready.
void Microphone::State::drain() {
    AVPacket* p = packet.get();
    AVFormatContext* f = file.get();
    for (;;) {
        const int got = avcodec_receive_packet(encoder.get(), p);
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
        if (got < 0) {
            writer_broken = true;
            return fail("encoding failed: " + av_message(got));
        }
        const double end = static_cast<double>(p->pts + p->duration) / kRate;
        p->stream_index = 0;
        av_packet_rescale_ts(p, encoder->time_base, f->streams[0]->time_base);
        const int wrote = av_write_frame(f, p);  // takes no reference; we unref below
        av_packet_unref(p);
        const int status = wrote < 0 ? wrote : f->pb->error;
        if (status < 0) {
            writer_broken = true;
            return fail("cannot write " + options.path.string() + ": " + av_message(status));
        }
        seconds_written = end;
    }
}

// [SECTION] The recording thread ------------------------------------------------

void Microphone::State::run() {
    if (!PA_CONTEXT_IS_GOOD(pa_context_get_state(context.get())))  // lost before the callbacks were set
        fail("PulseAudio connection lost: " + context_message(context.get()));
    while (!stop_requested && !failed)
        if (pa_mainloop_iterate(loop.get(), 1, nullptr) < 0) break;  // quit by fail(), or the loop broke
    finish();
}

// Encodes what is left, finishes the file, and tells the destructor.
void Microphone::State::finish() {
    pa_context_set_state_callback(context.get(), nullptr, nullptr);  // what follows is no news
    pa_stream_set_state_callback(stream.get(), nullptr, nullptr);
    pa_stream_set_read_callback(stream.get(), nullptr, nullptr);
    stream.reset();  // no more reads
    const bool short_last = encoder->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
    if (!writer_broken && timed && !pending.empty() && short_last) {
        const std::size_t n = std::min(pending.size(), static_cast<std::size_t>(encoder->frame_size));
        std::copy_n(pending.data(), n, reinterpret_cast<float*>(frame->data[0]));
        encode(n);
    }
    pending.clear();
    if (!writer_broken && avcodec_send_frame(encoder.get(), nullptr) == 0) drain();
    // Even after a write error, try to close the file properly: what is on
    // disk stays readable either way. (After a requested stop, nobody reads
    // error() any more; a failure here loses at most the cues.)
    if (const int r = av_write_trailer(file.get()); r < 0)
        fail("cannot write " + options.path.string() + ": " + av_message(r));
    if (const int r = avio_closep(&file->pb); r < 0)
        fail("cannot write " + options.path.string() + ": " + av_message(r));
    context.reset();
    {
        std::lock_guard lock(mutex);
        finished = true;
    }
    finished_changed.notify_all();
}

// [SECTION] Microphone ------------------------------------------------------------

Microphone::Microphone(MicOptions options) : state_(std::make_shared<State>()) {
    State& s = *state_;
    s.options = std::move(options);
    s.source_label = s.options.source.empty() ? "(default)" : "'" + s.options.source + "'";
    s.open_encoder();
    s.connect();
    s.open_file();
    // Callbacks only now: a throw above frees everything without calling back.
    pa_stream_set_state_callback(s.stream.get(), on_stream_state, &s);
    pa_context_set_state_callback(s.context.get(), on_context_state, &s);
    pa_stream_set_overflow_callback(s.stream.get(), on_overflow, &s);
    pa_stream_set_read_callback(s.stream.get(), on_read, &s);
    thread_ = std::thread([state = state_] { state->run(); });
}

Microphone::~Microphone() {
    state_->stop_requested = true;
    pa_mainloop_wakeup(state_->loop.get());
    std::unique_lock lock(state_->mutex);
    const bool done = state_->finished_changed.wait_for(lock, kStopLimit, [this] { return state_->finished; });
    lock.unlock();
    if (done)
        thread_.join();
    else
        thread_.detach();  // it holds the state and finishes the file when the disk lets it
}

void Microphone::set_paused(bool paused) { state_->paused = paused; }

std::string Microphone::error() const {
    std::lock_guard lock(state_->mutex);
    return state_->error;
}

double Microphone::seconds_written() const { return state_->seconds_written; }

// [SECTION] AudioReader -----------------------------------------------------------

struct AudioReader::Impl {
    std::unique_ptr<AVFormatContext, InputFree> input;
    AVStream* stream = nullptr;
    bool ended = false;
};

AudioReader::AudioReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
    const std::string name = path.string();
    AVFormatContext* raw = nullptr;
    if (const int r = avformat_open_input(&raw, name.c_str(), nullptr, nullptr); r < 0)
        throw std::runtime_error("cannot read audio from " + name + ": " + av_message(r));
    impl_->input.reset(raw);
    if (const int r = avformat_find_stream_info(raw, nullptr); r < 0)
        throw std::runtime_error("cannot read audio from " + name + ": " + av_message(r));
    const int index = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (index < 0) throw std::runtime_error("cannot read audio from " + name + ": no audio stream");
    impl_->stream = raw->streams[index];
    for (unsigned i = 0; i < raw->nb_streams; ++i)
        if (static_cast<int>(i) != index) raw->streams[i]->discard = AVDISCARD_ALL;
}

AudioReader::~AudioReader() = default;
AudioReader::AudioReader(AudioReader&&) noexcept = default;
AudioReader& AudioReader::operator=(AudioReader&&) noexcept = default;

const AVCodecParameters* AudioReader::parameters() const { return impl_->stream->codecpar; }

AVRational AudioReader::time_base() const { return impl_->stream->time_base; }

bool AudioReader::next(AVPacket* packet) {
    av_packet_unref(packet);
    while (!impl_->ended) {
        if (av_read_frame(impl_->input.get(), packet) < 0) break;
        if (packet->stream_index != impl_->stream->index) {
            av_packet_unref(packet);
            continue;
        }
        if ((packet->flags & AV_PKT_FLAG_CORRUPT) || packet->size <= 0) break;  // a torn last packet
        return true;
    }
    impl_->ended = true;
    av_packet_unref(packet);
    return false;
}

}  // namespace livedeck::record
