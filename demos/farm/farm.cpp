// The farm's routing: a pure function from request line to reply.
//
// Choices the header leaves open:
//   - "/animals" without the trailing slash is "any other path": 404.
//   - A method other than GET on an /animals path answers 405.
//   - `?delay=S` is checked on every /animals path; a bad value answers 400
//     even where no delay would apply (a bad request is bad everywhere).
//   - An unknown name is echoed back with control and non-ASCII bytes shown
//     as '?' and cut at 64 characters, so the body stays one readable line.
#include "farm/farm.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace livedeck::farm {

namespace {

constexpr std::string_view prefix = "/animals/";
constexpr std::size_t max_echoed_name = 64;
constexpr double max_delay_seconds = 60.0;

Reply answer(unsigned status, std::string body, std::chrono::milliseconds delay = {}) {
    return Reply{status, std::move(body), delay};
}

// Decimal seconds ("2", "0.25", ".5"), 0..60; nothing else.
std::optional<std::chrono::milliseconds> parse_delay(std::string_view text) {
    if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos) return {};
    double seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size()) return {};
    if (!(seconds >= 0 && seconds <= max_delay_seconds)) return {};
    return std::chrono::milliseconds{std::lround(seconds * 1000)};
}

// The delay the query asks for: `fallback` when it names none, nullopt when
// its value is bad. Other parameters are ignored; the last `delay` wins.
std::optional<std::chrono::milliseconds> query_delay(std::string_view query,
                                                     std::chrono::milliseconds fallback) {
    auto delay = std::optional{fallback};
    while (!query.empty()) {
        auto amp = query.find('&');
        auto param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = param.find('=');
        if (param.substr(0, eq) != "delay") continue;
        delay = parse_delay(eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1));
        if (!delay) return {};
    }
    return delay;
}

std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, max_echoed_name)) {
        auto byte = static_cast<unsigned char>(c);
        out += byte >= 0x20 && byte < 0x7f ? c : '?';
    }
    if (text.size() > max_echoed_name) out += "...";
    return out;
}

}  // namespace

const std::vector<Animal>& animals() {
    static const std::vector<Animal> farm{
        {"cow", "Moo!"},         {"pig", "Oink!"},         {"sheep", "Baaa!"},
        {"chicken", "Cluck!"},   {"bird", "Tweet!"},       {"duck", "Quack!"},
        {"dog", "Woof!"},        {"cat", "Meow!"},         {"frog", "Ribbit!"},
        {"horse", "Neigh!"},     {"turkey", "Gobble-Gobble!"},
        {"rooster", "Cock-a-Doodle-Doo!"},
    };
    return farm;
}

Reply route(std::string_view method, std::string_view target, std::chrono::milliseconds delay) {
    auto question = target.find('?');
    auto path = target.substr(0, question);
    auto query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

    if (!path.starts_with(prefix)) return answer(404, "Not found.");
    path.remove_prefix(prefix.size());

    if (method != "GET" && method != "HEAD") return answer(405, "Method not allowed.");  // HEAD: GET's headers
    auto wanted = query_delay(query, delay);
    if (!wanted) return answer(400, "The delay must be a number of seconds from 0 to 60.");

    if (path.empty()) return answer(200, "Welcome to the farm!");
    for (const auto& animal : animals()) {
        if (animal.name == path) return answer(200, std::string(animal.noise), *wanted);
    }
    return answer(404, "The animal " + printable(path) + " was not found.");
}

}  // namespace livedeck::farm
