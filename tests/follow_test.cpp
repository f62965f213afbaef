// Following a talk through real mosquitto brokers on loopback: each test
// starts its own broker(s) with a configuration written by follow::Broker
// (a password for the presenter, read-only anonymous followers), a real
// Publisher fed by a real Presentation, and real Followers replaying into
// Presentations of their own. Waits are on conditions (Follower::wait,
// Publisher::wait_status), each with a deadline.
//
// Index
//   [SECTION] Helpers
//   [SECTION] URLs and the codec
//   [SECTION] Publisher to follower
//   [SECTION] Security and junk
//   [SECTION] A broker that goes away; two brokers bridged
//   [SECTION] A host that is slow to look up; a broker that cannot start
#include <gtest/gtest.h>

#include <mosquitto.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include "follow/codec.hpp"
#include "follow/follow.hpp"
#include "follow/mqtt_support.hpp"
#include "show/presentation.hpp"
#include "test_support.hpp"

using namespace livedeck;
using show::CommandKind;

namespace {

// [SECTION] Helpers ----------------------------------------------------------------

using Steady = std::chrono::steady_clock;
const Steady::time_point test_start = Steady::now();
double now() { return std::chrono::duration<double>(Steady::now() - test_start).count(); }

std::filesystem::path deck_dir(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / ("follow-" + name);
    std::filesystem::create_directories(dir / "img");
    std::filesystem::copy_file(std::filesystem::path(LIVEDECK_SOURCE_DIR) / "tests/data/decks/tiny.png",
                               dir / "img/tiny.png", std::filesystem::copy_options::overwrite_existing);
    return dir;
}

// Three slides, a demo on the second, an image on the third (and one that is missing: the deck still goes).
std::filesystem::path talk_deck(const std::string& name) {
    const std::filesystem::path path = deck_dir(name) / "talk.md";
    std::ofstream(path) << "# One\n\nfirst words\n\n---\n\n"
                           "demo: sequential animals=cow,pig delay=0.05\n\n# Two: a demo\n\n---\n\n"
                           "# Three\n\n![a tiny farm](img/tiny.png)\n\n![not there](img/missing.png)\n";
    return path;
}

// What a follower starts with before the presenter's deck arrives.
std::filesystem::path waiting_deck() {
    const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "follow-waiting.md";
    std::ofstream(path) << "# Waiting for the presenter\n";
    return path;
}

show::Options options_for(const std::filesystem::path& deck, std::string farm = {}) {
    show::Options o;
    o.deck_path = deck;
    o.farm_delay = 0.05;
    o.manual_steps = false;
    o.farm_url = std::move(farm);
    return o;
}

struct Presenter {
    show::Presentation show;
    follow::Publisher publisher;
    Presenter(const std::filesystem::path& deck, const follow::Url& url)
        : show(options_for(deck), now()), publisher({url}, show, now()) {
        show.set_listener([this](const show::SessionEvent& e) { publisher.on_event(e); });
    }
    bool connected(double seconds = 10) {
        return publisher.wait_status([](const follow::PublisherStatus& s) { return s.link == follow::Link::Connected; },
                                     seconds)
                   .link == follow::Link::Connected;
    }
    // Runs the current slide's demo to its end, publishing every trace event.
    bool run_demo() {
        show.apply({CommandKind::Run}, now());
        const show::DemoSlot* s = show.current_demo();
        if (!s || !s->run) return false;
        bool done = false;
        while (!done) {
            done = test::wait_done(*s->run, std::chrono::milliseconds(20)) || now() > 60;
            show.update();
        }
        return s->done();
    }
};

struct Audience {
    // Demos would fetch from a closed port: what it shows is replayed.
    show::Presentation show{options_for(waiting_deck(), "http://127.0.0.1:1/animals"), now()};
    follow::Follower follower;
    explicit Audience(const follow::Url& url) : follower(follow::FollowerOptions{url, {}, 100'000}) {}

    template <class Pred>
    bool until(Pred pred, double seconds = 10) {
        const double deadline = now() + seconds;
        for (;;) {
            follower.poll(show, now());
            if (pred()) return true;
            if (now() > deadline) return false;
            follower.wait(std::min(0.2, deadline - now() + 0.01));
        }
    }
    bool on_slide(int index, int slides = 3) {
        return until([&] { return show.slide_count() == slides && show.current() == index; });
    }
};

std::vector<std::string> trace_texts(const show::DemoSlot* s);

std::string describe(Audience& a) {
    const follow::FollowerStatus s = a.follower.status();
    return "slide " + std::to_string(a.show.current()) + " of " + std::to_string(a.show.slide_count()) + ", " +
           std::to_string(trace_texts(a.show.demo(1)).size()) + " trace events; link " + follow::to_string(s.link) +
           " " + s.message + ", synced " + std::to_string(s.synced) + ", seq " + std::to_string(s.seq) + ", resyncs " +
           std::to_string(s.resyncs) + ", rejected " + std::to_string(s.rejected) + " " + s.problem;
}

std::vector<std::string> trace_texts(const show::DemoSlot* s) {
    std::vector<std::string> out;
    if (!s) return out;
    for (const demos::Event& e : s->events) out.push_back(std::string(demos::to_string(e.kind)) + ":" + e.text);
    return out;
}

// A raw MQTT client: what a hostile publisher sends.
struct RawClient {
    mosquitto* mosq = nullptr;
    explicit RawClient(const follow::Url& url) {
        mosquitto_lib_init();
        mosq = mosquitto_new(nullptr, true, nullptr);
        EXPECT_EQ(mosquitto_connect(mosq, url.host.c_str(), url.port, 10), MOSQ_ERR_SUCCESS);
        mosquitto_loop_start(mosq);
    }
    ~RawClient() {
        mosquitto_disconnect(mosq);
        mosquitto_loop_stop(mosq, false);
        mosquitto_destroy(mosq);
    }
    void publish(const std::string& topic, const std::string& payload, bool retain = false) {
        int mid = 0;
        EXPECT_EQ(mosquitto_publish(mosq, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1,
                                    retain),
                  MOSQ_ERR_SUCCESS);
    }
};

}  // namespace

// [SECTION] URLs and the codec ------------------------------------------------------

TEST(FollowUrl, ParsesHostPortTalkAndCredentials) {
    const follow::Url a = follow::parse_url("mqtt://example.org/intro-talk");
    EXPECT_EQ(a.host, "example.org");
    EXPECT_EQ(a.port, 1883);
    EXPECT_EQ(a.talk, "intro-talk");
    EXPECT_EQ(a.topic_root(), "livedeck/intro-talk");
    const follow::Url b = follow::parse_url("mqtt://presenter:s%40cret@127.0.0.1:18830/t1");
    EXPECT_EQ(b.user, "presenter");
    EXPECT_EQ(b.password, "s@cret");
    EXPECT_EQ(b.port, 18830);
    EXPECT_EQ(follow::parse_url(b.str(true)).password, "s@cret");
    EXPECT_EQ(b.str(), "mqtt://127.0.0.1:18830/t1");
    EXPECT_EQ(follow::parse_url("mqtt://[::1]:1884/x").host, "::1");
}

TEST(FollowUrl, RefusesWithAMessageThatSaysWhat) {
    auto message = [](const char* text) {
        try {
            follow::parse_url(text);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("http://host/talk").find("not an mqtt:// URL"), std::string::npos);
    EXPECT_NE(message("mqtt://host").find("no talk name"), std::string::npos);
    EXPECT_NE(message("mqtt://host/").find("empty talk name"), std::string::npos);
    EXPECT_NE(message("mqtt://host/a/b").find("no MQTT wildcards"), std::string::npos);
    EXPECT_NE(message("mqtt://host/a+").find("no MQTT wildcards"), std::string::npos);
    EXPECT_NE(message("mqtt://host/#").find("no MQTT wildcards"), std::string::npos);
    EXPECT_NE(message(("mqtt://host/" + std::string(65, 'x')).c_str()).find("longer than 64"), std::string::npos);
    EXPECT_NE(message("mqtt://host:0/t").find("port"), std::string::npos);
    EXPECT_NE(message("mqtt://host:99999/t").find("port"), std::string::npos);
    EXPECT_NE(message("mqtt://host:x/t").find("port"), std::string::npos);
    EXPECT_NE(message("mqtt://:1883/t").find("no host"), std::string::npos);
    EXPECT_NE(message("mqtt://u:%zz@h/t").find("%-escape"), std::string::npos);
}

TEST(FollowCodec, BatchesCarrySessionLogLinesAndJunkIsRefusedInWords) {
    show::SessionEvent slide{1.5, show::EventType::SlideShown, 2, {}, {}, {}};
    demos::Event e;
    e.kind = demos::EventKind::Text;
    e.text = "moo";
    e.t = 0.25;
    show::SessionEvent trace{2.0, show::EventType::Trace, 1, "main", {}, e};
    const std::string lines = session::encode_event(slide) + session::encode_event(trace);
    const std::string payload = follow::codec::encode_batch(7, 10, 2.5, lines);
    std::string error;
    const auto b = follow::codec::decode_batch(payload, error);
    ASSERT_TRUE(b) << error;
    EXPECT_EQ(b->session, 7u);
    EXPECT_EQ(b->first_seq, 10u);
    EXPECT_EQ(b->last_seq(), 11u);
    ASSERT_EQ(b->entries.size(), 2u);
    EXPECT_EQ(b->entries[0].kind, session::Entry::Kind::Slide);
    EXPECT_EQ(b->entries[0].slide, 2);
    EXPECT_EQ(b->entries[1].trace.text, "moo");
    EXPECT_EQ(b->entries[1].text, "main");

    const std::pair<std::string, std::string> junk[] = {
        {"", "JSON header"},
        {"\x01\x02garbage", "JSON header"},
        {R"({"livedeck":"state","v":1})", "not a livedeck events"},
        {R"({"livedeck":"events","v":9})", "wire version"},
        {R"({"livedeck":"events","v":1,"session":1,"seq":-1,"now":0,"n":1})", "bad seq"},
        {R"({"livedeck":"events","v":1,"session":1,"seq":1,"now":1e300,"n":1})", "bad now"},
        {R"({"livedeck":"events","v":1,"session":1,"seq":1,"now":0,"n":2})" "\n" R"({"t":1,"e":"slide","slide":1})",
         "fewer event lines"},
        {R"({"livedeck":"events","v":1,"session":1,"seq":1,"now":0,"n":1})" "\n" R"({"t":1,"e":"marker"})",
         "does not travel"},
        {R"({"livedeck":"events","v":1,"session":1,"seq":1,"now":0,"n":1})" "\n" R"({"t":1,"e":"slide","slide":1.5})",
         "bad slide"},
        {std::string(follow::codec::max_batch_bytes + 1, ' '), "larger than"},
    };
    for (const auto& [text, why] : junk) {
        error.clear();
        EXPECT_FALSE(follow::codec::decode_batch(text, error)) << text.substr(0, 80);
        EXPECT_NE(error.find(why), std::string::npos) << error;
    }
}

TEST(FollowCodec, DecksTravelInChunksAndComeBackWhole) {
    std::vector<follow::codec::DeckFile> files{{"talk.md", "# Hi\n"},
                                               {"img/big.bin", std::string(600 * 1024, 'x')}};
    const std::string packed = follow::codec::pack_deck(files);
    const std::string id = follow::codec::deck_id(packed);
    const std::vector<std::string> chunks = follow::codec::encode_deck_chunks(packed, id);
    ASSERT_EQ(chunks.size(), 3u);
    follow::codec::DeckAssembler assembler;
    std::optional<std::string> whole;
    std::string error;
    for (int i = 2; i >= 0; --i) {  // in any order
        auto c = follow::codec::decode_deck_chunk(chunks[static_cast<std::size_t>(i)], error);
        ASSERT_TRUE(c) << error;
        whole = assembler.add(std::move(*c), error);
        EXPECT_TRUE(error.empty()) << error;
    }
    ASSERT_TRUE(whole);
    const auto back = follow::codec::unpack_deck(*whole, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ((*back)[1].bytes.size(), 600u * 1024);
    // A path out of the deck's folder is refused.
    std::string evil = R"({"livedeck":"deck-files","v":1,"files":[{"path":"../../etc/x","bytes":1}]})" "\nx";
    EXPECT_FALSE(follow::codec::unpack_deck(evil, error));
    EXPECT_NE(error.find("outside the deck's folder"), std::string::npos);
    EXPECT_THROW(follow::codec::pack_deck({{"/abs", "x"}}), std::length_error);
}

// [SECTION] Publisher to follower ------------------------------------------------------

TEST(Follow, WithoutMosquittoTheBrokerSaysWhatToInstall) {
    follow::BrokerOptions o;
    o.program = "/nonexistent/mosquitto";
    try {
        follow::Broker broker(o);
        FAIL() << "started";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("apt-get install mosquitto"), std::string::npos) << e.what();
    }
}

TEST(Follow, WithoutABrokerBothSidesSayConnectingAndStopPromptly) {
    const follow::Url url = follow::parse_url("mqtt://127.0.0.1:" + std::to_string(follow::free_port()) + "/talk");
    show::Presentation show(options_for(talk_deck("nobroker")), now());
    const double t0 = now();
    {
        follow::Publisher publisher({url}, show, now());
        follow::Follower follower(follow::FollowerOptions{url, {}, 1000});
        show.apply({CommandKind::Next}, now());  // the talk goes on
        publisher.on_event(show::SessionEvent{now(), show::EventType::SlideShown, 1, {}, {}, {}});
        EXPECT_NE(publisher.status().link, follow::Link::Connected);
        EXPECT_NE(follower.status().link, follow::Link::Connected);
        EXPECT_FALSE(follower.status().message.empty());
    }
    EXPECT_LT(now() - t0, 3.0) << "never a long wait for a broker that is not there";
}

TEST(Follow, StartedBeforeTheirBrokerBothSidesConnectOnceItIsThere) {
    follow::BrokerOptions o;
    o.port = follow::free_port();
    o.password = "early-bird";
    follow::Url presenter_url = follow::parse_url("mqtt://presenter:early-bird@127.0.0.1:" + std::to_string(o.port) + "/talk");
    Presenter presenter(talk_deck("early"), presenter_url);
    Audience audience(follow::parse_url("mqtt://127.0.0.1:" + std::to_string(o.port) + "/talk"));
    presenter.show.apply({CommandKind::Next}, now());
    follow::Broker broker(o);
    EXPECT_TRUE(presenter.connected(15));
    ASSERT_TRUE(audience.on_slide(1)) << describe(audience) << "; presenter: " << presenter.publisher.status().deck_error;
}

TEST(Follow, EventsArriveInOrderAndTheDemoIsReplayedNotFetched) {
    follow::Broker broker({});
    Presenter presenter(talk_deck("order"), broker.presenter_url());
    ASSERT_TRUE(presenter.connected());
    Audience audience(broker.follower_url());
    ASSERT_TRUE(audience.on_slide(0));
    EXPECT_TRUE(audience.follower.status().presenter_online);
    // The broker's client count ($SYS, every second here), less the presenter.
    EXPECT_EQ(presenter.publisher.wait_status([](const follow::PublisherStatus& s) { return s.followers == 1; }, 5).followers,
              1);

    presenter.show.apply({CommandKind::Next}, now());
    ASSERT_TRUE(audience.on_slide(1));
    ASSERT_TRUE(presenter.run_demo());
    const std::vector<std::string> want = trace_texts(presenter.show.demo(1));
    ASSERT_GT(want.size(), 4u);
    ASSERT_TRUE(audience.until([&] { return trace_texts(audience.show.demo(1)) == want; }))
        << "follower has " << trace_texts(audience.show.demo(1)).size() << " of " << want.size();
    const show::DemoSlot* replayed = audience.show.demo(1);
    EXPECT_EQ(replayed->run, nullptr);  // replayed from the trace: nothing ran, nothing fetched
    EXPECT_TRUE(replayed->done());
    EXPECT_EQ(replayed->actors, presenter.show.demo(1)->actors);

    presenter.show.apply({CommandKind::Next}, now());
    presenter.show.apply({CommandKind::Black}, now());
    ASSERT_TRUE(audience.until([&] { return audience.show.current() == 2 && audience.show.screen() == show::Screen::Black; }));
    // Every event numbered and applied (the publisher's count is updated just after it sends).
    ASSERT_TRUE(audience.until([&] { return audience.follower.status().seq == presenter.publisher.status().seq; }));
    const follow::FollowerStatus s = audience.follower.status();
    EXPECT_TRUE(s.synced);
    EXPECT_EQ(s.rejected, 0u);
    EXPECT_EQ(s.resyncs, 1u);  // the first state only: no gap after it
    // The image travelled with the deck.
    const std::filesystem::path image = audience.show.deck().path.parent_path() / "img/tiny.png";
    EXPECT_TRUE(std::filesystem::exists(image)) << image;
}

TEST(Follow, LateJoinerAndReconnectingFollowerCatchUpFromTheState) {
    follow::Broker broker({});
    Presenter presenter(talk_deck("late"), broker.presenter_url());
    ASSERT_TRUE(presenter.connected());
    presenter.show.apply({CommandKind::Next}, now());
    ASSERT_TRUE(presenter.run_demo());
    presenter.show.apply({CommandKind::Next}, now());
    const std::vector<std::string> want = trace_texts(presenter.show.demo(1));

    const double joined = now();
    Audience late(broker.follower_url());
    ASSERT_TRUE(late.until([&] { return late.show.current() == 2 && trace_texts(late.show.demo(1)) == want; }))
        << describe(late);
    EXPECT_LT(now() - joined, 1.0 * test::sanitizer_slowdown) << "in step within a second";
    EXPECT_EQ(late.show.demo(1)->run, nullptr);

    // A follower that breaks away, navigates alone, and rejoins.
    late.follower.break_away();
    late.show.apply({CommandKind::First}, now());
    presenter.show.apply({CommandKind::Previous}, now());  // to slide 2 (index 1)
    late.follower.poll(late.show, now());
    EXPECT_EQ(late.show.current(), 0);  // broken away: not applied
    EXPECT_FALSE(late.follower.status().following);
    late.follower.rejoin();
    ASSERT_TRUE(late.until([&] { return late.show.current() == 1 && trace_texts(late.show.demo(1)) == want; }));
    EXPECT_TRUE(late.follower.status().synced);
}

// [SECTION] Security and junk -----------------------------------------------------------

TEST(Follow, APublisherWithoutThePasswordIsRefused) {
    follow::Broker broker({});
    Audience audience(broker.follower_url());
    follow::Url anonymous = broker.follower_url();
    show::Presentation show(options_for(talk_deck("refused")), now());
    {
        follow::Publisher intruder({anonymous}, show, now());
        // Anonymous clients connect (they may read) but their publishing is dropped by the ACL.
        ASSERT_EQ(intruder.wait_status([](const follow::PublisherStatus& s) { return s.link == follow::Link::Connected; },
                                       10)
                      .link,
                  follow::Link::Connected);
        // It has sent its deck, presence and first events; give them a second
        // to arrive, and none does.
        intruder.wait_status([](const follow::PublisherStatus& st) { return st.seq > 0; }, 10);
        EXPECT_FALSE(audience.until(
            [&] {
                const follow::FollowerStatus f = audience.follower.status();
                return audience.show.slide_count() != 1 || f.presenter_online || f.synced || f.seq != 0 ||
                       f.rejected != 0;
            },
            1.0))
            << describe(audience);
        follow::Url wrong = broker.presenter_url();
        wrong.password = "guess";
        follow::Publisher guesser({wrong}, show, now());
        const follow::PublisherStatus s = guesser.wait_status(
            [](const follow::PublisherStatus& st) { return st.link == follow::Link::Lost; }, 10);
        EXPECT_EQ(s.link, follow::Link::Lost);
        EXPECT_NE(s.message.find("not authorised"), std::string::npos) << s.message;
    }
    // A real presenter's events do reach it.
    Presenter presenter(talk_deck("refused-real"), broker.presenter_url());
    ASSERT_TRUE(audience.on_slide(0));
}

TEST(Follow, AHostilePublishersJunkIsRefusedWithAMessageAndTheFollowerGoesOn) {
    follow::BrokerOptions o;
    o.anonymous_may_write = true;  // a broker that lets anyone write the talk
    follow::Broker broker(o);
    Presenter presenter(talk_deck("junk"), broker.presenter_url());
    ASSERT_TRUE(presenter.connected());
    Audience audience(broker.follower_url());
    ASSERT_TRUE(audience.on_slide(0));

    RawClient hostile(broker.follower_url());
    const std::string root = broker.follower_url().topic_root();
    hostile.publish(root + "/events", "garbage\n\x01\xff");
    hostile.publish(root + "/events", std::string(2 << 20, '{'));
    hostile.publish(root + "/events",
                    R"({"livedeck":"events","v":1,"session":1,"seq":1,"now":0,"n":1})" "\n" R"({"t":-5,"e":"slide","slide":1})");
    hostile.publish(root + "/presenter", "[1,2,3]");
    ASSERT_TRUE(audience.until([&] { return audience.follower.status().rejected >= 4; }))
        << audience.follower.status().rejected;
    const follow::FollowerStatus s = audience.follower.status();
    EXPECT_NE(s.problem.find("refused a message on " + root), std::string::npos) << s.problem;

    // A well-formed batch from another "presenter" (another session, far ahead) only costs a resync.
    hostile.publish(root + "/events",
                    R"({"livedeck":"events","v":1,"session":99,"seq":5000,"now":0,"n":1})" "\n" R"({"t":1,"e":"slide","slide":2})");
    presenter.show.apply({CommandKind::Next}, now());
    ASSERT_TRUE(audience.on_slide(1));
    presenter.show.apply({CommandKind::Next}, now());
    ASSERT_TRUE(audience.on_slide(2));
    EXPECT_TRUE(audience.until([&] { return audience.follower.status().synced; })) << describe(audience);
}

// [SECTION] A broker that goes away; two brokers bridged ------------------------------------

TEST(Follow, KillTheBrokerAndRestartItBothSidesRecover) {
    auto broker = std::make_unique<follow::Broker>(follow::BrokerOptions{});
    const follow::Url presenter_url = broker->presenter_url();
    Presenter presenter(talk_deck("restart"), presenter_url);
    ASSERT_TRUE(presenter.connected());
    Audience audience(broker->follower_url());
    ASSERT_TRUE(audience.on_slide(0));

    broker->kill();
    ASSERT_EQ(presenter.publisher
                  .wait_status([](const follow::PublisherStatus& s) { return s.link == follow::Link::Lost; }, 10)
                  .link,
              follow::Link::Lost);
    ASSERT_TRUE(audience.until([&] { return audience.follower.status().link == follow::Link::Lost; }));
    // The talk goes on while the broker is away.
    presenter.show.apply({CommandKind::Next}, now());
    presenter.show.apply({CommandKind::Next}, now());

    follow::BrokerOptions again;
    again.port = presenter_url.port;
    again.password = presenter_url.password;
    broker = std::make_unique<follow::Broker>(again);
    EXPECT_TRUE(presenter.connected(15));
    ASSERT_TRUE(audience.until([&] { return audience.show.current() == 2; }, 15)) << describe(audience);
    EXPECT_TRUE(audience.follower.status().presenter_online);
    presenter.show.apply({CommandKind::Previous}, now());
    ASSERT_TRUE(audience.on_slide(1));
}

TEST(Follow, TwoBrokersBridgedCarryEveryEvent) {
    follow::Broker a({});
    follow::BrokerOptions ob;
    const follow::Url from = a.follower_url();
    // Broker B (the conference's) pulls the talk from broker A (the room's), read-only, anonymously.
    ob.extra_config = "connection room-a\naddress " + from.host + ":" + std::to_string(from.port) +
                      "\ntopic livedeck/" + from.talk + "/# in 1\ncleansession true\nrestart_timeout 1 2\n";
    follow::Broker b(ob);
    Presenter presenter(talk_deck("bridge"), a.presenter_url());
    ASSERT_TRUE(presenter.connected());
    Audience audience(b.follower_url());
    ASSERT_TRUE(audience.on_slide(0, 3));
    presenter.show.apply({CommandKind::Next}, now());
    ASSERT_TRUE(presenter.run_demo());
    const std::vector<std::string> want = trace_texts(presenter.show.demo(1));
    ASSERT_TRUE(audience.until([&] { return trace_texts(audience.show.demo(1)) == want; }));
    ASSERT_TRUE(audience.until([&] { return audience.follower.status().seq == presenter.publisher.status().seq; }));
    const follow::FollowerStatus s = audience.follower.status();
    EXPECT_EQ(s.resyncs, 1u) << "no event lost on the way: no gap to resync";
    EXPECT_EQ(s.rejected, 0u);
}

// [SECTION] A host that is slow to look up; a broker that cannot start


// A name server that does not answer holds getaddrinfo 5-30 s, and the
// Publisher's and Follower's destructors (stop()) run on the UI thread: stop()
// must not wait for the lookup. The slow name server is a lookup held until
// the test lets it go (no name server here can be made slow on demand).
TEST(Follow, StopDoesNotWaitForAHostLookupThatHangs) {
    auto asked = std::make_shared<std::promise<void>>();
    std::future<void> was_asked = asked->get_future();
    auto release = std::make_shared<std::promise<void>>();
    std::shared_future<void> released = release->get_future().share();
    auto answered = std::make_shared<std::promise<void>>();
    std::future<void> was_answered = answered->get_future();
    const follow::detail::Resolver held = [=](const std::string& host) {
        EXPECT_EQ(host, "name-server-does-not-answer.example");
        asked->set_value();
        released.wait();
        answered->set_value();
        return follow::detail::Lookup{{"127.0.0.1"}, {}};
    };
    follow::detail::lib_init();
    int failures = 0;
    mosquitto* mosq = follow::detail::new_client("livedeck-test-slow-lookup", "", "", nullptr);
    {
        follow::detail::Loop loop;
        loop.start(mosq, "name-server-does-not-answer.example", follow::free_port(), 10,
                   [&](const std::string&) { ++failures; }, 1, held);
        ASSERT_EQ(was_asked.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        const double t0 = now();
        loop.stop();
        EXPECT_LT(now() - t0, 2.0) << "stop() waited for the lookup";
    }
    mosquitto_destroy(mosq);  // the lookup's thread never touches the client
    EXPECT_EQ(failures, 0);
    release->set_value();  // the lookup ends after its loop and client are gone
    EXPECT_EQ(was_answered.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// The loop looks the host up itself and hands libmosquitto the address: a
// name (not an address) still reaches the broker.
TEST(Follow, AHostNameIsLookedUpAndReached) {
    follow::BrokerOptions o;
    o.bind = "127.0.0.1";
    follow::Broker broker(o);
    follow::Url presenter_url = broker.presenter_url();
    presenter_url.host = "localhost";
    follow::Url follower_url = broker.follower_url();
    follower_url.host = "localhost";
    Presenter presenter(talk_deck("byname"), presenter_url);
    ASSERT_TRUE(presenter.connected(15)) << presenter.publisher.status().message;
    Audience audience(follower_url);
    ASSERT_TRUE(audience.on_slide(0, 3));
    presenter.show.apply({CommandKind::Next}, now());
    ASSERT_TRUE(audience.on_slide(1));
}

// A broker that does not start (a bad configuration line) leaves no private
// dir behind: its password file and configuration go with the exception.
TEST(Follow, ABrokerThatDoesNotStartLeavesNoFilesBehind) {
    const std::filesystem::path tmp = std::filesystem::path(::testing::TempDir()) / "follow-broker-tmp";
    std::filesystem::remove_all(tmp);
    std::filesystem::create_directories(tmp);
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old ? old : "";
    ASSERT_EQ(::setenv("TMPDIR", tmp.c_str(), 1), 0);
    follow::BrokerOptions o;
    o.extra_config = "no_such_mosquitto_option 1";
    std::string error;
    try {
        follow::Broker broker(o);
    } catch (const std::runtime_error& e) {
        error = e.what();
    }
    if (old)
        ::setenv("TMPDIR", saved.c_str(), 1);
    else
        ::unsetenv("TMPDIR");
    EXPECT_NE(error.find("did not start"), std::string::npos) << error;
    EXPECT_TRUE(std::filesystem::is_empty(tmp)) << "left behind: "
                                                << std::filesystem::directory_iterator(tmp)->path().string();
}

// A broker whose program cannot be run says why, and leaves nothing behind either.
TEST(Follow, ABrokerProgramThatCannotRunSaysWhy) {
    const std::filesystem::path tmp = std::filesystem::path(::testing::TempDir()) / "follow-broker-noexec";
    std::filesystem::remove_all(tmp);
    std::filesystem::create_directories(tmp);
    const std::filesystem::path program = tmp / "not-a-program";
    std::ofstream(program) << "not a program\n";
    follow::BrokerOptions o;
    o.program = program;  // exists, but not executable
    std::string error;
    try {
        follow::Broker broker(o);
    } catch (const std::runtime_error& e) {
        error = e.what();
    }
    EXPECT_NE(error.find("cannot start " + program.string() + ": " + std::strerror(EACCES)), std::string::npos)
        << error;
}
