// The presentation model without a display: command sequences give the
// expected slide, runs, timer, screen and session events. Times are plain
// numbers passed in; nothing here reads a clock but the waits for real demo
// runs, which have deadlines.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "deck/image_fetch.hpp"
#include "show/presentation.hpp"
#include "show/search.hpp"
#include "test_support.hpp"

using namespace livedeck;
using show::Command;
using show::CommandKind;
using show::EventType;

namespace {

std::filesystem::path write_deck(const std::string& name, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
    std::ofstream(path) << text;
    return path;
}

const char* const three_slides =
    "# One\n\nfirst words\n\n<!-- the notes of one mention a walrus -->\n\n---\n\n"
    "demo: sequential animals=cow delay=0.05\n\n# Two: a demo\n\n---\n\n# Three\n\nlast words\n";

show::Options options_for(const std::filesystem::path& deck) {
    show::Options o;
    o.deck_path = deck;
    o.farm_delay = 0.05;
    o.manual_steps = false;
    return o;
}

bool wait_current_run_done(show::Presentation& p) {
    const show::DemoSlot* s = p.current_demo();
    if (!s || !s->run) return false;
    const bool done = test::wait_done(*s->run);
    p.update();
    return done;
}

}  // namespace

TEST(Presentation, NavigationClampsAndIgnoresSlidesThatDoNotExist) {
    show::Presentation p(options_for(write_deck("nav.md", three_slides)));
    ASSERT_EQ(p.slide_count(), 3);
    EXPECT_EQ(p.current(), 0);
    p.apply({CommandKind::Previous}, 1);
    EXPECT_EQ(p.current(), 0);
    p.apply({CommandKind::Next}, 2);
    p.apply({CommandKind::Next}, 3);
    p.apply({CommandKind::Next}, 4);
    EXPECT_EQ(p.current(), 2);
    p.apply({CommandKind::First}, 5);
    EXPECT_EQ(p.current(), 0);
    p.apply({CommandKind::Jump, 7}, 6);  // no slide 8: dropped
    EXPECT_EQ(p.current(), 0);
    p.apply({CommandKind::Jump, 1}, 7);
    EXPECT_EQ(p.current(), 1);
    p.apply({CommandKind::Last}, 8);
    EXPECT_EQ(p.current(), 2);
}

TEST(Presentation, TimerStartsWithTheFirstSlideChangePausesAndResets) {
    show::Presentation p(options_for(write_deck("timer.md", three_slides)), 0);
    EXPECT_FALSE(p.timer().started());
    EXPECT_EQ(p.timer().elapsed(100), 0);
    p.apply({CommandKind::TimerPause}, 5);  // nothing to pause yet
    EXPECT_FALSE(p.timer().paused());
    p.apply({CommandKind::Next}, 10);
    EXPECT_TRUE(p.timer().started());
    EXPECT_DOUBLE_EQ(p.timer().elapsed(25), 15);
    p.apply({CommandKind::TimerPause}, 30);
    EXPECT_TRUE(p.timer().paused());
    EXPECT_DOUBLE_EQ(p.timer().elapsed(90), 20);  // frozen while paused
    p.apply({CommandKind::TimerPause}, 100);      // resumes: 70 s were paused
    EXPECT_DOUBLE_EQ(p.timer().elapsed(110), 30);
    EXPECT_DOUBLE_EQ(p.slide_shown_at(), 10);
    p.apply({CommandKind::Next}, 120);
    EXPECT_DOUBLE_EQ(p.slide_shown_at(), 120);
    p.apply({CommandKind::TimerReset}, 130);
    EXPECT_FALSE(p.timer().started());
    p.apply({CommandKind::Previous}, 140);
    EXPECT_DOUBLE_EQ(p.timer().elapsed(150), 10);
}

TEST(Presentation, BlackAndWhiteToggleAndReplaceEachOther) {
    show::Presentation p(options_for(write_deck("screen.md", three_slides)));
    EXPECT_EQ(p.screen(), show::Screen::Slide);
    p.apply({CommandKind::Black}, 1);
    EXPECT_EQ(p.screen(), show::Screen::Black);
    p.apply({CommandKind::White}, 2);
    EXPECT_EQ(p.screen(), show::Screen::White);
    p.apply({CommandKind::White}, 3);
    EXPECT_EQ(p.screen(), show::Screen::Slide);
    p.apply({CommandKind::Black}, 4);
    p.apply({CommandKind::Next}, 5);  // the room stays dark while the presenter moves on
    EXPECT_EQ(p.screen(), show::Screen::Black);
    EXPECT_EQ(p.current(), 1);
}

TEST(Presentation, EveryChangeIsASessionEventWithItsTime) {
    show::Presentation p(options_for(write_deck("events.md", three_slides)));
    std::vector<show::SessionEvent> events;
    p.set_listener([&](const show::SessionEvent& e) { events.push_back(e); });
    p.apply({CommandKind::Next}, 1.5);
    p.apply({CommandKind::Next}, 2.5);
    p.apply({CommandKind::Next}, 3.5);  // already on the last slide: no event
    p.apply({CommandKind::Black}, 4.5);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, EventType::SlideShown);
    EXPECT_EQ(events[0].slide, 1);
    EXPECT_DOUBLE_EQ(events[0].t, 1.5);
    EXPECT_EQ(events[1].slide, 2);
    EXPECT_EQ(events[2].type, EventType::ScreenChanged);
    EXPECT_EQ(events[2].text, "black");
    EXPECT_DOUBLE_EQ(events[2].t, 4.5);
}

TEST(Presentation, RunsTheDemoOfTheCurrentSlideOnly) {
    show::Presentation p(options_for(write_deck("run.md", three_slides)));
    p.apply({CommandKind::Run}, 0);  // slide 1 has no demo
    EXPECT_EQ(p.current_demo(), nullptr);
    p.apply({CommandKind::Next}, 1);
    const show::DemoSlot* slot = p.current_demo();
    ASSERT_NE(slot, nullptr);
    EXPECT_EQ(slot->run, nullptr);
    EXPECT_EQ(slot->demo->name, "sequential");
    EXPECT_FALSE(slot->tokens.empty());  // the source, highlighted once
    p.apply({CommandKind::Run}, 2);
    ASSERT_NE(slot->run, nullptr);
    EXPECT_DOUBLE_EQ(slot->started, 2);
    EXPECT_DOUBLE_EQ(slot->demo_time(5), 3);
    ASSERT_TRUE(wait_current_run_done(p));
    ASSERT_FALSE(slot->events.empty());
    EXPECT_EQ(slot->events.back().kind, demos::EventKind::Done);
    EXPECT_EQ(slot->events.back().text, "finished");
    EXPECT_EQ(test::texts(demos::fold_lines(slot->events, 1e9)),
              std::vector<std::string>{"The cow says \"Moo!\"."});
}

TEST(Presentation, StopIsARequestThatNeverJoinsTheWorker) {
    show::Options o = options_for(write_deck("stop.md", three_slides));
    o.farm_delay = 30;  // the cow would take half a minute
    show::Presentation p(o);
    p.apply({CommandKind::Jump, 1}, 0);
    p.apply({CommandKind::Run}, 0);
    const show::DemoSlot* slot = p.current_demo();
    ASSERT_TRUE(test::wait_for_event(*slot->run, demos::EventKind::RequestStart));
    // The command returns before the run has ended; update() reaps it later.
    p.apply({CommandKind::Stop}, 1);
    EXPECT_TRUE(slot->run != nullptr);
    ASSERT_TRUE(wait_current_run_done(p));
    EXPECT_EQ(slot->events.back().text, "stopped");
    // Restart: a fresh run; the old one goes to be reaped.
    p.apply({CommandKind::Restart}, 2);
    EXPECT_FALSE(slot->run->done());
    EXPECT_TRUE(slot->events.empty());
}

TEST(Presentation, ABrokenReloadKeepsTheLastGoodDeckAndSaysWhy) {
    const auto path = write_deck("reload.md", three_slides);
    show::Presentation p(options_for(path));
    p.apply({CommandKind::Last}, 1);
    std::ofstream(path) << "# One\n\n---\n\ndemo: no-such-demo\n\n# Broken\n";
    p.apply({CommandKind::Reload}, 2);
    EXPECT_EQ(p.slide_count(), 3);  // the show goes on
    EXPECT_EQ(p.current(), 2);
    EXPECT_TRUE(p.reload_rejected());
    ASSERT_FALSE(p.problems().empty());
    EXPECT_NE(p.problems().front().str().find("reload.md:5:"), std::string::npos) << p.problems().front().str();
    // Fixed: the new deck is taken, the position kept where it can be.
    std::ofstream(path) << "# One\n\n---\n\n# Two\n";
    p.apply({CommandKind::Reload}, 3);
    EXPECT_FALSE(p.reload_rejected());
    EXPECT_TRUE(p.problems().empty());
    EXPECT_EQ(p.slide_count(), 2);
    EXPECT_EQ(p.current(), 1);
}

TEST(Presentation, ARemoteImageThatCannotBeFetchedDoesNotRefuseAReload) {
    // Offline (or the venue's network down): the image shows its error in its
    // place, and edits to the deck are still taken.
    deck::set_offline(true);
    const auto path = write_deck("remote_reload.md", "# One\n\n![logo](http://127.0.0.1:1/never-cached-logo.png)\n");
    show::Presentation p(options_for(path));
    std::ofstream(path) << "# One\n\n![logo](http://127.0.0.1:1/never-cached-logo.png)\n\n---\n\n# Two\n";
    p.apply({CommandKind::Reload}, 1);
    deck::set_offline(false);
    EXPECT_FALSE(p.reload_rejected());
    EXPECT_EQ(p.slide_count(), 2);
    ASSERT_FALSE(p.slide(0)->errors.empty());  // still said, on its slide
    EXPECT_NE(p.slide(0)->errors.front().message.find("offline"), std::string::npos);
    // Any other problem still refuses the reload.
    std::ofstream(path) << "# One\n\n![logo](http://127.0.0.1:1/never-cached-logo.png)\n\n---\n\ndemo: no-such-demo\n";
    p.apply({CommandKind::Reload}, 2);
    EXPECT_TRUE(p.reload_rejected());
}

TEST(Presentation, ADemoSourceIsHighlightedOnceThroughTheCache) {
    show::Presentation p(options_for(write_deck("tokens.md", three_slides)));
    p.prefetch_code();
    p.apply({CommandKind::Next}, 1);
    const show::DemoSlot* slot = p.current_demo();
    ASSERT_NE(slot, nullptr);
    ASSERT_FALSE(slot->tokens.empty());
    // The tokens are the shared cache's: a code pane drawn every frame
    // highlights nothing, and the prefetch's work is not done twice.
    EXPECT_TRUE(deck::cached(slot->demo->source(), "cpp"));
    EXPECT_EQ(slot->code, deck::highlighted(slot->demo->source(), "cpp"));
    EXPECT_EQ(p.current_demo()->tokens.front().front().text.data(), slot->code->lines.front().front().text.data());
}

TEST(Presentation, ADeckThatCannotBeReadStillGivesAModel) {
    show::Presentation p(options_for("/nonexistent/deck.md"));
    EXPECT_EQ(p.slide_count(), 0);
    EXPECT_EQ(p.slide(0), nullptr);
    EXPECT_FALSE(p.problems().empty());
    p.apply({CommandKind::Next}, 1);
    p.apply({CommandKind::Run}, 2);
    p.apply({CommandKind::Jump, 3}, 3);
    EXPECT_EQ(p.current(), 0);
}

TEST(Search, FindsSlidesByNumberTitleTextNotesAndDemo) {
    show::Presentation p(options_for(write_deck("search.md", three_slides)));
    const deck::Deck& d = p.deck();
    auto slides = [](const std::vector<show::SearchHit>& hits) {
        std::vector<int> out;
        for (const auto& h : hits) out.push_back(h.slide);
        return out;
    };
    EXPECT_EQ(slides(show::search(d, "3")), std::vector<int>{2});
    EXPECT_TRUE(show::search(d, "4").empty());
    EXPECT_EQ(slides(show::search(d, "WALRUS")), std::vector<int>{0});     // in the notes
    EXPECT_EQ(slides(show::search(d, "sequential")), std::vector<int>{1}); // the demo's name
    EXPECT_EQ(slides(show::search(d, "words")), (std::vector<int>{0, 2}));
    EXPECT_EQ(slides(show::search(d, "last words")), std::vector<int>{2});  // every word
    // Title hits first.
    EXPECT_EQ(slides(show::search(d, "demo")), std::vector<int>{1});
    EXPECT_EQ(show::search(d, "three").front().title, "Three");
    EXPECT_TRUE(show::search(d, "   ").empty());
}

TEST(Presentation, ASlotKnowsItsLayoutAndItsActorsNames) {
    show::Presentation p(options_for(write_deck(
        "layout.md", "# One\n---\ndemo: sequential animals=cow delay=0.05 split=70 timeline=on lines=4-9\n# Two\n")));
    const show::DemoSlot* slot = p.demo(1);
    ASSERT_NE(slot, nullptr);
    EXPECT_EQ(slot->view.split, 70);
    EXPECT_TRUE(slot->view.timeline);
    EXPECT_EQ(slot->view.lines, (std::vector<std::pair<int, int>>{{4, 9}}));
    // A live run: the names come with the events, listener or not.
    p.apply({CommandKind::Next}, 1);
    p.apply({CommandKind::Run}, 2);
    ASSERT_TRUE(wait_current_run_done(p));
    ASSERT_FALSE(slot->actors.empty());
    EXPECT_EQ(slot->actors[0], "main");
    // A replayed run: the names come from the recording.
    p.replay_run(1, 10);
    demos::Event e;
    e.actor = 2;
    e.kind = demos::EventKind::RequestStart;
    p.replay_trace(1, e, "pig");
    ASSERT_EQ(slot->actors.size(), 3u);
    EXPECT_EQ(slot->actors[2], "pig");
    EXPECT_EQ(slot->actors[0], "");
}

// ---- Reveal steps

namespace {

const char* const stepped =
    "# One\n\nfirst\n\n---\n\n# Two\n\na\n\n<!-- pause -->\n\nb\n\n<!-- incremental_lists: true -->\n\n- c\n- d\n\n"
    "---\n\n# Three\n";

}  // namespace

TEST(Presentation, NextStepsThroughASlidesRevealsBeforeMovingOn) {
    show::Presentation p(options_for(write_deck("steps.md", stepped)), 0);
    std::vector<std::string> events;
    p.set_listener([&](const show::SessionEvent& e) {
        if (e.type == EventType::SlideShown) events.push_back("slide " + std::to_string(e.slide));
        if (e.type == EventType::StepShown) events.push_back("step " + std::to_string(e.slide) + "." + std::to_string(e.step));
    });
    ASSERT_EQ(p.slide(1)->steps, 3);
    // Key presses: Next six times (to the last slide), then Previous five times.
    std::vector<std::pair<int, int>> seen;
    for (int i = 0; i < 6; ++i) {
        p.apply({CommandKind::Next}, i + 1);
        seen.push_back({p.current(), p.reveal()});
    }
    EXPECT_EQ(seen, (std::vector<std::pair<int, int>>{{1, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 0}, {2, 0}}));
    seen.clear();
    for (int i = 0; i < 5; ++i) {
        p.apply({CommandKind::Previous}, i + 10);
        seen.push_back({p.current(), p.reveal()});
    }
    // Back onto a slide: where it was left, every step shown.
    EXPECT_EQ(seen, (std::vector<std::pair<int, int>>{{1, 3}, {1, 2}, {1, 1}, {1, 0}, {0, 0}}));
    EXPECT_EQ(events, (std::vector<std::string>{"slide 1", "step 1.1", "step 1.2", "step 1.3", "slide 2", "slide 1",
                                                "step 1.3", "step 1.2", "step 1.1", "step 1.0", "slide 0"}));
    // Jumps land on a slide's first view; RevealAll shows all of it.
    p.apply({CommandKind::Jump, 1}, 20);
    EXPECT_EQ(p.reveal(), 0);
    p.apply({CommandKind::RevealAll}, 21);
    EXPECT_EQ(p.reveal(), 3);
    p.apply({CommandKind::Last}, 22);
    EXPECT_EQ(p.reveal(), 0);
}

TEST(Presentation, NextMovesACodeBlocksLineHighlightThenReachesThePause) {
    const char* deck = "# One\n\n---\n\n# Code\n\n```rust {1|2|all}\na\nb\n```\n\n<!-- pause -->\n\nafter\n";
    show::Presentation p(options_for(write_deck("code_steps.md", deck)), 0);
    std::vector<std::string> events;
    p.set_listener([&](const show::SessionEvent& e) {
        if (e.type == EventType::SlideShown) events.push_back("slide " + std::to_string(e.slide));
        if (e.type == EventType::StepShown) events.push_back("step " + std::to_string(e.slide) + "." + std::to_string(e.step));
    });
    ASSERT_EQ(p.slide(1)->steps, 3);  // two highlight steps, then the pause
    for (int i = 0; i < 5; ++i) p.apply({CommandKind::Next}, i + 1);  // the last Next: past the deck's end
    for (int i = 0; i < 2; ++i) p.apply({CommandKind::Previous}, i + 10);
    EXPECT_EQ(events, (std::vector<std::string>{"slide 1", "step 1.1", "step 1.2", "step 1.3", "step 1.2", "step 1.1"}));
    const deck::Block& code = p.slide(1)->blocks.at(1);
    EXPECT_EQ(deck::highlight_at(code, p.reveal()), &code.highlights.at(1));
}

TEST(Presentation, AReplayedStepShowsTheSameAndAReloadKeepsWhatStillExists) {
    show::Presentation p(options_for(write_deck("replay_steps.md", stepped)), 0);
    p.replay_slide(1, 1);
    p.replay_step(1, 2, 2);
    EXPECT_EQ(p.current(), 1);
    EXPECT_EQ(p.reveal(), 2);
    p.replay_step(1, 99, 3);  // a log says more than the deck has: all of it
    EXPECT_EQ(p.reveal(), 3);
    p.replay_step(0, 1, 4);  // not the slide shown: ignored
    EXPECT_EQ(p.reveal(), 3);
    // The deck loses a pause: the step shown is clamped.
    write_deck("replay_steps.md", "# One\n\n---\n\n# Two\n\na\n\n<!-- pause -->\n\nb\n");
    p.apply({CommandKind::Reload}, 5);
    EXPECT_EQ(p.reveal(), 1);
}
