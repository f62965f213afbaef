// A demo thread: std::thread with a name in the trace. An exception that
// escapes it is reported in the output ("Exception in thread cow: ..."),
// as Python's threading module does, instead of reaching std::terminate;
// the thread then ends, and whatever lock it held stays held.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "runtime/context.hpp"

namespace livedeck::demos {

class Thread {
public:
    Thread(Context& ctx, std::string name, std::function<void()> body);
    Thread(Thread&&) noexcept = default;
    Thread& operator=(Thread&&) noexcept = default;
    ~Thread();  // joins

    void join();

private:
    Context* ctx_;
    int actor_;
    std::thread thread_;
};

}  // namespace livedeck::demos
