#include "runtime/runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <fstream>
#include <sstream>

#include "farm/client.hpp"

namespace livedeck::demos {

Run::Run(DemoBody body, Params params) : trace_(std::make_shared<Trace>()) {
    worker_ = std::thread(&Run::work, this, std::move(body), std::move(params));
}

Run::~Run() { stop(); }

void Run::stop() {
    stop_.request_stop();
    if (worker_.joinable()) worker_.join();
}

void Run::work(DemoBody body, Params params) {
    farm::prepare_client();
    std::optional<boost::asio::io_context> io(std::in_place);
    std::string outcome = "finished";
    {
        Context ctx(std::move(params), trace_, stop_, *io, &stepper_);
        {
            // Stop: blocking waits throw Stopped by themselves; the loop
            // stops after the handler it runs now (io_context::stop is
            // thread-safe), so a stop never waits behind thousands of queued
            // socket events. Cancelling the asynchronous work is clean-up.
            std::stop_callback on_stop(stop_.get_token(), [&] { io->stop(); });
            boost::asio::post(*io, [&] {
                ctx.set_in_body(true);
                struct Left {
                    Context& ctx;
                    ~Left() { ctx.set_in_body(false); }
                } left{ctx};
                try {
                    body(ctx);
                } catch (const Stopped&) {
                } catch (const std::exception& e) {
                    trace_->record(EventKind::Error, ctx.actor(), e.what());
                    outcome = "failed";
                } catch (...) {
                    trace_->record(EventKind::Error, ctx.actor(), "unknown exception");
                    outcome = "failed";
                }
            });
            // The body, then whatever asynchronous work it started, to the
            // end. An exception out of a handler (a stackless coroutine's
            // print being stopped, say) leaves run(); the loop goes on.
            for (bool more = true; more && !stop_.stop_requested();) {
                try {
                    io->run();
                    more = false;
                } catch (const Stopped&) {
                } catch (const std::exception& e) {
                    trace_->record(EventKind::Error, ctx.actor(), e.what());
                    outcome = "failed";
                }
            }
            // The lines the views still type (print on the loop's thread)
            // belong to the run: it ends when they are typed.
            try {
                if (!stop_.stop_requested()) ctx.finish_typing();
            } catch (const Stopped&) {
            }
        }  // from here on, a stop request no longer touches the loop
        if (ctx.failed()) outcome = "failed";
        if (ctx.stop_requested() && outcome != "failed") outcome = ctx.deadlocked() ? "deadlocked" : "stopped";
        // The run is over for whoever watches; nothing is recorded after Done.
        trace_->record(EventKind::Done, trace_->actor("main"), outcome);
        // Clean-up: handlers and coroutine frames are still queued. They are
        // destroyed with the loop, here, while the context they may use
        // still lives. The farm client goes first (its requests complete as
        // Stopped, its sockets close), since it posts to the loop.
        ctx.cancel_async();
        ctx.close_async();
        io.reset();
    }
    finished_.store(true, std::memory_order_release);
}

std::chrono::milliseconds timeout_for(double delay) {
    const double seconds = std::isfinite(delay) && delay > 0 ? delay + 10.0 : 10.0;
    return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, 3600.0) * 1000));
}

namespace {

// The most names a run takes, and the biggest file they may come from.
constexpr std::size_t max_animals = 1'000'000;
constexpr std::uintmax_t max_animals_file = 64 << 20;

std::optional<std::string> read_names_file(const std::filesystem::path& path, std::string& out) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) return "animals: cannot read " + path.string() + ": no such file";
    if (!std::filesystem::is_regular_file(status)) return "animals: " + path.string() + " is not a regular file";
    if (std::filesystem::file_size(path, ec) > max_animals_file)
        return "animals: " + path.string() + " is larger than " + std::to_string(max_animals_file >> 20) + " MB";
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) return "animals: cannot read " + path.string();
    out = text.str();
    // One a line or comma-separated, blank lines and spaces around names ignored.
    for (char& c : out)
        if (c == '\n' || c == '\r') c = ',';
    std::string joined;
    std::size_t begin = 0;
    while (begin <= out.size()) {
        std::size_t end = out.find(',', begin);
        if (end == std::string::npos) end = out.size();
        std::string name = out.substr(begin, end - begin);
        const auto first = name.find_first_not_of(" \t");
        const auto last = name.find_last_not_of(" \t");
        if (first != std::string::npos) joined += (joined.empty() ? "" : ",") + name.substr(first, last - first + 1);
        begin = end + 1;
    }
    if (joined.empty()) return "animals: " + path.string() + " names no animal";
    out = std::move(joined);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> apply_param(Params& params, const std::string& key, const std::string& value,
                                       const std::filesystem::path& base) {
    if (key == "animals" && !value.empty() && value[0] == '@') {
        std::filesystem::path file = value.substr(1);
        if (file.is_relative() && !base.empty()) file = base / file;
        std::string names;
        if (auto error = read_names_file(file, names)) return error;
        return apply_param(params, key, names);
    }
    if (key == "animals") {
        std::vector<std::string> names;
        std::size_t begin = 0;
        while (begin <= value.size()) {
            std::size_t end = value.find(',', begin);
            if (end == std::string::npos) end = value.size();
            std::string name = value.substr(begin, end - begin);
            if (name.empty()) return "animals: empty name in '" + value.substr(0, 200) + "'";
            for (char c : name)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
                    return "animals: bad name '" + name.substr(0, 100) + "' (letters, digits, '-' and '_' only)";
            if (names.size() == max_animals) return "animals: more than " + std::to_string(max_animals) + " names";
            names.push_back(std::move(name));
            begin = end + 1;
        }
        params.animals = std::move(names);
        return std::nullopt;
    }
    if (key == "delay") {
        double seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds) ||
            seconds < 0 || seconds > 60)
            return "delay: '" + value + "' is not a number of seconds between 0 and 60";
        params.delay = seconds;
        return std::nullopt;
    }
    return "unknown parameter '" + key + "' (known: animals, delay)";
}

std::optional<std::string> apply_params(Params& params,
                                        const std::map<std::string, std::string>& values,
                                        const std::filesystem::path& base) {
    for (const auto& [key, value] : values)
        if (auto error = apply_param(params, key, value, base)) return error;
    return std::nullopt;
}

}  // namespace livedeck::demos
