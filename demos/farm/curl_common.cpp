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
    line = printable(line);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (body.size() > max_body_in_message) line += "...";
    return line;
}

}  // namespace

void init_curl_once() { static const CurlGlobal global; }

std::size_t append_capped(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    try {
        auto* body = static_cast<std::string*>(user);
        const std::size_t n = size * count;
        if (body->size() + n > max_body) return 0;  // curl fails with CURLE_WRITE_ERROR
        body->append(data, n);
        return n;
    } catch (...) {
        return 0;
    }
}

std::string printable(std::string_view body) {
    std::string out;
    out.reserve(body.size());
    char hex[8];
    for (std::size_t i = 0; i < body.size(); ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        // C1 controls arrive in UTF-8 as C2 80..C2 9F; some terminals obey them.
        const bool c1 = c == 0xC2 && i + 1 < body.size() && static_cast<unsigned char>(body[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(body[i + 1]) <= 0x9F;
        if (c < 0x20 || c == 0x7F || c1) {
            const unsigned code = c1 ? static_cast<unsigned char>(body[++i]) : c;
            std::snprintf(hex, sizeof hex, "\\x%02X", code);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

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
    if (result == CURLE_WRITE_ERROR && body.size() + 1 > max_body / 2)
        return "the reply is larger than " + std::to_string(max_body / 1024) + " KB: not an animal's noise";
    if (result == CURLE_RECV_ERROR) {
        // curl gives up on a reply whose headers never end (300 KB in 7.88)
        // with the same words as for a broken connection.
        long header_bytes = 0;
        curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &header_bytes);
        if (header_bytes > static_cast<long>(max_body))
            return "the farm's reply headers are larger than " + std::to_string(max_body / 1024) +
                   " KB: not a valid HTTP response";
    }
    if (result == CURLE_WEIRD_SERVER_REPLY || result == CURLE_UNSUPPORTED_PROTOCOL || result == CURLE_OUT_OF_MEMORY ||
        result == CURLE_BAD_CONTENT_ENCODING) {
        curl_off_t connected = 0;
        curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected);
        if (connected > 0)
            return std::string("the farm's reply is not a valid HTTP response (") + curl_easy_strerror(result) + ")";
    }
    if (result != CURLE_OK) return curl_easy_strerror(result);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200) return {};
    const std::string line = one_line(body);
    return std::to_string(status) + (line.empty() ? "" : " " + line);
}

}  // namespace livedeck::farm::detail
