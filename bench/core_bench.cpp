// Times the core's C interface on the payloads that bench/run.cjs writes, and RapidJSON's
// validate-only SAX pass over the same bytes as the ceiling of any SAX-based copy.
//
// The folder of cases comes from SERAPLOT_BENCH_DIR. Its cases.tsv has one case a line:
//   state <TAB> operation <TAB> payload file <TAB> input file <TAB> measure memory (0 or 1)
// The operation is save-inline, save-file, load-data or load-file. The input file holds the
// bytes that carry the state (the payload, or the model file that a load-file case reads);
// throughput is counted in those bytes, and the validate pass reads them.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

// The same SIMD setting as the core (core/src/rapidjson_config.hpp), so that the ceiling is
// measured with the whitespace scanning that the core gets.
#if defined(__SSE4_2__)
#define RAPIDJSON_SSE42
#elif defined(__SSE2__)
#define RAPIDJSON_SSE2
#endif

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "seraplot/seraplot.h"

namespace {

struct BenchCase {
    std::string state;
    std::string operation;
    std::string payload;
    std::string input;
    bool measure_memory = false;
};

std::string read_whole_file(const std::string &path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

// Returns a field of /proc/self/status, such as VmRSS, in bytes; -1 where it is missing.
long long read_status_bytes(const char *field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    std::string prefix = std::string(field) + ":";
    while (std::getline(status, line)) {
        if (line.compare(0, prefix.size(), prefix) == 0) {
            return std::atoll(line.c_str() + prefix.size()) * 1024;
        }
    }
    return -1;
}

// Resets the peak resident size (VmHWM) to the current one. Linux 4.0 and later.
bool reset_peak_memory() {
    std::FILE *file = std::fopen("/proc/self/clear_refs", "w");
    if (file == nullptr) {
        return false;
    }
    bool written = std::fputs("5", file) >= 0;
    return std::fclose(file) == 0 && written;
}

using CoreFunction = char *(*)(const char *, size_t, size_t *);

CoreFunction core_function(const std::string &operation) {
    return operation.rfind("save", 0) == 0 ? seraplot_ml_save_model : seraplot_ml_load_model;
}

void run_core(benchmark::State &state, const BenchCase &bench_case) {
    CoreFunction call = core_function(bench_case.operation);
    const std::string &payload = bench_case.payload;

    size_t answer_size = 0;
    char *first = call(payload.data(), payload.size(), &answer_size);
    bool ok = first != nullptr && std::string(first, answer_size < 16 ? answer_size : 16)
                                          .rfind("{\"ok\":true", 0) == 0;
    std::string head = first == nullptr ? "no answer" : std::string(first, answer_size < 300 ? answer_size : 300);
    seraplot_free(first);
    if (!ok) {
        state.SkipWithError(("the core failed: " + head).c_str());
        return;
    }

    for (auto _ : state) {
        char *answer = call(payload.data(), payload.size(), &answer_size);
        benchmark::DoNotOptimize(answer);
        seraplot_free(answer);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                            static_cast<int64_t>(bench_case.input.size()));

    // One more call, outside the timing, for the peak resident memory above the memory
    // just before it. The payload is already in memory then, as in the JavaScript runs.
    // malloc_trim first returns the free memory that the heap keeps resident, which the
    // call could otherwise reuse without its pages being counted.
    if (bench_case.measure_memory && malloc_trim(0) >= 0 && reset_peak_memory()) {
        long long before = read_status_bytes("VmRSS");
        char *answer = call(payload.data(), payload.size(), &answer_size);
        long long peak = read_status_bytes("VmHWM");
        seraplot_free(answer);
        state.counters["peak_bytes"] = static_cast<double>(peak - before);
    }
}

// Accepts every event, so that the reader does nothing but tokenize and validate.
struct NullHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NullHandler> {};

void run_validate(benchmark::State &state, const BenchCase &bench_case) {
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                                rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseNumbersAsStringsFlag;
    const std::string &input = bench_case.input;
    for (auto _ : state) {
        rapidjson::MemoryStream stream(input.data(), input.size());
        rapidjson::Reader reader;
        NullHandler handler;
        rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);
        if (result.IsError()) {
            state.SkipWithError("RapidJSON rejected the input");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                            static_cast<int64_t>(input.size()));
}

std::vector<BenchCase> read_cases(const std::string &folder) {
    std::ifstream list(folder + "/cases.tsv");
    if (!list) {
        throw std::runtime_error("cannot read " + folder + "/cases.tsv");
    }
    std::vector<BenchCase> cases;
    std::string line;
    while (std::getline(list, line)) {
        std::istringstream fields(line);
        BenchCase bench_case;
        std::string payload_file;
        std::string input_file;
        int measure_memory = 0;
        if (!(fields >> bench_case.state >> bench_case.operation >> payload_file >> input_file >>
              measure_memory)) {
            continue;
        }
        bench_case.payload = read_whole_file(folder + "/" + payload_file);
        bench_case.input = read_whole_file(folder + "/" + input_file);
        bench_case.measure_memory = measure_memory != 0;
        cases.push_back(std::move(bench_case));
    }
    return cases;
}

}  // namespace

int main(int argc, char **argv) {
    const char *folder = std::getenv("SERAPLOT_BENCH_DIR");
    if (folder == nullptr) {
        std::cerr << "seraplot_bench: set SERAPLOT_BENCH_DIR to a folder written by "
                     "bench/run.cjs (npm run bench does both).\n";
        return 2;
    }

    // glibc raises its mmap threshold after large blocks are freed, up to 32 MiB, and then
    // keeps freed memory resident for reuse, which would hide the memory that a call takes.
    // A fixed threshold (which also stops that adjustment) gives every large block its own
    // mapping, as in a process that calls the core once.
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);

    std::vector<BenchCase> cases;
    try {
        cases = read_cases(folder);
    } catch (const std::exception &error) {
        std::cerr << "seraplot_bench: " << error.what() << "\n";
        return 2;
    }

    // The cases live until main returns, so the registered lambdas may refer to them.
    for (const BenchCase &bench_case : cases) {
        std::string name = bench_case.state + "/" + bench_case.operation;
        // Wall-clock time, as the JavaScript timings use, so that the ratios between them
        // hold on a machine where other processes take turns on the cores.
        benchmark::RegisterBenchmark(("core/" + name).c_str(), [&bench_case](benchmark::State &state) {
            run_core(state, bench_case);
        })->Unit(benchmark::kMillisecond)->UseRealTime();
        benchmark::RegisterBenchmark(("rapidjson_validate/" + name).c_str(),
                                     [&bench_case](benchmark::State &state) {
                                         run_validate(state, bench_case);
                                     })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 2;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
