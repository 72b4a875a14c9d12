// Kills a process with SIGKILL at random moments while it saves a large model over an existing
// file. After every kill the file must contain one complete envelope, the old or the new, and
// the temporary files of killed saves must not pile up.
//
// SIGKILL ends the process but leaves the kernel's page cache alone, so this shows what a
// crash of the process leaves. A power loss is not simulated.
//
// The test proves something only if some saves are killed before the rename, some while they
// write their temporary file, and some end after the rename (killed late or finished). Random
// kills hit all three within the time budget on an idle machine, but on a loaded one they can
// miss the short time of writing. Then more saves are aimed at each moment not hit yet,
// within a bound, before the test requires all three.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

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

// The wall-clock time of the random kills, overridable with SERAPLOT_KILL_TEST_SECONDS.
constexpr int kDefaultBudgetSeconds = 25;
constexpr int kMaxRandomSaves = 400;

// Bounds on the saves aimed at a moment that the random kills missed. On an idle machine one
// aimed save is enough; the bounds only keep a broken build from running forever.
constexpr int kMaxAimedSaves = 50;
constexpr int kAimedSeconds = 60;

constexpr auto kPollInterval = std::chrono::microseconds(100);

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

std::string folder_of(const std::string &path) {
    return std::filesystem::path(path).parent_path().string();
}

// Whether the save in process child is changing the folder: its temporary file exists, or
// the target has neither envelope's size (which only a save that writes in place would
// cause). Temporary files of earlier, killed saves do not count, because a save removes them
// only when it starts writing.
bool folder_is_changing(const std::string &path, const std::string (&envelopes)[2],
                        pid_t child) {
    std::error_code ignored;
    auto size = std::filesystem::file_size(path, ignored);
    if (size != envelopes[0].size() && size != envelopes[1].size()) {
        return true;
    }
    return !seraplot::test::temporary_files_of(folder_of(path), child).empty();
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
        if (folder_is_changing(path, envelopes, child)) {
            writing_until = micros_since(started);
            writing_from = writing_from < 0 ? writing_until : writing_from;
        }
        std::this_thread::sleep_for(kPollInterval);
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
    while (!folder_is_changing(path, envelopes, child)) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) {
            return {WIFEXITED(status), WIFEXITED(status) ? WEXITSTATUS(status) : -1};
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    return kill_after(child, delay);
}

KillOutcome wait_for_exit(pid_t child) {
    int status = 0;
    ::waitpid(child, &status, 0);
    return {WIFEXITED(status), WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// The moment of a save at which a kill is aimed.
enum class Aim {
    anywhere,        // a random moment from the fork to a quarter past the timed save's end
    while_writing,   // a random moment within the timed save's writing, once writing starts
    writing_starts,  // as soon as the save's temporary file appears
    at_start,        // right after the fork, before the save has read its payload
    no_kill,         // none: the save runs to its end
};

// What the kills found so far.
struct KillCounts {
    int saves = 0;
    int killed = 0;               // saves ended by SIGKILL; the others finished
    int kept_old = 0;             // the file still held the old envelope
    int got_new = 0;              // the file held the new envelope
    int left_temporary_file = 0;  // the killed save's own temporary file remained
    int aimed = 0;                // saves aimed at a moment that the random kills missed
};

// Returns the aim for a moment that no save has hit yet, or nothing once all were hit.
std::optional<Aim> aim_at_missed_moment(const KillCounts &counts) {
    if (counts.left_temporary_file == 0) {
        return Aim::writing_starts;
    }
    if (counts.kept_old == 0) {
        return Aim::at_start;
    }
    if (counts.got_new == 0) {
        return Aim::no_kill;
    }
    return std::nullopt;
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
    Clock::time_point random_until = Clock::now() + std::chrono::seconds(budget_seconds());
    Clock::time_point aimed_until = Clock::time_point::max();
    KillCounts counts;

    for (;;) {
        Aim aim;
        if (Clock::now() < random_until && counts.saves < kMaxRandomSaves) {
            aim = quarter(generator) == 0 ? Aim::anywhere : Aim::while_writing;
        } else {
            std::optional<Aim> missed = aim_at_missed_moment(counts);
            if (!missed) {
                break;
            }
            if (counts.aimed == 0) {
                aimed_until = Clock::now() + std::chrono::seconds(kAimedSeconds);
            }
            if (counts.aimed >= kMaxAimedSaves || Clock::now() >= aimed_until) {
                break;
            }
            aim = *missed;
            ++counts.aimed;
        }

        int next = 1 - current;
        pid_t child = start_save(payloads[next]);
        ASSERT_GT(child, 0) << "fork failed";
        KillOutcome outcome{};
        switch (aim) {
        case Aim::anywhere:
            outcome = kill_after(child, std::chrono::microseconds(anywhere(generator)));
            break;
        case Aim::while_writing:
            outcome = kill_while_writing(
                child, std::chrono::microseconds(while_writing(generator)), path, envelopes);
            break;
        case Aim::writing_starts:
            outcome = kill_while_writing(child, std::chrono::microseconds(0), path, envelopes);
            break;
        case Aim::at_start:
            outcome = kill_after(child, std::chrono::microseconds(0));
            break;
        case Aim::no_kill:
            outcome = wait_for_exit(child);
            break;
        }
        ++counts.saves;
        if (outcome.finished) {
            ASSERT_EQ(outcome.exit_code, 0) << "a save that was not killed failed";
        } else {
            ++counts.killed;
        }

        std::string content = read_file(path);
        bool is_old = content == envelopes[current];
        bool is_new = content == envelopes[next];
        ASSERT_TRUE(is_old || is_new)
            << "after save " << counts.saves << " the file holds neither envelope: "
            << describe_content(content);
        if (outcome.finished) {
            ASSERT_TRUE(is_new) << "a finished save left the old envelope";
        }
        if (is_new) {
            ++counts.got_new;
            current = next;
        } else {
            ++counts.kept_old;
        }

        // The rename moves the temporary file over the target, so while the killed save's own
        // temporary file exists the target must still hold the old envelope.
        if (!seraplot::test::temporary_files_of(folder.path(), child).empty()) {
            ASSERT_TRUE(is_old) << "save " << counts.saves
                                << " was killed with its temporary file in place, but the "
                                   "target already holds its envelope";
            ++counts.left_temporary_file;
        }

        // Each save first removes the files of killed saves, so at most the last one's remains.
        std::vector<std::string> temporary = seraplot::test::temporary_files(folder.path());
        ASSERT_LE(temporary.size(), 1u) << "temporary files pile up after save " << counts.saves;
    }

    // A save that runs to its end removes the last killed save's file too.
    int next = 1 - current;
    ASSERT_TRUE(seraplot::test::is_success(seraplot::test::call("save", payloads[next])));
    EXPECT_TRUE(read_file(path) == envelopes[next]);
    EXPECT_EQ(seraplot::test::temporary_files(folder.path()), std::vector<std::string>{});
    EXPECT_EQ(seraplot::test::list_folder(folder.path()), std::vector<std::string>{"model.json"});

    RecordProperty("saves", counts.saves);
    RecordProperty("killed", counts.killed);
    RecordProperty("kept_old", counts.kept_old);
    RecordProperty("got_new", counts.got_new);
    RecordProperty("left_temporary_file", counts.left_temporary_file);
    RecordProperty("aimed", counts.aimed);
    std::printf("one save took %lld us, of which it wrote for %lld us; %d saves (%d aimed at a "
                "moment the random kills missed), %d killed: %d kept the old envelope, %d "
                "found the new one, %d killed saves left their temporary file\n",
                timing.total, timing.writing, counts.saves, counts.aimed, counts.killed,
                counts.kept_old, counts.got_new, counts.left_temporary_file);
    // Kills must have hit before the rename and while writing, and some saves must have ended
    // after the rename, or the test showed nothing.
    EXPECT_GT(counts.kept_old, 0);
    EXPECT_GT(counts.got_new, 0);
    EXPECT_GT(counts.left_temporary_file, 0)
        << "no kill landed while a save wrote its temporary file, even after "
        << counts.aimed << " aimed saves";
}

}  // namespace
