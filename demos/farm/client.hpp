// Blocking HTTP GET through a libcurl easy handle, cancellable from another
// thread. The demos' "slow web API" client.
#pragma once

#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>

namespace livedeck::farm {

// A request that failed: the farm is down, answered an error status, or was
// slower than the timeout. what() is one readable line, e.g.
//   "GET http://127.0.0.1:4000/animals/yak: 404 The animal yak was not found."
//   "GET http://127.0.0.1:9/animals/cow: Couldn't connect to server"
//   "GET http://127.0.0.1:4000/animals/cow: timed out after 5.0 s"
struct FetchError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Initialises libcurl, once per process. get() does it too; a demo runner
// calls it first so that the first of several racing threads does not pay
// for it (and lose the race).
void prepare_client();

// GETs `url` and returns the body of a 200 answer.
// Blocks the calling thread. Throws FetchError on failure, and
// livedeck::demos::Stopped (demos/runtime/stopped.hpp) within a few
// milliseconds once `stop` is requested.
std::string get(const std::string& url, std::chrono::milliseconds timeout,
                std::stop_token stop = {});

}  // namespace livedeck::farm
