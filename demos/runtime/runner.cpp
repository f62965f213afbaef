#include "runtime/runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>

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
            // Stop: blocking waits throw Stopped by themselves; asynchronous
            // work is cancelled on the loop's own thread, then the loop stops.
            std::stop_callback on_stop(stop_.get_token(), [&] {
                boost::asio::post(*io, [&] {
                    ctx.cancel_async();
                    io->stop();
                });
            });
            boost::asio::post(*io, [&] {
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
            for (bool more = true; more;) {
                try {
                    io->run();
                    more = false;
                } catch (const Stopped&) {
                } catch (const std::exception& e) {
                    trace_->record(EventKind::Error, ctx.actor(), e.what());
                    outcome = "failed";
                }
            }
        }  // from here on, a stop request no longer touches the loop
        if (ctx.failed()) outcome = "failed";
        if (ctx.stop_requested() && outcome != "failed") outcome = ctx.deadlocked() ? "deadlocked" : "stopped";
        // After a Stop, handlers and coroutine frames are still queued: they
        // are destroyed with the loop, here, while the context they may use
        // still lives. The farm client goes first, since it posts to the loop.
        ctx.close_async();
        io.reset();
    }
    trace_->record(EventKind::Done, trace_->actor("main"), outcome);
}

std::chrono::milliseconds timeout_for(double delay) {
    const double seconds = std::isfinite(delay) && delay > 0 ? delay + 10.0 : 10.0;
    return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, 3600.0) * 1000));
}

std::optional<std::string> apply_param(Params& params, const std::string& key,
                                       const std::string& value) {
    if (key == "animals") {
        std::vector<std::string> names;
        std::size_t begin = 0;
        while (begin <= value.size()) {
            std::size_t end = value.find(',', begin);
            if (end == std::string::npos) end = value.size();
            std::string name = value.substr(begin, end - begin);
            if (name.empty()) return "animals: empty name in '" + value + "'";
            for (char c : name)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
                    return "animals: bad name '" + name + "' (letters, digits, '-' and '_' only)";
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
                                        const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values)
        if (auto error = apply_param(params, key, value)) return error;
    return std::nullopt;
}

}  // namespace livedeck::demos
