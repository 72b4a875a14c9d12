// Saves to paths that the shared vectors and tests/core do not cover. These are relative paths
// with folders, chains and loops of symbolic links, names at the file system's length limit,
// characters that need escaping in JSON, and a NUL character inside the path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "crash_support.hpp"
#include "test_support.hpp"

namespace {

using seraplot::test::call;
using seraplot::test::envelope_of;
using seraplot::test::list_folder;
using seraplot::test::read_file;
using seraplot::test::TemporaryFolder;

// Runs the calls in folder as the working directory, and restores the previous one.
class WorkingDirectory {
public:
    explicit WorkingDirectory(const std::string &folder)
        : previous_(std::filesystem::current_path()) {
        std::filesystem::current_path(folder);
    }
    WorkingDirectory(const WorkingDirectory &) = delete;
    WorkingDirectory &operator=(const WorkingDirectory &) = delete;
    ~WorkingDirectory() { std::filesystem::current_path(previous_); }

private:
    std::filesystem::path previous_;
};

// A save payload whose path is given already escaped for JSON.
std::string payload_with_escaped_path(const std::string &escaped_path) {
    return "{\"kind\":\"k\",\"state\":[1],\"path\":\"" + escaped_path + "\"}";
}

void expect_saved(const std::string &answer) {
    EXPECT_TRUE(seraplot::test::is_success(answer)) << answer;
}

TEST(SavePath, RelativePathIntoSubfolder) {
    TemporaryFolder folder;
    std::filesystem::create_directory(folder.file("sub"));
    WorkingDirectory inside(folder.path());

    expect_saved(call("save", payload_with_escaped_path("sub/model.json")));

    EXPECT_EQ(read_file(folder.file("sub/model.json")), envelope_of("[1]"));
    EXPECT_EQ(list_folder(folder.file("sub")), std::vector<std::string>{"model.json"});
}

TEST(SavePath, RelativePathWithDotSegments) {
    TemporaryFolder folder;
    std::filesystem::create_directory(folder.file("a"));
    std::filesystem::create_directory(folder.file("b"));
    WorkingDirectory inside(folder.file("a"));

    expect_saved(call("save", payload_with_escaped_path("./../b/./model.json")));
    std::string loaded = call("load", "{\"path\":\"../b/model.json\"}");

    EXPECT_EQ(read_file(folder.file("b/model.json")), envelope_of("[1]"));
    EXPECT_EQ(loaded, "{\"ok\":true,\"model\":" + envelope_of("[1]") + "}");
    EXPECT_EQ(list_folder(folder.file("a")), std::vector<std::string>{});
    EXPECT_EQ(list_folder(folder.file("b")), std::vector<std::string>{"model.json"});
}

TEST(SavePath, RelativePathInMissingFolder) {
    TemporaryFolder folder;
    WorkingDirectory inside(folder.path());

    std::string answer = call("save", payload_with_escaped_path("missing/model.json"));

    EXPECT_EQ(seraplot::test::error_code(answer), "file_not_found") << answer;
    EXPECT_NE(answer.find("missing/model.json"), std::string::npos) << answer;
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{});
}

TEST(SavePath, FolderWithSpacesAndNonAscii) {
    // The payload writes the non-ASCII characters as \u escapes; the file name gets UTF-8.
    TemporaryFolder folder;
    std::filesystem::create_directory(folder.file("dossier \xC3\xA9t\xC3\xA9 1"));
    std::string escaped = folder.path() + "/dossier \\u00e9t\\u00e9 1/mod\\u00e8le \\u00fc.json";

    std::string answer = call("save", payload_with_escaped_path(escaped));

    expect_saved(answer);
    std::string real = folder.file("dossier \xC3\xA9t\xC3\xA9 1/mod\xC3\xA8le \xC3\xBC.json");
    EXPECT_EQ(read_file(real), envelope_of("[1]"));
    EXPECT_NE(answer.find("mod\xC3\xA8le \xC3\xBC.json"), std::string::npos) << answer;
}

TEST(SavePath, NameThatNeedsJsonEscapes) {
    TemporaryFolder folder;
    std::string escaped = folder.path() + "/a \\\"quoted\\\" \\\\ name\\n.json";

    std::string answer = call("save", payload_with_escaped_path(escaped));

    expect_saved(answer);
    EXPECT_EQ(read_file(folder.file("a \"quoted\" \\ name\n.json")), envelope_of("[1]"));
    EXPECT_NE(answer.find("\"path\":\"" + escaped + "\""), std::string::npos) << answer;
}

TEST(SavePath, NameOf255Bytes) {
    // 255 bytes is the longest name that ext4, tmpfs and most other file systems allow; the
    // temporary file's name must fit too.
    TemporaryFolder folder;
    std::string name = std::string(250, 'n') + ".json";

    expect_saved(call("save", payload_with_escaped_path(folder.file(name))));

    EXPECT_EQ(read_file(folder.file(name)), envelope_of("[1]"));
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{name});
}

TEST(SavePath, LongNonAsciiName) {
    // 120 two-byte characters: the temporary name is cut between characters, not inside one.
    TemporaryFolder folder;
    std::string name;
    for (int i = 0; i < 120; ++i) {
        name += "\xC3\xA9";
    }
    name += ".json";

    expect_saved(call("save", payload_with_escaped_path(folder.file(name))));

    EXPECT_EQ(read_file(folder.file(name)), envelope_of("[1]"));
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{name});
}

TEST(SavePath, NameLongerThan255Bytes) {
    TemporaryFolder folder;
    std::string name = std::string(256, 'n');

    std::string answer = call("save", payload_with_escaped_path(folder.file(name)));

    EXPECT_EQ(seraplot::test::error_code(answer), "file_error") << answer;
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{});
}

TEST(SavePath, SymbolicLinkIntoOtherFolder) {
    // The temporary file goes beside the link's target, so that the rename stays within one
    // folder and one file system.
    TemporaryFolder folder;
    std::filesystem::create_directory(folder.file("links"));
    std::filesystem::create_directory(folder.file("models"));
    seraplot::test::write_file(folder.file("models/real.json"), "old");
    std::filesystem::create_symlink("../models/real.json", folder.file("links/model.json"));

    expect_saved(call("save", payload_with_escaped_path(folder.file("links/model.json"))));

    EXPECT_TRUE(std::filesystem::is_symlink(folder.file("links/model.json")));
    EXPECT_EQ(read_file(folder.file("models/real.json")), envelope_of("[1]"));
    EXPECT_EQ(list_folder(folder.file("links")), std::vector<std::string>{"model.json"});
    EXPECT_EQ(list_folder(folder.file("models")), std::vector<std::string>{"real.json"});
}

TEST(SavePath, ChainOfSymbolicLinks) {
    TemporaryFolder folder;
    seraplot::test::write_file(folder.file("real.json"), "old");
    std::filesystem::create_symlink("real.json", folder.file("second.json"));
    std::filesystem::create_symlink(folder.file("second.json"), folder.file("first.json"));

    expect_saved(call("save", payload_with_escaped_path(folder.file("first.json"))));

    EXPECT_TRUE(std::filesystem::is_symlink(folder.file("first.json")));
    EXPECT_TRUE(std::filesystem::is_symlink(folder.file("second.json")));
    EXPECT_EQ(read_file(folder.file("real.json")), envelope_of("[1]"));
}

TEST(SavePath, SymbolicLinkLoop) {
    TemporaryFolder folder;
    std::filesystem::create_symlink("b.json", folder.file("a.json"));
    std::filesystem::create_symlink("a.json", folder.file("b.json"));

    std::string answer = call("save", payload_with_escaped_path(folder.file("a.json")));

    EXPECT_EQ(seraplot::test::error_code(answer), "file_error") << answer;
    EXPECT_NE(answer.find(folder.file("a.json")), std::string::npos) << answer;
    // list_folder would follow the links, so the names are read without.
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(folder.path())) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"a.json", "b.json"}));
}

TEST(SavePath, SymbolicLinkToDirectory) {
    TemporaryFolder folder;
    std::filesystem::create_directory(folder.file("dir"));
    std::filesystem::create_symlink("dir", folder.file("model.json"));

    std::string answer = call("save", payload_with_escaped_path(folder.file("model.json")));

    EXPECT_EQ(seraplot::test::error_code(answer), "file_error") << answer;
    EXPECT_NE(answer.find("directory"), std::string::npos) << answer;
    EXPECT_EQ(list_folder(folder.file("dir")), std::vector<std::string>{});
}

TEST(SavePath, TrailingSlash) {
    TemporaryFolder folder;

    std::string answer = call("save", payload_with_escaped_path(folder.file("model.json/")));

    EXPECT_EQ(seraplot::test::error_code(answer), "file_error") << answer;
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{});
}

TEST(SavePath, NulCharacterRejected) {
    // The system calls would stop reading the path at the NUL and write "model" instead.
    TemporaryFolder folder;

    std::string answer =
        call("save", payload_with_escaped_path(folder.path() + "/model\\u0000.json"));

    EXPECT_EQ(seraplot::test::error_code(answer), "file_error") << answer;
    EXPECT_EQ(list_folder(folder.path()), std::vector<std::string>{});
}

TEST(LoadPath, NulCharacterRejected) {
    TemporaryFolder folder;
    seraplot::test::write_file(folder.file("model"), envelope_of("[1]"));

    std::string answer = call("load", "{\"path\":\"" + folder.path() + "/model\\u0000.json\"}");

    EXPECT_EQ(seraplot::test::error_code(answer), "file_error") << answer;
}

}  // namespace
