// A blocking GET that another thread can cancel: one easy handle driven on a
// private multi handle, so curl_multi_poll can be woken by a stop request.
#include "farm/client.hpp"

#include "runtime/stopped.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace livedeck::farm {

namespace {

using namespace std::chrono_literals;

constexpr auto max_connect_timeout = 10s;
constexpr int poll_interval_ms = 1000;
constexpr std::size_t max_body_in_message = 200;

struct CurlGlobal {
    CurlGlobal() {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw FetchError("curl_global_init failed");
    }
    ~CurlGlobal() { curl_global_cleanup(); }
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

void init_curl_once() { static const CurlGlobal global; }

struct EasyCleanup {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiCleanup {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using Easy = std::unique_ptr<CURL, EasyCleanup>;
using Multi = std::unique_ptr<CURLM, MultiCleanup>;

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

size_t append(char* data, size_t size, size_t count, void* user) noexcept {
    try {
        static_cast<std::string*>(user)->append(data, size * count);
        return size * count;
    } catch (...) {
        return 0;  // curl reports CURLE_WRITE_ERROR
    }
}

std::string seconds(std::chrono::milliseconds ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(ms).count());
    return text;
}

// The body as one short line, for an error message.
std::string one_line(std::string_view body) {
    std::string line;
    for (char c : body.substr(0, max_body_in_message)) line += c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (body.size() > max_body_in_message) line += "...";
    return line;
}

template <typename T>
void set(CURL* easy, CURLoption option, T value) {
    if (auto rc = curl_easy_setopt(easy, option, value); rc != CURLE_OK)
        throw FetchError(std::string("curl_easy_setopt: ") + curl_easy_strerror(rc));
}

}  // namespace

std::string get(const std::string& url, std::chrono::milliseconds timeout, std::stop_token stop) {
    init_curl_once();
    const auto what = "GET " + url + ": ";
    timeout = std::max(timeout, 1ms);
    const auto connect_timeout = std::min<std::chrono::milliseconds>(timeout, max_connect_timeout);

    Multi multi{curl_multi_init()};
    Easy easy{curl_easy_init()};
    if (!multi || !easy) throw FetchError(what + "cannot create a curl handle");

    std::string body;
    set(easy.get(), CURLOPT_URL, url.c_str());
    set(easy.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    set(easy.get(), CURLOPT_NOSIGNAL, 1L);
    set(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    set(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    set(easy.get(), CURLOPT_WRITEFUNCTION, &append);
    set(easy.get(), CURLOPT_WRITEDATA, &body);
    set(easy.get(), CURLOPT_USERAGENT, "livedeck");

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

    if (result == CURLE_OPERATION_TIMEDOUT) {
        curl_off_t connected = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_CONNECT_TIME_T, &connected);
        if (connected == 0 && connect_timeout < timeout)
            throw FetchError(what + "could not connect within " + seconds(connect_timeout));
        throw FetchError(what + "timed out after " + seconds(timeout));
    }
    if (result != CURLE_OK) throw FetchError(what + curl_easy_strerror(result));

    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        auto line = one_line(body);
        throw FetchError(what + std::to_string(status) + (line.empty() ? "" : " " + line));
    }
    return body;
}

}  // namespace livedeck::farm
