// Kills a process with SIGKILL at random moments while it saves a large model over an existing
// file. After every kill the file must contain one complete envelope, the old or the new, and
// the temporary files of killed saves must not pile up.
//
// SIGKILL ends the process but leaves the kernel's page cache alone, so this shows what a
// crash of the process leaves. A power loss is not simulated.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash_support.hpp"
#include "seraplot/seraplot.h"
#include "test_support.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using seraplot::test::describe_content;
using seraplot::test::read_file;
using seraplot::test::TemporaryFolder;

// About 20 MB per state: large enough that writing and flushing it takes a while, so that many
// kills land in the middle of a save.
constexpr size_t kStateBytes = 20 * 1000 * 1000;

// The wall-clock time the kill loop may take, overridable with SERAPLOT_KILL_TEST_SECONDS.
constexpr int kDefaultBudgetSeconds = 25;
constexpr int kMaxKills = 400;

int budget_seconds() {
    const char *value = std::getenv("SERAPLOT_KILL_TEST_SECONDS");
    if (value == nullptr || std::atoi(value) <= 0) {
        return kDefaultBudgetSeconds;
    }
    return std::atoi(value);
}

// Saves payload in a child process. Returns the child's id; the child exits with 0 when the
// save succeeded and 1 when it returned an error answer.
pid_t start_save(const std::string &payload) {
    pid_t child = ::fork();
    if (child == 0) {
        size_t length = 0;
        char *answer = seraplot_ml_save_model(payload.data(), payload.size(), &length);
        bool saved = answer != nullptr && seraplot::test::is_success(answer);
        ::_exit(saved ? 0 : 1);
    }
    return child;
}

// Whether a save is changing the folder: a temporary file exists, or the target has neither
// envelope's size (which only a save that writes in place would cause).
bool folder_is_changing(const std::string &path, const std::string (&envelopes)[2]) {
    std::error_code ignored;
    auto size = std::filesystem::file_size(path, ignored);
    if (size != envelopes[0].size() && size != envelopes[1].size()) {
        return true;
    }
    std::string folder = std::filesystem::path(path).parent_path().string();
    return !seraplot::test::temporary_files(folder).empty();
}

long long micros_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

// How long a save takes from fork to exit, and how long it changes the folder, in
// microseconds.
struct SaveTiming {
    long long total = 0;
    long long writing = 0;
};

// Runs one whole save in a child while watching its folder.
SaveTiming time_save(const std::string &payload, const std::string &path,
                     const std::string (&envelopes)[2]) {
    Clock::time_point started = Clock::now();
    long long writing_from = -1;
    long long writing_until = -1;
    pid_t child = start_save(payload);
    for (;;) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) {
            break;
        }
        if (folder_is_changing(path, envelopes)) {
            writing_until = micros_since(started);
            writing_from = writing_from < 0 ? writing_until : writing_from;
        }
    }
    return {micros_since(started), writing_until - writing_from};
}

struct KillOutcome {
    bool finished;   // the child exited before the kill
    int exit_code;   // when it finished
};

KillOutcome kill_after(pid_t child, std::chrono::microseconds delay) {
    std::this_thread::sleep_for(delay);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFEXITED(status)) {
        return {true, WEXITSTATUS(status)};
    }
    return {false, 0};
}

// Waits until the child's save starts changing the folder, then kills it after delay.
KillOutcome kill_while_writing(pid_t child, std::chrono::microseconds delay,
                               const std::string &path, const std::string (&envelopes)[2]) {
    while (!folder_is_changing(path, envelopes)) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) {
            return {WIFEXITED(status), WIFEXITED(status) ? WEXITSTATUS(status) : -1};
        }
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return kill_after(child, delay);
}

TEST(SaveKill, LeavesOldOrNewEnvelope) {
    TemporaryFolder folder;
    const std::string path = folder.file("model.json");
    const std::string states[2] = {seraplot::test::make_state(kStateBytes, 1),
                                   seraplot::test::make_state(kStateBytes + kStateBytes / 4, 2)};
    const std::string envelopes[2] = {seraplot::test::envelope_of(states[0]),
                                      seraplot::test::envelope_of(states[1])};
    const std::string payloads[2] = {seraplot::test::save_payload(path, states[0]),
                                     seraplot::test::save_payload(path, states[1])};

    // Start from a complete first envelope, and time one whole save of the second in a child.
    ASSERT_TRUE(seraplot::test::is_success(seraplot::test::call("save", payloads[0])));
    SaveTiming timing = time_save(payloads[1], path, envelopes);
    ASSERT_TRUE(read_file(path) == envelopes[1]);
    int current = 1;

    // Most of a save is parsing, which leaves the folder alone, and the time a save takes
    // changes with the load of the machine. So three kills in four wait until the save starts
    // writing and then land within the time that writing took in the timed save, with a
    // margin; the others land anywhere in a save.
    std::mt19937 generator(std::random_device{}());
    std::uniform_int_distribution<long long> anywhere(0, timing.total * 5 / 4);
    std::uniform_int_distribution<long long> while_writing(0, timing.writing * 5 / 4 + 1000);
    std::uniform_int_distribution<int> quarter(0, 3);
    Clock::time_point deadline = Clock::now() + std::chrono::seconds(budget_seconds());
    int kills = 0;
    int kept_old = 0;
    int got_new = 0;
    int left_temporary_file = 0;

    while (Clock::now() < deadline && kills < kMaxKills) {
        int next = 1 - current;
        pid_t child = start_save(payloads[next]);
        ASSERT_GT(child, 0) << "fork failed";
        KillOutcome outcome =
            quarter(generator) == 0
                ? kill_after(child, std::chrono::microseconds(anywhere(generator)))
                : kill_while_writing(child, std::chrono::microseconds(while_writing(generator)),
                                     path, envelopes);
        ++kills;
        if (outcome.finished) {
            ASSERT_EQ(outcome.exit_code, 0) << "a save that was not killed failed";
        }

        std::string content = read_file(path);
        bool is_old = content == envelopes[current];
        bool is_new = content == envelopes[next];
        ASSERT_TRUE(is_old || is_new)
            << "after kill " << kills << " the file holds neither envelope: "
            << describe_content(content);
        if (outcome.finished) {
            ASSERT_TRUE(is_new) << "a finished save left the old envelope";
        }
        if (is_new) {
            ++got_new;
            current = next;
        } else {
            ++kept_old;
        }

        // Each save first removes the files of killed saves, so at most the last one's remains.
        std::vector<std::string> temporary = seraplot::test::temporary_files(folder.path());
        ASSERT_LE(temporary.size(), 1u) << "temporary files pile up after kill " << kills;
        left_temporary_file += temporary.empty() ? 0 : 1;

    }

    // A save that runs to its end removes the last killed save's file too.
    int next = 1 - current;
    ASSERT_TRUE(seraplot::test::is_success(seraplot::test::call("save", payloads[next])));
    EXPECT_TRUE(read_file(path) == envelopes[next]);
    EXPECT_EQ(seraplot::test::temporary_files(folder.path()), std::vector<std::string>{});
    EXPECT_EQ(seraplot::test::list_folder(folder.path()), std::vector<std::string>{"model.json"});

    RecordProperty("kills", kills);
    RecordProperty("kept_old", kept_old);
    RecordProperty("got_new", got_new);
    RecordProperty("left_temporary_file", left_temporary_file);
    std::printf("one save took %lld us, of which it wrote for %lld us; %d kills: %d kept the "
                "old envelope, %d found the new one, %d left a temporary file\n",
                timing.total, timing.writing, kills, kept_old, got_new, left_temporary_file);
    // The kills must have hit both before and after the rename, or the test showed nothing.
    EXPECT_GT(kept_old, 0);
    EXPECT_GT(got_new, 0);
    EXPECT_GT(left_temporary_file, 0);
}

}  // namespace
