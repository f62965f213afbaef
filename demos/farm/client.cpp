// A blocking GET that another thread can cancel: one easy handle driven on a
// private multi handle, so curl_multi_poll can be woken by a stop request.
#include "farm/client.hpp"

#include "farm/curl_common.hpp"
#include "runtime/stopped.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

namespace livedeck::farm {

namespace {

using namespace detail;

constexpr int poll_interval_ms = 1000;

// Keeps an easy handle on a multi handle for its lifetime: curl wants it
// removed before either handle is cleaned up.
class Attached {
public:
    Attached(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {
        if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) throw FetchError("curl_multi_add_handle failed");
    }
    ~Attached() { curl_multi_remove_handle(multi_, easy_); }
    Attached(const Attached&) = delete;
    Attached& operator=(const Attached&) = delete;

private:
    CURLM* multi_;
    CURL* easy_;
};

}  // namespace

void prepare_client() { init_curl_once(); }

std::string get(const std::string& url, std::chrono::milliseconds timeout, std::stop_token stop) {
    return detail::get(url, timeout, std::move(stop), {});
}

std::string detail::get(const std::string& url, std::chrono::milliseconds timeout, std::stop_token stop,
                        const std::function<void(CURL*)>& configure) {
    init_curl_once();
    const auto what = "GET " + url + ": ";

    Multi multi{curl_multi_init()};
    Easy easy{curl_easy_init()};
    if (!multi || !easy) throw FetchError(what + "cannot create a curl handle");

    std::string body;
    set(easy.get(), CURLOPT_URL, url.c_str());
    set(easy.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    set(easy.get(), CURLOPT_NOSIGNAL, 1L);
    set(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout(timeout).count()));
    set(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(effective_timeout(timeout).count()));
    set(easy.get(), CURLOPT_WRITEFUNCTION, &append_capped);
    set(easy.get(), CURLOPT_WRITEDATA, &body);
    set(easy.get(), CURLOPT_USERAGENT, "livedeck");
    if (configure) configure(easy.get());

    Attached attached{multi.get(), easy.get()};
    std::stop_callback wake{stop, [m = multi.get()] { curl_multi_wakeup(m); }};

    for (int running = 1;;) {
        if (stop.stop_requested()) throw demos::Stopped{};
        if (auto rc = curl_multi_perform(multi.get(), &running); rc != CURLM_OK)
            throw FetchError(what + curl_multi_strerror(rc));
        if (running == 0) break;
        if (auto rc = curl_multi_poll(multi.get(), nullptr, 0, poll_interval_ms, nullptr); rc != CURLM_OK)
            throw FetchError(what + curl_multi_strerror(rc));
    }

    CURLcode result = CURLE_OK;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
        if (message->msg == CURLMSG_DONE) result = message->data.result;
    }

    if (std::string why = failure(easy.get(), result, timeout, body); !why.empty()) throw FetchError(what + why);
    return printable(body);
}

}  // namespace livedeck::farm
