// What a save does to the file system beyond the shared vectors: modes, links, relative
// paths, and what is left behind when a save fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.hpp"

namespace {

using seraplot::test::call;
using seraplot::test::read_file;
using seraplot::test::TemporaryFolder;

std::string save_payload(const std::string &path, const std::string &state) {
    return "{\"kind\":\"k\",\"state\":" + state + ",\"path\":\"" + path + "\"}";
}

std::string envelope(const std::string &state) {
    return "{\"seraplot_model_v\":1,\"kind\":\"k\",\"state\":" + state + "}";
}

TEST(FileSave, KeepsPermissionBitsOfReplacedFile) {
    TemporaryFolder folder;
    std::string path = folder.file("model.json");
    seraplot::test::write_file(path, "old");
    ASSERT_EQ(::chmod(path.c_str(), 0640), 0);

    std::string answer = call("save", save_payload(path, "[1]"));

    ASSERT_NE(answer.find("\"ok\":true"), std::string::npos) << answer;
    struct stat info;
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0640u);
    EXPECT_EQ(read_file(path), envelope("[1]"));
}

TEST(FileSave, ReplacesTargetOfSymbolicLink) {
    TemporaryFolder folder;
    std::string target = folder.file("real.json");
    std::string link = folder.file("link.json");
    seraplot::test::write_file(target, "old");
    std::filesystem::create_symlink("real.json", link);

    std::string answer = call("save", save_payload(link, "{\"a\":2}"));

    ASSERT_NE(answer.find("\"ok\":true"), std::string::npos) << answer;
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(read_file(target), envelope("{\"a\":2}"));
    EXPECT_EQ(seraplot::test::list_folder(folder.path()),
              (std::vector<std::string>{"link.json", "real.json"}));
}

TEST(FileSave, CreatesTargetOfDanglingSymbolicLink) {
    TemporaryFolder folder;
    std::string link = folder.file("link.json");
    std::filesystem::create_symlink("new.json", link);

    std::string answer = call("save", save_payload(link, "3"));

    ASSERT_NE(answer.find("\"ok\":true"), std::string::npos) << answer;
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(read_file(folder.file("new.json")), envelope("3"));
}

TEST(FileSave, AcceptsRelativePath) {
    TemporaryFolder folder;
    std::filesystem::path previous = std::filesystem::current_path();
    std::filesystem::current_path(folder.path());

    std::string saved = call("save", save_payload("relative.json", "[true]"));
    std::string loaded = call("load", "{\"path\":\"relative.json\"}");

    std::filesystem::current_path(previous);
    EXPECT_EQ(saved, "{\"ok\":true,\"path\":\"relative.json\",\"size\":" +
                         std::to_string(envelope("[true]").size()) + "}");
    EXPECT_EQ(loaded, "{\"ok\":true,\"model\":" + envelope("[true]") + "}");
    EXPECT_EQ(read_file(folder.file("relative.json")), envelope("[true]"));
}

TEST(FileSave, FailedRenameLeavesNoTemporaryFile) {
    // A target that is a non-empty directory makes the final rename fail on every system,
    // root included, after the temporary file was written.
    TemporaryFolder folder;
    std::string target = folder.file("model.json");
    std::filesystem::create_directory(target);
    seraplot::test::write_file(target + "/inside", "kept");

    std::string answer = call("save", save_payload(target, "1"));

    EXPECT_NE(answer.find("\"code\":\"file_error\""), std::string::npos) << answer;
    EXPECT_EQ(seraplot::test::list_folder(folder.path()), (std::vector<std::string>{"model.json/"}));
    EXPECT_EQ(read_file(target + "/inside"), "kept");
}

TEST(FileSave, SavedFileLoadsBackIdentically) {
    TemporaryFolder folder;
    std::string path = folder.file("model.json");
    std::string state = "{\"w\":[0.1,1.10,-0.0,1e-400,12345678901234567890],\"s\":\"\\u0000\\n\"}";

    std::string saved = call("save", save_payload(path, state));
    std::string loaded = call("load", "{\"path\":\"" + path + "\"}");

    ASSERT_NE(saved.find("\"ok\":true"), std::string::npos) << saved;
    EXPECT_EQ(loaded, "{\"ok\":true,\"model\":" + read_file(path) + "}");
    EXPECT_EQ(read_file(path), envelope(state));
}

}  // namespace

namespace {

TEST(FileLoad, RejectsFifoWithoutWaiting) {
    TemporaryFolder folder;
    std::string path = folder.file("pipe.json");
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);

    // Without a writer, reading the FIFO would block forever.
    std::string answer = call("load", "{\"path\":\"" + path + "\"}");

    EXPECT_NE(answer.find("\"code\":\"file_error\""), std::string::npos) << answer;
    EXPECT_NE(answer.find("not a regular file"), std::string::npos) << answer;
}

TEST(FileLoad, RejectsEndlessDevice) {
    std::string answer = call("load", "{\"path\":\"/dev/zero\"}");

    EXPECT_NE(answer.find("\"code\":\"file_error\""), std::string::npos) << answer;
    EXPECT_NE(answer.find("/dev/zero"), std::string::npos) << answer;
}

TEST(FileSave, KeepsFileReadOnlyForCaller) {
    TemporaryFolder folder;
    std::string path = folder.file("locked.json");
    seraplot::test::write_file(path, "old");
    ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
    ASSERT_EQ(::chmod(folder.path().c_str(), 0777), 0);

    // Root may write any file, so as root the save runs in a child as the user nobody.
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
            ::_exit(3);
        }
        std::string answer = call("save", save_payload(path, "1"));
        ::_exit(answer.find("\"code\":\"permission_denied\"") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);

    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the save did not answer permission_denied";
    EXPECT_EQ(read_file(path), "old");
    EXPECT_EQ(seraplot::test::list_folder(folder.path()), (std::vector<std::string>{"locked.json"}));
}

}  // namespace
