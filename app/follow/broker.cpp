// The embedded broker: Debian's mosquitto as a child process (it gets
// SIGTERM when we die, even by SIGKILL), configured by us in a private temp
// dir (mosquitto.conf, a password file in mosquitto's $7$ format, an ACL),
// with its log drained by a thread of ours.
//
// Index
//   [SECTION] Files (password, ACL, configuration)
//   [SECTION] The child process
#include "follow/follow.hpp"

#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace livedeck::follow {

// [SECTION] Files -------------------------------------------------------------

namespace {

std::string base64(const unsigned char* data, int size) {
    std::string out(static_cast<std::size_t>(4 * ((size + 2) / 3)) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string random_password() {
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    unsigned char bytes[20];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for the broker's password");
    std::string out;
    for (const unsigned char b : bytes) out += alphabet[b % (sizeof alphabet - 1)];
    return out;
}

// One line of a mosquitto password file, as mosquitto_passwd writes it:
// user:$7$ITERATIONS$base64(salt)$base64(PBKDF2-HMAC-SHA512(password, salt)).
std::string password_line(const std::string& user, const std::string& password) {
    constexpr int iterations = 101;
    unsigned char salt[12];
    unsigned char hash[64];
    if (RAND_bytes(salt, sizeof salt) != 1 ||
        PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, sizeof salt, iterations,
                          EVP_sha512(), sizeof hash, hash) != 1)
        throw std::runtime_error("cannot hash the broker's password");
    return user + ":$7$" + std::to_string(iterations) + "$" + base64(salt, sizeof salt) + "$" +
           base64(hash, sizeof hash) + "\n";
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(e));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
}

std::string acl_text(const BrokerOptions& o) {
    const std::string talk = "livedeck/" + o.talk + "/#";
    std::string out = "# Anonymous clients (followers): read the talk and the broker's client counts.\n";
    out += std::string("topic ") + (o.anonymous_may_write ? "readwrite " : "read ") + talk + "\n";
    out += "topic read $SYS/broker/clients/#\n\n";
    out += "# The presenter: writes the talk.\nuser " + o.user + "\ntopic readwrite " + talk +
           "\ntopic read $SYS/broker/clients/#\n";
    return out;
}

std::string config_text(const BrokerOptions& o, const std::filesystem::path& dir, int port) {
    std::string out = "# Written by livedeck for one talk; see app/follow/examples/ for a broker of your own.\n";
    out += "per_listener_settings false\n";
    out += "listener " + std::to_string(port) + " " + o.bind + "\n";
    out += "allow_anonymous true\n";
    out += "password_file " + (dir / "passwd").string() + "\n";
    out += "acl_file " + (dir / "acl").string() + "\n";
    out += "persistence false\n";
    out += "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\nconnection_messages false\n";
    out += "sys_interval 1\n";
    // Batches are small and late ones are useless: no Nagle on the broker's side either.
    out += "set_tcp_nodelay true\n";
    out += "max_connections " + std::to_string(o.max_connections) + "\n";
    out += "max_queued_messages 10000\n";
    out += "max_packet_size 20000000\n";
    // Run as root (a container), mosquitto would become the user `mosquitto`,
    // who cannot read our private dir: stay who we are.
    if (::geteuid() == 0) out += "user root\n";
    if (!o.extra_config.empty()) out += "\n" + o.extra_config + "\n";
    return out;
}

}  // namespace

int free_port(const std::string& bind) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    if (::inet_pton(AF_INET, bind.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        const int e = errno;
        ::close(fd);
        throw std::runtime_error("no free port on " + bind + ": " + std::strerror(e));
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

// [SECTION] The child process -------------------------------------------------

// Reads the broker's log until it closes; says when it is running.
struct Broker::Drain {
    int fd = -1;
    std::thread thread;
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::string log;
    bool running = false;  // "mosquitto version ... running"
    bool closed = false;

    void loop() {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            std::lock_guard lock(mutex);
            if (n <= 0) {
                closed = true;
                changed.notify_all();
                return;
            }
            log.append(buffer, static_cast<std::size_t>(n));
            if (log.size() > 64 * 1024) log.erase(0, log.size() - 32 * 1024);
            if (!running && log.find(" running") != std::string::npos) running = true;
            changed.notify_all();
        }
    }
    ~Drain() {
        if (thread.joinable()) thread.join();
        if (fd >= 0) ::close(fd);
    }
};

namespace {

// Starts `argv` with stdout and stderr on `out`, as a child that gets
// SIGTERM when we die (a crash, SIGKILL): the broker never outlives the
// talk. The death signal follows the thread that forks, so a Broker is made
// on a thread that lives as long as it (livedeck: the main thread).
// Returns the child's pid; throws with the reason when it cannot be started.
pid_t spawn_tied(char* const argv[], int out) {
    // A pipe that exec closes: the child writes its errno there when exec fails.
    int status_fds[2];
    if (::pipe2(status_fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t parent = ::getpid();
    sigset_t all;
    sigset_t old;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);  // no handler of ours runs in the child
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The child: async-signal-safe calls only.
        int e = 0;
        if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) e = errno;
        if (!e && ::getppid() != parent) ::_exit(0);  // we died already, before the prctl
        for (int sig = 1; !e && sig < NSIG; ++sig) ::signal(sig, SIG_DFL);  // fails (harmlessly) for KILL, STOP
        if (!e && (::dup2(out, 1) < 0 || ::dup2(out, 2) < 0)) e = errno;
        if (!e && out <= 2 && ::fcntl(out, F_SETFD, 0) < 0) e = errno;
        sigset_t none;
        ::sigemptyset(&none);
        if (!e) ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
        if (!e) {
            ::execve(argv[0], argv, environ);
            e = errno;
        }
        while (::write(status_fds[1], &e, sizeof e) < 0 && errno == EINTR) {
        }
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::close(status_fds[1]);
    if (pid < 0) {
        ::close(status_fds[0]);
        throw std::runtime_error(std::string("cannot start ") + argv[0] + ": fork: " + std::strerror(fork_errno));
    }
    int child_errno = 0;
    ssize_t n;
    do n = ::read(status_fds[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    ::close(status_fds[0]);
    if (n == 0) return pid;  // exec closed the pipe: it runs
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw std::runtime_error(std::string("cannot start ") + argv[0] + ": " +
                             (n == sizeof child_errno ? std::strerror(child_errno) : "it failed before exec"));
}

}  // namespace

Broker::Broker(BrokerOptions options) : options_(std::move(options)) {
    std::error_code ec;
    if (!std::filesystem::exists(options_.program, ec))
        throw std::runtime_error(options_.program.string() +
                                 " is not installed: apt-get install mosquitto (the MQTT broker livedeck --publish starts)");
    if (options_.password.empty()) options_.password = random_password();
    std::string templ = (std::filesystem::temp_directory_path() / "livedeck-broker-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    dir_ = templ;
    // If starting fails, no destructor runs: no child and no password file may be left behind.
    try {
        write_file(dir_ / "passwd", password_line(options_.user, options_.password));
        write_file(dir_ / "acl", acl_text(options_));

        const bool any_port = options_.port == 0;
        for (int attempt = 0;; ++attempt) {
            port_ = any_port ? free_port(options_.bind) : options_.port;
            write_file(dir_ / "mosquitto.conf", config_text(options_, dir_, port_));
            int pipe_fds[2];
            if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
            const std::string program = options_.program.string();
            const std::string conf = (dir_ / "mosquitto.conf").string();
            char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("-c"), const_cast<char*>(conf.c_str()),
                            nullptr};
            pid_t pid = -1;
            try {
                pid = spawn_tied(argv, pipe_fds[1]);
            } catch (...) {
                ::close(pipe_fds[0]);
                ::close(pipe_fds[1]);
                throw;
            }
            ::close(pipe_fds[1]);
            pid_ = pid;
            drain_ = std::make_unique<Drain>();
            drain_->fd = pipe_fds[0];
            drain_->thread = std::thread([d = drain_.get()] { d->loop(); });
            bool ok = false;
            {
                std::unique_lock lock(drain_->mutex);
                drain_->changed.wait_for(lock, std::chrono::duration<double>(options_.start_timeout),
                                         [&] { return drain_->running || drain_->closed; });
                ok = drain_->running && !drain_->closed;
            }
            if (ok) return;
            const std::string log = this->log();
            kill();
            if (any_port && attempt < 4 && log.find("in use") != std::string::npos) continue;  // lost the race for the port
            throw std::runtime_error("mosquitto did not start on " + options_.bind + ":" + std::to_string(port_) + ": " +
                                     (log.empty() ? std::string("no output") : log));
        }
    } catch (...) {
        kill();
        std::filesystem::remove_all(dir_, ec);
        throw;
    }
}

Broker::~Broker() {
    stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

namespace {

// What followers on other machines can reach when the broker listens on
// every address: this machine's first IPv4 address that is not loopback.
std::string reachable_address() {
    ifaddrs* list = nullptr;
    std::string out = "127.0.0.1";
    if (::getifaddrs(&list) != 0) return out;
    for (const ifaddrs* a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK)) continue;
        char text[INET_ADDRSTRLEN];
        if (::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text)) {
            out = text;
            break;
        }
    }
    ::freeifaddrs(list);
    return out;
}

}  // namespace

Url Broker::follower_url() const {
    Url u;
    u.host = options_.bind == "0.0.0.0" || options_.bind == "::" ? reachable_address() : options_.bind;
    u.port = port_;
    u.talk = options_.talk;
    return u;
}

Url Broker::presenter_url() const {
    Url u = follower_url();
    u.user = options_.user;
    u.password = options_.password;
    return u;
}

std::string Broker::log() const {
    if (!drain_) return {};
    std::lock_guard lock(drain_->mutex);
    return drain_->log;
}

void Broker::stop(double wait) {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    // Wait on a pidfd: no polling; SIGKILL once the time is up.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    bool gone = false;
    if (pidfd >= 0) {
        pollfd p{pidfd, POLLIN, 0};
        int r;
        do r = ::poll(&p, 1, static_cast<int>(wait * 1000));
        while (r < 0 && errno == EINTR);
        gone = r > 0;
        ::close(pidfd);
    }
    if (!gone) ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    drain_.reset();  // joins once the pipe closes
}

void Broker::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    drain_.reset();
}

}  // namespace livedeck::follow
