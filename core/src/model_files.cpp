#include "model_files.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.hpp"

namespace seraplot::detail {

namespace {

// Linux's own limit on links followed while resolving one path.
constexpr int kMaxSymbolicLinks = 40;

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

// A name in the target's folder that no other writer uses. It starts with the target's
// name so that a leftover file shows where it came from.
std::string temporary_path_for(const std::string &target) {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".seraplot-tmp-%ld-%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(generator()));
    return folder_of(target) + "/." + name_of(target) + suffix;
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

}  // namespace

std::string read_model_file(const std::string &path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
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
    if (!path.empty() && path.back() == '/') {
        throw file_failure("save to", path, EISDIR);
    }
    std::string target = resolve_symbolic_links(path);

    struct stat existing;
    bool replacing = ::stat(target.c_str(), &existing) == 0;
    if (replacing && S_ISDIR(existing.st_mode)) {
        throw file_failure("save to", path, EISDIR);
    }
    if (replacing && !S_ISREG(existing.st_mode)) {
        throw not_a_regular_file("save to", path);
    }

    std::string temporary = temporary_path_for(target);
    FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.get() < 0) {
        throw file_failure("save to", path, errno);
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
