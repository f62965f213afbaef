// front_matter.cpp: the YAML in a deck, read with yaml-cpp: the deck's
// front matter (the title slide's metadata and a few options), a slide's
// own (Slidev), presenterm's `speaker_note:` comments, and telling Marp's
// directive comments from notes.

#include "deck/parse_internal.hpp"
#include "deck/text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

namespace livedeck::deck::detail {
namespace {

// Front matter longer than this is an error, not read.
constexpr size_t kMaxFrontMatterBytes = 64 * 1024;

std::string joined(const FrontMatter& fm) {
    std::string text;
    for (std::string_view l : fm.lines) {
        text += l;
        text += '\n';
    }
    return text;
}

// Parses front matter; reports why it cannot in `errors`.
std::optional<YAML::Node> load(const FrontMatter& fm, const std::string& file, std::vector<Diagnostic>& errors) {
    const std::string text = joined(fm);
    if (text.size() > kMaxFrontMatterBytes) {
        errors.push_back({file, fm.first_line, "front matter longer than 64 KB"});
        return std::nullopt;
    }
    try {
        YAML::Node root = YAML::Load(text);
        if (!root.IsMap()) {
            errors.push_back({file, fm.first_line, "front matter is not a YAML mapping of keys to values"});
            return std::nullopt;
        }
        return root;
    } catch (const YAML::ParserException& e) {
        const int line = e.mark.line >= 0 ? fm.first_line + e.mark.line : fm.first_line;
        errors.push_back({file, line, "front matter is not valid YAML: " + e.msg});
    } catch (const std::exception& e) {
        errors.push_back({file, fm.first_line, std::string("front matter cannot be read: ") + e.what()});
    }
    return std::nullopt;
}

int line_of(const FrontMatter& fm, const YAML::Node& node) {
    const YAML::Mark m = node.Mark();
    return m.line >= 0 ? fm.first_line + m.line : fm.first_line;
}

// A value as one line of text: a scalar, or a list of them (names, with
// Pandoc's `- name: ...` authors) joined by commas. Nothing for a mapping.
std::optional<std::string> text_of(const YAML::Node& node) {
    if (node.IsScalar()) return node.Scalar();
    if (node.IsNull()) return std::string();
    if (!node.IsSequence()) return std::nullopt;
    std::string out;
    for (const YAML::Node& item : node) {
        std::string piece;
        if (item.IsScalar()) piece = item.Scalar();
        else if (item.IsMap() && item["name"] && item["name"].IsScalar()) piece = item["name"].Scalar();
        else return std::nullopt;
        if (piece.empty()) continue;
        if (!out.empty()) out += ", ";
        out += piece;
    }
    return out;
}

// Metadata is shown on one line each: newlines (YAML `|` blocks) become spaces.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return std::string(trim(s));
}

std::optional<bool> flag_of(const YAML::Node& node) {
    if (!node.IsScalar()) return std::nullopt;
    try {
        return node.as<bool>();
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
}

}  // namespace

void read_deck_front_matter(const FrontMatter& fm, const std::string& file, Meta& meta, MetaLines& lines,
                            DeckOptions& options, std::vector<Diagnostic>& errors,
                            std::vector<Diagnostic>& warnings) {
    const std::optional<YAML::Node> root = load(fm, file, errors);
    if (!root) return;
    try {
        for (const auto& entry : *root) {
            const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
            const YAML::Node& value = entry.second;
            const int line = line_of(fm, entry.first);
            auto text = [&](std::string& into, int& at) {
                const std::optional<std::string> t = text_of(value);
                if (!t) {
                    warnings.push_back({file, line, "front matter '" + key + "' is not text: not shown"});
                    return;
                }
                into = one_line(*t);
                at = line;
            };
            if (key == "title") text(meta.title, lines.title);
            else if (key == "subtitle" || key == "sub_title") text(meta.subtitle, lines.subtitle);
            else if (key == "author" || key == "authors") text(meta.author, lines.author);
            else if (key == "date") text(meta.date, lines.date);
            else if (key == "institute" || key == "event" || key == "location") {
                std::string s;
                int at = 0;
                text(s, at);
                if (!s.empty()) {
                    meta.more.push_back(s);
                    lines.more.push_back(at);
                }
            } else if (key == "incremental") {
                const std::optional<bool> on = flag_of(value);
                if (on) options.incremental = *on;
                else warnings.push_back({file, line, "front matter 'incremental' is not true or false: ignored"});
            } else if (key == "marp") {
                // Marp's own switch: nothing to do.
            } else if (key == "options" && value.IsMap()) {
                // presenterm's options.
                for (const auto& option : value) {
                    const std::string name = option.first.IsScalar() ? option.first.Scalar() : std::string();
                    const int at = line_of(fm, option.first);
                    const std::optional<bool> on = flag_of(option.second);
                    if ((name == "incremental_lists" || name == "end_slide_shorthand") && on) {
                        (name == "incremental_lists" ? options.incremental : options.end_slide_shorthand) = *on;
                    } else {
                        warnings.push_back({file, at, "front matter option '" + name + "' is not supported: ignored"});
                    }
                }
            } else {
                warnings.push_back({file, line, "front matter key '" + key + "' is not used by livedeck: ignored"});
            }
        }
    } catch (const YAML::Exception& e) {
        errors.push_back({file, fm.first_line, "front matter cannot be read: " + e.msg});
    }
}

std::vector<SlideKey> read_slide_front_matter(const FrontMatter& fm, const std::string& file,
                                              std::vector<Diagnostic>& errors, std::vector<Diagnostic>& warnings) {
    std::vector<SlideKey> keys;
    const std::optional<YAML::Node> root = load(fm, file, errors);
    if (!root) return keys;
    try {
        for (const auto& entry : *root) {
            const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
            const int line = line_of(fm, entry.first);
            if ((key == "demo" || key == "image") && entry.second.IsScalar()) {
                keys.push_back({key, entry.second.Scalar(), line});
            } else {
                warnings.push_back(
                    {file, line, "slide front matter key '" + key + "' is not used by livedeck: ignored"});
            }
        }
    } catch (const YAML::Exception& e) {
        errors.push_back({file, fm.first_line, "slide front matter cannot be read: " + e.msg});
    }
    return keys;
}

std::string speaker_note_text(std::string_view body) {
    try {
        const YAML::Node root = YAML::Load(std::string(body));
        if (root.IsMap() && root["speaker_note"]) {
            const YAML::Node note = root["speaker_note"];
            if (note.IsScalar()) return std::string(trim(note.Scalar()));
            if (note.IsSequence()) {
                std::string out;
                for (const YAML::Node& item : note)
                    if (item.IsScalar()) out += (out.empty() ? "" : "\n") + item.Scalar();
                return out;
            }
        }
    } catch (const std::exception&) {
        // Not YAML (a colon in the text, say): the words as written.
    }
    const size_t at = body.find("speaker_note:");
    return std::string(trim(at == std::string_view::npos ? body : body.substr(at + 13)));
}

std::optional<std::vector<std::string>> marp_directives(std::string_view body) {
    static constexpr std::array<std::string_view, 24> kKeys = {
        "theme",           "style",           "headingDivider",     "lang",
        "title",           "author",          "description",        "image",
        "keywords",        "url",             "marp",               "size",
        "math",            "paginate",        "header",             "footer",
        "class",           "backgroundColor", "backgroundImage",    "backgroundPosition",
        "backgroundRepeat", "backgroundSize", "color",              "transition",
    };
    std::vector<std::string> keys;
    for (std::string_view line : split_lines(body)) {
        line = trim(line);
        if (line.empty()) continue;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        std::string_view key = line.substr(0, colon);
        if (key.starts_with('_')) key.remove_prefix(1);
        if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) return std::nullopt;
        keys.emplace_back(line.substr(0, colon));
    }
    if (keys.empty()) return std::nullopt;
    return keys;
}

}  // namespace livedeck::deck::detail
