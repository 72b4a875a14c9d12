#include "parse_text.hpp"

#include <cstdio>
#include <string>

namespace seraplot::detail {

namespace {

bool starts_with(std::string_view text, size_t offset, std::string_view prefix) {
    return text.substr(offset, prefix.size()) == prefix;
}

// Names the character at offset for messages: 'x' for printable ASCII, otherwise its code
// point, or the byte value where the bytes are not UTF-8.
std::string describe_character(std::string_view text, size_t offset) {
    unsigned char byte = static_cast<unsigned char>(text[offset]);
    char buffer[32];
    if (byte >= 0x20 && byte < 0x7F) {
        std::snprintf(buffer, sizeof buffer, "'%c'", static_cast<char>(byte));
    } else if (byte < 0x80) {
        std::snprintf(buffer, sizeof buffer, "the control character U+%04X", byte);
    } else {
        std::snprintf(buffer, sizeof buffer, "the byte 0x%02X", byte);
    }
    return buffer;
}

// The literal that Python's json.dumps and others write for NaN and the infinities, if
// one starts at offset; RapidJSON reports "-Infinity" one byte after the minus sign.
std::optional<std::pair<std::string_view, size_t>> non_finite_literal(std::string_view text,
                                                                      size_t offset) {
    if (starts_with(text, offset, "NaN")) {
        return std::make_pair(std::string_view("NaN"), offset);
    }
    if (starts_with(text, offset, "Infinity")) {
        if (offset > 0 && text[offset - 1] == '-') {
            return std::make_pair(std::string_view("-Infinity"), offset - 1);
        }
        return std::make_pair(std::string_view("Infinity"), offset);
    }
    if (starts_with(text, offset, "-Infinity")) {
        return std::make_pair(std::string_view("-Infinity"), offset);
    }
    return std::nullopt;
}

std::string number_text_at(std::string_view text, size_t offset) {
    constexpr size_t kMaxShown = 40;
    size_t end = offset;
    while (end < text.size() && std::string_view("0123456789+-.eE").find(text[end]) !=
                                    std::string_view::npos) {
        ++end;
    }
    if (end - offset > kMaxShown) {
        return std::string(text.substr(offset, kMaxShown)) + "...";
    }
    return std::string(text.substr(offset, end - offset));
}

// What the parser expected, for the syntax errors that only say so.
const char *expectation(rapidjson::ParseErrorCode code) {
    switch (code) {
    case rapidjson::kParseErrorDocumentEmpty: return "expected a JSON value";
    case rapidjson::kParseErrorDocumentRootNotSingular: return "expected nothing more";
    case rapidjson::kParseErrorValueInvalid:
        return "expected a JSON value (an object, array, string, number, true, false or null)";
    case rapidjson::kParseErrorObjectMissName: return "expected a member name in double quotes";
    case rapidjson::kParseErrorObjectMissColon: return "expected ':' after the member name";
    case rapidjson::kParseErrorObjectMissCommaOrCurlyBracket:
        return "expected ',' or '}' after the object member";
    case rapidjson::kParseErrorArrayMissCommaOrSquareBracket:
        return "expected ',' or ']' after the array element";
    case rapidjson::kParseErrorStringUnicodeEscapeInvalidHex:
        return "expected four hexadecimal digits after \\u";
    case rapidjson::kParseErrorStringEscapeInvalid:
        return "the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX";
    case rapidjson::kParseErrorStringMissQuotationMark:
        return "expected a double quote to close the string";
    case rapidjson::kParseErrorNumberMissFraction:
        return "expected a digit after the decimal point";
    case rapidjson::kParseErrorNumberMissExponent: return "expected a digit in the exponent";
    default: return "invalid syntax";
    }
}

}  // namespace

ModelError describe_parse_error(std::string_view text, const TextSource &source,
                                const rapidjson::ParseResult &result) {
    rapidjson::ParseErrorCode code = result.Code();
    size_t offset = result.Offset() < text.size() ? result.Offset() : text.size();

    if (offset == 0 && starts_with(text, 0, "\xEF\xBB\xBF")) {
        return invalid_json(source, locate(text, 0),
                            "the text starts with a UTF-8 byte order mark, which JSON does not "
                            "allow; remove it");
    }
    if (offset == 0 && (starts_with(text, 0, "\xFF\xFE") || starts_with(text, 0, "\xFE\xFF"))) {
        return invalid_json(source, locate(text, 0),
                            "the text starts with a UTF-16 byte order mark; convert it to UTF-8");
    }

    switch (code) {
    case rapidjson::kParseErrorStringInvalidEncoding:
        return invalid_utf8(source, locate(text, offset));
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
        return lone_surrogate(source, locate(text, offset), "");
    case rapidjson::kParseErrorNumberTooBig:
        return number_out_of_range(source, locate(text, offset), number_text_at(text, offset));
    case rapidjson::kParseErrorValueInvalid:
        if (auto literal = non_finite_literal(text, offset)) {
            return non_finite_number(source, locate(text, literal->second), literal->first);
        }
        break;
    default:
        break;
    }

    if (code == rapidjson::kParseErrorDocumentEmpty && offset >= text.size()) {
        return invalid_json(source, locate(text, offset),
                            "expected a JSON value, but the text is empty");
    }
    if (offset >= text.size()) {
        return invalid_json(source, locate(text, offset),
                            std::string(expectation(code)) +
                                ", but the text ends there; it may be truncated");
    }

    unsigned char byte = static_cast<unsigned char>(text[offset]);
    bool in_string = code == rapidjson::kParseErrorStringEscapeInvalid ||
                     code == rapidjson::kParseErrorStringMissQuotationMark;
    if (in_string && byte < 0x20) {
        return invalid_json(source, locate(text, offset),
                            describe_character(text, offset) +
                                " appears unescaped in a string; write it as a \\u escape");
    }
    if (code == rapidjson::kParseErrorStringUnicodeEscapeInvalidHex) {
        return invalid_json(source, locate(text, offset),
                            "a \\u escape needs four hexadecimal digits");
    }
    if (code == rapidjson::kParseErrorStringEscapeInvalid && byte == '\\' &&
        offset + 1 < text.size()) {
        return invalid_json(source, locate(text, offset),
                            "a backslash followed by " + describe_character(text, offset + 1) +
                                " is not an escape; " + expectation(code));
    }
    return invalid_json(source, locate(text, offset),
                        std::string(expectation(code)) + ", but found " +
                            describe_character(text, offset));
}

bool nothing_follows(std::string_view text, size_t offset) {
    for (; offset < text.size(); ++offset) {
        char c = text[offset];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
    }
    return true;
}

void check_nothing_follows(std::string_view text, size_t offset, const TextSource &source) {
    while (offset < text.size()) {
        char c = text[offset];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            throw invalid_json(source, locate(text, offset),
                               "expected the end of the text after the JSON value, but found " +
                                   describe_character(text, offset));
        }
        ++offset;
    }
}

}  // namespace seraplot::detail
