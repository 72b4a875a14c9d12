// Which leftover temporary files a save removes: only files named like its own temporary
// files for the same target, whose writer is gone, and never a file that a live writer holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash_support.hpp"
#include "test_support.hpp"

namespace {

using seraplot::test::call;
using seraplot::test::list_folder;
using seraplot::test::pid_of_exited_process;
using seraplot::test::TemporaryFolder;
using seraplot::test::temporary_name;

constexpr char kLeftover[] = "partial model";

void save_model(const std::string &path) {
    std::string answer = call("save", seraplot::test::save_payload(path, "[1,2]"));
    ASSERT_TRUE(seraplot::test::is_success(answer)) << answer;
    EXPECT_EQ(seraplot::test::read_file(path), seraplot::test::envelope_of("[1,2]"));
}

// A process that stays alive until the object is destroyed, for a live writer's process id.
class LiveProcess {
public:
    LiveProcess() {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::pause();
            ::_exit(0);
        }
    }
    LiveProcess(const LiveProcess &) = delete;
    LiveProcess &operator=(const LiveProcess &) = delete;
    ~LiveProcess() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }

    pid_t pid() const { return pid_; }

private:
    pid_t pid_;
};

// Holds a flock() lock on a file, as a saving process does on its temporary file.
class HeldLock {
public:
    explicit HeldLock(const std::string &path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
        locked_ = fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
    }
    HeldLock(const HeldLock &) = delete;
    HeldLock &operator=(const HeldLock &) = delete;
    ~HeldLock() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    bool locked() const { return locked_; }

private:
    int fd_;
    bool locked_ = false;
};

void make_older(const std::string &path, long seconds) {
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
}

TEST(StaleTemporaryFile, RemovedWhenWriterIsGone) {
    TemporaryFolder folder;
    std::string leftover = temporary_name("model.json", pid_of_exited_process());
    seraplot::test::write_file(folder.file(leftover), kLeftover);

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{"model.json"});
}

TEST(StaleTemporaryFile, AllOfGoneWritersRemoved) {
    TemporaryFolder folder;
    for (const char *random : {"0123456789abcdef", "fedcba9876543210", "0000000000000000"}) {
        std::string leftover = temporary_name("model.json", pid_of_exited_process(), random);
        seraplot::test::write_file(folder.file(leftover), kLeftover);
    }

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{"model.json"});
}

TEST(StaleTemporaryFile, KeptWhileWriterIsAlive) {
    TemporaryFolder folder;
    LiveProcess writer;
    std::string in_progress = temporary_name("model.json", writer.pid());
    seraplot::test::write_file(folder.file(in_progress), kLeftover);

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), (std::vector<std::string>{in_progress, "model.json"}));
    EXPECT_EQ(seraplot::test::read_file(folder.file(in_progress)), kLeftover);
}

TEST(StaleTemporaryFile, KeptWhileLockedDespiteGonePid) {
    // A writer in another PID namespace has a process id that means nothing here; its lock
    // shows that it is alive.
    TemporaryFolder folder;
    std::string in_progress = temporary_name("model.json", pid_of_exited_process());
    seraplot::test::write_file(folder.file(in_progress), kLeftover);

    {
        HeldLock lock(folder.file(in_progress));
        ASSERT_TRUE(lock.locked());
        save_model(folder.file("model.json"));
        EXPECT_EQ(list_folder(folder.path()), (std::vector<std::string>{in_progress, "model.json"}));
    }

    save_model(folder.file("model.json"));
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{"model.json"});
}

TEST(StaleTemporaryFile, RemovedAfterADayDespiteLivePid) {
    // The process id of a writer that died long ago may belong to another process by now.
    TemporaryFolder folder;
    LiveProcess unrelated;
    std::string leftover = temporary_name("model.json", unrelated.pid());
    seraplot::test::write_file(folder.file(leftover), kLeftover);
    make_older(folder.file(leftover), 25 * 60 * 60);

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{"model.json"});
}

TEST(StaleTemporaryFile, KeptUnderADayWithLivePid) {
    TemporaryFolder folder;
    LiveProcess writer;
    std::string in_progress = temporary_name("model.json", writer.pid());
    seraplot::test::write_file(folder.file(in_progress), kLeftover);
    make_older(folder.file(in_progress), 23 * 60 * 60);

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), (std::vector<std::string>{in_progress, "model.json"}));
}

TEST(StaleTemporaryFile, KeptWhenOldButLocked) {
    // A writer stopped for more than a day (SIGSTOP, a suspended machine) still holds its lock.
    TemporaryFolder folder;
    LiveProcess writer;
    std::string in_progress = temporary_name("model.json", writer.pid());
    seraplot::test::write_file(folder.file(in_progress), kLeftover);
    make_older(folder.file(in_progress), 25 * 60 * 60);
    HeldLock lock(folder.file(in_progress));
    ASSERT_TRUE(lock.locked());

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), (std::vector<std::string>{in_progress, "model.json"}));
}

TEST(StaleTemporaryFile, OtherNamesKept) {
    TemporaryFolder folder;
    std::string gone = std::to_string(pid_of_exited_process());
    std::vector<std::string> others = {
        temporary_name("other.json", std::stoi(gone)),
        temporary_name("model.jso", std::stoi(gone)),
        temporary_name("model.json.bak", std::stoi(gone)),
        "model.json.seraplot-tmp-" + gone + "-0123456789abcdef",
        ".model.json.seraplot-tmp-" + gone + "-0123456789abcdef.bak",
        ".model.json.seraplot-tmp-" + gone + "-0123456789abcdef~",
        ".model.json.seraplot-tmp-" + gone + "-0123456789ABCDEF",
        ".model.json.seraplot-tmp-" + gone + "-0123456789abcde",
        ".model.json.seraplot-tmp-" + gone + "-0123456789abcdef0",
        ".model.json.seraplot-tmp-" + gone + "-0123456789abcdeg",
        ".model.json.seraplot-tmp-" + gone + "0123456789abcdef",
        ".model.json.seraplot-tmp-" + gone,
        ".model.json.seraplot-tmp-0" + gone + "-0123456789abcdef",
        ".model.json.seraplot-tmp-+" + gone + "-0123456789abcdef",
        ".model.json.seraplot-tmp--0123456789abcdef",
        ".model.json.seraplot-tmp-x" + gone + "-0123456789abcdef",
        ".model.json.seraplot-tmp-99999999999-0123456789abcdef",
        ".model.json.seraplot-tmp-" + gone + "-0123456789abcdef.seraplot-tmp-" + gone +
            "-0123456789abcdef",
        ".model.json.seraplot-temp-" + gone + "-0123456789abcdef",
        ".model.json",
    };
    for (const std::string &name : others) {
        seraplot::test::write_file(folder.file(name), kLeftover);
        make_older(folder.file(name), 25 * 60 * 60);
    }

    save_model(folder.file("model.json"));

    std::vector<std::string> expected = others;
    expected.push_back("model.json");
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(list_folder(folder.path()), expected);
}

TEST(StaleTemporaryFile, FolderWithTheNameKept) {
    TemporaryFolder folder;
    std::string name = temporary_name("model.json", pid_of_exited_process());
    std::filesystem::create_directory(folder.file(name));

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()), (std::vector<std::string>{name + "/", "model.json"}));
}

TEST(StaleTemporaryFile, SymbolicLinkWithTheNameKept) {
    TemporaryFolder folder;
    std::string name = temporary_name("model.json", pid_of_exited_process());
    seraplot::test::write_file(folder.file("victim.txt"), "kept");
    std::filesystem::create_symlink("victim.txt", folder.file(name));

    save_model(folder.file("model.json"));

    EXPECT_TRUE(std::filesystem::is_symlink(folder.file(name)));
    EXPECT_EQ(seraplot::test::read_file(folder.file("victim.txt")), "kept");
}

TEST(StaleTemporaryFile, OtherTargetsLeftoversKept) {
    // Each save cleans up after saves to its own target only.
    TemporaryFolder folder;
    std::string others_leftover = temporary_name("other.json", pid_of_exited_process());
    seraplot::test::write_file(folder.file(others_leftover), kLeftover);

    save_model(folder.file("model.json"));

    EXPECT_EQ(list_folder(folder.path()),
              (std::vector<std::string>{others_leftover, "model.json"}));
}

TEST(StaleTemporaryFile, RemovedBesideTargetOfSymbolicLink) {
    // A save through a link writes its temporary file beside the file that the link names.
    TemporaryFolder folder;
    std::filesystem::create_directory(folder.file("real"));
    std::filesystem::create_symlink("real/model.json", folder.file("link.json"));
    std::string leftover = temporary_name("model.json", pid_of_exited_process());
    seraplot::test::write_file(folder.file("real/" + leftover), kLeftover);

    save_model(folder.file("link.json"));

    EXPECT_EQ(list_folder(folder.file("real")), std::vector<std::string>{"model.json"});
    EXPECT_EQ(list_folder(folder.path()), (std::vector<std::string>{"link.json", "real/"}));
}

TEST(StaleTemporaryFile, RemovedForLongTargetName) {
    // Temporary names hold at most the first 200 bytes of the target's name.
    TemporaryFolder folder;
    std::string long_name = std::string(240, 'm') + ".json";
    std::string leftover = temporary_name(long_name.substr(0, 200), pid_of_exited_process());
    seraplot::test::write_file(folder.file(leftover), kLeftover);

    save_model(folder.file(long_name));

    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{long_name});
}

TEST(StaleTemporaryFile, RemovedForRelativePath) {
    TemporaryFolder folder;
    std::string leftover = temporary_name("model.json", pid_of_exited_process());
    seraplot::test::write_file(folder.file(leftover), kLeftover);
    std::filesystem::path previous = std::filesystem::current_path();
    std::filesystem::current_path(folder.path());

    std::string answer = call("save", seraplot::test::save_payload("model.json", "[1,2]"));

    std::filesystem::current_path(previous);
    EXPECT_TRUE(seraplot::test::is_success(answer)) << answer;
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{"model.json"});
}

}  // namespace
