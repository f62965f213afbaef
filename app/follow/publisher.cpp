// The presenter's side: session events in on the UI thread (a queue, never a
// wait), out to the broker from a sender thread of ours: batched, numbered,
// with a retained state and deck kept current, and republished whenever the
// connection comes back. libmosquitto's own thread (mosquitto_loop_start)
// does the network and reconnects in the background.
//
// Index
//   [SECTION] The mirror (the state followers resync from)
//   [SECTION] Connection callbacks
//   [SECTION] The sender thread
//   [SECTION] Publisher
#include "follow/codec.hpp"
#include "follow/follow.hpp"
#include "follow/mqtt_support.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <utility>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace livedeck::follow {

using Steady = std::chrono::steady_clock;

namespace {

// A deck to send: read from disk on the sender thread.
struct DeckJob {
    std::filesystem::path deck;                   // the deck's text
    std::vector<std::filesystem::path> images;    // relative to its folder (and demos' animals=@FILE)
    int slide = 0;
    int reveal = 0;
};

struct Item {
    show::SessionEvent event;
    std::optional<DeckJob> deck;  // DeckLoaded
};

// What a run looks like to a follower joining now.
struct RunMirror {
    std::string run;     // its run line
    std::string traces;  // its trace lines so far, up to max_mirrored_trace
    bool cut = false;    // it had more
};

// A run's trace kept for the state: half the state's cap, so that the current
// slide's run always fits (a 50,000-animal run writes some 150,000 lines).
// Followers that join later see such a run as far as this went.
constexpr std::size_t max_mirrored_trace = codec::max_state_bytes / 2;

std::optional<std::string> read_file(const std::filesystem::path& path, std::size_t cap, std::string& error) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        error = "cannot read " + path.string() + ": " + ec.message();
        return std::nullopt;
    }
    if (size > cap) {
        error = path.string() + " is larger than " + std::to_string(cap >> 20) + " MB";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
        error = "cannot read " + path.string();
        return std::nullopt;
    }
    return text.str();
}

}  // namespace

struct Publisher::Impl {
    PublisherOptions options;
    const show::Presentation& show;
    std::string root;
    std::uint64_t session = detail::random_session();
    // The presenter's session clock, for the headers: t at construction, moved on by a steady clock.
    double t0 = 0;
    Steady::time_point steady0 = Steady::now();
    mosquitto* mosq = nullptr;

    // UI thread -> sender thread.
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Item> queue;
    std::uint64_t skipped = 0;  // trace events dropped on a full queue: a hole in the numbers
    bool urgent = false;
    bool stopping = false;
    bool republish = false;  // (re)connected: presence, deck, state again

    // Status (any thread).
    mutable std::mutex status_mutex;
    mutable std::condition_variable status_changed;
    PublisherStatus status;
    std::atomic<int> in_flight{0};

    // Sender thread only.
    std::uint64_t seq = 0;
    std::string deck_id;
    std::vector<std::string> deck_chunks;
    int chunks_published = 0;  // how many deck/K topics hold a retained chunk
    int slide = 0, reveal = 0;
    show::Screen screen = show::Screen::Slide;
    std::map<int, RunMirror> runs;
    bool state_dirty = true;
    bool state_urgent = true;  // a change other than a trace event: the state goes out at once
    Steady::time_point last_state{};
    std::size_t last_state_bytes = 0;
    std::string lines;  // the batch being gathered
    std::size_t line_count = 0;
    std::thread sender;
    detail::Loop loop;

    Impl(PublisherOptions o, const show::Presentation& s) : options(std::move(o)), show(s), root(options.url.topic_root()) {}

    double now() const { return t0 + std::chrono::duration<double>(Steady::now() - steady0).count(); }
    bool connected() const {
        std::lock_guard lock(status_mutex);
        return status.link == Link::Connected;
    }
    // The connection could not be made (again); a refusal's reason stays.
    void failed(const std::string& why) {
        std::lock_guard lock(status_mutex);
        if (status.link == Link::Lost && status.message.rfind("the broker refused", 0) == 0) return;
        if (status.link == Link::Connected) status.link = Link::Lost;
        status.message = why;
        status_changed.notify_all();
    }

    void set_link(Link link, std::string message) {
        std::lock_guard lock(status_mutex);
        status.link = link;
        status.message = std::move(message);
        status_changed.notify_all();
    }

    DeckJob deck_job() const {
        DeckJob job;
        job.deck = show.deck().path;
        job.images = session::deck_images(show.deck());
        // And the files demos read their animals from (animals=@FILE), inside the deck's folder.
        for (const deck::Slide& each : show.deck().slides) {
            if (!each.demo) continue;
            const auto it = each.demo->params.find("animals");
            if (it == each.demo->params.end() || it->second.empty() || it->second[0] != '@') continue;
            const std::filesystem::path file = std::filesystem::path(it->second.substr(1)).lexically_normal();
            if (file.empty() || file.is_absolute() || *file.begin() == "..") continue;
            if (std::find(job.images.begin(), job.images.end(), file) == job.images.end()) job.images.push_back(file);
        }
        job.slide = show.current();
        job.reveal = show.reveal();
        return job;
    }

    // [SECTION] The mirror -----------------------------------------------------

    void mirror(const show::SessionEvent& e, const std::string& line) {
        using show::EventType;
        switch (e.type) {
        case EventType::SlideShown:
            slide = e.slide;
            reveal = 0;
            break;
        case EventType::StepShown:
            if (e.slide == slide) reveal = e.step;
            break;
        case EventType::ScreenChanged:
            screen = e.text == "black" ? show::Screen::Black : e.text == "white" ? show::Screen::White : show::Screen::Slide;
            break;
        case EventType::DemoRun: runs[e.slide] = RunMirror{line, {}}; break;
        case EventType::Trace:
            if (auto it = runs.find(e.slide); it != runs.end()) {
                if (it->second.traces.size() + line.size() <= max_mirrored_trace)
                    it->second.traces += line;
                else if (!std::exchange(it->second.cut, true))
                    std::cerr << "livedeck: the run on slide " << e.slide + 1 << " has more trace than the "
                              << (max_mirrored_trace >> 20) << " MB kept for late followers: they see it as far as that\n";
            }
            break;
        default: break;
        }
        state_dirty = true;
        if (e.type != EventType::Trace) state_urgent = true;
    }

    std::string state_lines() const {
        std::string out = session::encode_slide(now(), slide);
        if (reveal > 0) out += session::encode_reveal(now(), slide, reveal);
        if (screen != show::Screen::Slide) out += session::encode_screen(now(), screen);
        std::size_t size = out.size();
        for (const auto& [index, r] : runs) size += r.run.size() + r.traces.size();
        for (const auto& [index, r] : runs) {
            // Too large as a whole: the runs of other slides give way to the current one's.
            if (size > codec::max_state_bytes - 4096 && index != slide) continue;
            out += r.run;
            out += r.traces;
        }
        return out;
    }

    // [SECTION] The sender thread ---------------------------------------------

    bool publish(const std::string& topic, const std::string& payload, bool retain) {
        int mid = 0;
        const int rc = mosquitto_publish(mosq, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                         payload.data(), 1, retain);
        if (rc == MOSQ_ERR_SUCCESS) {
            ++in_flight;
            return true;
        }
        return false;
    }

    void send_deck(const DeckJob& job) {
        std::string error;
        std::vector<codec::DeckFile> files;
        std::size_t total = 0;
        auto add = [&](const std::filesystem::path& path, const std::string& name) {
            std::optional<std::string> bytes = read_file(path, codec::max_deck_bytes, error);
            if (!bytes) return false;
            total += bytes->size();
            if (total > codec::max_deck_bytes) {
                error = "the deck with its images is larger than " + std::to_string(codec::max_deck_bytes >> 20) + " MB";
                return false;
            }
            files.push_back({name, std::move(*bytes)});
            return true;
        };
        bool ok = add(job.deck, job.deck.filename().string());
        for (const std::filesystem::path& image : job.images) {
            if (!ok) break;
            std::error_code ec;
            // A missing image is missing for followers too (the deck says so where it shows); the deck still goes.
            if (!std::filesystem::is_regular_file(job.deck.parent_path() / image, ec)) continue;
            ok = add(job.deck.parent_path() / image, image.generic_string());
        }
        std::string packed;
        if (ok) {
            try {
                packed = codec::pack_deck(files);
            } catch (const std::exception& e) {
                error = e.what();
                ok = false;
            }
        }
        {
            std::lock_guard lock(status_mutex);
            status.deck_error = ok ? "" : "the deck is not sent to followers: " + error;
        }
        if (!ok) return;
        deck_id = codec::deck_id(packed);
        deck_chunks = codec::encode_deck_chunks(packed, deck_id);
        runs.clear();  // a (re)loaded deck starts without runs
        slide = job.slide;
        reveal = job.reveal;
        publish_deck_chunks();
        // Then, in the stream: the deck, and where the presenter is on it.
        const double t = now();
        add_line(session::encode_deck(t, deck_id));
        add_line(session::encode_slide(t, slide));
        if (reveal > 0) add_line(session::encode_reveal(t, slide, reveal));
        state_dirty = state_urgent = true;
    }

    void publish_deck_chunks() {
        if (!connected()) return;  // sent again on reconnect
        const int n = static_cast<int>(deck_chunks.size());
        for (int i = 0; i < n; ++i) publish(codec::deck_topic(root, i), deck_chunks[static_cast<std::size_t>(i)], true);
        // A smaller deck than the last: its chunks past the end go (an empty retained message clears one).
        for (int i = n; i < chunks_published; ++i) publish(codec::deck_topic(root, i), std::string(), true);
        chunks_published = n;
    }

    void add_line(std::string line) {
        if (line.empty()) return;
        if (line.size() + 512 > codec::max_batch_bytes) {
            // Cannot travel: it takes its number all the same, so that
            // followers see the hole and resync from the state.
            flush_batch();
            ++seq;
            std::lock_guard lock(status_mutex);
            ++status.dropped;
            return;
        }
        if (lines.size() + line.size() + 512 > codec::max_batch_bytes || line_count + 1 > codec::max_batch_events)
            flush_batch();
        lines += line;
        ++line_count;
    }

    void flush_batch() {
        if (line_count == 0) return;
        const std::uint64_t first = seq + 1;
        seq += line_count;
        bool sent = false;
        // Bounded: a broker that does not keep up (or is away) costs events, not memory.
        if (connected() && in_flight.load() < 2000)
            sent = publish(codec::events_topic(root), codec::encode_batch(session, first, now(), lines), false);
        {
            std::lock_guard lock(status_mutex);
            status.seq = seq;
            if (!sent) status.dropped += line_count;
            status_changed.notify_all();
        }
        lines.clear();
        line_count = 0;
    }

    void publish_state() {
        if (!connected()) return;
        const std::string payload = codec::encode_state(session, seq, now(), deck_id, state_lines());
        if (payload.size() <= codec::max_state_bytes && publish(codec::state_topic(root), payload, true))
            state_dirty = false;
        state_urgent = false;  // (too big, or not sent: tried again at the state's pace, not every turn)
        last_state = Steady::now();
        last_state_bytes = payload.size();
    }

    void run_sender() {
        const auto batch = std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(options.batch_interval));
        const auto state_every =
            std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(options.state_interval));
        std::deque<Item> items;
        for (;;) {
            bool again = false;
            std::uint64_t skip = 0;
            {
                std::unique_lock lock(mutex);
                wake.wait_for(lock, batch, [&] { return stopping || urgent || republish; });
                if (stopping) break;
                items.swap(queue);
                skip = std::exchange(skipped, 0);
                urgent = false;
                again = republish;
                republish = false;
            }
            if (again) {
                publish(codec::presenter_topic(root), codec::encode_presence(true, session), true);
                chunks_published = std::max(chunks_published, static_cast<int>(deck_chunks.size()));
                publish_deck_chunks();
                state_dirty = true;
                last_state = {};
            }
            for (Item& item : items) {
                if (item.deck) {
                    send_deck(*item.deck);
                    continue;
                }
                const std::string line = session::encode_event(item.event);
                if (line.empty()) continue;
                mirror(item.event, line);
                add_line(line);
            }
            items.clear();
            flush_batch();
            seq += skip;  // dropped on a full queue: a hole that followers see, and resync over
            skip = 0;
            if (state_dirty && (state_urgent || Steady::now() - last_state >= state_every)) publish_state();
            // Unchanged, the state is still sent again now and then: its time
            // is how a late follower sets its clock to the presenter's, and an
            // old one put every replay late by its age. A big state (a long
            // trace) less often.
            else if (const auto every = last_state_bytes < (256u << 10) ? std::chrono::seconds(1) : std::chrono::seconds(5);
                     Steady::now() - last_state >= every)
                publish_state();
        }
        // Last words: the batch, the state, and "offline" (the will says it too if this never goes out).
        flush_batch();
        if (state_dirty) publish_state();
        if (connected()) publish(codec::presenter_topic(root), codec::encode_presence(false, session), true);
    }

    // [SECTION] Connection callbacks ------------------------------------------------

    void on_connect(mosquitto* m, int rc) {
        Impl* self = this;
        if (rc != 0) {
            self->set_link(Link::Lost, std::string("the broker refused: ") + mosquitto_connack_string(rc));
            return;
        }
        self->set_link(Link::Connected, {});
        self->in_flight = 0;  // what was in flight went with the last connection
        mosquitto_subscribe(m, nullptr, "$SYS/broker/clients/connected", 0);
        std::lock_guard lock(self->mutex);
        self->republish = true;
        self->wake.notify_one();
    }

    void on_disconnect(int rc) {
        Impl* self = this;
        if (rc == 0) return;  // we asked
        if (rc == MOSQ_ERR_CONN_REFUSED) {  // on_connect said why
            std::lock_guard lock(self->status_mutex);
            if (self->status.link == Link::Lost) return;
        }
        self->set_link(Link::Lost, "connection lost (" + detail::why(rc) + "); reconnecting");
    }

    // (Clamped: messages libmosquitto re-sends after a reconnect were counted
    // before it, when on_connect set the count back to zero.)
    void on_publish() {
        int n = in_flight.load();
        while (n > 0 && !in_flight.compare_exchange_weak(n, n - 1)) {
        }
    }

    void on_message(const mosquitto_message* m) {
        Impl* self = this;
        if (!m->payload || m->payloadlen <= 0 || m->payloadlen > 20) return;
        const std::string text(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
        int n = 0;
        for (const char c : text) {
            if (c < '0' || c > '9') return;
            n = n * 10 + (c - '0');
            if (n > 100'000'000) return;
        }
        std::lock_guard lock(self->status_mutex);
        self->status.followers = std::max(0, n - 1);  // less the presenter
        self->status_changed.notify_all();
    }
};

// [SECTION] Publisher ----------------------------------------------------------------

Publisher::Publisher(PublisherOptions options, const show::Presentation& show, double t)
    : impl_(std::make_unique<Impl>(std::move(options), show)) {
    Impl& s = *impl_;
    s.t0 = t;
    detail::lib_init();
    // The state at the start: the deck, the slide, the screen, the runs with their traces so far.
    s.queue.push_back(Item{show::SessionEvent{t, show::EventType::DeckLoaded, -1, {}, {}, {}}, s.deck_job()});
    if (show.screen() != show::Screen::Slide) {
        show::SessionEvent e{t, show::EventType::ScreenChanged, -1, {}, {}, {}};
        e.text = show.screen() == show::Screen::Black ? "black" : "white";
        s.queue.push_back(Item{e, {}});
    }
    for (int i = 0; i < show.slide_count(); ++i) {
        const show::DemoSlot* slot = show.deck().slides[static_cast<std::size_t>(i)].demo ? show.demo(i) : nullptr;
        if (!slot || !slot->ran) continue;
        show::SessionEvent run{slot->started, show::EventType::DemoRun, i, std::string(slot->demo->name), {}, {}};
        s.queue.push_back(Item{run, {}});
        for (const demos::Event& e : slot->events) {
            const std::string actor = e.actor >= 0 && static_cast<std::size_t>(e.actor) < slot->actors.size()
                                          ? slot->actors[static_cast<std::size_t>(e.actor)]
                                          : "";
            s.queue.push_back(Item{show::SessionEvent{slot->started + e.t, show::EventType::Trace, i, actor, {}, e}, {}});
        }
    }
    const std::string id = "livedeck-presenter-" + detail::hex(s.session);
    s.mosq = detail::new_client(id, s.options.url.user, s.options.url.password, &s);
    const std::string offline = codec::encode_presence(false, s.session);
    const std::string presence = codec::presenter_topic(s.root);
    mosquitto_will_set(s.mosq, presence.c_str(), static_cast<int>(offline.size()), offline.data(), 1, true);
    mosquitto_connect_callback_set(s.mosq, [](mosquitto* m, void* d, int rc) { static_cast<Impl*>(d)->on_connect(m, rc); });
    mosquitto_disconnect_callback_set(s.mosq, [](mosquitto*, void* d, int rc) { static_cast<Impl*>(d)->on_disconnect(rc); });
    mosquitto_publish_callback_set(s.mosq, [](mosquitto*, void* d, int) { static_cast<Impl*>(d)->on_publish(); });
    mosquitto_message_callback_set(s.mosq,
                                   [](mosquitto*, void* d, const mosquitto_message* m) { static_cast<Impl*>(d)->on_message(m); });
    s.set_link(Link::Connecting, "connecting to " + s.options.url.str());
    s.loop.start(s.mosq, s.options.url.host, s.options.url.port, 10, [&s](const std::string& why) { s.failed(why); });
    s.sender = std::thread([&s] { s.run_sender(); });
}

Publisher::~Publisher() {
    Impl& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
        s.wake.notify_one();
    }
    s.sender.join();
    s.loop.stop();  // disconnects after the last words: they are queued first
    mosquitto_destroy(s.mosq);
}

void Publisher::on_event(const show::SessionEvent& event) {
    Impl& s = *impl_;
    using show::EventType;
    if (event.type == EventType::DeckRejected || event.type == EventType::TimerPaused ||
        event.type == EventType::TimerResumed || event.type == EventType::TimerReset)
        return;
    Item item{event, {}};
    if (event.type == EventType::DeckLoaded) item.deck = s.deck_job();
    std::lock_guard lock(s.mutex);
    // Full (a broker that does not keep up): a trace event is dropped, and
    // leaves a hole in the numbers so that followers resync; the presenter's
    // own actions (slides, steps, runs) are few and always kept.
    if (s.queue.size() >= s.options.max_queue && event.type == EventType::Trace) {
        ++s.skipped;
        std::lock_guard status_lock(s.status_mutex);
        ++s.status.dropped;
        return;
    }
    s.queue.push_back(std::move(item));
    if (event.type != EventType::Trace) {
        s.urgent = true;  // slides, steps, screens, runs: at once
        s.wake.notify_one();
    }
}

PublisherStatus Publisher::wait_status(const std::function<bool(const PublisherStatus&)>& until,
                                       double seconds) const {
    std::unique_lock lock(impl_->status_mutex);
    impl_->status_changed.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return until(impl_->status); });
    return impl_->status;
}

PublisherStatus Publisher::status() const {
    std::lock_guard lock(impl_->status_mutex);
    return impl_->status;
}

}  // namespace livedeck::follow
