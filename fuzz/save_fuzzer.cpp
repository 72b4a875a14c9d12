// libFuzzer target for seraplot_ml_save_model over raw payload bytes.
//
// Beyond "no crash" (with AddressSanitizer and UndefinedBehaviorSanitizer), every answer must
// pass call_and_check, and an envelope from a successful save must pass check_round_trip.
// Payloads with a "path" member are skipped, so that fuzzed input never writes a file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

using seraplot::fuzz::Answer;
using seraplot::fuzz::Function;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    seraplot::fuzz::check_envelope_parts_works();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view payload(reinterpret_cast<const char *>(data), size);
    if (seraplot::fuzz::names_a_path(payload)) {
        return -1;  // keeps the input out of the corpus
    }

    Answer saved = seraplot::fuzz::call_and_check(Function::save, payload);
    if (saved.ok) {
        if (saved.data.empty()) {
            seraplot::fuzz::fail("a save without a path did not return its envelope as data",
                                 saved.text);
        }
        seraplot::fuzz::check_round_trip(saved.data);
    }
    return 0;
}
