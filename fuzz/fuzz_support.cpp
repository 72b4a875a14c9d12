#include "fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "seraplot/seraplot.h"

namespace seraplot::fuzz {

namespace {

// The codes that errors.cpp defines. A code outside this list fails the check, so a new
// code must be added here too.
constexpr std::string_view kErrorCodes[] = {
    "invalid_json",      "invalid_utf8",   "lone_surrogate", "non_finite_number",
    "number_out_of_range", "duplicate_key", "too_deep",      "invalid_payload",
    "not_a_model",       "invalid_envelope", "unsupported_version", "files_unavailable",
    "file_not_found",    "permission_denied", "disk_full",   "file_error",
    "too_large",         "out_of_memory",  "internal_error",
};

// Numbers stay text, so that checking an answer never depends on converting one.
constexpr unsigned kAnswerParseFlags = rapidjson::kParseValidateEncodingFlag |
                                       rapidjson::kParseIterativeFlag |
                                       rapidjson::kParseNumbersAsStringsFlag;

std::string_view shortened(std::string_view text) {
    constexpr size_t kMaxShown = 2000;
    return text.size() > kMaxShown ? text.substr(0, kMaxShown) : text;
}

bool is_error_code(std::string_view code) {
    for (std::string_view known : kErrorCodes) {
        if (code == known) {
            return true;
        }
    }
    return false;
}

bool has_members(const rapidjson::Value &object, std::initializer_list<const char *> names) {
    if (object.MemberCount() != names.size()) {
        return false;
    }
    for (const char *name : names) {
        if (!object.HasMember(name)) {
            return false;
        }
    }
    return true;
}

// Decoded strings can be invalid UTF-8 although the text is valid, because RapidJSON turns a
// \u escape of a lone low surrogate into the bytes ED B0..BF.
void check_decoded_strings(const rapidjson::Value &value, std::string_view answer) {
    if (value.IsString()) {
        if (!is_valid_utf8(std::string_view(value.GetString(), value.GetStringLength()))) {
            fail("a string in the answer decodes to invalid UTF-8", answer);
        }
    } else if (value.IsArray()) {
        for (const auto &element : value.GetArray()) {
            check_decoded_strings(element, answer);
        }
    } else if (value.IsObject()) {
        for (const auto &member : value.GetObject()) {
            check_decoded_strings(member.name, answer);
            check_decoded_strings(member.value, answer);
        }
    }
}

// Records where the values of an object's top-level members begin and end in its text.
class MemberSpans : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, MemberSpans> {
public:
    MemberSpans(std::string_view text, const rapidjson::MemoryStream &stream)
        : text_(text), stream_(stream) {}

    bool Default() { return value_done(); }
    bool RawNumber(const char *, rapidjson::SizeType, bool) { return value_done(); }
    bool String(const char *, rapidjson::SizeType, bool) { return value_done(); }
    bool StartObject() { return open(); }
    bool StartArray() { return open(); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool EndArray(rapidjson::SizeType) { return close(); }

    bool Key(const char *name, rapidjson::SizeType length, bool) {
        if (depth_ == 1) {
            key_ = std::string(name, length);
            // The value starts after the ':' that follows the key, and any whitespace.
            size_t at = stream_.Tell();
            while (at < text_.size() && (text_[at] == ':' || text_[at] == ' ' ||
                                         text_[at] == '\t' || text_[at] == '\n' ||
                                         text_[at] == '\r')) {
                ++at;
            }
            value_begin_ = at;
        }
        return true;
    }

    std::optional<std::string> kind;
    std::optional<std::string> state;

private:
    bool open() {
        ++depth_;
        return true;
    }

    // RapidJSON 1.1.0's iterative parser calls EndObject and EndArray before it consumes the
    // closing bracket, but the other events after their value. fuzz_self_test checks this.
    bool close() {
        --depth_;
        return value_done(1);
    }

    bool value_done(size_t unread = 0) {
        if (depth_ == 1) {
            size_t end = stream_.Tell() + unread;
            std::string value(text_.substr(value_begin_, end - value_begin_));
            if (key_ == "kind") {
                kind = value;
            } else if (key_ == "state") {
                state = value;
            }
        }
        return true;
    }

    std::string_view text_;
    const rapidjson::MemoryStream &stream_;
    size_t depth_ = 0;
    std::string key_;
    size_t value_begin_ = 0;
};

}  // namespace

void fail(std::string_view problem, std::string_view text) {
    std::fprintf(stderr, "\nseraplot fuzz check failed: %.*s\n", static_cast<int>(problem.size()),
                 problem.data());
    if (!text.empty()) {
        std::string_view shown = shortened(text);
        std::fprintf(stderr, "text (%zu bytes%s): %.*s\n", text.size(),
                     shown.size() < text.size() ? ", cut" : "", static_cast<int>(shown.size()),
                     shown.data());
    }
    std::abort();
}

bool is_valid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        unsigned char lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : 0x80;  // overlong forms
            high = lead == 0xED ? 0x9F : 0xBF;  // surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : 0x80;  // overlong forms
            high = lead == 0xF4 ? 0x8F : 0xBF;  // above U+10FFFF
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        unsigned char second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) {
            return false;
        }
        for (size_t k = 2; k < length; ++k) {
            unsigned char next = static_cast<unsigned char>(text[i + k]);
            if (next < 0x80 || next > 0xBF) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

Answer call_and_check(Function function, std::string_view payload) {
    size_t length = 0;
    char *raw = function == Function::save
                    ? seraplot_ml_save_model(payload.data(), payload.size(), &length)
                    : seraplot_ml_load_model(payload.data(), payload.size(), &length);
    if (raw == nullptr) {
        fail("the C interface returned NULL", payload);
    }
    if (raw[length] != '\0' || std::strlen(raw) != length) {
        fail("the answer is not NUL-terminated exactly at its reported length", payload);
    }
    Answer answer;
    answer.text.assign(raw, length);
    seraplot_free(raw);
    const std::string &text = answer.text;

    if (!is_valid_utf8(text)) {
        fail("the answer is not valid UTF-8", text);
    }
    rapidjson::Document parsed;
    parsed.Parse<kAnswerParseFlags>(text.data(), text.size());
    if (parsed.HasParseError()) {
        fail("the answer is not valid JSON", text);
    }
    if (!parsed.IsObject() || parsed.MemberCount() == 0 ||
        std::strcmp(parsed.MemberBegin()->name.GetString(), "ok") != 0 ||
        !parsed.MemberBegin()->value.IsBool()) {
        fail("the answer is not an object that starts with a boolean \"ok\"", text);
    }
    check_decoded_strings(parsed, text);
    answer.ok = parsed["ok"].GetBool();

    if (!answer.ok) {
        if (!has_members(parsed, {"ok", "error", "code"}) || !parsed["error"].IsString() ||
            !parsed["code"].IsString()) {
            fail("an error answer does not have exactly ok, error and code", text);
        }
        if (parsed["error"].GetStringLength() == 0) {
            fail("an error answer has an empty message", text);
        }
        answer.code = parsed["code"].GetString();
        if (!is_error_code(answer.code)) {
            fail("an error answer has an unknown code", text);
        }
        return answer;
    }

    if (function == Function::load) {
        if (!has_members(parsed, {"ok", "model"}) || !parsed["model"].IsObject()) {
            fail("a load answer does not have exactly ok and an object model", text);
        }
        constexpr std::string_view kOpening = "{\"ok\":true,\"model\":";
        if (text.compare(0, kOpening.size(), kOpening) != 0 || text.back() != '}') {
            fail("a load answer is not laid out as {\"ok\":true,\"model\":...}", text);
        }
        answer.model = text.substr(kOpening.size(), text.size() - kOpening.size() - 1);
        return answer;
    }

    bool inline_save = has_members(parsed, {"ok", "data", "size"}) && parsed["data"].IsString();
    bool file_save = has_members(parsed, {"ok", "path", "size"}) && parsed["path"].IsString();
    if (!(inline_save || file_save) || !parsed["size"].IsString()) {
        fail("a save answer does not have exactly ok, data or path, and a numeric size", text);
    }
    if (inline_save) {
        answer.data.assign(parsed["data"].GetString(), parsed["data"].GetStringLength());
        if (std::to_string(answer.data.size()) != parsed["size"].GetString()) {
            fail("a save answer's size is not the length of its data", text);
        }
    }
    return answer;
}

bool names_a_path(std::string_view payload) {
    // No encoding check, and the parse stops after the first value: this parser then accepts
    // every payload that the core accepts, and more.
    constexpr unsigned kLenientFlags = rapidjson::kParseIterativeFlag |
                                       rapidjson::kParseNumbersAsStringsFlag |
                                       rapidjson::kParseStopWhenDoneFlag;
    rapidjson::Document parsed;
    parsed.Parse<kLenientFlags>(payload.data(), payload.size());
    if (parsed.HasParseError() || !parsed.IsObject()) {
        return false;
    }
    for (const auto &member : parsed.GetObject()) {
        if (std::string_view(member.name.GetString(), member.name.GetStringLength()) == "path") {
            return true;
        }
    }
    return false;
}

std::string json_string(std::string_view text) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<EnvelopeParts> envelope_parts(std::string_view envelope) {
    rapidjson::MemoryStream stream(envelope.data(), envelope.size());
    MemberSpans spans(envelope, stream);
    rapidjson::Reader reader;
    reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(stream,
                                                                                        spans);
    if (reader.HasParseError() || !spans.kind || !spans.state) {
        return std::nullopt;
    }
    return EnvelopeParts{*spans.kind, *spans.state};
}

std::string save_loaded_model(std::string_view model) {
    std::optional<EnvelopeParts> parts = envelope_parts(model);
    if (!parts) {
        fail("a loaded model has no kind or state that can be found", model);
    }
    Answer saved = call_and_check(Function::save,
                                  "{\"kind\":" + parts->kind + ",\"state\":" + parts->state + "}");
    if (!saved.ok) {
        fail("a loaded model does not save again", std::string(model) + "\n" + saved.text);
    }
    return saved.data;
}

void check_round_trip(const std::string &envelope) {
    Answer loaded = call_and_check(Function::load, "{\"data\":" + json_string(envelope) + "}");
    if (!loaded.ok) {
        fail("an envelope that a save returned does not load", envelope + "\n" + loaded.text);
    }
    if (loaded.model != envelope) {
        fail("loading an envelope that a save returned changes it", envelope + "\n" + loaded.text);
    }
    std::string saved_again = save_loaded_model(loaded.model);
    if (saved_again != envelope) {
        fail("save, load and save again give a different envelope", envelope + "\n" + saved_again);
    }

    std::optional<EnvelopeParts> parts = envelope_parts(envelope);
    if (!parts) {
        fail("an envelope that a save returned has no kind or state that can be found", envelope);
    }
    std::string path = json_string(sandbox_folder() + "/model.json");
    Answer saved_to_file = call_and_check(
        Function::save,
        "{\"path\":" + path + ",\"kind\":" + parts->kind + ",\"state\":" + parts->state + "}");
    if (!saved_to_file.ok) {
        fail("a model that saves inline does not save to a file", saved_to_file.text);
    }
    Answer loaded_from_file = call_and_check(Function::load, "{\"path\":" + path + "}");
    if (!loaded_from_file.ok || loaded_from_file.model != envelope) {
        fail("a model saved to a file loads back different", envelope + "\n" + loaded_from_file.text);
    }
}

void check_envelope_parts_works() {
    const std::string text =
        "{\"seraplot_model_v\":1,\"x\":{\"y\":[]},\"state\":{\"a\":[1,{\"b\":null}]},"
        "\"kind\":\"k\",\"z\":[[]]}";
    std::optional<EnvelopeParts> parts = envelope_parts(text);
    if (!parts || parts->kind != "\"k\"" || parts->state != "{\"a\":[1,{\"b\":null}]}") {
        fail("envelope_parts finds the wrong member values in", text);
    }
    std::optional<EnvelopeParts> spaced = envelope_parts("{ \"state\" : [ 2 ] , \"kind\" : \"m\" }");
    if (!spaced || spaced->kind != "\"m\"" || spaced->state != "[ 2 ]") {
        fail("envelope_parts finds the wrong member values around whitespace");
    }
}

const std::string &sandbox_folder() {
    static const std::string folder = [] {
        std::string base = std::filesystem::is_directory("/dev/shm")
                               ? std::string("/dev/shm")
                               : std::filesystem::temp_directory_path().string();
        std::string pattern = base + "/seraplot-fuzz-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            fail("cannot create a sandbox folder", pattern);
        }
        static std::string created = pattern;
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(created, ignored);
        });
        return pattern;
    }();
    return folder;
}

}  // namespace seraplot::fuzz
