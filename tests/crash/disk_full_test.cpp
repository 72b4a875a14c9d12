// Saves onto a nearly full disk: a 1 MiB tmpfs mounted for the test. The save must fail with
// disk_full, keep the old file and leave no temporary file behind.
//
// Mounting needs root (CAP_SYS_ADMIN). Without it the tests are skipped, except under CI=true,
// where a skipped test would hide a lost check, so they fail.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <sys/mount.h>
#include <unistd.h>

#include "crash_support.hpp"
#include "test_support.hpp"

namespace {

using seraplot::test::call;
using seraplot::test::read_file;

// A tmpfs of 1 MiB mounted on a new folder, unmounted and removed again when destroyed.
class SmallDisk {
public:
    SmallDisk() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "seraplot-disk-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            error_ = "mkdtemp failed: " + std::string(std::strerror(errno));
            return;
        }
        path_ = pattern;
        if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0) {
            error_ = "cannot mount a 1 MiB tmpfs on " + path_ + ": " + std::strerror(errno);
            return;
        }
        mounted_ = true;
    }
    SmallDisk(const SmallDisk &) = delete;
    SmallDisk &operator=(const SmallDisk &) = delete;
    ~SmallDisk() {
        if (mounted_) {
            ::umount2(path_.c_str(), MNT_DETACH);
        }
        if (!path_.empty()) {
            ::rmdir(path_.c_str());
        }
    }

    bool mounted() const { return mounted_; }
    const std::string &error() const { return error_; }
    std::string file(const std::string &name) const { return path_ + "/" + name; }
    const std::string &path() const { return path_; }

private:
    std::string path_;
    std::string error_;
    bool mounted_ = false;
};

bool running_in_ci() {
    const char *ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

#define REQUIRE_MOUNTED(disk)                                                                 \
    do {                                                                                      \
        if (!(disk).mounted()) {                                                              \
            if (running_in_ci()) {                                                            \
                FAIL() << (disk).error()                                                      \
                       << ". The full-disk tests must run as root (CAP_SYS_ADMIN) in CI.";    \
            }                                                                                 \
            GTEST_SKIP() << (disk).error() << ". Run as root to check full-disk saves.";      \
        }                                                                                     \
    } while (false)

void expect_disk_full(const std::string &answer, const std::string &path) {
    EXPECT_EQ(seraplot::test::error_code(answer), "disk_full") << answer;
    EXPECT_NE(answer.find("disk is full"), std::string::npos) << answer;
    EXPECT_NE(answer.find(path), std::string::npos) << answer;
}

TEST(DiskFullSave, ModelLargerThanDisk) {
    SmallDisk disk;
    REQUIRE_MOUNTED(disk);
    std::string path = disk.file("model.json");
    std::string old_envelope = seraplot::test::envelope_of("[1]");
    seraplot::test::write_file(path, old_envelope);

    std::string state = seraplot::test::make_state(2 * 1024 * 1024, 7);
    std::string answer = call("save", seraplot::test::save_payload(path, state));

    expect_disk_full(answer, path);
    EXPECT_EQ(read_file(path), old_envelope);
    EXPECT_EQ(seraplot::test::list_folder(disk.path()), std::vector<std::string>{"model.json"});
}

TEST(DiskFullSave, NoRoomForOldAndNewAtOnce) {
    // The new model alone would fit, but the old file stays until the rename, so both need
    // room at the same time.
    SmallDisk disk;
    REQUIRE_MOUNTED(disk);
    std::string path = disk.file("model.json");
    std::string old_envelope = seraplot::test::envelope_of(seraplot::test::make_state(600 * 1024, 3));
    seraplot::test::write_file(path, old_envelope);

    std::string state = seraplot::test::make_state(600 * 1024, 4);
    std::string answer = call("save", seraplot::test::save_payload(path, state));

    expect_disk_full(answer, path);
    EXPECT_TRUE(read_file(path) == old_envelope);
    EXPECT_EQ(seraplot::test::list_folder(disk.path()), std::vector<std::string>{"model.json"});
}

TEST(DiskFullSave, SmallSaveWorksAfterFailure) {
    SmallDisk disk;
    REQUIRE_MOUNTED(disk);
    std::string path = disk.file("model.json");
    std::string large = seraplot::test::make_state(2 * 1024 * 1024, 5);
    ASSERT_EQ(seraplot::test::error_code(call("save", seraplot::test::save_payload(path, large))),
              "disk_full");

    std::string answer = call("save", seraplot::test::save_payload(path, "[2]"));

    EXPECT_TRUE(seraplot::test::is_success(answer)) << answer;
    EXPECT_EQ(read_file(path), seraplot::test::envelope_of("[2]"));
    EXPECT_EQ(seraplot::test::list_folder(disk.path()), std::vector<std::string>{"model.json"});
}

TEST(DiskFullSave, NewFileOnFullDisk) {
    SmallDisk disk;
    REQUIRE_MOUNTED(disk);
    std::string path = disk.file("new.json");

    std::string state = seraplot::test::make_state(2 * 1024 * 1024, 6);
    std::string answer = call("save", seraplot::test::save_payload(path, state));

    expect_disk_full(answer, path);
    EXPECT_EQ(seraplot::test::list_folder(disk.path()), std::vector<std::string>{});
}

}  // namespace
