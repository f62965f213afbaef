// mqtt://[user[:pass]@]HOST[:PORT]/TALK, and the link state's names.
#include "follow/follow.hpp"

#include <cctype>
#include <stdexcept>

namespace livedeck::follow {

namespace {

std::string percent_decode(std::string_view s, const char* what) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        auto hex = [&](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        if (i + 2 >= s.size()) throw std::invalid_argument(std::string("a bad %-escape in the ") + what);
        const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
        if (hi < 0 || lo < 0) throw std::invalid_argument(std::string("a bad %-escape in the ") + what);
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string percent_encode(const std::string& s) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

}  // namespace

Url parse_url(std::string_view text) {
    const std::string_view scheme = "mqtt://";
    if (text.size() > 2048) throw std::invalid_argument("the URL is longer than 2048 characters");
    if (text.substr(0, scheme.size()) != scheme)
        throw std::invalid_argument("'" + std::string(text) + "' is not an mqtt:// URL (mqtt://HOST[:PORT]/TALK)");
    std::string_view rest = text.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos)
        throw std::invalid_argument("no talk name in '" + std::string(text) + "' (mqtt://HOST[:PORT]/TALK)");
    std::string_view authority = rest.substr(0, slash);
    std::string_view talk = rest.substr(slash + 1);
    Url url;
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        url.user = percent_decode(userinfo.substr(0, colon), "user name");
        if (colon != std::string_view::npos) url.password = percent_decode(userinfo.substr(colon + 1), "password");
        if (url.user.empty()) throw std::invalid_argument("an empty user name before '@'");
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("an IPv6 address without its ']'");
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') throw std::invalid_argument("junk after the IPv6 address");
            port = after.substr(1);
            if (port.empty()) throw std::invalid_argument("an empty port after ':'");
        }
    } else {
        const std::size_t colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) throw std::invalid_argument("an empty port after ':'");
        }
    }
    if (url.host.empty()) throw std::invalid_argument("no host in '" + std::string(text) + "'");
    for (const char c : url.host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_'))
            throw std::invalid_argument("the host '" + url.host + "' has a character a host name cannot have");
    if (!port.empty()) {
        int value = 0;
        for (const char c : port) {
            if (c < '0' || c > '9' || value > 65535)
                throw std::invalid_argument("the port '" + std::string(port) + "' is not a number from 1 to 65535");
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535)
            throw std::invalid_argument("the port '" + std::string(port) + "' is not a number from 1 to 65535");
        url.port = value;
    }
    if (talk.empty()) throw std::invalid_argument("an empty talk name (mqtt://HOST[:PORT]/TALK)");
    if (talk.size() > max_talk_length)
        throw std::invalid_argument("the talk name is longer than " + std::to_string(max_talk_length) + " characters");
    for (const char c : talk) {
        if (c == '/' || c == '+' || c == '#')
            throw std::invalid_argument("the talk name '" + std::string(talk) + "' has a '" + std::string(1, c) +
                                        "': one level, no MQTT wildcards");
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            throw std::invalid_argument("the talk name '" + std::string(talk) +
                                        "' may hold only letters, digits, '-', '_' and '.'");
    }
    url.talk = std::string(talk);
    return url;
}

std::string Url::str(bool with_credentials) const {
    std::string out = "mqtt://";
    if (with_credentials && !user.empty()) {
        out += percent_encode(user);
        if (!password.empty()) out += ":" + percent_encode(password);
        out += "@";
    }
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    out += ":" + std::to_string(port) + "/" + talk;
    return out;
}

const char* to_string(Link link) {
    switch (link) {
    case Link::Connecting: return "connecting";
    case Link::Connected: return "connected";
    case Link::Lost: return "lost";
    }
    return "?";
}

}  // namespace livedeck::follow
