#include "model_files.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.hpp"

namespace seraplot::detail {

namespace {

// Linux's own limit on links followed while resolving one path.
constexpr int kMaxSymbolicLinks = 40;

constexpr std::string_view kTemporaryFileMarker = ".seraplot-tmp-";
constexpr size_t kRandomHexDigits = 16;

// Closes a file descriptor when it goes out of scope, unless it was closed already.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    int get() const { return fd_; }

    // Returns close()'s result; the descriptor is released either way.
    int close() {
        int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

private:
    int fd_;
};

std::string folder_of(const std::string &path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) {
        return ".";
    }
    if (slash == 0) {
        return "/";
    }
    return path.substr(0, slash);
}

std::string name_of(const std::string &path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Follows symbolic links from path to the file they finally name, which need not exist.
std::string resolve_symbolic_links(const std::string &path) {
    std::string current = path;
    for (int hops = 0; hops < kMaxSymbolicLinks; ++hops) {
        struct stat info;
        if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) {
            return current;
        }
        std::string target(static_cast<size_t>(info.st_size > 0 ? info.st_size : PATH_MAX), '\0');
        ssize_t length = ::readlink(current.c_str(), target.data(), target.size());
        if (length < 0) {
            throw file_failure("save to", path, errno);
        }
        target.resize(static_cast<size_t>(length));
        if (!target.empty() && target[0] != '/') {
            target = folder_of(current) + "/" + target;
        }
        current = target;
    }
    throw file_failure("save to", path, ELOOP);
}

// Returns ".<name>.seraplot-tmp-", the start of every temporary file name for target, with
// the name cut as model_files.hpp describes.
std::string temporary_name_prefix(const std::string &target) {
    std::string name = name_of(target);
    if (name.size() > kMaxNameInTemporaryFile) {
        size_t cut = kMaxNameInTemporaryFile;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        name.resize(cut);
    }
    return "." + name + std::string(kTemporaryFileMarker);
}

// A name in the target's folder that no other writer uses. It starts with the target's
// name so that a leftover file shows where it came from.
std::string temporary_path_for(const std::string &target) {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, "%ld-%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(generator()));
    return folder_of(target) + "/" + temporary_name_prefix(target) + suffix;
}

// Returns the writer's process id when name is prefix followed by exactly "<pid>-<16 hex
// digits>", as temporary_path_for writes it.
std::optional<pid_t> temporary_file_writer(std::string_view name, std::string_view prefix) {
    if (name.substr(0, prefix.size()) != prefix) {
        return std::nullopt;
    }
    name.remove_prefix(prefix.size());

    size_t dash = name.find('-');
    constexpr size_t kMaxPidDigits = std::numeric_limits<pid_t>::digits10 + 1;
    if (dash == std::string_view::npos || dash == 0 || dash > kMaxPidDigits || name[0] == '0') {
        return std::nullopt;
    }
    long long pid = 0;
    for (char c : name.substr(0, dash)) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        pid = pid * 10 + (c - '0');
    }
    if (pid > std::numeric_limits<pid_t>::max()) {
        return std::nullopt;
    }

    std::string_view random = name.substr(dash + 1);
    if (random.size() != kRandomHexDigits) {
        return std::nullopt;
    }
    for (char c : random) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return std::nullopt;
        }
    }
    return static_cast<pid_t>(pid);
}

// Closes a directory stream when it goes out of scope.
class DirectoryStream {
public:
    explicit DirectoryStream(DIR *stream) : stream_(stream) {}
    DirectoryStream(const DirectoryStream &) = delete;
    DirectoryStream &operator=(const DirectoryStream &) = delete;
    ~DirectoryStream() {
        if (stream_ != nullptr) {
            ::closedir(stream_);
        }
    }

    DIR *get() const { return stream_; }

private:
    DIR *stream_;
};

// Removes the temporary file name in the folder unless another process holds its lock.
// seen is what lstat reported for it; a file swapped in since then is left alone.
void remove_unless_locked(int folder_fd, const char *name, const struct stat &seen) {
    FileDescriptor fd(
        ::openat(folder_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (fd.get() < 0) {
        return;
    }
    struct stat info;
    if (::fstat(fd.get(), &info) != 0 || info.st_dev != seen.st_dev ||
        info.st_ino != seen.st_ino) {
        return;
    }
    // Only EWOULDBLOCK means that a writer holds the lock. The other failures come from file
    // systems without working flock(), where writers could not lock the file either.
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        return;
    }
    ::unlinkat(folder_fd, name, 0);
}

// Removes the temporary files that saves to target left behind when their process died,
// by the rule in model_files.hpp. Failures are ignored: a stale file only takes space.
void remove_stale_temporary_files(const std::string &target) {
    DirectoryStream folder(::opendir(folder_of(target).c_str()));
    if (folder.get() == nullptr) {
        return;
    }
    int folder_fd = ::dirfd(folder.get());
    std::string prefix = temporary_name_prefix(target);
    std::time_t now = std::time(nullptr);

    while (const struct dirent *entry = ::readdir(folder.get())) {
        std::optional<pid_t> writer = temporary_file_writer(entry->d_name, prefix);
        if (!writer) {
            continue;
        }
        struct stat info;
        if (::fstatat(folder_fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(info.st_mode)) {
            continue;
        }
        bool writer_gone = ::kill(*writer, 0) != 0 && errno == ESRCH;
        bool too_old = now - info.st_mtime > kStaleTemporaryFileAge;
        if (writer_gone || too_old) {
            remove_unless_locked(folder_fd, entry->d_name, info);
        }
    }
}

void write_all(int fd, std::string_view bytes, const std::string &path) {
    const char *next = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        ssize_t written = ::write(fd, next, left);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw file_failure("save to", path, errno);
        }
        next += written;
        left -= static_cast<size_t>(written);
    }
}

// Makes a finished rename survive a power loss. A failure here is not reported, because
// the new file is in place by then.
void flush_folder(const std::string &folder) {
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Rejects a path with a NUL character, which the system calls would read as the end of the
// path and so open another file.
void check_no_nul_character(std::string_view action, const std::string &path) {
    if (path.find('\0') != std::string::npos) {
        throw file_failure(action, path, EINVAL);
    }
}

}  // namespace

std::string read_model_file(const std::string &path) {
    check_no_nul_character("load", path);
    // O_NONBLOCK keeps open() from waiting for a writer when the path is a FIFO; it has no
    // effect on the regular files that pass the checks below.
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        throw file_failure("load", path, errno);
    }
    struct stat info;
    if (::fstat(fd.get(), &info) != 0) {
        throw file_failure("load", path, errno);
    }
    if (S_ISDIR(info.st_mode)) {
        throw file_failure("load", path, EISDIR);
    }
    // A device such as /dev/zero never ends, and a FIFO or socket can block a thread for
    // good, so only regular files are read.
    if (!S_ISREG(info.st_mode)) {
        throw not_a_regular_file("load", path);
    }

    std::string content;
    if (S_ISREG(info.st_mode) && info.st_size > 0) {
        content.reserve(static_cast<size_t>(info.st_size));
    }
    char chunk[65536];
    for (;;) {
        ssize_t count = ::read(fd.get(), chunk, sizeof chunk);
        if (count < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw file_failure("load", path, errno);
        }
        if (count == 0) {
            break;
        }
        content.append(chunk, static_cast<size_t>(count));
    }

    if (content.empty()) {
        throw empty_file(path);
    }
    return content;
}

void write_file_atomically(const std::string &path, std::string_view bytes) {
    check_no_nul_character("save to", path);
    if (!path.empty() && path.back() == '/') {
        throw file_failure("save to", path, EISDIR);
    }
    std::string target = resolve_symbolic_links(path);

    struct stat existing;
    bool replacing = ::stat(target.c_str(), &existing) == 0;
    if (replacing && S_ISDIR(existing.st_mode)) {
        throw file_failure("save to", path, EISDIR);
    }
    // Replacing by rename needs only write access to the folder, but a file that its owner
    // made read-only is kept, as writing it in place would be refused. Root may write it.
    if (replacing && S_ISREG(existing.st_mode) &&
        ::faccessat(AT_FDCWD, target.c_str(), W_OK, AT_EACCESS) != 0 &&
        (errno == EACCES || errno == EROFS)) {
        throw file_failure("save to", path, errno);
    }
    if (replacing && !S_ISREG(existing.st_mode)) {
        throw not_a_regular_file("save to", path);
    }

    remove_stale_temporary_files(target);

    std::string temporary = temporary_path_for(target);
    FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.get() < 0) {
        throw file_failure("save to", path, errno);
    }
    // The lock shows other processes' cleanup that this file's writer is alive. A second
    // descriptor of the same open file keeps it held after fd is closed, until the rename
    // is done. Without the lock (no flock() on this file system) the process id still
    // protects the file.
    FileDescriptor lock(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
    if (lock.get() >= 0) {
        ::flock(lock.get(), LOCK_EX | LOCK_NB);
    }

    try {
        if (replacing) {
            // Keep the old file's mode bits. The owner can only be kept where the process may
            // change it, so a failure there is not an error.
            if (::fchmod(fd.get(), existing.st_mode & 07777) != 0) {
                throw file_failure("save to", path, errno);
            }
            if (::fchown(fd.get(), existing.st_uid, existing.st_gid) != 0) {
                errno = 0;
            }
        }
        write_all(fd.get(), bytes, path);
        if (::fsync(fd.get()) != 0) {
            throw file_failure("save to", path, errno);
        }
        if (fd.close() != 0) {
            throw file_failure("save to", path, errno);
        }
        if (::rename(temporary.c_str(), target.c_str()) != 0) {
            throw file_failure("save to", path, errno);
        }
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }

    flush_folder(folder_of(target));
}

}  // namespace seraplot::detail
