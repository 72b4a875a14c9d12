// The failures this library reports: one stable code per kind, and the wording of every
// message. All English text that reaches a user is written in errors.cpp.
#ifndef SERAPLOT_ERRORS_HPP
#define SERAPLOT_ERRORS_HPP

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>

namespace seraplot::detail {

enum class ErrorCode {
    invalid_json,
    invalid_utf8,
    lone_surrogate,
    non_finite_number,
    number_out_of_range,
    duplicate_key,
    too_deep,
    invalid_payload,
    not_a_model,
    invalid_envelope,
    unsupported_version,
    files_unavailable,
    file_not_found,
    permission_denied,
    disk_full,
    file_error,
    too_large,
    out_of_memory,
    internal_error,
};

// The word that answers carry in "code", such as "duplicate_key".
std::string_view error_code_name(ErrorCode code);

// A failure on its way to the API boundary, where it becomes an error answer.
class ModelError : public std::exception {
public:
    ModelError(ErrorCode code, std::string message)
        : code_(code), message_(std::move(message)) {}

    ErrorCode code() const { return code_; }
    const std::string &message() const { return message_; }
    const char *what() const noexcept override { return message_.c_str(); }

private:
    ErrorCode code_;
    std::string message_;
};

// A place in a JSON text. Lines and columns count from 1, columns in characters; the byte
// offset counts from 0.
struct TextPosition {
    size_t line;
    size_t column;
    size_t offset;
};

TextPosition locate(std::string_view text, size_t offset);

// The text that a message is about, for example `the payload` or `file "/srv/model.json"`.
// Messages start with it, so it is written as the subject of a sentence.
struct TextSource {
    std::string name;
};

TextSource payload_source();
TextSource data_string_source();
TextSource file_source(std::string_view path);

// Malformed JSON.
ModelError invalid_json(const TextSource &source, TextPosition where, std::string_view problem);
ModelError invalid_utf8(const TextSource &source, TextPosition where);
ModelError lone_surrogate(const TextSource &source, TextPosition where, std::string_view path);
ModelError non_finite_number(const TextSource &source, TextPosition where,
                             std::string_view literal);
ModelError number_out_of_range(const TextSource &source, TextPosition where,
                               std::string_view number);

// Well-formed JSON that this library does not accept.
ModelError duplicate_key(const TextSource &source, TextPosition where, std::string_view key,
                         std::string_view path);
ModelError too_deep(const TextSource &source, TextPosition where, std::string_view path,
                    size_t max_depth);

// Payloads of mlSaveModel and mlLoadModel. function is "save" or "load".
ModelError payload_not_object(std::string_view function, std::string_view found_type,
                              std::string_view example);
ModelError unknown_payload_member(std::string_view function, std::string_view name,
                                  std::string_view accepted);
ModelError payload_member_type(std::string_view function, std::string_view name,
                               std::string_view expected, std::string_view found_type);
ModelError missing_payload_member(std::string_view function, std::string_view name,
                                  std::string_view hint);
ModelError repeated_payload_member(std::string_view function, std::string_view name);
ModelError conflicting_load_members();
ModelError files_unavailable();

// Envelopes.
ModelError not_a_model(const TextSource &source, std::string_view detail);
ModelError unsupported_version(const TextSource &source, std::string_view version);
ModelError invalid_envelope(const TextSource &source, std::string_view detail);

// Files. error_number is the errno value of the failed call.
ModelError file_failure(std::string_view action, std::string_view path, int error_number);
ModelError empty_file(std::string_view path);
ModelError not_a_regular_file(std::string_view action, std::string_view path);

// Limits and the unexpected. function is "save" or "load".
ModelError too_large(std::string_view what, size_t size, size_t limit);
ModelError out_of_memory(std::string_view function);
ModelError internal_error(std::string_view function, std::string_view detail);

// Returns {"ok":false,"error":"<message>","code":"<code>"}.
std::string error_answer(const ModelError &error);

}  // namespace seraplot::detail

#endif  // SERAPLOT_ERRORS_HPP
