// libFuzzer target for seraplot_ml_load_model over raw payload bytes.
//
// Beyond "no crash" (with AddressSanitizer and UndefinedBehaviorSanitizer), every answer must
// pass call_and_check. A loaded model must save again, and the envelope that this save returns
// must pass check_round_trip. When the payload has "data" as a string, loading that string
// from a file must give the same answer. Payloads with a "path" member are skipped, so that
// fuzzed input never names a file to read.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "fuzz_support.hpp"

using seraplot::fuzz::Answer;
using seraplot::fuzz::Function;

namespace {

// Returns the payload's "data" member when the payload is an object and data a string.
std::optional<std::string> data_string(std::string_view payload) {
    rapidjson::Document parsed;
    parsed.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(
        payload.data(), payload.size());
    if (parsed.HasParseError() || !parsed.IsObject()) {
        return std::nullopt;
    }
    auto data = parsed.FindMember("data");
    if (data == parsed.MemberEnd() || !data->value.IsString()) {
        return std::nullopt;
    }
    return std::string(data->value.GetString(), data->value.GetStringLength());
}

// A model file may start with a UTF-8 byte order mark and a "data" string may not, so the two
// answers differ only for text that starts with one.
void check_file_gives_same_answer(const std::string &text) {
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
        return;
    }
    std::string path = seraplot::fuzz::sandbox_folder() + "/data.json";
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!file) {
            seraplot::fuzz::fail("cannot write the sandbox file", path);
        }
    }
    Answer from_string = seraplot::fuzz::call_and_check(
        Function::load, "{\"data\":" + seraplot::fuzz::json_string(text) + "}");
    Answer from_file = seraplot::fuzz::call_and_check(
        Function::load, "{\"path\":" + seraplot::fuzz::json_string(path) + "}");
    if (from_string.ok != from_file.ok) {
        seraplot::fuzz::fail("the same envelope loads from a data string but not from a file, "
                             "or the other way round",
                             from_string.text + "\n" + from_file.text);
    }
    if (from_string.ok && from_string.model != from_file.model) {
        seraplot::fuzz::fail("the same envelope loads differently from a data string and a file",
                             from_string.text + "\n" + from_file.text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    seraplot::fuzz::check_envelope_parts_works();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view payload(reinterpret_cast<const char *>(data), size);
    if (seraplot::fuzz::names_a_path(payload)) {
        return -1;  // keeps the input out of the corpus
    }

    Answer loaded = seraplot::fuzz::call_and_check(Function::load, payload);
    if (loaded.ok) {
        std::string envelope = seraplot::fuzz::save_loaded_model(loaded.model);
        seraplot::fuzz::check_round_trip(envelope);
    }

    if (std::optional<std::string> text = data_string(payload)) {
        check_file_gives_same_answer(*text);
    }
    return 0;
}
