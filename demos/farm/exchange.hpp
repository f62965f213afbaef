// One HTTP exchange of the farm without its sockets: the limits a request is
// read with, what to do once a read ends, and the response to a request. The
// server (server.cpp) runs these on every connection; the fuzz target
// (fuzz/fuzz_farm_request.cpp) runs them on raw bytes.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>

namespace livedeck::farm::exchange {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// The largest request body read (the farm reads none; Beast's default header
// limit of 8 KB stays).
inline constexpr std::uint64_t body_limit = 64 * 1024;

// A parser for the next request on a connection, with the farm's limits.
void limit(RequestParser& parser);

// What a connection does once http::read of one request ends with `ec`.
enum class Next {
    answer,       // a whole request: answer it
    bad_request,  // malformed: answer bad_request(ec), then close
    close,        // the client finished sending (end of stream): close
    drop,         // cut short or an I/O error: drop the connection, no answer
};
Next after_read(const boost::beast::error_code& ec);

// The answer to a malformed request.
Response bad_request(const boost::beast::error_code& ec);

// The answer to a request (route() in farm.hpp), and how long to wait before
// sending it. A HEAD gets the headers (Content-Length too) and no body.
struct Answer {
    Response response;
    std::chrono::milliseconds delay{0};
};
Answer answer(const Request& req, std::chrono::milliseconds delay);

}  // namespace livedeck::farm::exchange
