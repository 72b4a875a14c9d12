// Checks that the fuzz targets apply to every answer of the C interface, and the calls and
// text helpers they share. A failed check prints what was wrong to standard error and calls
// abort(), which libFuzzer reports as a crash and saves the input for.
#ifndef SERAPLOT_FUZZ_SUPPORT_HPP
#define SERAPLOT_FUZZ_SUPPORT_HPP

#include <optional>
#include <string>
#include <string_view>

namespace seraplot::fuzz {

enum class Function { save, load };

// The parts of a checked answer that the targets use further.
struct Answer {
    std::string text;
    bool ok = false;
    std::string code;    // of an error answer
    std::string data;    // of an inline save, decoded
    std::string model;   // of a load, as the JSON text it has in the answer
};

// Prints what went wrong with the text involved (cut when long) and aborts.
[[noreturn]] void fail(std::string_view problem, std::string_view text = {});

// Calls the C interface and checks the answer. It must not be NULL, must end with a NUL at
// the reported length, and must be valid UTF-8 and one JSON object. Its first member must be
// a boolean "ok", and it must have exactly the members of its kind of answer. An error code
// must be one that errors.cpp defines.
Answer call_and_check(Function function, std::string_view payload);

// Returns true when payload, read by a parser that accepts whatever the core accepts, is an
// object with a member named "path". The targets skip those payloads, so that fuzzed input
// never names a file to write or read.
bool names_a_path(std::string_view payload);

// Returns text as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

// Whether text is UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing
// above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// The JSON text of the top-level members "kind" and "state" of an envelope given as
// compact JSON text, such as a load answer's model.
struct EnvelopeParts {
    std::string kind;
    std::string state;
};
std::optional<EnvelopeParts> envelope_parts(std::string_view envelope);

// Checks the properties of an envelope that a save returned. It must load back unchanged
// from a "data" string, and the loaded model must save again to the same bytes. Saving it to
// a file in the sandbox folder and loading that file must give the same bytes too.
void check_round_trip(const std::string &envelope);

// Saves the kind and state of a loaded model (any producer's envelope, as the JSON text of a
// load answer's model) and returns the new envelope. Fails the check when the save fails.
std::string save_loaded_model(std::string_view model);

// Checks that envelope_parts finds member values where this RapidJSON version reports them.
// The targets run it once before fuzzing.
void check_envelope_parts_works();

// A folder of this process's own for the file saves and loads that the targets make,
// created on first use under /dev/shm (or TMPDIR where there is no /dev/shm) and removed at
// exit.
const std::string &sandbox_folder();

}  // namespace seraplot::fuzz

#endif  // SERAPLOT_FUZZ_SUPPORT_HPP
