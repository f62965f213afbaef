// Following a talk at scale: one Publisher fed by a real Presentation running
// a real demo (farm-await over the embedded farm, rerun for the whole run),
// N simulated followers in this process (libmosquitto clients driven by one
// poll() loop, each decoding every batch with follow/codec.hpp and checking
// its sequence numbers), against a local mosquitto started by follow::Broker.
//
//   build/bench/follow_bench [--followers N,N,...] [--seconds S] [--bridged N] [--late]
//
// The demo: farm-await over --animals N (default 3, as on the talk's slide),
// rerun whenever it ends. Every follower checks every batch's header, its
// sequence numbers and its line count; one in --decode-every K (default 10)
// also parses every line and times it (one core cannot parse the JSON of a
// thousand followers at once; a real follower parses only its own).
//
// One line per run: followers=N p50=<ms> p99=<ms> lost=<n> reordered=<n> events=<n> ...
// Latency: from the trace event's time on the presenter's session clock (as
// the Presentation reports it, 60 frames a second) to its receipt by the
// follower: batching (50 ms) included. lost: events of the measured window a
// follower did not receive. publisher_cpu: the Publisher's own threads
// (sender + libmosquitto's network thread), % of one core; on_event: the UI
// thread's time in Publisher::on_event, % of one core.
#include <mosquitto.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <dirent.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "follow/codec.hpp"
#include "follow/follow.hpp"
#include "show/presentation.hpp"

using namespace livedeck;
using Steady = std::chrono::steady_clock;

namespace {

const Steady::time_point start = Steady::now();
int follower_qos = 1;  // the simulated followers' subscription (the Follower's own is 1)
double now() { return std::chrono::duration<double>(Steady::now() - start).count(); }

// [SECTION] Simulated followers ---------------------------------------------------

struct Sim {
    mosquitto* mosq = nullptr;
    std::string topic;
    bool subscribed = false;
    std::uint64_t last = 0;  // the last sequence number received
    std::uint64_t reordered = 0;
    std::uint64_t in_window = 0;
    std::uint64_t rejected = 0;
    bool decode = true;  // every line parsed and timed (else: the header checked, the lines counted)
};

struct Crowd {
    std::vector<Sim> sims;
    std::atomic<std::uint64_t> window_from{~std::uint64_t(0)};  // count seq > from ...
    std::atomic<std::uint64_t> window_to{~std::uint64_t(0)};    // ... and <= to
    std::atomic<bool> stop{false};
    std::atomic<int> subscribed{0};
    std::uint64_t iterations = 0, reads = 0;
    std::vector<float> latencies;  // ms, loop thread only until joined
    std::thread loop;

    static void on_connect(mosquitto* m, void* data, int rc) {
        auto* s = static_cast<Sim*>(data);
        if (rc == 0) mosquitto_subscribe(m, nullptr, s->topic.c_str(), follower_qos);
    }
    static void on_subscribe(mosquitto*, void* data, int, int, const int*) {
        auto* s = static_cast<Sim*>(data);
        if (!s->subscribed) {
            s->subscribed = true;
            ++static_cast<Crowd*>(mosquitto_userdata_crowd)->subscribed;
        }
    }
    static inline void* mosquitto_userdata_crowd = nullptr;
    static void on_message(mosquitto*, void* data, const mosquitto_message* m) {
        auto* s = static_cast<Sim*>(data);
        auto* crowd = static_cast<Crowd*>(mosquitto_userdata_crowd);
        const double received = now();
        std::string error;
        auto b = follow::codec::decode_batch(
            std::string_view(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen)), error,
            s->decode);
        if (!b) {
            ++s->rejected;
            return;
        }
        if (s->last && b->first_seq != s->last + 1) ++s->reordered;
        s->last = std::max(s->last, b->last_seq());
        const std::uint64_t from = crowd->window_from.load(), to = crowd->window_to.load();
        for (std::size_t i = 0; i < b->count; ++i) {
            const std::uint64_t seq = b->first_seq + i;
            if (seq <= from || seq > to) continue;
            ++s->in_window;
            if (s->decode) crowd->latencies.push_back(static_cast<float>((received - b->entries[i].t) * 1000));
        }
    }

    Crowd(const follow::Url& url, int n, int decode_every) {
        mosquitto_userdata_crowd = this;
        sims.resize(static_cast<std::size_t>(n));
        for (std::size_t i = 0; i < sims.size(); ++i) sims[i].decode = i % static_cast<std::size_t>(decode_every) == 0;
        for (Sim& s : sims) {
            s.topic = follow::codec::events_topic(url.topic_root());
            s.mosq = mosquitto_new(nullptr, true, &s);
            mosquitto_int_option(s.mosq, MOSQ_OPT_TCP_NODELAY, 1);
            mosquitto_connect_callback_set(s.mosq, on_connect);
            mosquitto_subscribe_callback_set(s.mosq, on_subscribe);
            mosquitto_message_callback_set(s.mosq, on_message);
            // Asynchronous: a non-blocking socket, so one slow follower never stalls the loop.
            if (mosquitto_connect_async(s.mosq, url.host.c_str(), url.port, 60) != MOSQ_ERR_SUCCESS) {
                std::cerr << "follow_bench: a follower could not connect\n";
                std::exit(1);
            }
        }
        loop = std::thread([this] { run(); });
    }

    void run() {
        std::vector<pollfd> fds(sims.size());
        double last_misc = 0;
        while (!stop) {
            for (std::size_t i = 0; i < sims.size(); ++i) {
                fds[i].fd = mosquitto_socket(sims[i].mosq);
                fds[i].events = POLLIN | (mosquitto_want_write(sims[i].mosq) ? POLLOUT : 0);
                fds[i].revents = 0;
            }
            ::poll(fds.data(), fds.size(), 50);
            for (std::size_t i = 0; i < sims.size(); ++i) {
                if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                    // libmosquitto reads one packet a call: read on while the socket holds more.
                    int pending = 0;
                    for (int k = 0; k < 256; ++k) {
                        if (mosquitto_loop_read(sims[i].mosq, 1) != MOSQ_ERR_SUCCESS) break;
                        if (::ioctl(fds[i].fd, FIONREAD, &pending) != 0 || pending <= 0) break;
                    }
                    ++reads;
                }
                if (fds[i].revents & POLLOUT || mosquitto_want_write(sims[i].mosq)) mosquitto_loop_write(sims[i].mosq, 1);
            }
            ++iterations;
            if (now() - last_misc > 0.5) {
                for (Sim& s : sims) mosquitto_loop_misc(s.mosq);
                last_misc = now();
            }
        }
    }

    ~Crowd() {
        stop = true;
        if (loop.joinable()) loop.join();
        for (Sim& s : sims) {
            mosquitto_disconnect(s.mosq);
            mosquitto_destroy(s.mosq);
        }
    }
};

// [SECTION] The presenter -------------------------------------------------------------

int animal_count = 3;

std::filesystem::path bench_deck() {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "livedeck-follow-bench";
    std::filesystem::create_directories(dir);
    std::string animals;
    for (int i = 1; i <= animal_count; ++i) animals += (i > 1 ? "," : "") + std::string("a") + std::to_string(i);
    std::ofstream(dir / "talk.md") << "# Following at scale\n\n---\n\ndemo: farm-await animals=" << animals
                                   << " delay=0.3\n\n# The demo\n";
    return dir / "talk.md";
}

// CPU seconds of this process's threads whose ids are in `tids`.
double cpu_of(const std::set<int>& tids) {
    double total = 0;
    for (const int tid : tids) {
        std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(in)), {});
        const std::size_t close = text.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(text.substr(close + 2));
        std::string field;
        long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14) utime = std::stol(field);
            if (i == 15) stime = std::stol(field);
        }
        total += static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    return total;
}

std::set<int> threads() {
    std::set<int> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) out.insert(std::stoi(entry.path().filename()));
    return out;
}

double percentile(std::vector<float>& v, double p) {
    if (v.empty()) return -1;
    const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

struct Result {
    double p50 = 0, p99 = 0;
    std::uint64_t lost = 0, reordered = 0, events = 0, rejected = 0;
    double publisher_cpu = 0, on_event_cpu = 0, seconds = 0;
};

// One run: the presenter publishes to `presenter_url`, N followers listen on `follower_url`.
Result run(const follow::Url& presenter_url, const follow::Url& follower_url, int n, double seconds,
           int decode_every) {
    Result r;
    show::Options options;
    options.deck_path = bench_deck();
    options.farm_delay = 0.3;
    options.manual_steps = false;
    show::Presentation show(options, now());
    const std::set<int> before = threads();
    follow::Publisher publisher({presenter_url}, show, now());
    std::set<int> mine;
    for (const int tid : threads())
        if (!before.count(tid)) mine.insert(tid);
    double in_on_event = 0;
    show.set_listener([&](const show::SessionEvent& e) {
        // CPU time of the UI thread, not wall time: a preempted thread is not a busy one.
        timespec a{}, b{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        publisher.on_event(e);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        in_on_event += static_cast<double>(b.tv_sec - a.tv_sec) + static_cast<double>(b.tv_nsec - a.tv_nsec) * 1e-9;
    });
    publisher.wait_status([](const follow::PublisherStatus& s) { return s.link == follow::Link::Connected; }, 10);

    Crowd crowd(follower_url, n, decode_every);
    const double deadline = now() + 30;
    while (crowd.subscribed < n && now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (crowd.subscribed < n) std::cerr << "follow_bench: only " << crowd.subscribed << " of " << n << " subscribed\n";

    show.apply({show::CommandKind::Next}, now());
    // The window: every event after this point, until the demo loop stops.
    const std::uint64_t from = publisher.wait_status([](const follow::PublisherStatus&) { return false; }, 0.2).seq;
    crowd.window_from = from;
    const double cpu0 = cpu_of(mine), t0 = now(), on0 = in_on_event;
    while (now() - t0 < seconds) {
        const show::DemoSlot* s = show.current_demo();
        if (!s || !s->running()) show.apply({show::CommandKind::Run}, now());
        show.update();
        std::this_thread::sleep_for(std::chrono::microseconds(16'667));  // the window loop's frame
    }
    r.seconds = now() - t0;
    r.publisher_cpu = 100 * (cpu_of(mine) - cpu0) / r.seconds;
    r.on_event_cpu = 100 * (in_on_event - on0) / r.seconds;
    // Everything sent so far, then wait for the crowd to have it.
    const std::uint64_t to = publisher.wait_status([](const follow::PublisherStatus&) { return false; }, 0.3).seq;
    crowd.window_to = to;
    const double drain = now() + 10;
    auto all_in = [&] {
        for (const Sim& s : crowd.sims)
            if (s.last < to) return false;
        return true;
    };
    while (!all_in() && now() < drain) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    crowd.stop = true;
    crowd.loop.join();
    r.events = to - from;
    for (const Sim& s : crowd.sims) {
        r.lost += (to - from) - std::min<std::uint64_t>(to - from, s.in_window);
        r.reordered += s.reordered;
        r.rejected += s.rejected;
    }
    if (std::getenv("FOLLOW_BENCH_DEBUG"))
        std::fprintf(stderr, "crowd: %llu poll rounds, %llu socket reads\n", (unsigned long long)crowd.iterations,
                     (unsigned long long)crowd.reads);
    r.p50 = percentile(crowd.latencies, 0.50);
    r.p99 = percentile(crowd.latencies, 0.99);
    return r;
}

void print(const char* label, int n, const Result& r) {
    std::printf("%sfollowers=%d p50=%.1f p99=%.1f lost=%llu reordered=%llu events=%llu rejected=%llu "
                "publisher_cpu=%.2f%% on_event=%.3f%% seconds=%.1f\n",
                label, n, r.p50, r.p99, static_cast<unsigned long long>(r.lost),
                static_cast<unsigned long long>(r.reordered), static_cast<unsigned long long>(r.events),
                static_cast<unsigned long long>(r.rejected), r.publisher_cpu, r.on_event_cpu, r.seconds);
    std::fflush(stdout);
}

// The time from a Follower's start to its Presentation in step (deck, slide, the run's trace so far).
void late_joiner(const follow::Url& presenter_url, const follow::Url& follower_url) {
    show::Options options;
    options.deck_path = bench_deck();
    options.farm_delay = 0.3;
    options.manual_steps = false;
    show::Presentation show(options, now());
    follow::Publisher publisher({presenter_url}, show, now());
    show.set_listener([&](const show::SessionEvent& e) { publisher.on_event(e); });
    publisher.wait_status([](const follow::PublisherStatus& s) { return s.link == follow::Link::Connected; }, 10);
    show.apply({show::CommandKind::Next}, now());
    show.apply({show::CommandKind::Run}, now());
    const double t0 = now();
    while (now() - t0 < 1.0) {  // a second into the run
        show.update();
        std::this_thread::sleep_for(std::chrono::microseconds(16'667));
    }
    show::Options follower_options = options;
    follower_options.farm_url = "http://127.0.0.1:1/animals";
    show::Presentation audience(follower_options, now());
    const double joined = now();
    follow::Follower follower(follow::FollowerOptions{follower_url, {}, 100'000});
    double in_step = -1;
    while (now() - joined < 10) {
        show.update();
        follower.poll(audience, now());
        const show::DemoSlot* a = audience.demo(1);
        const show::DemoSlot* p = show.demo(1);
        if (follower.status().synced && audience.current() == 1 && a && p && a->events.size() >= p->events.size() / 2 &&
            a->events.size() > 0) {
            in_step = now() - joined;
            break;
        }
        follower.wait(0.005);
    }
    std::printf("late_joiner_ms=%.0f\n", in_step * 1000);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> counts{10, 100, 1000};
    double seconds = 10;
    int bridged = 100;
    bool late = true;
    int decode_every = 10;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--followers" && i + 1 < argc) {
            counts.clear();
            std::stringstream in(argv[++i]);
            std::string n;
            while (std::getline(in, n, ',')) counts.push_back(std::stoi(n));
        } else if (a == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
        else if (a == "--bridged" && i + 1 < argc) bridged = std::stoi(argv[++i]);
        else if (a == "--no-late") late = false;
        else if (a == "--qos" && i + 1 < argc) follower_qos = std::stoi(argv[++i]) == 0 ? 0 : 1;
        else if (a == "--animals" && i + 1 < argc) animal_count = std::stoi(argv[++i]);
        else if (a == "--decode-every" && i + 1 < argc) decode_every = std::max(1, std::stoi(argv[++i]));
        else {
            std::cerr << "usage: follow_bench [--followers N,N,...] [--seconds S] [--bridged N (0: none)] [--no-late]\n"
                         "                    [--animals N (the demo's, default 3)] [--decode-every K (default 10)] [--qos 0|1]\n";
            return 2;
        }
    }
    // A thousand followers: two sockets each (ours and the broker's, which inherits this limit).
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    const int most = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
    if (static_cast<rlim_t>(most) * 2 + 200 > limit.rlim_cur)
        std::cerr << "follow_bench: open files limited to " << limit.rlim_cur << "; " << most << " followers need about "
                  << most * 2 + 200 << "\n";
    mosquitto_lib_init();

    follow::Broker broker({});
    for (const int n : counts) print("", n, run(broker.presenter_url(), broker.follower_url(), n, seconds, decode_every));
    if (bridged > 0) {
        follow::Broker a({});
        follow::BrokerOptions ob;
        const follow::Url from = a.follower_url();
        ob.extra_config = "connection room-a\naddress " + from.host + ":" + std::to_string(from.port) +
                          "\ntopic livedeck/" + from.talk + "/# in 1\ncleansession true\n";
        follow::Broker b(ob);
        print("bridged ", bridged, run(a.presenter_url(), b.follower_url(), bridged, seconds, decode_every));
    }
    if (late) late_joiner(broker.presenter_url(), broker.follower_url());
    return 0;
}
