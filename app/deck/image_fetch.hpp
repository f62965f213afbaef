// Remote slide images (`https://...`, `http://...`): fetched once with
// libcurl into a cache on disk, $XDG_CACHE_HOME/livedeck/images/<hash of the
// URL> (~/.cache/... without it), written atomically. A deck names the
// cached file as the image's path; nothing draws from the network.
//
// Who fetches: `check`, `shot` and `export` fetch what is missing before
// they look at a slide (fetch_remote_images); the windows open at once and
// fetch in the background (fetch_in_background), at start and after a hot
// reload, while the slide shows a placeholder. `--offline` (set_offline) forbids every fetch: cached copies
// are still used, others are errors that say so.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace livedeck::deck {

struct Deck;

// `http://` or `https://` (the scheme in any case).
bool is_remote_image(std::string_view src);

// Where remote images are kept, and the cached file of one URL.
std::filesystem::path image_cache_dir();
std::filesystem::path cached_image_path(std::string_view url);

// No fetching at all (the global `--offline` flag).
void set_offline(bool offline);
bool offline();

// The caps on one fetch.
struct FetchLimits {
    std::size_t max_bytes = 20u << 20;  // the body
    long timeout_ms = 20'000;           // the whole transfer, redirects included
    long connect_timeout_ms = 5'000;
    long max_redirects = 5;
};

// Fetches `url` into its cache file (blocking). Nothing on success, else
// why, in words that name the URL ("cannot fetch https://...: HTTP 404").
// `stop`, when set, ends the transfer early.
std::optional<std::string> fetch_image(const std::string& url, const FetchLimits& limits = {},
                                       const std::atomic<bool>* stop = nullptr);

// What this process knows of a remote image.
enum class FetchState {
    Unknown,  // never asked for (or not a remote image's path)
    Pending,  // being fetched in the background
    Ready,    // in the cache
    Failed,   // failed (error says why); not tried again by the background
};
struct RemoteStatus {
    FetchState state = FetchState::Unknown;
    std::string url;    // the image's URL ("" when `path` is not a remote image's)
    std::string error;  // Failed: why
};

// Remembers that the cached file `path` stands for `url` (the deck parser
// calls it), so that those who draw a path can say which URL it is.
void note_remote_image(const std::filesystem::path& path, const std::string& url);

// The status of the remote image cached at `path`.
RemoteStatus remote_status(const std::filesystem::path& path);

// Starts fetching the remote image cached at `path` on a background thread
// (up to four at once) unless it is there, pending or failed; never blocks. Returns its
// status after that (Pending while it runs).
RemoteStatus fetch_in_background(const std::filesystem::path& path);

// Called on the fetching thread whenever a background fetch ends (e.g. to
// wake a window that waits for events). Set it before the first fetch.
void on_background_fetch_done(std::function<void()> callback);

// Fetches every remote image of `d` that is not cached yet (nor failed
// before in this process: the parser reports those), several at a time,
// and waits for them (never from a window's thread). Each failure
// becomes an error of its slide and of the deck at the image's line; so
// does a fetched file that is not an image. Offline, it fetches nothing
// (the parser has said so already).
void fetch_remote_images(Deck& d);

}  // namespace livedeck::deck
