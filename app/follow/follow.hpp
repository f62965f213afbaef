// Following a talk live through an MQTT broker (Mosquitto): the presenter's
// session events, as the session log writes them, published under
// livedeck/TALK/...; followers replay them into their own Presentation.
// Everything here works below the views: no GL, no window, no clock read
// by what the views draw (the caller passes t, its session time).
//
// Wire format (codec.hpp has the details and the size caps):
//   livedeck/TALK/events     event batches, QoS 1, not retained; sequence-numbered
//   livedeck/TALK/state      retained: slide, reveal step, screen, runs in progress with
//                            their traces so far, naming the last sequence number it covers
//   livedeck/TALK/deck/K     retained: the deck's text and images, chunked (K = 0..n-1)
//   livedeck/TALK/presenter  retained: "online" / "offline" (the presenter's last will)
// Follower count: the broker's $SYS/broker/clients/connected less the
// presenter (-1 where the broker does not publish it or does not let us read it).
//
// Index
//   [SECTION] URLs
//   [SECTION] Link state
//   [SECTION] Publisher (presenter side)
//   [SECTION] Follower (audience side)
//   [SECTION] Embedded broker
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "show/presentation.hpp"

namespace livedeck::follow {

// [SECTION] URLs -------------------------------------------------------------

inline constexpr int default_port = 1883;
inline constexpr std::size_t max_talk_length = 64;

struct Url {
    std::string host;       // a name, an IPv4 address, or an IPv6 address (without brackets)
    int port = default_port;
    std::string talk;       // [A-Za-z0-9._-], 1..max_talk_length characters
    std::string user;       // empty: anonymous
    std::string password;

    // mqtt://[user[:pass]@]HOST[:PORT]/TALK; with_credentials=false leaves them out.
    std::string str(bool with_credentials = false) const;
    std::string topic_root() const { return "livedeck/" + talk; }  // no trailing slash
};

// Parses mqtt://[user[:pass]@]HOST[:PORT]/TALK (user and password may be
// %-escaped). Throws std::invalid_argument with a message naming what is
// wrong (scheme, host, port, talk name: no '/', '+', '#', at most 64 characters).
Url parse_url(std::string_view text);

// [SECTION] Link state -------------------------------------------------------

enum class Link {
    Connecting,  // first connection not made yet
    Connected,
    Lost,        // was connected, or the broker refused: reconnecting in the background
};
const char* to_string(Link link);

// [SECTION] Publisher (presenter side) ---------------------------------------

struct PublisherOptions {
    Url url;                        // with the presenter's user and password
    double batch_interval = 0.05;   // seconds: trace events are sent at most this late
    double state_interval = 0.25;   // seconds: the retained state is at most this old once things settle
    std::size_t max_queue = 200'000;  // events waiting for the sender thread; more are dropped (followers resync)
};

struct PublisherStatus {
    Link link = Link::Connecting;
    std::string message;            // why it is not connected, in words (empty when connected)
    int followers = -1;             // clients connected to the broker less the presenter; -1: unknown
    std::uint64_t seq = 0;          // the last sequence number sent
    std::uint64_t dropped = 0;      // events not sent (queue full, broker away): followers resync from the state
    std::string deck_error;         // the deck could not be published (too large, unreadable)
};

class Publisher {
public:
    // Seeds the retained state from `show` (deck, slide, screen, runs with
    // their traces so far) and starts connecting in the background. Never
    // blocks on the network. `show` must outlive the publisher; it is only
    // read on the calling (UI) thread, inside the constructor and on_event.
    Publisher(PublisherOptions options, const show::Presentation& show, double t);
    ~Publisher();  // says "offline", disconnects (bounded wait)
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;

    // The Presentation's listener (on the UI thread): queues the event and returns.
    void on_event(const show::SessionEvent& event);
    // Thread-safe.
    PublisherStatus status() const;
    // Blocks until `until(status)` holds or `seconds` pass; returns the last status
    // (tests and the command line: "connected?" without polling).
    PublisherStatus wait_status(const std::function<bool(const PublisherStatus&)>& until, double seconds) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// [SECTION] Follower (audience side) -----------------------------------------

struct FollowerOptions {
    Url url;                        // usually anonymous
    std::filesystem::path work_dir; // where received decks are written; empty: a private temp dir
    std::size_t max_pending = 100'000;  // events kept while waiting for a state or while broken away
};

struct FollowerStatus {
    Link link = Link::Connecting;
    std::string message;            // why it is not connected, in words
    bool presenter_online = false;  // the presenter's retained presence
    bool synced = false;            // a state applied and every event since
    bool following = true;          // false while broken away
    std::uint64_t seq = 0;          // the last sequence number applied
    std::uint64_t resyncs = 0;      // gaps recovered from the retained state
    std::uint64_t rejected = 0;     // messages refused (junk, too large, bad schema)
    std::string problem;            // the last refused message, in words (kept until the next one)
};

class Follower {
public:
    // Starts connecting in the background (read-only subscription to livedeck/TALK/#).
    explicit Follower(FollowerOptions options);
    ~Follower();
    Follower(const Follower&) = delete;
    Follower& operator=(const Follower&) = delete;

    // Once a frame on the UI thread: applies what arrived to `show` through
    // its replay_* functions (never while broken away). `t` is the caller's
    // session time: the presenter's times are shifted onto it. Returns true
    // if `show` changed.
    bool poll(show::Presentation& show, double t);

    // Stop applying (the follower navigates freely, may run demos locally);
    // messages keep coming and the latest state is kept.
    void break_away();
    // Back in step at the next poll(): the latest deck and state, then the events since.
    void rejoin();
    bool following() const;

    FollowerStatus status() const;  // thread-safe
    // Blocks until a message arrived since the last poll() (or a status
    // change), or `seconds` pass; returns whether one did. For loops without
    // a window (tests, tools): poll(), then wait() for more.
    bool wait(double seconds);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// [SECTION] Embedded broker --------------------------------------------------

inline constexpr const char* mosquitto_program = "/usr/sbin/mosquitto";

struct BrokerOptions {
    std::string bind = "127.0.0.1";  // address the listener binds to
    int port = 0;                    // 0: a free port
    std::string talk = "talk";
    std::string user = "presenter";
    std::string password;            // empty: generated
    std::filesystem::path program = mosquitto_program;
    int max_connections = -1;        // mosquitto's max_connections (-1: no limit)
    // Tests: anonymous clients may also write livedeck/TALK/# (a hostile publisher).
    bool anonymous_may_write = false;
    // Lines appended to the generated mosquitto.conf (e.g. a bridge).
    std::string extra_config;
    double start_timeout = 5;        // seconds to wait for the listener
};

// Debian's mosquitto as a child process, with a configuration, password
// file and ACL written into a private temp dir: the presenter may write
// livedeck/TALK/#, anonymous clients may only read it (and $SYS client counts).
class Broker {
public:
    // Throws std::runtime_error: mosquitto missing ("apt-get install mosquitto"),
    // or it did not start (its last log lines).
    explicit Broker(BrokerOptions options);
    ~Broker();  // stop()
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    int port() const { return port_; }
    const std::string& password() const { return options_.password; }
    // What followers use: mqtt://HOST:PORT/TALK (no credentials).
    Url follower_url() const;
    // What the presenter uses: with user and password.
    Url presenter_url() const;
    const std::filesystem::path& dir() const { return dir_; }

    // SIGTERM, then SIGKILL after `wait` seconds; idempotent.
    void stop(double wait = 3);
    // SIGKILL at once (tests: the broker goes away).
    void kill();
    bool running() const { return pid_ > 0; }
    // Its log so far (the last lines, capped).
    std::string log() const;

private:
    struct Drain;
    BrokerOptions options_;
    std::filesystem::path dir_;
    int port_ = 0;
    int pid_ = -1;
    std::unique_ptr<Drain> drain_;
};

// A free TCP port on `bind` (bound and released; the caller races others for it).
int free_port(const std::string& bind = "127.0.0.1");

}  // namespace livedeck::follow
