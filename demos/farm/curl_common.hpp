// What the blocking and the asynchronous farm clients share: curl's global
// set-up, owning handles, checked options, and the one-line description of
// a transfer that failed.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "farm/client.hpp"

namespace livedeck::farm::detail {

// curl_global_init, once per process, thread-safely.
void init_curl_once();

struct EasyCleanup {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiCleanup {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using Easy = std::unique_ptr<CURL, EasyCleanup>;
using Multi = std::unique_ptr<CURLM, MultiCleanup>;

template <typename T>
void set(CURL* easy, CURLoption option, T value) {
    if (auto rc = curl_easy_setopt(easy, option, value); rc != CURLE_OK)
        throw FetchError(std::string("curl_easy_setopt: ") + curl_easy_strerror(rc));
}

template <typename T>
void set(CURLM* multi, CURLMoption option, T value) {
    if (auto rc = curl_multi_setopt(multi, option, value); rc != CURLM_OK)
        throw FetchError(std::string("curl_multi_setopt: ") + curl_multi_strerror(rc));
}

// The most of a reply kept: an animal's noise is a word, not 100 MB. A
// longer reply fails the request ("larger than 64 KB").
inline constexpr std::size_t max_body = 64 * 1024;
// curl's write callback for a body capped at max_body (`user`: a std::string).
std::size_t append_capped(char* data, std::size_t size, std::size_t count, void* user) noexcept;

// The reply as text safe for a terminal or the output pane: control
// characters (escape sequences, C1 controls) are written as \xNN.
std::string printable(std::string_view body);

// The request timeout as used (at least 1 ms), and the connect timeout
// derived from it (at most 10 s).
std::chrono::milliseconds effective_timeout(std::chrono::milliseconds timeout);
std::chrono::milliseconds connect_timeout(std::chrono::milliseconds timeout);

// Why a finished transfer failed, in one line ("timed out after 2.0 s",
// "404 The animal yak was not found.", curl's own words), or "" when it
// answered 200.
std::string failure(CURL* easy, CURLcode result, std::chrono::milliseconds timeout, const std::string& body);

// farm::get (client.hpp), calling `configure` on the easy handle after the
// client's own options and before the transfer. The fuzz target hands curl
// its socket this way (fuzz/fuzz_farm_reply.cpp); farm::get passes none.
std::string get(const std::string& url, std::chrono::milliseconds timeout, std::stop_token stop,
                const std::function<void(CURL*)>& configure);

}  // namespace livedeck::farm::detail
