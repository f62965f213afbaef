// image_fetch.cpp: remote images, fetched with libcurl into the cache.
//
//   [SECTION] URLs, the cache and the offline flag
//   [SECTION] One fetch (blocking, capped, written atomically)
//   [SECTION] What this process knows, and the background thread
//   [SECTION] A deck's remote images, fetched before it is shown

#include "deck/image_fetch.hpp"

#include "deck/deck.hpp"
#include "deck/image_formats.hpp"
#include "deck/parse_internal.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <vector>

namespace livedeck::deck {

//-----------------------------------------------------------------------------
// [SECTION] URLs, the cache and the offline flag
//-----------------------------------------------------------------------------

namespace {

std::atomic<bool> offline_flag{false};

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

// 64-bit FNV-1a from a given start: two of them name a cache file (not
// cryptographic; a name, not a check).
std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// The URL path's extension (".png"), letters and digits only, or "".
std::string url_extension(std::string_view url) {
    std::string_view path = url.substr(0, url.find_first_of("?#"));
    const std::size_t slash = path.rfind('/');
    const std::size_t dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
    std::string ext(path.substr(dot));
    if (ext.size() < 2 || ext.size() > 6) return {};
    for (std::size_t i = 1; i < ext.size(); ++i) {
        if (!std::isalnum(static_cast<unsigned char>(ext[i]))) return {};
        ext[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(ext[i])));
    }
    return ext;
}

}  // namespace

bool is_remote_image(std::string_view src) {
    return starts_with_nocase(src, "https://") || starts_with_nocase(src, "http://");
}

std::filesystem::path image_cache_dir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/') return std::filesystem::path(xdg) / "livedeck" / "images";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::filesystem::path(home) / ".cache" / "livedeck" / "images";
    return std::filesystem::temp_directory_path() / "livedeck-images";
}

std::filesystem::path cached_image_path(std::string_view url) {
    char name[40];
    std::snprintf(name, sizeof name, "%016llx%016llx",
                  static_cast<unsigned long long>(fnv1a(url, 0xcbf29ce484222325ULL)),
                  static_cast<unsigned long long>(fnv1a(url, 0x84222325cbf29ce4ULL)));
    return image_cache_dir() / (name + url_extension(url));
}

void set_offline(bool offline) { offline_flag = offline; }
bool offline() { return offline_flag; }

namespace {
std::string offline_message(const std::string& url) {
    return "cannot fetch " + url + ": livedeck is offline (--offline) and has no copy in its cache";
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] One fetch (blocking, capped, written atomically)
//-----------------------------------------------------------------------------

namespace {

struct CurlGlobal {
    CurlGlobal() { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }
    bool ok = false;
};

bool curl_ready() {
    static CurlGlobal global;  // (thread-safe since curl 7.84; never cleaned up: others share it)
    return global.ok;
}

struct EasyCleanup {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};

struct Body {
    std::string data;
    std::size_t limit = 0;
    bool too_big = false;
    const std::atomic<bool>* stop = nullptr;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* body = static_cast<Body*>(user);
    const std::size_t n = size * count;
    if (body->data.size() + n > body->limit) {
        body->too_big = true;
        return 0;  // ends the transfer (CURLE_WRITE_ERROR)
    }
    try {
        body->data.append(data, n);
    } catch (...) {
        return 0;
    }
    return n;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
    const auto* body = static_cast<const Body*>(user);
    return body->stop && body->stop->load() ? 1 : 0;
}

std::string megabytes(std::size_t bytes) {
    return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MB" : std::to_string(bytes) + " bytes";
}

// Writes `bytes` to `path` through a temporary file beside it and a rename,
// so that nobody ever reads half a file. Every step checked.
std::optional<std::string> write_atomically(const std::filesystem::path& path, const std::string& bytes) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return "cannot make the cache folder " + path.parent_path().string() + ": " + ec.message();
    static std::atomic<unsigned> serial{0};
    const std::filesystem::path temp =
        path.string() + ".part-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
    std::FILE* f = std::fopen(temp.c_str(), "wb");
    if (!f) return "cannot write " + temp.string() + ": " + std::generic_category().message(errno);
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    int err = ok ? 0 : errno;
    if (ok && std::fflush(f) != 0) ok = false, err = errno;
    if (ok && ::fsync(::fileno(f)) != 0) ok = false, err = errno;
    if (std::fclose(f) != 0 && ok) ok = false, err = errno;
    if (ok && std::rename(temp.c_str(), path.c_str()) != 0) ok = false, err = errno;
    if (!ok) {
        std::filesystem::remove(temp, ec);
        return "cannot write " + path.string() + ": " + std::generic_category().message(err ? err : EIO);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> fetch_image(const std::string& url, const FetchLimits& limits,
                                       const std::atomic<bool>* stop) {
    const std::string what = "cannot fetch " + url + ": ";
    if (offline()) return offline_message(url);
    if (!curl_ready()) return what + "curl_global_init failed";
    std::unique_ptr<CURL, EasyCleanup> easy(curl_easy_init());
    if (!easy) return what + "curl_easy_init failed";
    Body body;
    body.limit = limits.max_bytes;
    body.stop = stop;
    char errors[CURL_ERROR_SIZE] = {};
    CURL* e = easy.get();
    const bool set =
        curl_easy_setopt(e, CURLOPT_URL, url.c_str()) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, limits.max_redirects) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, limits.timeout_ms) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, limits.connect_timeout_ms) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes)) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &body) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, progress) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, &body) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errors) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_USERAGENT, "livedeck") == CURLE_OK;
    if (!set) return what + "cannot set up the transfer";
    const CURLcode rc = curl_easy_perform(e);
    if (body.too_big || rc == CURLE_FILESIZE_EXCEEDED)
        return what + "larger than " + megabytes(limits.max_bytes);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f s", static_cast<double>(limits.timeout_ms) / 1000.0);
        return what + "timed out after " + seconds;
    }
    if (rc == CURLE_TOO_MANY_REDIRECTS)
        return what + "more than " + std::to_string(limits.max_redirects) + " redirects";
    if (rc == CURLE_ABORTED_BY_CALLBACK) return what + "stopped";
    if (rc != CURLE_OK) return what + (errors[0] ? errors : curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) return what + "HTTP " + std::to_string(status);
    if (body.data.empty()) return what + "empty reply";
    // A login page or an error page sent with 200 is not kept as an image.
    if (sniff_image(std::string_view(body.data).substr(0, 512), std::filesystem::path(url_extension(url))) ==
        ImageFormat::Unknown) {
        const char* type = nullptr;
        curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &type);
        return what + "not an image (" + (type && *type ? "Content-Type " + std::string(type) : "no Content-Type") +
               "; livedeck reads " + std::string(known_image_formats) + ")";
    }
    if (auto problem = write_atomically(cached_image_path(url), body.data)) return what + *problem;
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] What this process knows, and the background thread
//-----------------------------------------------------------------------------

namespace {

class Registry {
public:
    ~Registry() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        stop_flag_ = true;  // a running transfer ends at its next progress call
        wake_.notify_all();
        for (std::thread& worker : workers_) worker.join();  // bounded: a transfer sees stop_flag_
    }

    void note(const std::filesystem::path& path, const std::string& url) {
        const std::lock_guard<std::mutex> lock(mutex_);
        urls_[path] = url;
    }

    RemoteStatus status(const std::filesystem::path& path) {
        const std::lock_guard<std::mutex> lock(mutex_);
        return status_locked(path);
    }

    RemoteStatus start(const std::filesystem::path& path) {
        std::unique_lock<std::mutex> lock(mutex_);
        RemoteStatus s = status_locked(path);
        if (s.state != FetchState::Unknown || s.url.empty()) return s;
        s.state = FetchState::Pending;
        known_[s.url] = s;
        queue_.push_back(s.url);
        // A few threads, so that one slow server does not hold up the others.
        if (busy_ + queue_.size() > workers_.size() && workers_.size() < max_workers)
            workers_.emplace_back([this] { run(); });
        lock.unlock();
        wake_.notify_one();
        return s;
    }

    // After a blocking fetch: its outcome, for those who draw.
    void record(const std::string& url, const std::optional<std::string>& error) {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (error) known_[url] = {FetchState::Failed, url, *error};
        else known_.erase(url);
    }

    void on_done(std::function<void()> callback) {
        const std::lock_guard<std::mutex> lock(mutex_);
        done_ = std::move(callback);
    }

private:
    RemoteStatus status_locked(const std::filesystem::path& path) const {
        auto u = urls_.find(path);
        if (u == urls_.end()) return {};
        auto k = known_.find(u->second);
        if (k != known_.end()) return k->second;
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) return {FetchState::Ready, u->second, {}};
        if (offline()) return {FetchState::Failed, u->second, offline_message(u->second)};
        return {FetchState::Unknown, u->second, {}};
    }

    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            const std::string url = queue_.front();
            queue_.pop_front();
            ++busy_;
            lock.unlock();
            const std::optional<std::string> error = fetch_image(url, {}, &stop_flag_);
            lock.lock();
            --busy_;
            if (error) known_[url] = {FetchState::Failed, url, *error};
            else known_.erase(url);
            if (done_) {
                const std::function<void()> done = done_;
                lock.unlock();
                done();
                lock.lock();
            }
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::filesystem::path, std::string> urls_;  // cached path -> URL
    std::map<std::string, RemoteStatus> known_;          // pending and failed, by URL
    std::deque<std::string> queue_;
    std::function<void()> done_;
    bool stopping_ = false;
    std::atomic<bool> stop_flag_{false};  // read by a running transfer
    static constexpr std::size_t max_workers = 4;
    std::size_t busy_ = 0;  // workers in a transfer
    std::vector<std::thread> workers_;
};

Registry& registry() {
    // curl (and so OpenSSL) set up first: OpenSSL's clean-up at exit then runs
    // after this registry's end has joined its threads. The other way round,
    // a thread that ended after OpenSSL's clean-up left its state behind.
    curl_ready();
    static Registry r;
    return r;
}

}  // namespace

void note_remote_image(const std::filesystem::path& path, const std::string& url) {
    registry().note(path, url);
}
RemoteStatus remote_status(const std::filesystem::path& path) { return registry().status(path); }
RemoteStatus fetch_in_background(const std::filesystem::path& path) { return registry().start(path); }
void on_background_fetch_done(std::function<void()> callback) { registry().on_done(std::move(callback)); }

//-----------------------------------------------------------------------------
// [SECTION] A deck's remote images, fetched before it is shown
//-----------------------------------------------------------------------------

namespace {

struct RemoteUse {
    Slide* slide;
    int line;
    std::string url;
    std::filesystem::path path;
};

void collect(std::vector<Block>& blocks, Slide& slide, std::vector<RemoteUse>& out) {
    for (Block& b : blocks) {
        if (b.kind == BlockKind::Image && !b.image_url.empty()) out.push_back({&slide, b.line, b.image_url, b.image_path});
        for (ListItem& item : b.items) collect(item.blocks, slide, out);
        collect(b.children, slide, out);
        for (Column& c : b.columns) collect(c.blocks, slide, out);
    }
}

}  // namespace

void fetch_remote_images(Deck& d) {
    if (offline()) return;
    std::vector<RemoteUse> uses;
    for (Slide& s : d.slides) collect(s.blocks, s, uses);
    std::vector<std::string> missing;
    {
        std::set<std::string> seen;
        std::error_code ec;
        // (One that failed before in this process: the parser said so already.)
        for (const RemoteUse& u : uses)
            if (seen.insert(u.url).second && !std::filesystem::exists(u.path, ec) &&
                remote_status(u.path).state != FetchState::Failed)
                missing.push_back(u.url);
    }
    if (missing.empty()) return;
    // A few at a time, each on its own thread with its own easy handle.
    std::vector<std::optional<std::string>> results(missing.size());
    std::atomic<std::size_t> next{0};
    {
        std::vector<std::jthread> workers;
        const std::size_t n = std::min<std::size_t>(4, missing.size());
        for (std::size_t w = 0; w < n; ++w)
            workers.emplace_back([&] {
                for (std::size_t i; (i = next++) < missing.size();) results[i] = fetch_image(missing[i]);
            });
    }
    std::map<std::string, std::optional<std::string>> outcome;
    for (std::size_t i = 0; i < missing.size(); ++i) {
        registry().record(missing[i], results[i]);
        outcome[missing[i]] = results[i];
    }
    const std::string file = d.path.string();
    bool added = false;
    for (const RemoteUse& u : uses) {
        auto o = outcome.find(u.url);
        if (o == outcome.end()) continue;
        std::optional<std::string> problem = o->second;
        if (!problem)
            if (auto why = detail::check_image(u.path)) problem = "image fetched from " + u.url + ": " + *why;
        if (!problem) continue;
        const Diagnostic diagnostic{file, u.line, *problem};
        u.slide->errors.push_back(diagnostic);
        d.diagnostics.push_back(diagnostic);
        added = true;
    }
    if (!added) return;
    auto by_line = [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; };
    for (Slide& s : d.slides) std::stable_sort(s.errors.begin(), s.errors.end(), by_line);
    std::stable_sort(d.diagnostics.begin(), d.diagnostics.end(), by_line);
}

}  // namespace livedeck::deck
