#include "show/presentation.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <set>
#include <utility>

#include "deck/image_fetch.hpp"
#include "farm/farm.hpp"

#ifndef LIVEDECK_SOURCE_DIR
#define LIVEDECK_SOURCE_DIR "."
#endif

namespace livedeck::show {

// [SECTION] Deck loading -----------------------------------------------------

std::filesystem::path default_deck() {
    const std::filesystem::path relative = "slides/talk.md";
    if (std::filesystem::exists(relative)) return relative;
    const std::filesystem::path built = std::filesystem::path(LIVEDECK_SOURCE_DIR) / relative;
    return std::filesystem::exists(built) ? built : relative;
}

deck::DemoValidator demo_validator(std::filesystem::path base) {
    return [base = std::move(base)](const deck::DemoRef& ref) -> std::optional<std::string> {
        if (!demos::find_demo(ref.name)) {
            std::string known;
            for (const demos::Demo& d : demos::all_demos()) known += (known.empty() ? "" : ", ") + std::string(d.name);
            return "unknown demo '" + ref.name + "' (known: " + known + ")";
        }
        // Every bad parameter, not just the first.
        demos::Params params;
        std::string errors;
        auto add = [&](const std::string& error) {
            errors += (errors.empty() ? "demo " + ref.name + ": " : "; ") + error;
        };
        for (const auto& [key, value] : ref.params)
            if (auto error = demos::apply_param(params, key, value, base)) add(*error);
        // lines= must point into the file the pane shows.
        if (!ref.view.lines.empty()) {
            const std::string_view source = demos::find_demo(ref.name)->source();
            const auto count = static_cast<int>(std::count(source.begin(), source.end(), '\n') +
                                                (!source.empty() && source.back() != '\n' ? 1 : 0));
            if (ref.view.lines.back().second > count)
                add("lines: " + std::to_string(ref.view.lines.back().second) + " is past the end of " +
                    std::string(demos::find_demo(ref.name)->file) + " (" + std::to_string(count) + " lines)");
        }
        if (errors.empty()) return std::nullopt;
        return errors;
    };
}

deck::Deck load_deck(const std::filesystem::path& path, bool fetch_remote) {
    deck::Deck d = deck::load(path, demo_validator(path.parent_path()));
    if (fetch_remote) deck::fetch_remote_images(d);
    return d;
}

namespace {

// What `check` adds to loading: a full decode of every image (a truncated
// file has a good header), and runs this machine cannot serve at once.
void deep_check(deck::Deck& d, const std::filesystem::path& deck_path) {
    std::function<void(const std::vector<deck::Block>&)> images = [&](const std::vector<deck::Block>& blocks) {
        for (const deck::Block& b : blocks) {
            if (b.kind == deck::BlockKind::Image && !deck::image_problem(b.image_path)) {
                std::string note;
                const std::string name = b.image_url.empty() ? b.image_path.string() : b.image_url;
                if (auto problem = deck::image_decode_problem(b.image_path, &note))
                    d.diagnostics.push_back({deck_path.string(), b.line, name + ": " + *problem});
                else if (!note.empty())
                    d.warnings.push_back({deck_path.string(), b.line, name + ": " + note});
            }
            for (const deck::ListItem& item : b.items) images(item.blocks);
            images(b.children);
            for (const deck::Column& c : b.columns) images(c.blocks);
        }
    };
    for (const deck::Slide& slide : d.slides) {
        images(slide.blocks);
        if (!slide.demo) continue;
        demos::Params params;  // with the embedded farm
        if (demos::apply_params(params, slide.demo->params, deck_path.parent_path())) continue;  // an error already
        const long budget = demos::run_budget(params);
        const auto n = static_cast<long>(params.animals.size());
        if (budget > 0 && n > budget)
            d.warnings.push_back({deck_path.string(), slide.demo->line,
                                  "animals: " + std::to_string(n) + " requests, but this machine keeps at most " +
                                      std::to_string(budget) + " in flight (" +
                                      (demos::uses_http2(params) ? "over HTTP/2, for memory" :
                                                                   "its open-files limit, with the farm in this process") +
                                      "): the others queue, so the run takes " +
                                      std::to_string((n + budget - 1) / budget) + " rounds of the delay"});
    }
    auto by_line = [](const deck::Diagnostic& a, const deck::Diagnostic& b) { return a.line < b.line; };
    std::stable_sort(d.diagnostics.begin(), d.diagnostics.end(), by_line);
    std::stable_sort(d.warnings.begin(), d.warnings.end(), by_line);
}

}  // namespace

int check(const std::filesystem::path& deck_path, const CheckOptions& options) {
    deck::Deck d = load_deck(deck_path);
    if (options.more_warnings && !d.slides.empty()) {
        const std::vector<deck::Diagnostic> more = options.more_warnings(d);
        d.warnings.insert(d.warnings.end(), more.begin(), more.end());
    }
    deep_check(d, deck_path);
    std::stable_sort(d.warnings.begin(), d.warnings.end(),
                     [](const deck::Diagnostic& a, const deck::Diagnostic& b) { return a.line < b.line; });
    for (const deck::Diagnostic& diagnostic : d.diagnostics) std::cerr << diagnostic.str() << "\n";
    for (deck::Diagnostic w : d.warnings) {
        w.message = "warning: " + w.message;
        std::cerr << w.str() << "\n";
    }
    const std::size_t n = d.warnings.size();
    const std::string warnings = n == 0 ? "" : " (" + std::to_string(n) + (n == 1 ? " warning)" : " warnings)");
    if (!d.ok()) {
        std::cerr << d.diagnostics.size() << (d.diagnostics.size() == 1 ? " problem" : " problems") << warnings
                  << " in " << deck_path.string() << "\n";
        return 1;
    }
    if (options.strict && n > 0) {
        std::cerr << n << (n == 1 ? " warning" : " warnings") << " in " << deck_path.string()
                  << ": errors with --strict\n";
        return 1;
    }
    std::cout << deck_path.string() << ": " << d.slides.size() << " slides, ok" << warnings << "\n";
    return 0;
}

// [SECTION] Timer ------------------------------------------------------------

void Timer::toggle_pause(double t) {
    if (!started_) return;  // nothing to pause before the talk starts
    if (paused_at_) {
        paused_total_ += t - *paused_at_;
        paused_at_.reset();
    } else {
        paused_at_ = t;
    }
}

double Timer::elapsed(double t) const {
    if (!started_) return 0;
    const double until = paused_at_ ? *paused_at_ : t;
    return std::max(0.0, until - *started_ - paused_total_);
}

// [SECTION] Presentation: commands --------------------------------------------

Presentation::Presentation(Options options, double t)
    : options_(std::move(options)), deck_(load_deck(options_.deck_path, options_.fetch_remote_images)),
      slide_shown_at_(t) {
    make_slots();
    for (const deck::Diagnostic& d : deck_.diagnostics) std::cerr << d.str() << "\n";
    emit(t, EventType::DeckLoaded, -1, deck_.path.string());
    emit(t, EventType::SlideShown, current_);
}

Presentation::~Presentation() {
    // Ask every run at once, so they wind down together; each join is then short.
    for (auto& [index, s] : slots_)
        if (s.run) s.run->request_stop();
    slots_.clear();
    stopping_.clear();
    farm_.reset();  // after the runs: they use it
}

void Presentation::emit(double t, EventType type, int slide, std::string text) {
    if (listener_) listener_(SessionEvent{t, type, slide, std::move(text), {}, {}});
}

void Presentation::apply(const Command& command, double t) {
    switch (command.kind) {
    case CommandKind::Next:
        if (const deck::Slide* s = slide(current_); s && reveal_ < s->steps) show_step(reveal_ + 1, t);
        else go(current_ + 1, t);
        break;
    case CommandKind::Previous:
        if (reveal_ > 0) {
            show_step(reveal_ - 1, t);
        } else if (current_ > 0) {
            go(current_ - 1, t);  // back to where it was left: every step shown
            if (const deck::Slide* s = slide(current_); s && s->steps > 0) show_step(s->steps, t);
        }
        break;
    case CommandKind::RevealAll:
        if (const deck::Slide* s = slide(current_); s && reveal_ != s->steps) show_step(s->steps, t);
        break;
    case CommandKind::First: go(0, t); break;
    case CommandKind::Last: go(slide_count() - 1, t); break;
    case CommandKind::Jump:
        if (command.slide >= 0 && command.slide < slide_count()) go(command.slide, t);
        break;
    case CommandKind::Run:
        if (const DemoSlot* s = demo(current_); s && s->ran) restart(t);
        else run(t);
        break;
    case CommandKind::Stop: stop(t); break;
    case CommandKind::Restart: restart(t); break;
    case CommandKind::Step: step(t); break;
    case CommandKind::Black:
    case CommandKind::White: {
        const Screen wanted = command.kind == CommandKind::Black ? Screen::Black : Screen::White;
        screen_ = screen_ == wanted ? Screen::Slide : wanted;
        emit(t, EventType::ScreenChanged, current_,
             screen_ == Screen::Slide ? "slide" : screen_ == Screen::Black ? "black" : "white");
        break;
    }
    case CommandKind::TimerPause:
        if (!timer_.started()) break;
        timer_.toggle_pause(t);
        emit(t, timer_.paused() ? EventType::TimerPaused : EventType::TimerResumed);
        break;
    case CommandKind::TimerReset:
        timer_.reset();
        emit(t, EventType::TimerReset);
        break;
    case CommandKind::Reload: reload(t); break;
    }
}

void Presentation::go(int index, double t) {
    const int target = std::clamp(index, 0, std::max(0, slide_count() - 1));
    if (target == current_) return;
    current_ = target;
    reveal_ = 0;
    timer_.slide_changed(t);
    slide_shown_at_ = t;
    emit(t, EventType::SlideShown, current_);
}

void Presentation::show_step(int step, double t) {
    reveal_ = step;
    SessionEvent e{t, EventType::StepShown, current_, {}, {}, {}};
    e.step = step;
    if (listener_) listener_(e);
}

const deck::Slide* Presentation::slide(int index) const {
    if (index < 0 || index >= slide_count()) return nullptr;
    return &deck_.slides[static_cast<std::size_t>(index)];
}

namespace {

// Whether every problem of `d` is a remote image it could not fetch (the
// venue's network is down, --offline). Such an image draws its error in its
// place; it must not refuse the reload, or every edit would be refused until
// the network came back.
bool only_unfetched_images(const deck::Deck& d) {
    std::set<int> lines;
    std::function<void(const std::vector<deck::Block>&)> walk = [&](const std::vector<deck::Block>& blocks) {
        for (const deck::Block& b : blocks) {
            if (b.kind == deck::BlockKind::Image && !b.image_url.empty()) lines.insert(b.line);
            for (const deck::ListItem& item : b.items) walk(item.blocks);
            walk(b.children);
            for (const deck::Column& c : b.columns) walk(c.blocks);
        }
    };
    for (const deck::Slide& s : d.slides) walk(s.blocks);
    return std::all_of(d.diagnostics.begin(), d.diagnostics.end(),
                       [&](const deck::Diagnostic& x) { return lines.contains(x.line); });
}

}  // namespace

void Presentation::reload(double t) {
    // (On the window's thread: remote images are fetched in the background.)
    deck::Deck fresh = load_deck(options_.deck_path, false);
    if (!fresh.ok() && only_unfetched_images(fresh)) {
        for (const deck::Diagnostic& d : fresh.diagnostics) std::cerr << d.str() << "\n";
        fresh.diagnostics.clear();  // (each slide keeps its own, drawn in the image's place)
    }
    if (!fresh.ok()) {
        // The show goes on with the last good deck; the presenter sees why.
        rejected_ = fresh.diagnostics;
        for (const deck::Diagnostic& d : rejected_) std::cerr << d.str() << "\n";
        emit(t, EventType::DeckRejected, -1, rejected_.front().str());
        return;
    }
    rejected_.clear();
    for (auto& [index, s] : slots_)
        if (s.run) {
            s.run->request_stop();
            stopping_.push_back(std::move(s.run));
        }
    deck_ = std::move(fresh);
    make_slots();
    current_ = std::clamp(current_, 0, std::max(0, slide_count() - 1));
    // The step shown stays, as far as the new slide has steps.
    reveal_ = std::min(reveal_, slide(current_) ? slide(current_)->steps : 0);
    emit(t, EventType::DeckLoaded, -1, deck_.path.string());
}

// [SECTION] Presentation: demos ------------------------------------------------

std::string Presentation::farm_url() {
    if (!options_.farm_url.empty()) return options_.farm_url;
    if (!farm_) {
        farm_ = std::make_unique<farm::Server>(
            "127.0.0.1", 0, std::chrono::milliseconds(static_cast<long long>(options_.farm_delay * 1000)));
    }
    return farm_->url();
}

namespace {

// The fenced code of `blocks`, nested ones included, for the prefetch.
void collect_code(const std::vector<deck::Block>& blocks, std::vector<deck::Prefetch::Code>& out) {
    for (const deck::Block& b : blocks) {
        if (b.kind == deck::BlockKind::Code) out.push_back({b.text, b.lang});
        for (const deck::ListItem& item : b.items) collect_code(item.blocks, out);
        collect_code(b.children, out);
    }
}

}  // namespace

void Presentation::make_slots() {
    slots_.clear();
    for (int i = 0; i < slide_count(); ++i) {
        const deck::Slide& s = deck_.slides[static_cast<std::size_t>(i)];
        const demos::Demo* found = s.demo ? demos::find_demo(s.demo->name) : nullptr;
        if (!found) continue;
        DemoSlot& fresh = slots_[i];
        fresh.demo = found;
        fresh.view = s.demo->view;
        demos::apply_params(fresh.params, s.demo->params, deck_.path.parent_path());  // validated when the deck loaded
    }
    if (prefetching_) prefetch_code();  // the new deck's code
}

void Presentation::prefetch_code() {
    prefetching_ = true;
    std::vector<deck::Prefetch::Code> code;
    for (const auto& [index, s] : slots_) code.push_back({std::string(s.demo->source()), "cpp"});
    for (const deck::Slide& s : deck_.slides) collect_code(s.blocks, code);
    prefetch_.reset();  // stops the last deck's first
    prefetch_ = std::make_unique<deck::Prefetch>(std::move(code));
}

DemoSlot* Presentation::slot(int index) {
    auto it = slots_.find(index);
    return it == slots_.end() ? nullptr : &it->second;
}

const DemoSlot* Presentation::demo(int index) const {
    auto it = slots_.find(index);
    if (it == slots_.end()) return nullptr;
    const DemoSlot& s = it->second;
    if (!s.code) {
        s.code = deck::highlighted(s.demo->source(), "cpp");
        s.tokens = s.code->lines;
    }
    return &s;
}

void Presentation::run(double t) {
    DemoSlot* s = slot(current_);
    if (!s || s->running()) return;
    demos::Params params = s->params;
    if (!params.delay) params.delay = options_.request_delay;  // the slide's own delay wins
    params.manual_steps = options_.manual_steps;
    params.farm_in_process = options_.farm_url.empty();
    // The farm answers after the slide's delay, or the embedded farm's own.
    params.request_timeout = demos::timeout_for(params.delay.value_or(options_.farm_delay));
    try {
        params.farm_url = farm_url();
    } catch (const std::exception& e) {
        // The demo still runs: its fetches fail and say why in the pane.
        params.farm_url = "http://127.0.0.1:1/animals";
        std::cerr << "livedeck: cannot start the embedded farm: " << e.what() << "\n";
    }
    if (s->run) stopping_.push_back(std::move(s->run));
    s->events.clear();
    s->actors.clear();
    s->seen = 0;
    s->fold.reset();
    s->started = t;
    s->ran = true;
    std::map<std::string, std::string> given = slide(current_)->demo->params;
    if (params.delay && !given.count("delay")) given["delay"] = std::to_string(*params.delay);
    s->run = std::make_unique<demos::Run>([body = s->demo->body](demos::Context& ctx) { body(ctx); },
                                          std::move(params));
    SessionEvent e{t, EventType::DemoRun, current_, std::string(s->demo->name), std::move(given), {}};
    if (listener_) listener_(e);
}

void Presentation::stop(double t) {
    if (DemoSlot* s = slot(current_); s && s->run && !s->run->done()) {
        s->run->request_stop();  // never a join here: update() reaps it once it ended
        emit(t, EventType::DemoStop, current_);
    }
}

void Presentation::restart(double t) {
    if (DemoSlot* s = slot(current_); s && s->run) {
        s->run->request_stop();
        stopping_.push_back(std::move(s->run));
        s->ran = false;
    }
    run(t);
}

void Presentation::step(double t) {
    if (DemoSlot* s = slot(current_); s && s->run && s->run->waiting_for_step()) {
        s->run->step();
        emit(t, EventType::DemoStep, current_);
    }
}

// [SECTION] Presentation: replay ------------------------------------------------

void Presentation::replay_deck(deck::Deck fresh, double t) {
    for (auto& [index, s] : slots_)
        if (s.run) {
            s.run->request_stop();
            stopping_.push_back(std::move(s.run));
        }
    rejected_.clear();
    deck_ = std::move(fresh);
    make_slots();
    current_ = std::clamp(current_, 0, std::max(0, slide_count() - 1));
    reveal_ = std::min(reveal_, slide(current_) ? slide(current_)->steps : 0);
    emit(t, EventType::DeckLoaded, -1, deck_.path.string());
}

void Presentation::replay_slide(int index, double t) {
    if (index < 0 || index >= slide_count()) return;
    go(index, t);
}

void Presentation::replay_step(int index, int step, double t) {
    const deck::Slide* s = slide(index);
    if (!s || index != current_ || step < 0) return;
    const int wanted = std::min(step, s->steps);
    if (wanted != reveal_) show_step(wanted, t);
}

void Presentation::replay_screen(Screen screen, double t) {
    if (screen_ == screen) return;
    screen_ = screen;
    emit(t, EventType::ScreenChanged, current_,
         screen_ == Screen::Slide ? "slide" : screen_ == Screen::Black ? "black" : "white");
}

void Presentation::replay_run(int index, double t) {
    DemoSlot* s = slot(index);
    if (!s) return;
    if (s->run) {
        s->run->request_stop();
        stopping_.push_back(std::move(s->run));
    }
    s->events.clear();
    s->actors.clear();
    s->seen = 0;
    s->fold.reset();
    s->started = t;
    s->ran = true;
}

void Presentation::replay_trace(int index, const demos::Event& event, std::string_view actor) {
    auto it = slots_.find(index);
    if (it == slots_.end() || !it->second.ran || it->second.run) return;
    std::vector<std::string>& actors = it->second.actors;
    // A recording from outside: at most a million actors are named.
    if (event.actor >= 0 && event.actor < 1'000'000 && !actor.empty()) {
        const auto id = static_cast<std::size_t>(event.actor);
        if (id >= actors.size()) actors.resize(id + 1);
        if (actors[id].empty()) actors[id] = actor;
    }
    std::vector<demos::Event>& events = it->second.events;
    // From outside (a recording, a publisher that never stops): a run keeps at
    // most this many events; a 50,000-animal run has about 200,000.
    constexpr std::size_t max_replayed_events = 2'000'000;
    if (events.size() >= max_replayed_events) return;
    demos::Event e = event;
    if (!events.empty()) e.t = std::max(e.t, events.back().t);  // times never go back
    events.push_back(std::move(e));
}

bool Presentation::waiting_for_step() const {
    const DemoSlot* s = current_demo();
    return s && s->run && s->run->waiting_for_step();
}

bool Presentation::animating() const {
    const DemoSlot* s = current_demo();
    return s && s->running();
}

bool Presentation::update() {
    bool changed = false;
    for (auto& [index, s] : slots_) {
        if (!s.run) continue;
        const std::size_t before = s.seen;
        s.seen = s.run->trace().read(s.seen, s.events);
        if (s.seen == before) continue;
        changed = true;
        // Actors are only ever added: copy their names when a new one shows up.
        for (std::size_t i = before; i < s.seen; ++i)
            if (s.events[i].actor >= 0 && static_cast<std::size_t>(s.events[i].actor) >= s.actors.size()) {
                s.actors = s.run->trace().actors();
                break;
            }
        if (listener_) {
            for (std::size_t i = before; i < s.seen; ++i) {
                const demos::Event& e = s.events[i];
                const std::string actor =
                    e.actor >= 0 && static_cast<std::size_t>(e.actor) < s.actors.size() ? s.actors[static_cast<std::size_t>(e.actor)] : "";
                listener_(SessionEvent{s.started + e.t, EventType::Trace, index, actor, {}, e});
            }
        }
    }
    // A run that was asked to stop is dropped once its worker has returned,
    // clean-up included (which may outlast its Done event by a second at
    // 50,000 requests): joining it then is immediate, never a wait here.
    std::erase_if(stopping_, [](const std::unique_ptr<demos::Run>& r) { return r->finished(); });
    return changed;
}

}  // namespace livedeck::show
