#include "farm/curl_common.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace livedeck::farm::detail {

namespace {

using namespace std::chrono_literals;

constexpr auto max_connect_timeout = 10s;
constexpr std::size_t max_body_in_message = 200;

struct CurlGlobal {
    CurlGlobal() {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw FetchError("curl_global_init failed");
    }
    ~CurlGlobal() { curl_global_cleanup(); }
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

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

}  // namespace

void init_curl_once() { static const CurlGlobal global; }

std::chrono::milliseconds effective_timeout(std::chrono::milliseconds timeout) { return std::max(timeout, 1ms); }

std::chrono::milliseconds connect_timeout(std::chrono::milliseconds timeout) {
    return std::min<std::chrono::milliseconds>(effective_timeout(timeout), max_connect_timeout);
}

std::string failure(CURL* easy, CURLcode result, std::chrono::milliseconds timeout, const std::string& body) {
    if (result == CURLE_OPERATION_TIMEDOUT) {
        curl_off_t connected = 0;
        curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected);
        if (connected == 0 && connect_timeout(timeout) < effective_timeout(timeout))
            return "could not connect within " + seconds(connect_timeout(timeout));
        return "timed out after " + seconds(effective_timeout(timeout));
    }
    if (result != CURLE_OK) return curl_easy_strerror(result);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200) return {};
    const std::string line = one_line(body);
    return std::to_string(status) + (line.empty() ? "" : " " + line);
}

}  // namespace livedeck::farm::detail
