// livedeck's command line: subcommands only; the work is in the libraries.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <pthread.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

#include "deck/image_fetch.hpp"
#include "farm/farm.hpp"
#include "registry.hpp"
#include "terminal.hpp"
#include "export/export.hpp"
#include "follow/follow.hpp"
#include "views/app.hpp"
#include "views/glyph_set.hpp"
#include "views/slide_view.hpp"

namespace {

std::atomic<bool> interrupted{false};
std::atomic<int> signal_number{0};
void on_signal(int signal) {
    signal_number = signal;
    interrupted = true;
}

// An exit code that says which signal stopped the work (128 + its number),
// as a shell expects: 130 for Ctrl-C, 143 for SIGTERM.
int signalled(int code) { return code == 130 && signal_number != 0 ? 128 + signal_number : code; }

// Rejects NaN and infinities, which pass range checks (every comparison with NaN is false).
// A number of seconds in [low, high], with a message a person can read
// (CLI11's own range check prints DBL_MAX in full).
CLI::Validator seconds_between(double low, double high) {
    auto format = [](double v) {
        std::ostringstream out;
        out << v;
        return out.str();
    };
    return CLI::Validator(
        [=](std::string& text) {
            const std::string range = "a number of seconds from " + format(low) + " to " + format(high);
            try {
                std::size_t end = 0;
                const double v = std::stod(text, &end);
                if (end != text.size() || !std::isfinite(v) || v < low || v > high)
                    return "'" + text + "' is not " + range;
            } catch (const std::exception&) {
                return "'" + text + "' is not " + range;
            }
            return std::string();
        },
        "SECONDS");
}

bool parse_size(const std::string& text, int& width, int& height) {
    char x = 0;
    char extra = 0;
    return std::sscanf(text.c_str(), "%d%c%d%c", &width, &x, &height, &extra) == 3 && (x == 'x' || x == 'X') &&
           width >= 64 && height >= 64 && width <= 8192 && height <= 8192;
}

// Thousands of concurrent requests need as many sockets: lift the soft
// open-files limit to the hard one.
void raise_open_files_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// The presenter's password: the first line of a file (a secret kept out of
// the command line, where `ps` shows it to every user).
std::string read_password_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the password file " + path);
    std::string line;
    std::getline(in, line);  // at most 1 KiB is a password
    if (line.size() > 1024) throw std::runtime_error("the password file " + path + " has a first line over 1 KiB");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw std::runtime_error("the password file " + path + " has no password on its first line");
    return line;
}

// An mqtt:// URL from the command line; exits with a message naming what is wrong.
std::optional<livedeck::follow::Url> url_argument(const std::string& what, const std::string& text) {
    try {
        return livedeck::follow::parse_url(text);
    } catch (const std::exception& e) {
        const std::string why = e.what();
        std::cerr << what << ": " << why
                  << (why.find("mqtt://HOST") == std::string::npos ? " (expected mqtt://HOST[:PORT]/TALK)" : "") << "\n";
        return std::nullopt;
    }
}

// The host followers reach a broker bound to `bind` at: this machine's name
// when it listens on every address.
std::string reachable_host(const std::string& bind) {
    if (bind != "0.0.0.0" && bind != "::" && !bind.empty()) return bind;
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == 0) return "127.0.0.1";
    return name;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace livedeck;
    CLI::App cli{"livedeck: a presentation program whose slides carry live code"};
    cli.require_subcommand(0, 1);

    double delay = 2.0;
    std::string farm_url;
    std::string deck_arg;
    std::vector<CLI::Option*> delay_options;
    // --delay and --farm belong to every subcommand (and show in its --help).
    auto add_farm_options = [&](CLI::App* app) {
        delay_options.push_back(
            app->add_option("--delay", delay,
                            "Seconds each animal takes to answer (default 2): the embedded farm's delay, or "
                            "asked of the --farm per request")
                ->check(seconds_between(0.0, 60.0)));
        app->add_option("--farm", farm_url,
                        "Use the animals farm at URL (URL/cow is the cow) instead of the embedded one");
    };
    add_farm_options(&cli);
    // --offline: on every subcommand that shows a deck (and the show itself).
    bool offline = false;
    auto add_offline = [&](CLI::App* app) {
        app->add_flag("--offline", offline,
                      "Fetch no remote image (https://...): cached copies are used, others are errors");
    };
    add_offline(&cli);
    cli.add_option("deck", deck_arg, "The deck to present (default: slides/talk.md)");
    // Whether the user chose a delay: against another farm it is then asked for per request.
    auto delay_given = [&] {
        return std::any_of(delay_options.begin(), delay_options.end(), [](CLI::Option* o) { return o->count() > 0; });
    };

    auto app_options = [&](bool browse) {
        views::AppOptions o;
        o.show.deck_path = deck_arg.empty() ? show::default_deck() : std::filesystem::path(deck_arg);
        o.show.farm_url = farm_url;
        o.show.farm_delay = delay;
        if (!farm_url.empty() && delay_given()) o.show.request_delay = delay;
        o.browse = browse;
        return o;
    };

    // Presenting: where the windows go.
    int audience_monitor = -1;
    std::string audience_geometry;
    bool single_window = false;
    auto* monitor_option = cli.add_option("--audience-monitor", audience_monitor,
                                          "Open the audience window full screen on monitor N (0 is the first); "
                                          "the presenter console stays on the first")
                               ->check(CLI::Range(0, 64));
    auto* geometry_option = cli.add_option("--audience-geometry", audience_geometry,
                                           "Open the audience window exactly at WxH+X+Y (e.g. 1920x1080+1920+0), "
                                           "also when the system reports one monitor");
    cli.add_flag("--single-window", single_window, "One window for both: Tab shows the presenter console");
    std::string record_dir, mic_source;
    auto* record_option = cli.add_option("--record", record_dir,
                                         "Record the session into DIR from the start (Ctrl+R starts and stops "
                                         "recordings into recordings/<date-time>/ beside the deck)");
    auto* mic_option = cli.add_option("--mic", mic_source,
                                      "Record the microphone too: a PulseAudio source (default: the system's)")
                           ->expected(0, 1);
    std::string publish_url, publish_address = "127.0.0.1", password_file;
    auto* publish_option =
        cli.add_option("--publish", publish_url,
                       "Publish the talk live for followers (livedeck follow URL) through the MQTT broker at "
                       "mqtt://[USER@]HOST[:PORT]/TALK; without a URL, start Debian's mosquitto on a free port "
                       "and print the URL followers use")
            ->expected(0, 1);
    auto* publish_address_option = cli.add_option(
        "--publish-address", publish_address,
        "With --publish and no URL: the address the embedded broker listens on (default 127.0.0.1; 0.0.0.0 for "
        "every network)");
    auto* password_file_option =
        cli.add_option("--password-file", password_file,
                       "With --publish: the presenter's broker password, the first line of FILE (the user is the "
                       "URL's, default 'presenter'); without a URL, the embedded broker's presenter password");
    cli.footer(
        "Keys while presenting (in either window):\n"
        "  Right Down Space PgDn N   next slide         Left Up PgUp P   previous slide\n"
        "  Home / End                first / last       a number, Enter  jump to that slide\n"
        "  G                         go to: type a number or words, Enter jumps\n"
        "  B or .                    black the audience screen (again to return)   W  white it\n"
        "  T                         pause / resume the timer (it starts with the first slide change)\n"
        "  Shift+T                   reset the timer\n"
        "  R / Shift+R / S / Enter   run (restart) / restart / stop / step the slide's demo\n"
        "  Ctrl+R / M                start or stop recording / a chapter marker\n"
        "  Tab                       presenter console (one window)   O  overview   F  full screen\n"
        "  J                         following (livedeck follow, browse --follow): rejoin the presenter\n"
        "  Ctrl+Q                    quit");

    // browse
    auto* browse = cli.add_subcommand("browse", "Attendee mode: browse the slides, run the demos, no notes");
    browse->add_option("deck", deck_arg, "The deck (default: slides/talk.md)");
    std::string follow_url;
    auto* browse_follow = browse->add_option(
        "--follow", follow_url,
        "Follow the talk published at mqtt://HOST[:PORT]/TALK (livedeck --publish) until you break away; J rejoins");
    add_farm_options(browse);
    add_offline(browse);

    // follow
    auto* follow_cmd = cli.add_subcommand(
        "follow", "Follow a talk live: the presenter's slide, blackouts and demo output (replayed, not run here)");
    follow_cmd->add_option("url", follow_url, "mqtt://HOST[:PORT]/TALK, as livedeck --publish prints it")->required();
    add_farm_options(follow_cmd);
    follow_cmd->footer(
        "Any key that moves or runs something (arrows, Space, a number, G, O, R, B) breaks away: the window is\n"
        "yours, demos run here against --farm. J rejoins the presenter. The line at the bottom left says which\n"
        "mode the window is in, and whether the broker can be reached.");

    // demo
    auto* demo = cli.add_subcommand("demo", "Run one demo in the terminal, animated");
    std::string demo_name;
    bool list = false, no_animate = false;
    std::string animals;
    demo->add_option("name", demo_name, "The demo to run (see --list)");
    demo->add_flag("--list", list, "List the demos in talk order");
    demo->add_flag("--no-animate", no_animate, "Print whole lines instead of a character at a time");
    auto* animals_option =
        demo->add_option("--animals", animals,
                         "Comma-separated animals to fetch (default: cow,pig,chicken), or @FILE: the names in FILE, "
                         "one a line or comma-separated");
    add_farm_options(demo);

    // farm
    auto* farm_cmd = cli.add_subcommand("farm", "Serve the slow animals API");
    int port = 8080;
    std::string address = "127.0.0.1";
    farm_cmd->add_option("--port", port, "Port to listen on (0: any free port)")->check(CLI::Range(0, 65535));
    farm_cmd->add_option("--address", address, "Address to bind");
    add_farm_options(farm_cmd);

    // shot
    auto* shot_cmd = cli.add_subcommand("shot", "Render one slide to a PNG, headless (no display needed)");
    views::ShotOptions shot;
    std::string size = "1920x1080";
    shot_cmd->add_option("-o,--output", shot.output, "The PNG to write")->required();
    shot_cmd->add_option("--slide", shot.slide, "1-based slide number, or a demo name (its first slide)");
    shot_cmd->add_flag("--run", shot.run, "Run the slide's demo live before rendering");
    double at_seconds = 0;
    auto* at = shot_cmd->add_option("--at", at_seconds, "Render S seconds after the demo started (needs --run)")
                   ->check(seconds_between(0.0, 24 * 3600.0));
    std::string layout = "audience";
    shot_cmd->add_option("--layout", layout, "Layout to render: audience, presenter or overview")
        ->check(CLI::IsMember({"audience", "presenter", "overview"}));
    shot_cmd->add_option("--size", size, "Image size WxH, each side 64 to 8192 (default 1920x1080)");
    int shot_step = 0;
    auto* step_option = shot_cmd->add_option("--step", shot_step,
                                             "Show the slide at reveal step N (0: its first view; default: all of it)")
                            ->check(CLI::Range(0, 1000000));
    shot_cmd->add_option("deck", deck_arg, "The deck (default: slides/talk.md)");
    add_farm_options(shot_cmd);
    add_offline(shot_cmd);

    // export
    auto* export_cmd = cli.add_subcommand(
        "export", "Render a recorded session (--session DIR) or a walk-through of the deck into OUT.mp4/.mkv/.webm, "
                  "OUT.pdf, or a directory of PNGs (--png); no display needed");
    exporting::ExportOptions export_options;
    std::string export_out, session_dir, export_size = "1920x1080";
    export_cmd->add_option("out", export_out, "The file (.mp4, .mkv, .webm, .pdf) or directory (--png) to write")
        ->required();
    auto* session_option = export_cmd->add_option("--session", session_dir, "A recording directory (livedeck --record DIR)");
    export_cmd->add_option("--size", export_size, "Frame size WxH (default 1920x1080; up to 8192x8192)");
    export_cmd->add_option("--fps", export_options.fps, "Frames a second (default 30)")->check(CLI::Range(1, 120));
    export_cmd->add_option("--slide-seconds", export_options.slide_seconds,
                           "Walk-through: seconds each slide shows (default 5)")
        ->check(CLI::Range(0.5, 3600.0));
    bool no_run = false;
    export_cmd->add_flag("--no-run", no_run, "PDF: do not run the demos first");
    export_cmd->add_flag("--notes", export_options.notes, "PDF: add the speaker notes under each slide");
    export_cmd->add_flag("--png", export_options.png, "Write every slide as a numbered PNG into the directory OUT");
    export_cmd->add_flag("--quiet", export_options.quiet, "No progress bar");
    export_cmd->add_option("deck", deck_arg, "The deck (default: slides/talk.md)");
    add_farm_options(export_cmd);
    add_offline(export_cmd);

    // check
    auto* check_cmd = cli.add_subcommand(
        "check", "Validate a deck: file:line errors and warnings (what is dropped, unsupported or cut); exit 1 on error");
    check_cmd->add_option("deck", deck_arg, "The deck (default: slides/talk.md)");
    bool strict = false;
    check_cmd->add_flag("--strict", strict, "Warnings are errors too (exit 1)");
    add_farm_options(check_cmd);
    add_offline(check_cmd);

    CLI11_PARSE(cli, argc, argv);
    raise_open_files_limit();
    deck::set_offline(offline);

    if (*shot_cmd && *at && !shot.run) {
        std::cerr << "livedeck shot: --at needs --run (it is a time into the demo's run)\n";
        return 2;
    }

    try {
        if (*demo) {
            if (list) {
                for (const demos::Demo& d : demos::all_demos())
                    std::cout << d.name << std::string(24 - std::min<std::size_t>(d.name.size(), 23), ' ') << d.summary
                              << "\n";
                return 0;
            }
            if (demo_name.empty()) {
                std::cerr << "livedeck demo: name a demo to run (livedeck demo --list shows them)\n";
                return 2;
            }
            const demos::Demo* found = demos::find_demo(demo_name);
            if (!found) {
                std::cerr << "livedeck demo: unknown demo '" << demo_name << "' (livedeck demo --list shows them)\n";
                return 2;
            }
            demos::Params params;
            params.animate = !no_animate;
            if (animals_option->count() > 0)
                if (auto error = demos::apply_param(params, "animals", animals)) {
                    std::cerr << "livedeck demo: " << *error << "\n";
                    return 2;
                }
            std::unique_ptr<farm::Server> embedded;
            if (farm_url.empty()) {
                embedded = std::make_unique<farm::Server>("127.0.0.1", 0,
                                                          std::chrono::milliseconds(static_cast<long long>(delay * 1000)));
                params.farm_url = embedded->url();
            } else {
                params.farm_url = farm_url;
                params.farm_in_process = false;
                if (delay_given()) params.delay = delay;  // asked of that farm per request
            }
            std::signal(SIGINT, on_signal);
            std::signal(SIGTERM, on_signal);
            params.request_timeout = demos::timeout_for(params.delay.value_or(delay));
            return signalled(demos::run_in_terminal(*found, std::move(params), std::cout, interrupted, isatty(1)));
        }
        if (*farm_cmd) {
            // Block the stop signals before the server starts its thread (it
            // inherits the mask), then wait for one: no signal is missed.
            sigset_t stop_signals;
            sigemptyset(&stop_signals);
            sigaddset(&stop_signals, SIGINT);
            sigaddset(&stop_signals, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
            farm::Server server(address, static_cast<std::uint16_t>(port),
                                std::chrono::milliseconds(static_cast<long long>(delay * 1000)));
            std::cout << "Serving the animals at " << server.url() << " (the cow is at " << server.url()
                      << "/cow; delay " << delay << " s; Ctrl-C stops)" << std::endl;
            int signal = 0;
            sigwait(&stop_signals, &signal);
            server.stop();
            return 0;
        }
        if (*shot_cmd) {
            shot.app = app_options(false);
            shot.app.layout = *views::parse_layout(layout);
            if (*at) shot.at = at_seconds;
            if (step_option->count() > 0) shot.step = shot_step;
            if (!parse_size(size, shot.width, shot.height)) {
                std::cerr << "livedeck shot: --size must be WxH with each side from 64 to 8192, e.g. 1920x1080\n";
                return 2;
            }
            return views::shot(shot);
        }
        if (*check_cmd) {
            show::CheckOptions check;
            check.strict = strict;
            // Slides that overflow, demo code below the legibility floor, code not highlighted,
            // characters no font draws.
            check.more_warnings = [](const deck::Deck& d) {
                std::vector<deck::Diagnostic> all = views::layout_warnings(d);
                for (deck::Diagnostic& w : views::legibility_warnings(d)) all.push_back(std::move(w));
                for (deck::Diagnostic& w : views::code_warnings(d)) all.push_back(std::move(w));
                for (deck::Diagnostic& w : views::glyph_warnings(d)) all.push_back(std::move(w));
                return all;
            };
            return show::check(app_options(false).show.deck_path, check);
        }
        if (*export_cmd) {
            export_options.output = export_out;
            export_options.show = app_options(false).show;
            export_options.run_demos = !no_run;
            if (session_option->count() > 0) export_options.session = session_dir;
            if (!parse_size(export_size, export_options.width, export_options.height)) {
                std::cerr << "livedeck export: --size must be WxH with each side from 64 to 8192, e.g. 1920x1080\n";
                return 2;
            }
            std::signal(SIGINT, on_signal);
            std::signal(SIGTERM, on_signal);
            return signalled(exporting::run(export_options, interrupted));
        }
        views::AppOptions present = app_options(browse->parsed() || follow_cmd->parsed());
        if (*follow_cmd) present.show.deck_path.clear();  // the presenter's deck comes through the broker
        if (*follow_cmd || browse_follow->count() > 0) {
            present.follow = url_argument(*follow_cmd ? "livedeck follow" : "livedeck browse: --follow", follow_url);
            if (!present.follow) return 2;
        }
        // Publishing: to a broker of the user's, or to one started here.
        std::unique_ptr<follow::Broker> broker;
        if (publish_option->count() > 0 && present.browse) {
            std::cerr << "livedeck: --publish is for the presenter (livedeck [DECK] --publish), not browse or follow\n";
            return 2;
        }
        if (publish_option->count() > 0) {
            // `livedeck --publish talk.md`: --publish takes an optional value,
            // and that one is the deck, not a URL.
            if (!publish_url.empty() && publish_url.find("://") == std::string::npos && deck_arg.empty() &&
                std::filesystem::is_regular_file(publish_url)) {
                present.show.deck_path = publish_url;
                publish_url.clear();
            }
            if (publish_address_option->count() > 0 && !publish_url.empty()) {
                std::cerr << "livedeck: --publish-address is for the embedded broker: give --publish no URL\n";
                return 2;
            }
            std::optional<std::string> password;
            if (password_file_option->count() > 0) password = read_password_file(password_file);
            if (publish_url.empty()) {
                follow::BrokerOptions b;
                b.bind = publish_address;
                if (password) b.password = *password;
                try {
                    broker = std::make_unique<follow::Broker>(b);
                } catch (const std::exception& e) {
                    std::cerr << "livedeck: cannot start the embedded broker: " << e.what() << "\n";
                    return 1;
                }
                present.publish = broker->presenter_url();
                follow::Url followers = broker->follower_url();
                followers.host = reachable_host(publish_address);
                std::cout << "Followers: livedeck follow " << followers.str() << std::endl;
            } else {
                present.publish = url_argument("livedeck: --publish", publish_url);
                if (!present.publish) return 2;
                if (password) {
                    if (!present.publish->password.empty()) {
                        std::cerr << "livedeck: give the password in the URL or in --password-file, not both\n";
                        return 2;
                    }
                    present.publish->password = *password;
                    if (present.publish->user.empty()) present.publish->user = "presenter";
                }
                follow::Url followers = *present.publish;
                std::cout << "Followers: livedeck follow " << followers.str() << std::endl;
            }
        } else if (publish_address_option->count() > 0 || password_file_option->count() > 0) {
            std::cerr << "livedeck: --publish-address and --password-file go with --publish\n";
            return 2;
        }
        if (monitor_option->count() > 0) present.audience_monitor = audience_monitor;
        if (geometry_option->count() > 0) {
            present.audience_geometry = views::parse_geometry(audience_geometry);
            if (!present.audience_geometry) {
                std::cerr << "livedeck: --audience-geometry must be WxH+X+Y, e.g. 1920x1080+1920+0 (sizes 64-16384)\n";
                return 2;
            }
        }
        present.single_window = single_window;
        if (record_option->count() > 0) present.record = record_dir;
        if (mic_option->count() > 0) present.mic = mic_source;
        return views::present(present);
    } catch (const std::exception& e) {
        std::cerr << "livedeck: " << e.what() << "\n";
        return 1;
    }
}
