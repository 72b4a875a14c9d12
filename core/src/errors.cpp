#include "errors.hpp"

#include <cerrno>
#include <cstring>

#include "json_string.hpp"

namespace seraplot::detail {

namespace {

std::string describe(TextPosition where) {
    return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column) +
           ", byte offset " + std::to_string(where.offset);
}

std::string capitalized(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
        text[0] = static_cast<char>(text[0] - 'a' + 'A');
    }
    return text;
}

std::string quoted(std::string_view text) { return quote_json_string(text); }

// Quotes a path for a message, shortened in the middle when it is very long, so that a
// mistaken multi-megabyte path does not make a multi-megabyte message. The cut falls on a
// UTF-8 character boundary.
std::string quoted_path(std::string_view path) {
    constexpr size_t kKept = 120;
    if (path.size() <= 2 * kKept + 16) {
        return quoted(path);
    }
    size_t head_end = kKept;
    while (head_end > 0 && (static_cast<unsigned char>(path[head_end]) & 0xC0) == 0x80) {
        --head_end;
    }
    size_t tail_start = path.size() - kKept;
    while (tail_start < path.size() && (static_cast<unsigned char>(path[tail_start]) & 0xC0) == 0x80) {
        ++tail_start;
    }
    std::string skipped = "...(" + std::to_string(tail_start - head_end) + " bytes)...";
    return quoted(std::string(path.substr(0, head_end)) + skipped + std::string(path.substr(tail_start)));
}

// strerror_r comes in two forms: glibc's with _GNU_SOURCE returns the text, and the POSIX
// one returns 0 and fills the buffer. strerror itself may not be called from several
// threads at once, which the Node addon's asynchronous functions do.
[[maybe_unused]] const char *strerror_text(int result, const char *buffer) {
    return result == 0 ? buffer : "unknown error";
}

[[maybe_unused]] const char *strerror_text(const char *result, const char *) { return result; }

std::string describe_errno(int error_number) {
    char buffer[256] = "";
    return strerror_text(strerror_r(error_number, buffer, sizeof buffer), buffer);
}

// function is "save" or "load"; messages do not use the JavaScript or Python names, which
// differ between bindings.
std::string in_payload_of(std::string_view function) {
    return "the " + std::string(function) + " payload";
}

}  // namespace

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::invalid_utf8: return "invalid_utf8";
    case ErrorCode::lone_surrogate: return "lone_surrogate";
    case ErrorCode::non_finite_number: return "non_finite_number";
    case ErrorCode::number_out_of_range: return "number_out_of_range";
    case ErrorCode::duplicate_key: return "duplicate_key";
    case ErrorCode::too_deep: return "too_deep";
    case ErrorCode::invalid_payload: return "invalid_payload";
    case ErrorCode::not_a_model: return "not_a_model";
    case ErrorCode::invalid_envelope: return "invalid_envelope";
    case ErrorCode::unsupported_version: return "unsupported_version";
    case ErrorCode::files_unavailable: return "files_unavailable";
    case ErrorCode::file_not_found: return "file_not_found";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::disk_full: return "disk_full";
    case ErrorCode::file_error: return "file_error";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::out_of_memory: return "out_of_memory";
    case ErrorCode::internal_error: return "internal_error";
    }
    return "internal_error";
}

TextPosition locate(std::string_view text, size_t offset) {
    if (offset > text.size()) {
        offset = text.size();
    }
    size_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }

    // Columns count characters, so UTF-8 continuation bytes do not start a new column.
    size_t column = 1;
    for (size_t i = line_start; i < offset; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column, offset};
}

TextSource payload_source() { return {"the payload"}; }

TextSource data_string_source() { return {"the \"data\" string"}; }

TextSource file_source(std::string_view path) { return {"file " + quoted_path(path)}; }

ModelError invalid_json(const TextSource &source, TextPosition where, std::string_view problem) {
    return {ErrorCode::invalid_json, capitalized(source.name) + " is not valid JSON at " +
                                         describe(where) + ": " + std::string(problem) + "."};
}

ModelError invalid_utf8(const TextSource &source, TextPosition where) {
    return {ErrorCode::invalid_utf8,
            capitalized(source.name) + " is not valid UTF-8: the bytes at " + describe(where) +
                " do not form a UTF-8 character. Save the text as UTF-8."};
}

ModelError lone_surrogate(const TextSource &source, TextPosition where, std::string_view path) {
    return {ErrorCode::lone_surrogate,
            capitalized(source.name) + " contains a \\u escape of a lone UTF-16 surrogate in " +
                (path.empty() ? std::string("a string") : "the string at " + std::string(path)) +
                ", at " + describe(where) + ". UTF-8 cannot represent it. Escape both halves "
                "of a surrogate pair, or write the character itself."};
}

ModelError non_finite_number(const TextSource &source, TextPosition where,
                             std::string_view literal) {
    return {ErrorCode::non_finite_number,
            capitalized(source.name) + " contains " + std::string(literal) + " at " +
                describe(where) + ", which JSON does not allow. Encode the value as null or as "
                "a string. Python's json.dumps writes NaN and Infinity unless it is called with "
                "allow_nan=False."};
}

ModelError number_out_of_range(const TextSource &source, TextPosition where,
                               std::string_view number) {
    return {ErrorCode::number_out_of_range,
            capitalized(source.name) + " contains the number " + std::string(number) + " at " +
                describe(where) + ", which is beyond the range of a double (about 1.8e308) and "
                "reads as Infinity in JavaScript and Python. Store it as a string."};
}

ModelError duplicate_key(const TextSource &source, TextPosition where, std::string_view key,
                         std::string_view path) {
    return {ErrorCode::duplicate_key,
            capitalized(source.name) + " repeats the key " + quoted(key) + " in the object at " +
                std::string(path) + ", at " + describe(where) + ". JSON readers disagree about "
                "which copy wins, so each key may appear only once per object. Remove one of "
                "them."};
}

ModelError too_deep(const TextSource &source, TextPosition where, std::string_view path,
                    size_t max_depth) {
    return {ErrorCode::too_deep,
            capitalized(source.name) + " nests arrays and objects deeper than " +
                std::to_string(max_depth) + " levels, at " + std::string(path) + ", " +
                describe(where) + ". Store deep structures flatter, for example as arrays of "
                "nodes that refer to each other by index."};
}

ModelError payload_not_object(std::string_view function, std::string_view found_type,
                              std::string_view example) {
    return {ErrorCode::invalid_payload,
            capitalized(in_payload_of(function)) + " must be a JSON object such as " +
                std::string(example) + ", but it is " + std::string(found_type) + "."};
}

ModelError unknown_payload_member(std::string_view function, std::string_view name,
                                  std::string_view accepted) {
    return {ErrorCode::invalid_payload,
            capitalized(in_payload_of(function)) + " has an unknown member " + quoted(name) +
                ". The accepted members are " + std::string(accepted) + "."};
}

ModelError payload_member_type(std::string_view function, std::string_view name,
                               std::string_view expected, std::string_view found_type) {
    return {ErrorCode::invalid_payload,
            "The member " + quoted(name) + " in " + in_payload_of(function) + " must be " +
                std::string(expected) + ", but it is " + std::string(found_type) + "."};
}

ModelError missing_payload_member(std::string_view function, std::string_view name,
                                  std::string_view hint) {
    return {ErrorCode::invalid_payload, capitalized(in_payload_of(function)) +
                                            " has no member " + quoted(name) + ". " +
                                            std::string(hint)};
}

ModelError repeated_payload_member(std::string_view function, std::string_view name) {
    return {ErrorCode::duplicate_key,
            capitalized(in_payload_of(function)) + " repeats the key " + quoted(name) +
                " at the top level. JSON readers disagree about which copy wins, so each key "
                "may appear only once per object. Remove one of them."};
}

ModelError conflicting_load_members() {
    return {ErrorCode::invalid_payload,
            "The load payload has both \"path\" and \"data\". Give exactly one: "
            "\"path\" to read a file, or \"data\" with the envelope inline."};
}

ModelError files_unavailable() {
    return {ErrorCode::files_unavailable,
            "Files are not available in the WebAssembly build, so \"path\" cannot be used "
            "there. Omit \"path\" to save the envelope inline as \"data\", and load it with "
            "{\"data\": ...}."};
}

ModelError not_a_model(const TextSource &source, std::string_view detail) {
    return {ErrorCode::not_a_model,
            capitalized(source.name) + " is not a seraplot model: " + std::string(detail) +
                ". A model is a JSON object with \"seraplot_model_v\":1, \"kind\" and "
                "\"state\"."};
}

ModelError unsupported_version(const TextSource &source, std::string_view version) {
    return {ErrorCode::unsupported_version,
            "unsupported seraplot_model_v " + std::string(version) +
                ": this build reads version 1. " + capitalized(source.name) +
                " was written by another version of seraplot; load it with a version that "
                "reads it."};
}

ModelError invalid_envelope(const TextSource &source, std::string_view detail) {
    return {ErrorCode::invalid_envelope,
            capitalized(source.name) + " is not a valid seraplot model: " + std::string(detail) +
                "."};
}

ModelError file_failure(std::string_view action, std::string_view path, int error_number) {
    ErrorCode code = ErrorCode::file_error;
    std::string advice;
    switch (error_number) {
    case ENOENT:
    case ENOTDIR:
        code = ErrorCode::file_not_found;
        advice = action == "load" ? " Check the path."
                                  : " Check the path; the folder must already exist.";
        break;
    case EACCES:
    case EPERM:
        code = ErrorCode::permission_denied;
        advice = " Check the permissions of the file and of its folder.";
        break;
    case EROFS:
        code = ErrorCode::permission_denied;
        advice = " The file system is mounted read-only.";
        break;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
        code = ErrorCode::disk_full;
        advice = " The disk is full; free some space and try again.";
        break;
    case EISDIR:
        advice = " The path names a directory; give the path of a file.";
        break;
    default:
        break;
    }
    return {code, "Cannot " + std::string(action) + " " + quoted_path(path) + ": " +
                      describe_errno(error_number) + "." + advice};
}

ModelError empty_file(std::string_view path) {
    return {ErrorCode::invalid_json,
            "File " + quoted_path(path) + " is empty, so it holds no model. It may have been "
            "truncated by an interrupted copy."};
}

ModelError not_a_regular_file(std::string_view action, std::string_view path) {
    return {ErrorCode::file_error, "Cannot " + std::string(action) + " " + quoted_path(path) +
                                       ": it is not a regular file. Give the path of a file."};
}

ModelError too_large(std::string_view what, size_t size, size_t limit) {
    return {ErrorCode::too_large, capitalized(std::string(what)) + " is " +
                                      std::to_string(size) + " bytes, more than the limit of " +
                                      std::to_string(limit) + " bytes."};
}

ModelError out_of_memory(std::string_view function) {
    return {ErrorCode::out_of_memory,
            "seraplot ran out of memory during the " + std::string(function) +
                ". The model may be too large for the memory available to this process or "
                "WebAssembly instance."};
}

ModelError internal_error(std::string_view function, std::string_view detail) {
    return {ErrorCode::internal_error,
            "The " + std::string(function) + " failed unexpectedly: " + std::string(detail) +
                ". This is a bug in seraplot; please report it with the payload."};
}

std::string error_answer(const ModelError &error) {
    OutputBuffer out;
    out.append("{\"ok\":false,\"error\":");
    append_json_string(out, error.message());
    out.append(",\"code\":\"");
    out.append(error_code_name(error.code()));
    out.append("\"}");
    return std::string(out.view());
}

}  // namespace seraplot::detail
