// A small event loop for generator-based coroutines: Python 3.4's
// @asyncio.coroutine, where a coroutine was a generator that yielded what it
// waited for, before async/await. The talk's own generator<> is the
// coroutine here:
//
//   generator<Request, std::string> speak(Context& ctx, std::string animal) {
//       std::string noise = co_yield from(request(animal));  // yield from aiohttp.request(...)
//       ...
//   }
//   ensure_future(ctx, speak(ctx, animal));                  // asyncio.ensure_future(speak(animal))
//
// The coroutine yields a Request; the loop (Context::io()) starts the fetch
// and, when the answer arrives, resumes the generator with send(noise). So
// the generator runs only between a request and the next: one thread, and
// the fetches of every coroutine in flight together.
#pragma once

#include <source_location>
#include <string>

#include "runtime/context.hpp"
#include "runtime/generator.hpp"

namespace livedeck::demos {

// What a coroutine waits for: an animal's noise from the farm. `where` is
// the demo line that asked, for the trace.
struct Request {
    std::string animal;
    std::source_location where;
};

// `std::string noise = co_yield from(request(animal));`: yields the request
// to the loop and evaluates to the noise the loop sends back.
generator<Request, std::string, std::string> request(
    std::string animal, std::source_location where = std::source_location::current());

// asyncio.ensure_future: schedules the coroutine on the loop, which first
// runs it once the demo's body has returned. A fetch that fails, or an
// exception out of the coroutine, is reported in the output and ends that
// coroutine; the others go on.
void ensure_future(Context& ctx, generator<Request, std::string> coroutine);

}  // namespace livedeck::demos

using livedeck::demos::Request;
using livedeck::demos::ensure_future;
using livedeck::demos::request;
