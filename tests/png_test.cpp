// render::write_file and write_png: the bytes on disk, and every failure
// (no directory, a full disk) a message rather than a silent success.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "render/context.hpp"

namespace fs = std::filesystem;
using livedeck::render::write_file;

namespace {

std::vector<std::uint8_t> read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path temp(const std::string& name) { return fs::path(::testing::TempDir()) / ("png_test_" + name); }

}  // namespace

TEST(WriteFile, WritesTheBytes) {
    const fs::path path = temp("bytes");
    const std::vector<std::uint8_t> bytes{'a', 0, 'b', 255};
    std::string error;
    ASSERT_TRUE(write_file(path.string(), bytes, error)) << error;
    EXPECT_EQ(read_all(path), bytes);
}

// An export stopped before its first chapter writes an empty chapter list.
TEST(WriteFile, NoBytesMakeAnEmptyFile) {
    const fs::path path = temp("empty");
    std::string error;
    ASSERT_TRUE(write_file(path.string(), {'x'}, error)) << error;
    ASSERT_TRUE(write_file(path.string(), {}, error)) << error;
    EXPECT_TRUE(fs::exists(path));
    EXPECT_EQ(fs::file_size(path), 0u);
}

TEST(WriteFile, FailuresSaySo) {
    std::string error;
    EXPECT_FALSE(write_file(temp("no-such-dir/x").string(), {'x'}, error));
    EXPECT_NE(error.find("cannot write"), std::string::npos) << error;
    if (fs::exists("/dev/full")) {  // the disk fills up
        error.clear();
        EXPECT_FALSE(write_file("/dev/full", std::vector<std::uint8_t>(100'000, 'x'), error));
        EXPECT_NE(error.find("cannot write /dev/full: No space left on device"), std::string::npos) << error;
    }
}
