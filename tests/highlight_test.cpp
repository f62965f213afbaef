// Tests for the C++ and Python tokenizer used by code panes.

#include "deck/highlight.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>

using livedeck::deck::highlight;
using livedeck::deck::TokenKind;
using livedeck::deck::TokenLine;

namespace {

using Expected = std::vector<std::pair<std::string, TokenKind>>;

Expected flatten(const TokenLine& line) {
    Expected out;
    for (const auto& t : line) out.emplace_back(std::string(t.text), t.kind);
    return out;
}

// Concatenating each line's tokens gives the source back, and every token
// is a non-empty view into the source without a newline.
void expect_round_trip(std::string_view source, std::string_view lang) {
    auto lines = highlight(source, lang);
    std::string rebuilt;
    for (size_t i = 0; i < lines.size(); ++i) {
        for (const auto& t : lines[i]) {
            EXPECT_FALSE(t.text.empty());
            EXPECT_EQ(t.text.find('\n'), std::string_view::npos);
            EXPECT_GE(t.text.data(), source.data());
            EXPECT_LE(t.text.data() + t.text.size(), source.data() + source.size());
            rebuilt += t.text;
        }
        if (i + 1 < lines.size() || (!source.empty() && source.back() == '\n')) rebuilt += '\n';
    }
    EXPECT_EQ(rebuilt, source) << "lang " << lang;
}

constexpr auto K = TokenKind::Keyword;
constexpr auto T = TokenKind::Type;
constexpr auto S = TokenKind::String;
constexpr auto N = TokenKind::Number;
constexpr auto C = TokenKind::Comment;
constexpr auto P = TokenKind::Preprocessor;
constexpr auto F = TokenKind::Function;
constexpr auto U = TokenKind::Punctuation;
constexpr auto _ = TokenKind::Plain;

}  // namespace

TEST(Highlight, LineCount) {
    EXPECT_TRUE(highlight("", "cpp").empty());
    EXPECT_EQ(highlight("a\n", "cpp").size(), 1u);
    EXPECT_EQ(highlight("a\n\nb", "cpp").size(), 3u);
    EXPECT_EQ(highlight("\n", "python").size(), 1u);
    EXPECT_TRUE(highlight("\n", "python")[0].empty());
}

TEST(Highlight, CppBasics) {
    auto lines = highlight("#include <vector>\nint main() {\n\treturn foo(1'000, 0x1Fu, 1.5e-3f); // done\n}\n", "cpp");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"#include", P}, {" ", _}, {"<vector>", S}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"int", T}, {" ", _}, {"main", F}, {"()", U}, {" ", _}, {"{", U}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"\t", _}, {"return", K}, {" ", _}, {"foo", F}, {"(", U}, {"1'000", N},
                                           {",", U}, {" ", _}, {"0x1Fu", N}, {",", U}, {" ", _}, {"1.5e-3f", N},
                                           {");", U}, {" ", _}, {"// done", C}}));
    EXPECT_EQ(flatten(lines[3]), (Expected{{"}", U}}));
}

TEST(Highlight, CppCoroutinesAndConcepts) {
    auto lines = highlight("template <class T> requires std::integral<T>\nco_await s; co_yield x; co_return;\nconcept C = true;", "c++");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"template", K}, {" ", _}, {"<", U}, {"class", K}, {" T", _}, {">", U}, {" ", _},
                                           {"requires", K}, {" ", _}, {"std", T}, {"::", U}, {"integral", _},
                                           {"<", U}, {"T", _}, {">", U}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"co_await", K}, {" s", _}, {";", U}, {" ", _}, {"co_yield", K}, {" x", _},
                                           {";", U}, {" ", _}, {"co_return", K}, {";", U}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"concept", K}, {" C ", _}, {"=", U}, {" ", _}, {"true", K}, {";", U}}));
}

TEST(Highlight, CppStrings) {
    auto lines = highlight(R"(auto s = "a \"q\" b"s + u8"x" + 'c' + '\'';)", "cpp");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"auto", T}, {" s ", _}, {"=", U}, {" ", _}, {R"("a \"q\" b"s)", S}, {" ", _},
                                           {"+", U}, {" ", _}, {"u8\"x\"", S}, {" ", _}, {"+", U}, {" ", _},
                                           {"'c'", S}, {" ", _}, {"+", U}, {" ", _}, {R"('\'')", S}, {";", U}}));
}

TEST(Highlight, CppRawStringAcrossLines) {
    auto lines = highlight("auto r = R\"x(one )\" still\ntwo)x\" + 1;\nR\"(a)\";", "cpp");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"auto", T}, {" r ", _}, {"=", U}, {" ", _}, {"R\"x(one )\" still", S}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"two)x\"", S}, {" ", _}, {"+", U}, {" ", _}, {"1", N}, {";", U}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"R\"(a)\"", S}, {";", U}}));
}

TEST(Highlight, CppBlockCommentAcrossLines) {
    auto lines = highlight("int a; /* one\ntwo\nthree */ int b;\n/**/x", "cpp");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"int", T}, {" a", _}, {";", U}, {" ", _}, {"/* one", C}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"two", C}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"three */", C}, {" ", _}, {"int", T}, {" b", _}, {";", U}}));
    EXPECT_EQ(flatten(lines[3]), (Expected{{"/**/", C}, {"x", _}}));
}

TEST(Highlight, CppPreprocessor) {
    auto lines = highlight("  #  define X 1\n#include \"a.hpp\"\nx # y", "hpp");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"  ", _}, {"#  define", P}, {" X ", _}, {"1", N}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"#include", P}, {" ", _}, {"\"a.hpp\"", S}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"x ", _}, {"#", U}, {" y", _}}));
}

TEST(Highlight, PythonBasics) {
    auto lines = highlight("@functools.cache\nasync def fetch(n=0x1F, t=1.5e-3):\n    x = await get(f\"{n}\")  # call\n    yield print(len('a\\'b'))\n", "python");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"@functools.cache", P}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"async", K}, {" ", _}, {"def", K}, {" ", _}, {"fetch", F}, {"(", U},
                                           {"n", _}, {"=", U}, {"0x1F", N}, {",", U}, {" t", _}, {"=", U},
                                           {"1.5e-3", N}, {"):", U}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"    x ", _}, {"=", U}, {" ", _}, {"await", K}, {" ", _}, {"get", F},
                                           {"(", U}, {"f\"{n}\"", S}, {")", U}, {"  ", _}, {"# call", C}}));
    EXPECT_EQ(flatten(lines[3]), (Expected{{"    ", _}, {"yield", K}, {" ", _}, {"print", T}, {"(", U}, {"len", T},
                                           {"(", U}, {"'a\\'b'", S}, {"))", U}}));
}

TEST(Highlight, PythonTripleQuotedAcrossLines) {
    auto lines = highlight("s = '''one\n\"two\" ''\nthree''' + x\nr\"\"\"a\"\"\"", "py");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"s ", _}, {"=", U}, {" ", _}, {"'''one", S}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"\"two\" ''", S}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"three'''", S}, {" ", _}, {"+", U}, {" x", _}}));
    EXPECT_EQ(flatten(lines[3]), (Expected{{"r\"\"\"a\"\"\"", S}}));
}

TEST(Highlight, PythonBuiltinsAndExceptions) {
    auto lines = highlight("class Farm:\n  raise StopIteration\n  for i in range(3): next(iter(str(i)))", "python");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"class", K}, {" Farm", _}, {":", U}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"  ", _}, {"raise", K}, {" ", _}, {"StopIteration", T}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"  ", _}, {"for", K}, {" i ", _}, {"in", K}, {" ", _}, {"range", T}, {"(", U},
                                           {"3", N}, {"):", U}, {" ", _}, {"next", T}, {"(", U}, {"iter", T}, {"(", U},
                                           {"str", T}, {"(", U}, {"i", _}, {")))", U}}));
}

TEST(Highlight, OtherLanguagesArePlain) {
    auto lines = highlight("int x; // hi\n\nfoo", "text");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"int x; // hi", _}}));
    EXPECT_TRUE(lines[1].empty());
    EXPECT_EQ(flatten(lines[2]), (Expected{{"foo", _}}));
}

TEST(Highlight, RoundTripSamples) {
    const char* samples[] = {
        "",
        "\n\n\n",
        "int main() {\r\n  return 0;\r\n}\r\n",
        "auto s = R\"d(\n)\"\n)d\"; /* a\n*/ \"unterminated\n'x",
        "x = \"\"\"\n\\\"\"\"\n\"\"\" 'a\\",
        "\t\tcase 'a': f(\"\\\\\"); // \xc3\xa9t\xc3\xa9\n",
        "#include <unterminated\n#\n# 1\n@\n@x.\n1e+ 0x1p-3 .5 1..2 0b1010'1 12'\n",
        "\xff\xfe\x00\x01 weird \x80",
    };
    for (const char* lang : {"cpp", "python", "none"})
        for (const char* s : samples) expect_round_trip(s, lang);
    std::string with_nul("a\0b\n\0", 5);
    expect_round_trip(with_nul, "cpp");
    expect_round_trip(with_nul, "python");
}

TEST(Highlight, RoundTripRandom) {
    std::mt19937 rng(4242);
    const std::string alphabet = "abcR\"'()/*#@\\ \t\n\r0123456789.e+-'x_uL{}<>";
    for (int round = 0; round < 2000; ++round) {
        std::string s;
        size_t len = rng() % 200;
        for (size_t i = 0; i < len; ++i)
            s += rng() % 8 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        expect_round_trip(s, round % 2 ? "cpp" : "python");
    }
}

TEST(Highlight, RoundTripDemoSources) {
    namespace fs = std::filesystem;
    fs::path demos = fs::path(LIVEDECK_SOURCE_DIR) / "demos";
    int files = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(demos, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto ext = it->path().extension();
        if (ext != ".cpp" && ext != ".hpp") continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        SCOPED_TRACE(it->path().string());
        expect_round_trip(text, "cpp");
        ++files;
    }
    EXPECT_GT(files, 0);
}
