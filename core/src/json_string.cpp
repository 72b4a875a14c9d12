#include "json_string.hpp"

namespace seraplot::detail {

namespace {

// For each byte, 0 when it is copied as it is, otherwise the letter of its short escape, or
// 'u' for a \u00XX escape.
constexpr char kNone = 0;

struct EscapeTable {
    char letter[256];

    constexpr EscapeTable() : letter() {
        for (int c = 0; c < 0x20; ++c) {
            letter[c] = 'u';
        }
        letter[static_cast<unsigned char>('\b')] = 'b';
        letter[static_cast<unsigned char>('\f')] = 'f';
        letter[static_cast<unsigned char>('\n')] = 'n';
        letter[static_cast<unsigned char>('\r')] = 'r';
        letter[static_cast<unsigned char>('\t')] = 't';
        letter[static_cast<unsigned char>('"')] = '"';
        letter[static_cast<unsigned char>('\\')] = '\\';
    }
};

constexpr EscapeTable kEscapes;

void append_escape(OutputBuffer &out, unsigned char byte) {
    static const char kHexDigits[] = "0123456789abcdef";
    char letter = kEscapes.letter[byte];
    if (letter != 'u') {
        char *slot = out.extend(2);
        slot[0] = '\\';
        slot[1] = letter;
        return;
    }
    char *slot = out.extend(6);
    slot[0] = '\\';
    slot[1] = 'u';
    slot[2] = '0';
    slot[3] = '0';
    slot[4] = kHexDigits[byte >> 4];
    slot[5] = kHexDigits[byte & 0xF];
}

}  // namespace

void append_json_string_body(OutputBuffer &out, std::string_view text) {
    const char *run_start = text.data();
    const char *end = text.data() + text.size();
    for (const char *p = run_start; p != end; ++p) {
        unsigned char byte = static_cast<unsigned char>(*p);
        if (kEscapes.letter[byte] == kNone) {
            continue;
        }
        out.append(run_start, static_cast<size_t>(p - run_start));
        append_escape(out, byte);
        run_start = p + 1;
    }
    out.append(run_start, static_cast<size_t>(end - run_start));
}

void append_json_string(OutputBuffer &out, std::string_view text) {
    out.push('"');
    append_json_string_body(out, text);
    out.push('"');
}

std::string quote_json_string(std::string_view text) {
    OutputBuffer out;
    append_json_string(out, text);
    return std::string(out.view());
}

}  // namespace seraplot::detail
