// The audience's side: libmosquitto's thread receives and validates every
// message (a refused one is counted and named, never applied); poll(), on the
// UI thread, applies what arrived to the Presentation through its replay_*
// functions, in sequence order, resyncing from the retained state whenever a
// sequence number is missing. The state and deck topics are subscribed to
// only while one is wanted, so a thousand followers do not each receive
// every republished state.
//
// Index
//   [SECTION] The network thread (receive, validate)
//   [SECTION] The UI thread (apply)
//   [SECTION] Follower
#include "follow/codec.hpp"
#include "follow/follow.hpp"
#include "follow/mqtt_support.hpp"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <algorithm>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

namespace livedeck::follow {

struct Follower::Impl {
    FollowerOptions options;
    std::string root;
    std::filesystem::path work_dir;
    bool own_work_dir = false;
    mosquitto* mosq = nullptr;
    detail::Loop loop;

    // Network thread -> UI thread.
    mutable std::mutex mutex;
    std::condition_variable arrived;
    bool news = false;  // something arrived since the last poll
    std::deque<codec::Batch> inbox;
    std::size_t inbox_events = 0;
    bool inbox_overflow = false;
    // The latest state received: shared, so that a frame takes it without
    // copying (it may hold a long run's whole trace).
    std::shared_ptr<const codec::State> state;
    std::map<std::string, std::filesystem::path> decks;  // deck id -> its text, written under work_dir
    std::deque<std::string> deck_order;                   // oldest first: at most max_decks kept on disk
    static constexpr std::size_t max_decks = 8;
    bool reconnected = false;
    FollowerStatus status;
    codec::DeckAssembler assembler;             // network thread only

    // Subscriptions wanted on top of events and presence.
    std::mutex sub_mutex;
    bool want_state = true;
    bool want_deck = true;

    // UI thread only.
    std::deque<codec::Batch> pending;
    std::size_t pending_events = 0;
    bool following = true;
    bool need_state = true;
    bool force_deck = true;
    std::uint64_t session = 0;   // of the state applied
    std::uint64_t applied = 0;   // the last sequence number applied
    std::string applied_deck;
    std::optional<double> offset;  // our session time less the presenter's
    // The state topic stays subscribed a moment after a state is applied: a
    // state that was retained just before the presenter's next change is
    // then followed by the newer one.
    std::optional<double> unsubscribe_at;

    explicit Impl(FollowerOptions o) : options(std::move(o)), root(options.url.topic_root()) {}

    void refuse(const std::string& topic, const std::string& why) {
        std::lock_guard lock(mutex);
        ++status.rejected;
        status.problem = "refused a message on " + topic.substr(0, 200) + ": " + why;
        if (status.rejected <= 10) std::cerr << "livedeck follow: " << status.problem << "\n";
    }

    // [SECTION] The network thread ---------------------------------------------

    void on_connect(mosquitto* m, int rc) {
        if (rc != 0) {
            std::lock_guard lock(mutex);
            status.link = Link::Lost;
            status.message = std::string("the broker refused: ") + mosquitto_connack_string(rc);
            news = true;
            arrived.notify_all();
            return;
        }
        {
            std::lock_guard lock(mutex);
            status.link = Link::Connected;
            status.message.clear();
            reconnected = true;  // what went by while away is lost: resync
            state.reset();       // from before: a restarted broker may hold none
            news = true;
            arrived.notify_all();
        }
        // QoS 0: a clean session keeps nothing across reconnects anyway, TCP loses nothing within one,
        // and a gap (a broker dropping for a slow follower) is seen by its sequence numbers and resynced.
        // It spares the broker a PUBACK and its bookkeeping per follower and batch.
        mosquitto_subscribe(m, nullptr, codec::events_topic(root).c_str(), 0);
        mosquitto_subscribe(m, nullptr, codec::presenter_topic(root).c_str(), 1);
        std::lock_guard lock(sub_mutex);
        want_state = true;
        mosquitto_subscribe(m, nullptr, codec::state_topic(root).c_str(), 1);
        if (want_deck) mosquitto_subscribe(m, nullptr, (root + "/deck/+").c_str(), 1);
    }

    void on_disconnect(int rc) {
        if (rc == 0) return;
        std::lock_guard lock(mutex);
        if (rc == MOSQ_ERR_CONN_REFUSED && status.link == Link::Lost) return;  // on_connect said why
        status.link = Link::Lost;
        status.message = "connection lost (" + detail::why(rc) + "); reconnecting";
        news = true;
        arrived.notify_all();
    }

    void on_message(const mosquitto_message* m) {
        try {
            receive(m);
        } catch (const std::exception& e) {  // never out of libmosquitto's thread
            refuse(m->topic ? m->topic : "", std::string("cannot read it: ") + e.what());
        }
        notify();
    }

    void notify() {
        std::lock_guard lock(mutex);
        news = true;
        arrived.notify_all();
    }

    void receive(const mosquitto_message* m) {
        const std::string topic = m->topic ? m->topic : "";
        const std::optional<codec::Route> r = codec::route(topic, root);
        if (!r) return refuse(topic, "not a topic of this talk");
        const std::string_view payload(static_cast<const char*>(m->payload),
                                       m->payload ? static_cast<std::size_t>(std::max(0, m->payloadlen)) : 0);
        std::string error;
        switch (r->topic) {
        case codec::Topic::Events: {
            std::optional<codec::Batch> b = codec::decode_batch(payload, error);
            if (!b) return refuse(topic, error);
            std::lock_guard lock(mutex);
            inbox_events += b->entries.size();
            inbox.push_back(std::move(*b));
            while (inbox_events > options.max_pending && !inbox.empty()) {  // the UI thread is not polling
                inbox_events -= inbox.front().entries.size();
                inbox.pop_front();
                inbox_overflow = true;
            }
            return;
        }
        case codec::Topic::State: {
            if (payload.empty()) return;  // cleared
            std::optional<codec::State> s = codec::decode_state(payload, error);
            if (!s) return refuse(topic, error);
            std::lock_guard lock(mutex);
            state = std::make_shared<const codec::State>(std::move(*s));
            return;
        }
        case codec::Topic::Deck: {
            if (payload.empty()) return;  // a chunk topic cleared
            std::optional<codec::DeckChunk> c = codec::decode_deck_chunk(payload, error);
            if (!c) return refuse(topic, error);
            if (c->index != r->chunk) return refuse(topic, "a deck chunk on another chunk's topic");
            {
                std::lock_guard lock(mutex);
                if (decks.count(c->deck)) return;  // have it
            }
            const std::string id = c->deck;
            std::optional<std::string> whole = assembler.add(std::move(*c), error);
            if (!error.empty()) return refuse(topic, error);
            if (!whole) return;
            std::optional<std::vector<codec::DeckFile>> files = codec::unpack_deck(*whole, error);
            if (!files) return refuse(topic, error);
            std::optional<std::filesystem::path> text = write_deck(id, *files, error);
            if (!text) return refuse(topic, error);
            std::lock_guard lock(mutex);
            decks[id] = *text;
            deck_order.push_back(id);
            // A presenter who reloads often (or a hostile one) does not fill the disk: the oldest decks go.
            while (deck_order.size() > max_decks) {
                std::error_code ec;
                std::filesystem::remove_all(work_dir / deck_order.front(), ec);
                decks.erase(deck_order.front());
                deck_order.pop_front();
            }
            return;
        }
        case codec::Topic::Presenter: {
            if (payload.empty()) return;
            std::optional<bool> online = codec::decode_presence(payload, error);
            if (!online) return refuse(topic, error);
            std::lock_guard lock(mutex);
            status.presenter_online = *online;
            return;
        }
        }
    }

    // A received deck's files under work_dir/ID/ (paths checked by unpack_deck).
    std::optional<std::filesystem::path> write_deck(const std::string& id, const std::vector<codec::DeckFile>& files,
                                                    std::string& error) {
        const std::filesystem::path dir = work_dir / id;
        std::error_code ec;
        for (const codec::DeckFile& f : files) {
            const std::filesystem::path path = dir / f.path;
            std::filesystem::create_directories(path.parent_path(), ec);
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
            out.close();
            if (!out) {
                error = "cannot write the deck into " + path.string();
                return std::nullopt;
            }
        }
        return dir / files.front().path;
    }

    // [SECTION] The UI thread -----------------------------------------------------

    void want(bool state_wanted, std::optional<bool> deck_wanted) {
        std::lock_guard lock(sub_mutex);
        if (state_wanted != want_state) {
            want_state = state_wanted;
            // Subscribing again brings the retained state again.
            if (want_state) mosquitto_subscribe(mosq, nullptr, codec::state_topic(root).c_str(), 1);
            else mosquitto_unsubscribe(mosq, nullptr, codec::state_topic(root).c_str());
        }
        if (deck_wanted && *deck_wanted != want_deck) {
            want_deck = *deck_wanted;
            if (want_deck) mosquitto_subscribe(mosq, nullptr, (root + "/deck/+").c_str(), 1);
            else mosquitto_unsubscribe(mosq, nullptr, (root + "/deck/+").c_str());
        }
    }

    void resync() {
        need_state = true;
        want(true, std::nullopt);
    }

    double local(double presenter_t) const { return presenter_t + offset.value_or(0); }

    // False when the deck it names has not arrived yet.
    bool apply(show::Presentation& show, const session::Entry& e, double t,
               const std::map<std::string, std::filesystem::path>& ready) {
        using K = session::Entry::Kind;
        switch (e.kind) {
        case K::Deck: {
            const auto it = ready.find(e.text);
            if (it == ready.end()) {
                want(need_state, true);
                return false;
            }
            if (e.text != applied_deck || force_deck) {
                deck::Deck d = show::load_deck(it->second);
                if (!d.slides.empty()) show.replay_deck(std::move(d), t);
                applied_deck = e.text;
                force_deck = false;
            }
            want(need_state, false);
            return true;
        }
        case K::Slide: show.replay_slide(e.slide, local(e.t)); return true;
        case K::Reveal: show.replay_step(e.slide, e.step, local(e.t)); return true;
        case K::Screen:
            show.replay_screen(e.text == "black"   ? show::Screen::Black
                               : e.text == "white" ? show::Screen::White
                                                   : show::Screen::Slide,
                               local(e.t));
            return true;
        case K::Run: show.replay_run(e.slide, local(e.t)); return true;
        case K::Trace: show.replay_trace(e.slide, e.trace, e.text); return true;
        default: return true;  // stop, step: the trace says what happened
        }
    }

    bool apply_state(show::Presentation& show, const codec::State& s, double t,
                     const std::map<std::string, std::filesystem::path>& ready) {
        if (!s.deck.empty()) {
            session::Entry deck_entry;
            deck_entry.kind = session::Entry::Kind::Deck;
            deck_entry.text = s.deck;
            if (!apply(show, deck_entry, t, ready)) return false;
        }
        // The retained state may be old (published when the show last
        // changed): of the offsets seen in one session, the smallest is the
        // truest (the least delayed message), and every batch offers one.
        offset = s.session != session || !offset ? t - s.now : std::min(*offset, t - s.now);
        show.replay_screen(show::Screen::Slide, t);
        bool revealed = false;
        for (const session::Entry& e : s.entries) {
            apply(show, e, t, ready);
            revealed |= e.kind == session::Entry::Kind::Reveal;
        }
        if (!revealed) show.replay_step(show.current(), 0, t);
        session = s.session;
        applied = s.seq;
        need_state = false;
        unsubscribe_at = t + 1.0;
        // What the state covers, and what another sender sent (a presenter before a restart, junk), goes.
        std::erase_if(pending, [&](const codec::Batch& b) {
            const bool drop = b.session != session || b.last_seq() <= applied;
            if (drop) pending_events -= b.count;
            return drop;
        });
        return true;
    }

    bool poll(show::Presentation& show, double t) {
        std::map<std::string, std::filesystem::path> ready;
        std::shared_ptr<const codec::State> latest;
        {
            std::lock_guard lock(mutex);
            for (codec::Batch& b : inbox) {
                pending_events += b.entries.size();
                pending.push_back(std::move(b));
            }
            inbox.clear();
            inbox_events = 0;
            news = false;
            if (inbox_overflow || reconnected) need_state = true;
            inbox_overflow = reconnected = false;
            ready = decks;
            latest = state;
        }
        while (pending_events > options.max_pending && !pending.empty()) {
            pending_events -= pending.front().entries.size();
            pending.pop_front();
            need_state = true;
        }
        bool changed = false;
        if (following) {
            // A newer state than what was applied, with no events to get there: behind.
            if (!need_state && latest && latest->session == session && latest->seq > applied &&
                (pending.empty() || pending.front().first_seq > applied + 1))
                need_state = true;
            if (need_state) {
                want(true, std::nullopt);
                // Usable: of the newest session heard from, and the events since it are all here.
                const std::uint64_t newest = pending.empty() ? 0 : pending.back().session;
                bool usable = latest && (newest == 0 || latest->session == newest);
                // Never back: a state older than what is shown (kept from before a
                // break-away, the broker away) waits for a newer one.
                usable = usable && (latest->session != session || latest->seq >= applied);
                if (usable)
                    for (const codec::Batch& b : pending)
                        if (b.session == latest->session && b.last_seq() > latest->seq) {
                            usable = b.first_seq <= latest->seq + 1;
                            break;
                        }
                if (usable && apply_state(show, *latest, t, ready)) {
                    changed = true;
                    std::lock_guard lock(mutex);
                    ++status.resyncs;
                }
            }
            while (!need_state && !pending.empty()) {
                codec::Batch& b = pending.front();
                if (b.session != session || b.first_seq > applied + 1) {  // another presenter, or a gap
                    resync();
                    break;
                }
                offset = offset ? std::min(*offset, t - b.now) : t - b.now;
                bool blocked = false;
                for (std::size_t i = applied + 1 - b.first_seq; i < b.entries.size(); ++i) {
                    if (!apply(show, b.entries[i], t, ready)) {
                        blocked = true;
                        break;
                    }
                    ++applied;
                    changed = true;
                }
                if (blocked) break;
                pending_events -= b.entries.size();
                pending.pop_front();
            }
            if (!need_state && unsubscribe_at && t >= *unsubscribe_at) {
                want(false, std::nullopt);
                unsubscribe_at.reset();
            }
        }
        std::lock_guard lock(mutex);
        status.following = following;
        status.synced = following && !need_state && session != 0 &&
                        (pending.empty() || pending.front().first_seq <= applied + 1);
        status.seq = applied;
        return changed;
    }
};

// [SECTION] Follower -------------------------------------------------------------------

Follower::Follower(FollowerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
    Impl& s = *impl_;
    detail::lib_init();
    if (s.options.work_dir.empty()) {
        std::string templ = (std::filesystem::temp_directory_path() / "livedeck-follow-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot make a directory for the presenter's deck");
        s.work_dir = templ;
        s.own_work_dir = true;
    } else {
        s.work_dir = s.options.work_dir;
        std::filesystem::create_directories(s.work_dir);
    }
    s.status.message = "connecting to " + s.options.url.str();
    const std::string id = "livedeck-follower-" + detail::hex(detail::random_session());
    s.mosq = detail::new_client(id, s.options.url.user, s.options.url.password, &s);
    mosquitto_connect_callback_set(s.mosq, [](mosquitto* m, void* d, int rc) { static_cast<Impl*>(d)->on_connect(m, rc); });
    mosquitto_disconnect_callback_set(s.mosq, [](mosquitto*, void* d, int rc) { static_cast<Impl*>(d)->on_disconnect(rc); });
    mosquitto_message_callback_set(
        s.mosq, [](mosquitto*, void* d, const mosquitto_message* m) { static_cast<Impl*>(d)->on_message(m); });
    s.loop.start(s.mosq, s.options.url.host, s.options.url.port, 10, [&s](const std::string& why) {
        std::lock_guard lock(s.mutex);
        if (s.status.link == Link::Lost && s.status.message.rfind("the broker refused", 0) == 0) return;
        s.status.message = why;
        s.news = true;
        s.arrived.notify_all();
    });
}

Follower::~Follower() {
    Impl& s = *impl_;
    s.loop.stop();
    mosquitto_destroy(s.mosq);
    std::error_code ec;
    if (s.own_work_dir) std::filesystem::remove_all(s.work_dir, ec);
}

bool Follower::poll(show::Presentation& show, double t) { return impl_->poll(show, t); }

void Follower::break_away() {
    impl_->following = false;
    std::lock_guard lock(impl_->mutex);
    impl_->status.following = false;
    impl_->status.synced = false;
}

void Follower::rejoin() {
    Impl& s = *impl_;
    if (s.following) return;
    s.following = true;
    s.force_deck = true;  // what was done alone goes: the deck afresh
    s.resync();
    std::lock_guard lock(s.mutex);
    s.status.following = true;
}

bool Follower::wait(double seconds) {
    std::unique_lock lock(impl_->mutex);
    return impl_->arrived.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return impl_->news; });
}

bool Follower::following() const { return impl_->following; }

FollowerStatus Follower::status() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->status;
}

}  // namespace livedeck::follow
