// Runs the livedeck program (or any command) and captures what it prints.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace livedeck::test {

struct Output {
    int status = -1;  // exit code
    std::string text; // stdout and stderr together
};

inline Output run_command(const std::string& command) {
    Output out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buffer;
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.text.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

inline std::string program() { return LIVEDECK_BINARY; }
inline std::string source_dir() { return LIVEDECK_SOURCE_DIR; }
inline std::string talk() { return source_dir() + "/slides/talk.md"; }

}  // namespace livedeck::test
