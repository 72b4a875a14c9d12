// The fast mode's reader (see parse_text.hpp): a JSON scanner that sends a handler the same
// events as RapidJSON's reader in the exact mode, for the texts that it accepts.
//
// It accepts only texts that the exact mode accepts too, and it may reject more. Where the
// exact mode would need a judgment that this scanner does not make (a number near the range
// of a double, an escape of a lone surrogate), it rejects the text, and the exact mode reads
// it again. It keeps numbers as their text and never converts them, passes a string without
// escapes as a view of the input, and checks UTF-8 as it scans strings.
#ifndef SERAPLOT_JSON_SCANNER_HPP
#define SERAPLOT_JSON_SCANNER_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "rapidjson_config.hpp"

namespace seraplot::detail {

namespace scanner_detail {

// A number may have at most this many digits before the decimal point and at most this
// exponent. Both are well inside what RapidJSON 1.1.0 accepts (reader.h, ParseNumber). It
// reports kParseErrorNumberTooBig for an integer part past about 1.8e307, and for an
// exponent above 308 plus the number of fraction digits.
constexpr size_t kMaxIntegerDigits = 300;
constexpr unsigned kMaxPositiveExponent = 300;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool is_whitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

inline uint64_t load_word(const char *p) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

// Flags the bytes of word that need more than a copy inside a string: '"', '\\', a control
// character below 0x20, or a byte of a multi-byte UTF-8 character (0x80 and up). Each such
// byte gets its high bit set in the result. Bytes above the first flagged one may be flagged
// wrongly, because the subtractions borrow, but the first flag is always right.
inline uint64_t special_bytes(uint64_t word) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    uint64_t quote = word ^ (kOnes * '"');
    uint64_t backslash = word ^ (kOnes * '\\');
    uint64_t below_space = (word - kOnes * 0x20) & ~word;
    uint64_t zero_quote = (quote - kOnes) & ~quote;
    uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
    return (below_space | zero_quote | zero_backslash | word) & kHigh;
}

inline bool is_special_byte(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte == '"' || byte == '\\' || byte < 0x20 || byte >= 0x80;
}

// Returns the first byte in [p, end) that special_bytes flags, or end.
inline const char *find_special_byte(const char *p, const char *end) {
    while (end - p >= 8) {
        uint64_t flags = special_bytes(load_word(p));
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
    while (p != end && !is_special_byte(*p)) {
        ++p;
    }
    return p;
}

// Returns the end of the well-formed UTF-8 character (RFC 3629) that starts with the byte
// 0x80 or above at p, or nullptr.
inline const char *skip_utf8_character(const char *p, const char *end) {
    const unsigned char *bytes = reinterpret_cast<const unsigned char *>(p);
    unsigned char lead = bytes[0];
    size_t length;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) {
            second_min = 0xA0;
        } else if (lead == 0xED) {
            second_max = 0x9F;
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) {
            second_min = 0x90;
        } else if (lead == 0xF4) {
            second_max = 0x8F;
        }
    } else {
        return nullptr;
    }
    if (static_cast<size_t>(end - p) < length || bytes[1] < second_min || bytes[1] > second_max) {
        return nullptr;
    }
    for (size_t i = 2; i < length; ++i) {
        if ((bytes[i] & 0xC0) != 0x80) {
            return nullptr;
        }
    }
    return p + length;
}

// Returns the quote that closes a string whose body starts at start, searching from p, or
// nullptr. A quote closes the string when an even number of backslashes precedes it.
inline const char *find_closing_quote(const char *start, const char *p, const char *end) {
    for (;;) {
        const void *found = std::memchr(p, '"', static_cast<size_t>(end - p));
        if (found == nullptr) {
            return nullptr;
        }
        const char *quote = static_cast<const char *>(found);
        size_t backslashes = 0;
        for (const char *q = quote; q != start && q[-1] == '\\'; --q) {
            ++backslashes;
        }
        if (backslashes % 2 == 0) {
            return quote;
        }
        p = quote + 1;
    }
}

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Reads the four hexadecimal digits at p. Returns -1 when there are not four.
inline long read_hex4(const char *p, const char *end) {
    if (end - p < 4) {
        return -1;
    }
    long value = 0;
    for (int i = 0; i < 4; ++i) {
        int digit = hex_value(p[i]);
        if (digit < 0) {
            return -1;
        }
        value = value * 16 + digit;
    }
    return value;
}

// Receivers of a string's decoded bytes: append(bytes, count) and push(byte).
struct StringSink {
    std::string &text;
    void append(const char *bytes, size_t count) { text.append(bytes, count); }
    void push(char byte) { text.push_back(byte); }
};

// Writes to memory that the caller has made large enough: the raw body's length suffices,
// because no escape decodes to more bytes than it has.
struct PointerSink {
    char *next;
    void append(const char *bytes, size_t count) {
        std::memcpy(next, bytes, count);
        next += count;
    }
    void push(char byte) { *next++ = byte; }
};

// Drops the bytes, for checking a string without decoding it.
struct NoSink {
    void append(const char *, size_t) {}
    void push(char) {}
};

template <typename Sink>
void append_utf8(Sink &sink, unsigned long code_point) {
    if (code_point < 0x80) {
        sink.push(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        sink.push(static_cast<char>(0xC0 | (code_point >> 6)));
        sink.push(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        sink.push(static_cast<char>(0xE0 | (code_point >> 12)));
        sink.push(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        sink.push(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        sink.push(static_cast<char>(0xF0 | (code_point >> 18)));
        sink.push(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        sink.push(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        sink.push(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

// Scans a string body from p, somewhere after its opening quote, to its closing quote, and
// passes the decoded bytes to sink. Returns the position after the closing quote, or nullptr
// for a body that the exact mode rejects or that escapes a lone surrogate.
template <typename Sink>
const char *scan_string_body(const char *p, const char *end, Sink &sink) {
    const char *run = p;
    for (;;) {
        p = find_special_byte(p, end);
        if (p == end) {
            return nullptr;
        }
        unsigned char byte = static_cast<unsigned char>(*p);
        if (byte >= 0x80) {
            p = skip_utf8_character(p, end);
            if (p == nullptr) {
                return nullptr;
            }
            continue;
        }

        sink.append(run, static_cast<size_t>(p - run));
        if (byte < 0x20) {
            return nullptr;
        }
        if (byte == '"') {
            return p + 1;
        }

        // An escape: p is at the backslash.
        if (end - p < 2) {
            return nullptr;
        }
        char letter = p[1];
        p += 2;
        switch (letter) {
        case '"': sink.push('"'); break;
        case '\\': sink.push('\\'); break;
        case '/': sink.push('/'); break;
        case 'b': sink.push('\b'); break;
        case 'f': sink.push('\f'); break;
        case 'n': sink.push('\n'); break;
        case 'r': sink.push('\r'); break;
        case 't': sink.push('\t'); break;
        case 'u': {
            long code_point = read_hex4(p, end);
            if (code_point < 0) {
                return nullptr;
            }
            p += 4;
            if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
                return nullptr;  // a lone low surrogate; the exact mode reports it
            }
            if (code_point >= 0xD800 && code_point <= 0xDBFF) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u') {
                    return nullptr;
                }
                long low = read_hex4(p + 2, end);
                if (low < 0xDC00 || low > 0xDFFF) {
                    return nullptr;
                }
                p += 6;
                code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
            }
            append_utf8(sink, static_cast<unsigned long>(code_point));
            break;
        }
        default: return nullptr;
        }
        run = p;
    }
}

// Handlers that take some strings undecoded have wants_raw_string() and RawString().
template <typename Handler, typename = void>
struct takes_raw_strings : std::false_type {};

template <typename Handler>
struct takes_raw_strings<Handler, std::void_t<decltype(&Handler::RawString)>> : std::true_type {};

}  // namespace scanner_detail

// Decodes the body of a JSON string that JsonScanner has accepted (as passed to RawString):
// length bytes at body, followed by the closing quote. Writes at most length bytes to
// destination and returns how many.
inline size_t decode_json_string_body(const char *body, size_t length, char *destination) {
    scanner_detail::PointerSink sink{destination};
    scanner_detail::scan_string_body(body, body + length + 1, sink);
    return static_cast<size_t>(sink.next - destination);
}

// Scans one JSON text into a RapidJSON-style handler: Null, Bool, RawNumber, String, Key,
// StartObject, EndObject, StartArray and EndArray, each returning false to stop. Numbers go
// to RawNumber as their text. A handler with wants_raw_string() and RawString(body, length)
// gets a string value undecoded, but checked, whenever wants_raw_string() returns true. run() returns true when the whole text is one JSON value with
// only whitespace around it and the handler accepted every event.
template <typename Handler>
class JsonScanner {
public:
    JsonScanner(std::string_view text, Handler &handler)
        : p_(text.data()), end_(text.data() + text.size()), handler_(handler) {}

    bool run();

private:
    struct Container {
        bool is_object;
        size_t count;
    };

    void skip_whitespace() {
        while (p_ != end_ && scanner_detail::is_whitespace(*p_)) {
            ++p_;
        }
    }

    bool at(char c) const { return p_ != end_ && *p_ == c; }

    bool read_value();
    bool read_literal(std::string_view literal);
    bool read_number();
    bool read_string(bool is_key);
    bool read_escaped_string_rest(const char *start, bool is_key);
    bool read_raw_string();

    const char *p_;
    const char *end_;
    Handler &handler_;
    std::vector<Container> open_;
    std::string decoded_;  // the decoded text of a string with escapes
};

template <typename Handler>
bool JsonScanner<Handler>::run() {
    skip_whitespace();
    if (!read_value()) {
        return false;
    }

    // After each complete value: close containers, or move to the next member or element.
    while (!open_.empty()) {
        skip_whitespace();
        Container &container = open_.back();
        if (at(',')) {
            ++p_;
            skip_whitespace();
            if (container.is_object && !read_string(true)) {
                return false;
            }
            if (container.is_object) {
                skip_whitespace();
                if (!at(':')) {
                    return false;
                }
                ++p_;
                skip_whitespace();
            }
            ++container.count;
            if (!read_value()) {
                return false;
            }
            continue;
        }

        char close = container.is_object ? '}' : ']';
        if (!at(close)) {
            return false;
        }
        ++p_;
        auto count = static_cast<rapidjson::SizeType>(container.count);
        bool is_object = container.is_object;
        open_.pop_back();
        if (!(is_object ? handler_.EndObject(count) : handler_.EndArray(count))) {
            return false;
        }
    }

    skip_whitespace();
    return p_ == end_;
}

// Reads one value. A container is opened and its first member or element read; run()
// reads the rest.
template <typename Handler>
bool JsonScanner<Handler>::read_value() {
    for (;;) {
        if (p_ == end_) {
            return false;
        }
        switch (*p_) {
        case '"':
            if constexpr (scanner_detail::takes_raw_strings<Handler>::value) {
                if (handler_.wants_raw_string()) {
                    return read_raw_string();
                }
            }
            return read_string(false);
        case 't': return read_literal("true") && handler_.Bool(true);
        case 'f': return read_literal("false") && handler_.Bool(false);
        case 'n': return read_literal("null") && handler_.Null();
        case '{':
            ++p_;
            if (!handler_.StartObject()) {
                return false;
            }
            skip_whitespace();
            if (at('}')) {
                ++p_;
                return handler_.EndObject(0);
            }
            open_.push_back(Container{true, 1});
            if (!read_string(true)) {
                return false;
            }
            skip_whitespace();
            if (!at(':')) {
                return false;
            }
            ++p_;
            skip_whitespace();
            continue;  // the first member's value
        case '[':
            ++p_;
            if (!handler_.StartArray()) {
                return false;
            }
            skip_whitespace();
            if (at(']')) {
                ++p_;
                return handler_.EndArray(0);
            }
            open_.push_back(Container{false, 1});
            continue;  // the first element
        default: return read_number();
        }
    }
}

template <typename Handler>
bool JsonScanner<Handler>::read_literal(std::string_view literal) {
    if (static_cast<size_t>(end_ - p_) < literal.size() ||
        std::memcmp(p_, literal.data(), literal.size()) != 0) {
        return false;
    }
    p_ += literal.size();
    return true;
}

// Checks the number grammar of RFC 8259 and passes the text on unchanged.
template <typename Handler>
bool JsonScanner<Handler>::read_number() {
    using scanner_detail::is_digit;
    const char *start = p_;
    if (at('-')) {
        ++p_;
    }

    const char *integer_start = p_;
    if (at('0')) {
        ++p_;
    } else if (p_ != end_ && *p_ >= '1' && *p_ <= '9') {
        while (p_ != end_ && is_digit(*p_)) {
            ++p_;
        }
    } else {
        return false;
    }
    if (static_cast<size_t>(p_ - integer_start) > scanner_detail::kMaxIntegerDigits) {
        return false;
    }

    if (at('.')) {
        ++p_;
        if (p_ == end_ || !is_digit(*p_)) {
            return false;
        }
        while (p_ != end_ && is_digit(*p_)) {
            ++p_;
        }
    }

    if (at('e') || at('E')) {
        ++p_;
        bool negative = false;
        if (at('+') || at('-')) {
            negative = *p_ == '-';
            ++p_;
        }
        if (p_ == end_ || !is_digit(*p_)) {
            return false;
        }
        unsigned exponent = 0;
        while (p_ != end_ && is_digit(*p_)) {
            if (exponent <= scanner_detail::kMaxPositiveExponent) {
                exponent = exponent * 10 + static_cast<unsigned>(*p_ - '0');
            }
            ++p_;
        }
        if (!negative && exponent > scanner_detail::kMaxPositiveExponent) {
            return false;
        }
    }

    return handler_.RawNumber(start, static_cast<rapidjson::SizeType>(p_ - start), true);
}

// Reads a string at p_ and passes it to String or Key. A string without escapes is passed
// as the bytes between its quotes.
template <typename Handler>
bool JsonScanner<Handler>::read_string(bool is_key) {
    if (!at('"')) {
        return false;
    }
    const char *start = ++p_;
    for (;;) {
        p_ = scanner_detail::find_special_byte(p_, end_);
        if (p_ == end_) {
            return false;
        }
        unsigned char byte = static_cast<unsigned char>(*p_);
        if (byte == '"') {
            break;
        }
        if (byte == '\\') {
            return read_escaped_string_rest(start, is_key);
        }
        if (byte < 0x20) {
            return false;
        }
        p_ = scanner_detail::skip_utf8_character(p_, end_);
        if (p_ == nullptr) {
            return false;
        }
    }

    size_t length = static_cast<size_t>(p_ - start);
    ++p_;
    // RapidJSON passes lengths as 32-bit SizeType; the exact mode decides about longer ones.
    if (length > UINT32_MAX - 1) {
        return false;
    }
    auto size = static_cast<rapidjson::SizeType>(length);
    return is_key ? handler_.Key(start, size, true) : handler_.String(start, size, true);
}

// Checks a string value at p_ without decoding it and passes its body to RawString.
template <typename Handler>
bool JsonScanner<Handler>::read_raw_string() {
    const char *body = p_ + 1;
    scanner_detail::NoSink sink;
    const char *after = scanner_detail::scan_string_body(body, end_, sink);
    if (after == nullptr) {
        return false;
    }
    p_ = after;
    return handler_.RawString(body, static_cast<size_t>(after - 1 - body));
}

// Decodes the rest of a string whose body starts at start and whose first escape is at p_.
template <typename Handler>
bool JsonScanner<Handler>::read_escaped_string_rest(const char *start, bool is_key) {
    // The decoded text is at most as long as the escaped one, so reserving that much up front
    // spares a long string the copies of a growing buffer.
    const char *closing_quote = scanner_detail::find_closing_quote(start, p_, end_);
    if (closing_quote == nullptr) {
        return false;
    }
    decoded_.clear();
    decoded_.reserve(static_cast<size_t>(closing_quote - start));
    decoded_.assign(start, static_cast<size_t>(p_ - start));
    scanner_detail::StringSink sink{decoded_};
    p_ = scanner_detail::scan_string_body(p_, end_, sink);
    if (p_ == nullptr) {
        return false;
    }

    if (decoded_.size() > UINT32_MAX - 1) {
        return false;
    }
    auto size = static_cast<rapidjson::SizeType>(decoded_.size());
    return is_key ? handler_.Key(decoded_.data(), size, true)
                  : handler_.String(decoded_.data(), size, true);
}

}  // namespace seraplot::detail

#endif  // SERAPLOT_JSON_SCANNER_HPP
