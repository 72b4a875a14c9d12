// Several processes, each with several threads, save different models to one path while
// threads of this process load it. Every load must see a whole envelope (or no file yet),
// and the file must end up as one whole envelope from one of the writers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "crash_support.hpp"
#include "test_support.hpp"

namespace {

using seraplot::test::TemporaryFolder;

constexpr int kWriterProcesses = 3;
constexpr int kThreadsPerProcess = 3;
constexpr int kSavesPerThread = 20;
constexpr int kReaderThreads = 2;
constexpr size_t kStateBytes = 1000 * 1000;

int writer_index(int process, int thread) { return process * kThreadsPerProcess + thread; }

// Runs in a forked child: waits until start_fd is readable, then saves from several threads.
// Exits with 0 when every save succeeded.
[[noreturn]] void run_writer_process(int process, int start_fd,
                                     const std::vector<std::string> &payloads) {
    char go;
    if (::read(start_fd, &go, 1) != 1) {
        ::_exit(2);
    }
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int thread = 0; thread < kThreadsPerProcess; ++thread) {
        threads.emplace_back([&, thread] {
            const std::string &payload = payloads[writer_index(process, thread)];
            for (int save = 0; save < kSavesPerThread; ++save) {
                if (!seraplot::test::is_success(seraplot::test::call("save", payload))) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    ::_exit(failures == 0 ? 0 : 1);
}

struct ReaderReport {
    int loaded = 0;
    int not_found = 0;
    int problem_count = 0;
    std::vector<std::string> problems;  // the first few, for the failure message

    void add_problem(std::string problem) {
        constexpr int kMaxShown = 5;
        if (++problem_count <= kMaxShown) {
            problems.push_back(std::move(problem));
        }
    }
};

// Loads path until stop is set. A load may find no file only before any load found one.
void run_reader(const std::string &path, const std::vector<std::string> &expected_answers,
                const std::atomic<bool> &stop, ReaderReport &report) {
    std::string payload = "{\"path\":\"" + path + "\"}";
    while (!stop) {
        std::string answer = seraplot::test::call("load", payload);
        if (seraplot::test::error_code(answer) == "file_not_found") {
            if (report.loaded > 0) {
                report.add_problem("the file disappeared after a load found it");
            }
            ++report.not_found;
            continue;
        }
        bool known = false;
        for (const std::string &expected : expected_answers) {
            known = known || answer == expected;
        }
        if (!known) {
            report.add_problem("a load returned " + seraplot::test::describe_content(answer));
        }
        ++report.loaded;
    }
}

TEST(ConcurrentSave, LeavesOneWholeEnvelope) {
    TemporaryFolder folder;
    const std::string path = folder.file("model.json");
    std::vector<std::string> payloads;
    std::vector<std::string> envelopes;
    std::vector<std::string> expected_answers;
    for (int writer = 0; writer < kWriterProcesses * kThreadsPerProcess; ++writer) {
        std::string state = seraplot::test::make_state(kStateBytes + writer * 1000, writer + 1);
        payloads.push_back(seraplot::test::save_payload(path, state));
        envelopes.push_back(seraplot::test::envelope_of(state));
        expected_answers.push_back("{\"ok\":true,\"model\":" + envelopes.back() + "}");
    }

    // The writers are forked before this process starts threads, and wait on a pipe so that
    // they start together once the readers run.
    int start_pipe[2];
    ASSERT_EQ(::pipe(start_pipe), 0);
    std::vector<pid_t> writers;
    for (int process = 0; process < kWriterProcesses; ++process) {
        pid_t child = ::fork();
        ASSERT_GE(child, 0) << "fork failed";
        if (child == 0) {
            ::close(start_pipe[1]);
            run_writer_process(process, start_pipe[0], payloads);
        }
        writers.push_back(child);
    }
    ::close(start_pipe[0]);

    std::atomic<bool> stop{false};
    std::vector<ReaderReport> reports(kReaderThreads);
    std::vector<std::thread> readers;
    for (int reader = 0; reader < kReaderThreads; ++reader) {
        readers.emplace_back(run_reader, std::cref(path), std::cref(expected_answers),
                             std::cref(stop), std::ref(reports[reader]));
    }
    const char go[kWriterProcesses] = {};
    EXPECT_EQ(::write(start_pipe[1], go, sizeof go), static_cast<ssize_t>(sizeof go));
    ::close(start_pipe[1]);

    for (pid_t writer : writers) {
        int status = 0;
        ::waitpid(writer, &status, 0);
        // No ASSERT before the readers are joined: leaving with running threads would abort.
        if (!WIFEXITED(status)) {
            ADD_FAILURE() << "writer process " << writer << " crashed";
            continue;
        }
        EXPECT_EQ(WEXITSTATUS(status), 0) << "writer process " << writer << " had a failed save";
    }
    stop = true;
    for (std::thread &reader : readers) {
        reader.join();
    }

    int loaded = 0;
    for (const ReaderReport &report : reports) {
        loaded += report.loaded;
        EXPECT_EQ(report.problem_count, 0) << "a reader saw a partial or missing file";
        for (const std::string &problem : report.problems) {
            ADD_FAILURE() << problem;
        }
    }
    EXPECT_GT(loaded, 0) << "no load ran while the writers saved";

    std::string content = seraplot::test::read_file(path);
    bool known = false;
    for (const std::string &envelope : envelopes) {
        known = known || content == envelope;
    }
    EXPECT_TRUE(known) << "the file is no writer's envelope: "
                       << seraplot::test::describe_content(content);
    EXPECT_EQ(seraplot::test::list_folder(folder.path()), std::vector<std::string>{"model.json"});
    std::printf("%d loads found a whole envelope while %d saves ran\n", loaded,
                kWriterProcesses * kThreadsPerProcess * kSavesPerThread);
}

}  // namespace
