#include "json_string.hpp"

#include <cstdint>
#include <cstring>

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
constexpr char kHexDigits[] = "0123456789abcdef";

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

uint64_t load_word(const char *p) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

// Flags, with its high bit, each byte of word below 0x20 or equal to '"' or '\\': the bytes
// that need an escape. Bytes above the first flagged one may be flagged wrongly, because the
// subtractions borrow, but the first flag is always right.
uint64_t escape_bytes(uint64_t word) {
    uint64_t quote = word ^ (kOnes * '"');
    uint64_t backslash = word ^ (kOnes * '\\');
    uint64_t below_space = (word - kOnes * 0x20) & ~word;
    uint64_t zero_quote = (quote - kOnes) & ~quote;
    uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
    return (below_space | zero_quote | zero_backslash) & kHighBits;
}

// Returns the first byte in [p, end) that needs an escape, or end.
const char *find_escape(const char *p, const char *end) {
    while (end - p >= 8) {
        uint64_t flags = escape_bytes(load_word(p));
        if (flags != 0) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            // The lowest flag is on the byte at the lowest address.
            return p + (__builtin_ctzll(flags) >> 3);
#else
            break;
#endif
        }
        p += 8;
    }
    while (p != end && kEscapes.letter[static_cast<unsigned char>(*p)] == kNone) {
        ++p;
    }
    return p;
}

void append_escape(OutputBuffer &out, unsigned char byte) {
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

// Appends the minimal escape of byte, escaped once more: \\\" for '"', \\\\ for '\\', \\n
// for a newline, \\u001f for U+001F. Returns the bytes added by the second escaping.
size_t append_embedded_escape(OutputBuffer &out, unsigned char byte) {
    char letter = kEscapes.letter[byte];
    if (letter == '"' || letter == '\\') {
        char *slot = out.extend(4);
        slot[0] = '\\';
        slot[1] = '\\';
        slot[2] = '\\';
        slot[3] = letter;
        return 2;
    }
    if (letter != 'u') {
        char *slot = out.extend(3);
        slot[0] = '\\';
        slot[1] = '\\';
        slot[2] = letter;
        return 1;
    }
    char *slot = out.extend(7);
    slot[0] = '\\';
    slot[1] = '\\';
    slot[2] = 'u';
    slot[3] = '0';
    slot[4] = '0';
    slot[5] = kHexDigits[byte >> 4];
    slot[6] = kHexDigits[byte & 0xF];
    return 1;
}

}  // namespace

void append_json_string_body(OutputBuffer &out, std::string_view text) {
    const char *run_start = text.data();
    const char *end = text.data() + text.size();
    for (;;) {
        const char *p = find_escape(run_start, end);
        out.append(run_start, static_cast<size_t>(p - run_start));
        if (p == end) {
            return;
        }
        append_escape(out, static_cast<unsigned char>(*p));
        run_start = p + 1;
    }
}

void append_json_string(OutputBuffer &out, std::string_view text) {
    out.push('"');
    append_json_string_body(out, text);
    out.push('"');
}

size_t append_embedded_json_string_body(OutputBuffer &out, std::string_view text) {
    size_t added = 0;
    const char *run_start = text.data();
    const char *end = text.data() + text.size();
    for (;;) {
        const char *p = find_escape(run_start, end);
        out.append(run_start, static_cast<size_t>(p - run_start));
        if (p == end) {
            return added;
        }
        added += append_embedded_escape(out, static_cast<unsigned char>(*p));
        run_start = p + 1;
    }
}

size_t append_embedded_json_string(OutputBuffer &out, std::string_view text) {
    out.append("\\\"", 2);
    size_t added = append_embedded_json_string_body(out, text);
    out.append("\\\"", 2);
    return added + 2;
}

std::string strip_embedding(std::string_view embedded) {
    std::string inner;
    inner.reserve(embedded.size());
    for (size_t i = 0; i < embedded.size(); ++i) {
        if (embedded[i] == '\\' && i + 1 < embedded.size()) {
            ++i;
        }
        inner.push_back(embedded[i]);
    }
    return inner;
}

size_t strip_embedding_in_place(char *text, size_t length) {
    // In the embedded form every backslash starts a pair whose second byte is the plain one.
    char *end = text + length;
    char *read = text;
    char *write = text;
    for (;;) {
        char *backslash = static_cast<char *>(std::memchr(read, '\\', static_cast<size_t>(end - read)));
        char *run_end = backslash == nullptr ? end : backslash;
        size_t run = static_cast<size_t>(run_end - read);
        if (write != read) {
            std::memmove(write, read, run);
        }
        write += run;
        if (backslash == nullptr || backslash + 1 == end) {
            return static_cast<size_t>(write - text);
        }
        *write++ = backslash[1];
        read = backslash + 2;
    }
}

bool has_lone_surrogate(std::string_view text) {
    const char *end = text.data() + text.size();
    const char *p = text.data();
    while (p < end) {
        const void *found = std::memchr(p, 0xED, static_cast<size_t>(end - p));
        if (found == nullptr) {
            return false;
        }
        p = static_cast<const char *>(found) + 1;
        if (p < end && static_cast<unsigned char>(*p) >= 0xA0) {
            return true;
        }
    }
    return false;
}

std::string quote_json_string(std::string_view text) {
    OutputBuffer out;
    append_json_string(out, text);
    return std::string(out.view());
}

}  // namespace seraplot::detail
