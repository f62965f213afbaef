#include "farm/exchange.hpp"

#include "farm/farm.hpp"

#include <boost/beast/http/error.hpp>

#include <string>
#include <utility>

namespace livedeck::farm::exchange {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

bool is_http_error(const beast::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category();
}

Response make_response(unsigned status, std::string body, unsigned version, bool keep_alive) {
    Response res{static_cast<http::status>(status), version};
    res.set(http::field::server, "livedeck-farm");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == 405) res.set(http::field::allow, "GET, HEAD");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace

void limit(RequestParser& parser) { parser.body_limit(body_limit); }

Next after_read(const beast::error_code& ec) {
    if (ec == http::error::end_of_stream) return Next::close;
    if (ec == http::error::partial_message || (ec && !is_http_error(ec))) return Next::drop;
    if (ec) return Next::bad_request;
    return Next::answer;
}

Response bad_request(const beast::error_code& ec) {
    return make_response(400, "Bad request: " + ec.message() + ".", 11, false);
}

Answer answer(const Request& req, std::chrono::milliseconds delay) {
    const auto method = req.method_string();
    const auto target = req.target();
    auto reply = route({method.data(), method.size()}, {target.data(), target.size()}, delay);
    Answer out{make_response(reply.status, std::move(reply.body), req.version(), req.keep_alive()), reply.delay};
    if (req.method() == http::verb::head) out.response.body().clear();  // Content-Length stays that of the GET
    return out;
}

}  // namespace livedeck::farm::exchange
