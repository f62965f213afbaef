// Tests for syntax highlighting (KSyntaxHighlighting's definitions mapped to
// the theme's token kinds), used by code panes and fenced code blocks.
//
// Index
//   helpers
//   the talk's languages, token by token (C++, Python)
//   every language a presenter's deck brings: keyword, string, comment
//   fence words: aliases, unknown languages
//   what any input gives back: round trips, UTF-8, limits
//   the cache, the prefetch, threads

#include "deck/highlight.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

using livedeck::deck::highlight;
using livedeck::deck::TokenKind;
using livedeck::deck::TokenLine;
namespace deck = livedeck::deck;

namespace {

using Expected = std::vector<std::pair<std::string, TokenKind>>;

Expected flatten(const TokenLine& line) {
    Expected out;
    for (const auto& t : line) out.emplace_back(std::string(t.text), t.kind);
    return out;
}

std::vector<Expected> flatten(const std::vector<TokenLine>& lines) {
    std::vector<Expected> out;
    for (const auto& l : lines) out.push_back(flatten(l));
    return out;
}

// The kind of every byte of `needle`'s first occurrence in `source`, when
// they all have one kind; nothing when they do not, or it is not there.
std::optional<TokenKind> kind_at(std::string_view source, std::string_view lang, std::string_view needle) {
    const size_t at = source.find(needle);
    if (at == std::string_view::npos || needle.empty()) return std::nullopt;
    std::optional<TokenKind> kind;
    for (const TokenLine& line : highlight(source, lang))
        for (const auto& t : line) {
            const size_t begin = static_cast<size_t>(t.text.data() - source.data());
            const size_t end = begin + t.text.size();
            if (end <= at || begin >= at + needle.size()) continue;
            if (kind && *kind != t.kind) return std::nullopt;
            kind = t.kind;
        }
    return kind;
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

bool all_plain(const std::vector<TokenLine>& lines) {
    for (const auto& l : lines)
        for (const auto& t : l)
            if (t.kind != TokenKind::Plain) return false;
    return true;
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

// ---- the talk's languages, token by token ----------------------------------

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
                                           {"requires", K}, {" ", _}, {"std::integral", T}, {"<", U}, {"T", _},
                                           {">", U}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"co_await", K}, {" s", _}, {";", U}, {" ", _}, {"co_yield", K}, {" x", _},
                                           {";", U}, {" ", _}, {"co_return", K}, {";", U}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"concept", K}, {" C ", _}, {"=", U}, {" ", _}, {"true", K}, {";", U}}));
}

TEST(Highlight, CppModifiersAreKeywords) {
    auto lines = highlight("static constexpr const int x = 1;", "cpp");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"static", K}, {" ", _}, {"constexpr", K}, {" ", _}, {"const", K}, {" ", _},
                                           {"int", T}, {" x ", _}, {"=", U}, {" ", _}, {"1", N}, {";", U}}));
}

TEST(Highlight, CppStrings) {
    auto lines = highlight(R"(auto s = "a \"q\" b"s + u8"x" + 'c' + '\'';)", "cpp");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"auto", K}, {" s ", _}, {"=", U}, {" ", _}, {R"("a \"q\" b"s)", S}, {" ", _},
                                           {"+", U}, {" ", _}, {"u8\"x\"", S}, {" ", _}, {"+", U}, {" ", _},
                                           {"'c'", S}, {" ", _}, {"+", U}, {" ", _}, {R"('\'')", S}, {";", U}}));
}

TEST(Highlight, CppRawStringAcrossLines) {
    auto lines = highlight("auto r = R\"x(one )\" still\ntwo)x\" + 1;\nR\"(a)\";", "cpp");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"auto", K}, {" r ", _}, {"=", U}, {" ", _}, {"R\"x(one )\" still", S}}));
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
    EXPECT_EQ(flatten(lines[0]), (Expected{{"  ", _}, {"#  define X", P}, {" ", _}, {"1", N}}));
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
    // An f-string's replacement field is code.
    EXPECT_EQ(flatten(lines[2]), (Expected{{"    x ", _}, {"=", U}, {" ", _}, {"await", K}, {" ", _}, {"get", F},
                                           {"(", U}, {"f\"{", S}, {"n", _}, {"}\"", S}, {")", U}, {"  ", _},
                                           {"# call", C}}));
    EXPECT_EQ(flatten(lines[3]), (Expected{{"    ", _}, {"yield", K}, {" ", _}, {"print", T}, {"(", U}, {"len", T},
                                           {"(", U}, {"'a\\'b'", S}, {"))", U}}));
}

TEST(Highlight, PythonTripleQuotedAcrossLines) {
    auto lines = highlight("s = '''one\n\"two\" ''\nthree''' + x\nt = r\"\"\"a\"\"\"", "py");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(flatten(lines[0]), (Expected{{"s ", _}, {"=", U}, {" ", _}, {"'''one", S}}));
    EXPECT_EQ(flatten(lines[1]), (Expected{{"\"two\" ''", S}}));
    EXPECT_EQ(flatten(lines[2]), (Expected{{"three'''", S}, {" ", _}, {"+", U}, {" x", _}}));
    EXPECT_EQ(flatten(lines[3]), (Expected{{"t ", _}, {"=", U}, {" ", _}, {"r\"\"\"a\"\"\"", S}}));
}

TEST(Highlight, PythonDocstringIsAComment) {
    auto lines = highlight("def f():\n    \"\"\"Says hi.\"\"\"\n", "python");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(flatten(lines[1]), (Expected{{"    ", _}, {"\"\"\"Says hi.\"\"\"", C}}));
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

// ---- every language a presenter's deck brings ------------------------------

struct LanguageCase {
    const char* lang;
    const char* source;
    std::vector<std::pair<const char*, TokenKind>> expect;  // needle, kind of all its bytes
};

class Languages : public testing::TestWithParam<LanguageCase> {};

TEST_P(Languages, KeywordStringComment) {
    const LanguageCase& c = GetParam();
    EXPECT_TRUE(deck::known_language(c.lang));
    for (const auto& [needle, kind] : c.expect)
        EXPECT_EQ(kind_at(c.source, c.lang, needle), kind) << c.lang << ": " << needle;
    expect_round_trip(c.source, c.lang);
}

INSTANTIATE_TEST_SUITE_P(
    Highlight, Languages,
    testing::Values(
        LanguageCase{"c", "#include <stdio.h>\n/* note */\nint main(void) { printf(\"hi %d\\n\", 42); return 0; }\n",
                     {{"#include", P}, {"/* note */", C}, {"\"hi %d\\n\"", S}, {"return", K}, {"int", T},
                      {"printf", F}, {"42", N}}},
        LanguageCase{"cpp", "co_await x; // note\nauto s = std::string(\"hi\");\nstart_ = nullptr;\n",
                     {{"co_await", K}, {"// note", C}, {"\"hi\"", S}, {"std::string", T}, {"start_", _},
                      {"nullptr", K}}},
        LanguageCase{"python", "def greet(x):  # note\n    return 'hi' if x is None else len(x)\n",
                     {{"def", K}, {"return", K}, {"None", K}, {"# note", C}, {"'hi'", S}, {"len", T}, {"greet", F}}},
        LanguageCase{"rust", "fn main() {\n    let s = \"hi\"; // note\n    println!(\"{}\", s);\n}\n",
                     {{"fn", K}, {"let", K}, {"\"hi\"", S}, {"// note", C}, {"main", F}, {"println!", P}}},
        LanguageCase{"go", "package main\nimport \"fmt\"\nfunc main() {\n\ts := \"hi\" // note\n\tfmt.Println(s, 42)\n}\n",
                     {{"package", K}, {"func", K}, {"\"hi\"", S}, {"// note", C}, {"Println", F}, {"42", N}}},
        LanguageCase{"javascript", "const s = \"hi\"; // note\nfunction twice(x) { return x * 2; }\nlet t = `a ${s}`;\n",
                     {{"const", K}, {"function", K}, {"return", K}, {"\"hi\"", S}, {"`a ", S}, {"// note", C},
                      {"twice", F}}},
        LanguageCase{"typescript", "interface P { name: string }\nconst s: string = \"hi\"; // note\n",
                     {{"interface", K}, {"const", K}, {"string", T}, {"\"hi\"", S}, {"// note", C}}},
        LanguageCase{"java", "public class Main {\n    // note\n    void f() { System.out.println(\"hi\" + 42); }\n}\n",
                     {{"public", K}, {"class", K}, {"// note", C}, {"\"hi\"", S}, {"println", F}, {"void", T}}},
        LanguageCase{"bash", "#!/bin/bash\nfor f in *.txt; do  # note\n  echo \"hi $f\" | grep -c x\ndone\n",
                     {{"for", K}, {"do", K}, {"done", K}, {"# note", C}, {"\"hi ", S}, {"$f", T}, {"echo", T},
                      {"|", U}}},
        LanguageCase{"json", "{\n  \"name\": \"hi\",\n  \"n\": 42,\n  \"ok\": true,\n  \"none\": null\n}\n",
                     {{"\"name\"", T}, {"\"hi\"", S}, {"42", N}, {"true", K}, {"null", K}, {":", U}, {"{", U}}},
        LanguageCase{"yaml", "# note\nname: hi\nlist:\n  - \"quoted\"\n  - 42\n",
                     {{"# note", C}, {"name", F}, {"\"quoted\"", S}, {"42", N}, {"-", U}}},
        LanguageCase{"toml", "# note\n[package]\nname = \"hi\"\nversion = 42\nok = true\n",
                     {{"# note", C}, {"package", T}, {"name", T}, {"\"hi\"", S}, {"42", N}, {"true", K}}},
        LanguageCase{"sql", "-- note\nSELECT name, COUNT(*) FROM animals\nWHERE kind = 'cow' AND n > 42;\n",
                     {{"-- note", C}, {"SELECT", K}, {"FROM", K}, {"WHERE", K}, {"'cow'", S}, {"COUNT", F}, {"42", N}}},
        LanguageCase{"html", "<!-- note -->\n<p class=\"x\">Hi &amp; bye</p>\n",
                     {{"<!-- note -->", C}, {"<p", K}, {"\"x\"", S}, {"class=", T}, {"Hi", _}}},
        LanguageCase{"css", "/* note */\nbody { color: #fff; margin: 0 4px; }\n.a { font-family: \"DejaVu Sans\"; }\n",
                     {{"/* note */", C}, {"color", K}, {"\"DejaVu Sans\"", S}, {"0", N}}},
        LanguageCase{"markdown", "# Title\n\nSome `code` here.\n<!-- note -->\n",
                     {{"# Title", F}, {"<!-- note -->", C}, {"`code`", P}, {"Some", _}}},
        LanguageCase{"diff", "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n same\n-old\n+new\n",
                     {{"diff --git a/x b/x", K}, {"@@ -1,2 +1,2 @@", T}, {"-old", TokenKind::Deleted},
                      {"+new", TokenKind::Inserted}, {" same", _}}}),
    [](const testing::TestParamInfo<LanguageCase>& p) { return std::string(p.param.lang); });

// ---- fence words ------------------------------------------------------------

TEST(Highlight, AliasesGiveTheLanguage) {
    const std::pair<const char*, const char*> aliases[] = {
        {"js", "javascript"}, {"ts", "typescript"}, {"sh", "bash"},     {"shell", "bash"},  {"py", "python"},
        {"c++", "cpp"},       {"yml", "yaml"},      {"rs", "rust"},     {"golang", "go"},   {"md", "markdown"},
        {"patch", "diff"},    {"Python", "python"}, {"C++", "cpp"},     {"JSON", "json"},   {"python3", "python"},
        {"jsx", "JavaScript React (JSX)"},          {"hpp", "cpp"},     {"console", "bash"}};
    const char* source = "if x then 'a' # b // c -- d\nfunction f() { return \"s\"; }\n- k: v\n";
    for (const auto& [alias, name] : aliases) {
        auto by_alias = highlight(source, alias);
        EXPECT_EQ(flatten(by_alias), flatten(highlight(source, name))) << alias;
        EXPECT_FALSE(all_plain(by_alias)) << alias;
        EXPECT_TRUE(deck::known_language(alias)) << alias;
    }
}

TEST(Highlight, OtherToolsInfoStrings) {
    const char* source = "fn main() { let s = \"hi\"; } // note";
    const auto rust = flatten(highlight(source, "rust"));
    for (const char* info : {"rust,ignore", "rust {1-3|5}", "rust{2}", "{.rust}", "{.rust .numberLines}",
                             "language-rust", "  Rust  "})
        EXPECT_EQ(flatten(highlight(source, info)), rust) << info;
}

TEST(Highlight, UnknownLanguagesArePlain) {
    const std::string long_word(1000, 'x');
    for (const char* lang : {"text", "", "plain", "nosuchlanguage", "a/b*", "../../etc", " ", "\xff\xfe"}) {
        auto lines = highlight("int x; // hi\n\nfoo", lang);
        ASSERT_EQ(lines.size(), 3u) << lang;
        EXPECT_EQ(flatten(lines[0]), (Expected{{"int x; // hi", _}})) << lang;
        EXPECT_TRUE(lines[1].empty());
        EXPECT_EQ(flatten(lines[2]), (Expected{{"foo", _}}));
        EXPECT_FALSE(deck::known_language(lang)) << lang;
    }
    EXPECT_TRUE(all_plain(highlight("int x;", long_word)));
    EXPECT_FALSE(deck::known_language(long_word));
}

// ---- what any input gives back ------------------------------------------------

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
        "s = \"\xf0\x9f\x98\x80 \xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80\" # \xe2\x82\xac\xe2\x82",
        "<<EOF\nheredoc $x\nEOF\n```cpp\nint x;\n```\n---\n- a: [1, {b: c}]\n",
    };
    for (const char* lang : {"cpp", "python", "none", "rust", "bash", "markdown", "yaml", "html", "diff", "json"})
        for (const char* s : samples) expect_round_trip(s, lang);
    std::string with_nul("a\0b\n\0", 5);
    expect_round_trip(with_nul, "cpp");
    expect_round_trip(with_nul, "python");
}

TEST(Highlight, RoundTripRandom) {
    std::mt19937 rng(4242);
    const std::string alphabet = "abcR\"'()/*#@\\ \t\n\r0123456789.e+-'x_uL{}<>`$:[]";
    const char* langs[] = {"cpp", "python", "js", "sh", "yaml", "markdown", "rust", "html"};
    for (int round = 0; round < 800; ++round) {
        std::string s;
        size_t len = rng() % 200;
        for (size_t i = 0; i < len; ++i)
            s += rng() % 8 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        expect_round_trip(s, langs[round % 8]);
    }
}

TEST(Highlight, Utf8KeepsItsBytes) {
    // Two-, three- and four-byte characters, and bytes that are not UTF-8:
    // the tokens still cut the line at the right bytes.
    const std::string source = "s = \"h\xc3\xa9llo \xf0\x9f\x98\x80\" + \"\xff\" # \xc3\xbcn\xe2\x82\xac \xf0\x9f\x90\xae";
    EXPECT_EQ(kind_at(source, "python", "\"h\xc3\xa9llo \xf0\x9f\x98\x80\""), S);
    EXPECT_EQ(kind_at(source, "python", "\"\xff\""), S);
    EXPECT_EQ(kind_at(source, "python", "# \xc3\xbcn\xe2\x82\xac \xf0\x9f\x90\xae"), C);
    EXPECT_EQ(kind_at(source, "python", "+"), U);
    expect_round_trip(source, "python");
}

TEST(Highlight, LongLinesArePlainAndTheRestGoesOn) {
    const std::string long_line = "int x = \"" + std::string(deck::max_line_bytes, 'a') + "\";";
    const std::string source = "/* open\n" + long_line + "\nclose */ return 1;\n";
    auto lines = highlight(source, "cpp");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(flatten(lines[1]), (Expected{{long_line, _}}));
    // The line before it left a comment open; the one after closes it.
    EXPECT_EQ(flatten(lines[2]), (Expected{{"close */", C}, {" ", _}, {"return", K}, {" ", _}, {"1", N}, {";", U}}));
}

TEST(Highlight, SourcePastTheCapIsPlain) {
    std::string source;
    while (source.size() <= deck::max_source_bytes) source += "return 1; // line\n";
    source += "return 2;\n";
    auto lines = highlight(source, "cpp");
    EXPECT_EQ(lines.front().front().kind, K);
    EXPECT_EQ(flatten(lines.back()), (Expected{{"return 2;", _}}));
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

// ---- the cache, the prefetch, threads ------------------------------------------

TEST(Highlight, CachedOncePerSourceAndLanguage) {
    const std::string code = "fn cached_once() { let x = 1; }";
    auto first = deck::highlighted(code, "rust");
    EXPECT_TRUE(deck::cached(code, "rust"));
    EXPECT_EQ(deck::highlighted(code, "rust"), first);  // the same tokens, not highlighted again
    EXPECT_NE(deck::highlighted(code, "cpp"), first);   // another language is another entry
    EXPECT_EQ(flatten(first->lines), flatten(highlight(code, "rust")));
    // The tokens view the cached copy, not the caller's string.
    for (const auto& line : first->lines)
        for (const auto& t : line) {
            EXPECT_GE(t.text.data(), first->source.data());
            EXPECT_LE(t.text.data() + t.text.size(), first->source.data() + first->source.size());
        }
}

TEST(Highlight, CacheStartsOverPastItsCapAndHeldResultsStay) {
    const std::string marker = "let held = \"still here\";";
    auto held = deck::highlighted(marker, "rust");
    const std::string chunk(1 << 20, 'x');
    for (size_t i = 0; i * chunk.size() <= deck::max_cached_source_bytes; ++i)
        deck::highlighted(std::to_string(i) + chunk, "none");
    EXPECT_FALSE(deck::cached(marker, "rust"));
    EXPECT_EQ(kind_at(held->source, "rust", "\"still here\""), S);
    EXPECT_EQ(flatten(held->lines), flatten(highlight(marker, "rust")));
}

TEST(Highlight, PrefetchFillsTheCache) {
    std::vector<deck::Prefetch::Code> code = {
        {"SELECT 1; -- prefetched", "sql"}, {"key: prefetched", "yml"}, {"int prefetched;", "cpp"}};
    deck::Prefetch prefetch(code);
    prefetch.wait();
    for (const auto& c : code) EXPECT_TRUE(deck::cached(c.source, c.lang)) << c.lang;
}

TEST(Highlight, PrefetchStopsWhenDestroyed) {
    std::vector<deck::Prefetch::Code> code;
    for (int i = 0; i < 200; ++i) code.push_back({"int stop_" + std::to_string(i) + " = 1;\n", "cpp"});
    { deck::Prefetch prefetch(code); }  // joins after the block in hand, whatever is left
    deck::Prefetch again(code);
    again.wait();
    EXPECT_TRUE(deck::cached(code.back().source, "cpp"));
}

TEST(Highlight, ThreadsGetTheSameTokens) {
    const std::pair<const char*, const char*> work[] = {
        {"fn a() { let s = \"x\"; } // c", "rust"}, {"def a(): return 'x'  # c", "python"},
        {"SELECT 'x' FROM t; -- c", "sql"},         {"<p class=\"x\">t</p> <!-- c -->", "html"}};
    std::vector<std::vector<Expected>> serial;
    for (const auto& [src, lang] : work) serial.push_back(flatten(highlight(src, lang)));
    std::vector<std::vector<Expected>> parallel(4);
    {
        std::vector<std::jthread> threads;
        for (size_t i = 0; i < 4; ++i)
            threads.emplace_back([&, i] {
                for (int round = 0; round < 50; ++round) parallel[i] = flatten(highlight(work[i].first, work[i].second));
            });
    }
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(parallel[i], serial[i]) << work[i].second;
}
