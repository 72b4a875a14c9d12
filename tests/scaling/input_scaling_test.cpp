// Checks that saves and loads of inputs built to be slow take time that grows linearly with
// the input: millions of tiny members in one object, very long strings, nesting to the depth
// limit repeated many times, and more.
//
// Each test times one input and another ten times its size in the same process, and requires
// the ratio to stay below kMaxRatio. Linear growth gives a ratio near 10 and quadratic growth
// one near 100. The time is this thread's CPU time, the least of kRuns runs, so other
// processes on a shared machine mostly wait for their turn instead of adding to it. Larger
// inputs still miss the CPU caches more, which is why the bound is 30 and not, say, 12: the
// two tests with 200,000 and 2,000,000 members, whose repeated-key index no longer fits in the
// cache at the larger size, measured ratios of 17 to 23 on a 2-core virtual machine.
// Hardware instruction counters would be steadier but are not available in most virtual
// machines (perf_event_open fails with ENOENT on the machine these tests were written on).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <malloc.h>
#include <functional>
#include <limits>
#include <random>
#include <string>

#include "seraplot/seraplot.h"

namespace {

constexpr double kMaxRatio = 30;
constexpr int kRuns = 3;

// glibc returns large blocks to the system when they are freed, so every run would pay again
// for the page faults of its first touch, a cost that grows with the input but belongs to the
// system. Keeping freed memory in the heap lets the later runs reuse the pages.
class KeepFreedMemory : public testing::Environment {
public:
    void SetUp() override {
#ifdef __GLIBC__
        ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
        ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    }
};

const testing::Environment *const kKeepFreedMemory =
    testing::AddGlobalTestEnvironment(new KeepFreedMemory);

double thread_cpu_seconds() {
    timespec now;
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Calls the C interface kRuns times and returns the least CPU time of one call in seconds,
// and the answer's first bytes in first_bytes.
enum class Call { save, load };

double time_call(Call call, const std::string &payload, std::string &first_bytes) {
    double best = std::numeric_limits<double>::max();
    for (int run = 0; run < kRuns; ++run) {
        size_t length = 0;
        double start = thread_cpu_seconds();
        char *answer = call == Call::save
                           ? seraplot_ml_save_model(payload.data(), payload.size(), &length)
                           : seraplot_ml_load_model(payload.data(), payload.size(), &length);
        best = std::min(best, thread_cpu_seconds() - start);
        first_bytes = answer == nullptr ? "NULL" : std::string(answer, std::min<size_t>(length, 200));
        seraplot_free(answer);
    }
    return best;
}

// Times the payloads that make_payload builds for scale 1 and scale 10. Both answers must
// start with expected_start, and the ratio of the times must stay below kMaxRatio.
void expect_linear(Call call, const std::function<std::string(size_t)> &make_payload,
                   const std::string &expected_start = "{\"ok\":true") {
    std::string small = make_payload(1);
    std::string large = make_payload(10);
    std::string small_answer;
    std::string large_answer;
    double small_seconds = time_call(call, small, small_answer);
    double large_seconds = time_call(call, large, large_answer);

    EXPECT_EQ(small_answer.substr(0, expected_start.size()), expected_start) << small_answer;
    EXPECT_EQ(large_answer.substr(0, expected_start.size()), expected_start) << large_answer;
    double ratio = large_seconds / std::max(small_seconds, 1e-6);
    std::printf("%zu bytes: %.4f s, %zu bytes: %.4f s, ratio %.1f\n", small.size(), small_seconds,
                large.size(), large_seconds, ratio);
    testing::Test::RecordProperty("ratio", std::to_string(ratio));
    EXPECT_LT(ratio, kMaxRatio) << "the time grows faster than the input";
}

std::string save_payload(const std::string &state) {
    return "{\"kind\":\"k\",\"state\":" + state + "}";
}

// A load payload with the envelope given as an object, which is copied as it is parsed.
std::string load_payload(const std::string &state) {
    return "{\"data\":{\"seraplot_model_v\":1,\"kind\":\"k\",\"state\":" + state + "}}";
}

std::string many_members(size_t scale) {
    std::string state = "{";
    for (size_t i = 0; i < 200000 * scale; ++i) {
        state += (i == 0 ? "\"" : ",\"") + std::to_string(i) + "\":0";
    }
    return state + "}";
}

std::string long_string(size_t scale) {
    return "\"" + std::string(4000000 * scale, 'x') + "\"";
}

std::string string_of_escapes(size_t scale) {
    std::string state = "\"";
    for (size_t i = 0; i < 100000 * scale; ++i) {
        state += "\\u00e9\\n\\\"\\\\\\u0001\\ud83d\\ude00";
    }
    return state + "\"";
}

// Arrays nested 1000 levels deep, the limit, count times side by side in one array.
std::string repeated_deep_arrays(size_t scale) {
    std::string deepest = std::string(999, '[') + std::string(999, ']');
    std::string state = "[";
    for (size_t i = 0; i < 300 * scale; ++i) {
        state += (i == 0 ? "" : ",") + deepest;
    }
    return state + "]";
}

std::string repeated_deep_objects(size_t scale) {
    std::string deepest;
    for (int level = 0; level < 999; ++level) {
        deepest += "{\"a\":";
    }
    deepest += "0" + std::string(999, '}');
    std::string state = "[";
    for (size_t i = 0; i < 100 * scale; ++i) {
        state += (i == 0 ? "" : ",") + deepest;
    }
    return state + "]";
}

// Objects just large enough to need the hash index of the repeated-key check.
std::string many_objects_with_many_keys(size_t scale) {
    std::string object = "{";
    for (int key = 0; key < 20; ++key) {
        object += (key == 0 ? "\"k" : ",\"k") + std::to_string(key) + "\":1";
    }
    object += "}";
    std::string state = "[";
    for (size_t i = 0; i < 20000 * scale; ++i) {
        state += (i == 0 ? "" : ",") + object;
    }
    return state + "]";
}

// Keys that differ only in their last characters, so that comparing two reads almost all of
// both.
std::string long_keys_with_shared_prefix(size_t scale) {
    std::string prefix(20000 * scale, 'p');
    std::string state = "{";
    for (int key = 0; key < 100; ++key) {
        state += (key == 0 ? "\"" : ",\"") + prefix + std::to_string(key) + "\":0";
    }
    return state + "}";
}

std::string long_numbers(size_t scale) {
    std::string number = "0." + std::string(300, '7') + "e-5";
    std::string state = "[";
    for (size_t i = 0; i < 5000 * scale; ++i) {
        state += (i == 0 ? "" : ",") + number;
    }
    return state + "]";
}

// A long valid state on many lines with a syntax error at the very end, whose message gives
// its line and column.
std::string error_after_many_lines(size_t scale) {
    std::string state = "[";
    for (size_t i = 0; i < 200000 * scale; ++i) {
        state += "1,\n";
    }
    return state + "]";  // a trailing comma
}

std::string nesting_past_the_limit(size_t scale) {
    return std::string(100000 * scale, '[') + std::string(100000 * scale, ']');
}

// Keys of 16 printable bytes on which JsonCopier::hash_key in core/src/json_copier.cpp
// returns the same 32-bit value. That hash has no secret seed: it mixes each 8-byte word into
// the state by xor, a multiplication by an odd constant and an xor-shift, then finishes with
// another multiplication and xor-shift. Every step can be inverted, so for any first word the
// second word that gives a chosen result can be computed, and is kept when all its bytes are
// printable (about one try in 3,000). A different hash function makes these keys collide no
// more, and this test then shows nothing until it is rewritten for the new one.
std::string colliding_keys(size_t scale) {
    constexpr uint64_t kMultiplier = 0xFF51AFD7ED558CCDULL;
    constexpr uint64_t kFinalMultiplier = 0xC4CEB9FE1A85EC53ULL;
    constexpr uint32_t kTarget = 0x5EED5EED;
    auto inverse = [](uint64_t odd) {
        uint64_t x = odd;
        for (int i = 0; i < 6; ++i) {
            x *= 2 - odd * x;
        }
        return x;
    };
    auto undo_xor_shift = [](uint64_t value, int shift) {
        uint64_t x = value;
        for (int i = 0; i < 64 / shift + 1; ++i) {
            x = value ^ (x >> shift);
        }
        return x;
    };
    auto printable = [](uint64_t word) {
        for (int i = 0; i < 8; ++i) {
            unsigned byte = (word >> (8 * i)) & 0xFF;
            if (byte < 0x20 || byte > 0x7E || byte == '"' || byte == '\\') {
                return false;
            }
        }
        return true;
    };

    const uint64_t inverse_multiplier = inverse(kMultiplier);
    const uint64_t inverse_final_multiplier = inverse(kFinalMultiplier);
    std::mt19937_64 generator(7);
    std::string state = "{";
    for (size_t key = 0; key < 5000 * scale; ++key) {
        char first[17];
        std::snprintf(first, sizeof first, "%08zx", key);
        uint64_t first_word;
        std::memcpy(&first_word, first, 8);
        uint64_t hash = (0x9E3779B97F4A7C15ULL ^ 16) ^ first_word;
        hash *= kMultiplier;
        hash ^= hash >> 32;

        uint64_t second_word;
        do {
            uint64_t finished = (generator() & 0xFFFFFFFF00000000ULL) | kTarget;
            uint64_t mixed = undo_xor_shift(finished, 29) * inverse_final_multiplier;
            second_word = (undo_xor_shift(mixed, 32) * inverse_multiplier) ^ hash;
        } while (!printable(second_word));

        char second[8];
        std::memcpy(second, &second_word, 8);
        state += (key == 0 ? "\"" : ",\"") + std::string(first, 8) + std::string(second, 8) + "\":0";
    }
    return state + "}";
}

TEST(InputScaling, SaveManyTinyMembers) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(many_members(scale)); });
}

TEST(InputScaling, LoadManyTinyMembers) {
    expect_linear(Call::load, [](size_t scale) { return load_payload(many_members(scale)); });
}

TEST(InputScaling, SaveLongString) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(long_string(scale)); });
}

TEST(InputScaling, LoadLongString) {
    expect_linear(Call::load, [](size_t scale) { return load_payload(long_string(scale)); });
}

TEST(InputScaling, SaveStringOfEscapes) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(string_of_escapes(scale)); });
}

TEST(InputScaling, LoadStringOfEscapes) {
    expect_linear(Call::load, [](size_t scale) { return load_payload(string_of_escapes(scale)); });
}

TEST(InputScaling, SaveRepeatedDeepArrays) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(repeated_deep_arrays(scale)); });
}

TEST(InputScaling, LoadRepeatedDeepArrays) {
    expect_linear(Call::load, [](size_t scale) { return load_payload(repeated_deep_arrays(scale)); });
}

TEST(InputScaling, SaveRepeatedDeepObjects) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(repeated_deep_objects(scale)); });
}

TEST(InputScaling, SaveManyObjectsWithManyKeys) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(many_objects_with_many_keys(scale)); });
}

TEST(InputScaling, SaveLongKeysWithSharedPrefix) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(long_keys_with_shared_prefix(scale)); });
}

TEST(InputScaling, SaveLongNumbers) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(long_numbers(scale)); });
}

TEST(InputScaling, ErrorAfterManyLines) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(error_after_many_lines(scale)); },
                  "{\"ok\":false");
}

// NOTE: fails with the repeated-key index of core/src/json_copier.cpp as of this commit:
// 50,000 colliding keys take about 100 times as long as 5,000, because every key probes past
// all earlier ones. Enable it once the index resists chosen keys (a per-process random seed,
// or a fallback to a comparison-based structure when probe sequences grow long).
TEST(InputScaling, DISABLED_SaveCollidingKeys) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(colliding_keys(scale)); });
}

TEST(InputScaling, NestingPastTheLimit) {
    expect_linear(Call::save, [](size_t scale) { return save_payload(nesting_past_the_limit(scale)); },
                  "{\"ok\":false");
}

}  // namespace
