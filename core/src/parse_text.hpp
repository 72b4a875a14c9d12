// Runs RapidJSON's reader over a JSON text with one of this library's handlers, and turns
// every parse failure into a ModelError that says what is wrong and where.
//
// A text is read in one of two modes. In the exact mode RapidJSON's reader validates UTF-8
// and hands every number over as its text; its errors, with their positions, are the ones
// this library reports. The fast mode reads with JsonScanner (json_scanner.hpp), which
// copies no number and no unescaped string and sends the same events. It accepts no text
// that the exact mode rejects, but its failures carry no message, so a text that fails in
// the fast mode is read again in the exact mode (read_fast_or_exact).
#ifndef SERAPLOT_PARSE_TEXT_HPP
#define SERAPLOT_PARSE_TEXT_HPP

#include <cstdlib>
#include <new>
#include <optional>
#include <string_view>

#include "errors.hpp"
#include "json_scanner.hpp"
#include "output_buffer.hpp"
#include "rapidjson_config.hpp"

namespace seraplot::detail {

// The iterative parser keeps its stack on the heap, so deep nesting cannot exhaust the
// thread's stack before a handler rejects it. Numbers arrive as their text and are never
// converted, which keeps every digit.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseStopWhenDoneFlag;

enum class ParseMode { fast, exact };

// RapidJSON's default allocator does not check what realloc returns.
class CheckedAllocator {
public:
    static const bool kNeedFree = true;

    void *Malloc(size_t size) {
        if (size == 0) {
            return nullptr;
        }
        return checked(std::malloc(size));
    }

    void *Realloc(void *block, size_t, size_t new_size) {
        if (new_size == 0) {
            std::free(block);
            return nullptr;
        }
        return checked(std::realloc(block, new_size));
    }

    static void Free(void *block) { std::free(block); }

private:
    static void *checked(void *block) {
        if (block == nullptr) {
            throw std::bad_alloc();
        }
        return block;
    }
};

using Reader = rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, CheckedAllocator>;

// A RapidJSON input stream over a text that need not be NUL-terminated. It reads '\0' past
// the end, as rapidjson::MemoryStream does. Unlike RapidJSON's string streams it declares no
// copy optimization, so the reader advances this object itself and a handler can ask for the
// position during every event.
class TextStream {
public:
    using Ch = char;

    explicit TextStream(std::string_view text)
        : begin_(text.data()), current_(text.data()), end_(text.data() + text.size()) {}

    Ch Peek() const { return current_ == end_ ? '\0' : *current_; }
    Ch Take() { return current_ == end_ ? '\0' : *current_++; }
    size_t Tell() const { return static_cast<size_t>(current_ - begin_); }

    // The reader never writes to an input stream that is not in-situ; these complete the
    // stream interface that it compiles against.
    Ch *PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    size_t PutEnd(Ch *) { return 0; }

    std::string_view text() const {
        return std::string_view(begin_, static_cast<size_t>(end_ - begin_));
    }

    void skip_whitespace();

private:
    const char *begin_;
    const char *current_;
    const char *end_;
};

}  // namespace seraplot::detail

namespace rapidjson {

// Lets the reader skip whitespace 16 bytes at a time where RapidJSON can (SSE2, SSE4.2).
template <>
inline void SkipWhitespace(seraplot::detail::TextStream &stream) {
    stream.skip_whitespace();
}

}  // namespace rapidjson

namespace seraplot::detail {

inline void TextStream::skip_whitespace() {
#ifdef RAPIDJSON_SIMD
    current_ = rapidjson::SkipWhitespace_SIMD(current_, end_);
#else
    current_ = rapidjson::SkipWhitespace(current_, end_);
#endif
}

// Describes a failed parse of text; result must hold an error other than a handler's stop.
ModelError describe_parse_error(std::string_view text, const TextSource &source,
                                 const rapidjson::ParseResult &result);

// Throws unless only JSON whitespace follows offset in text.
void check_nothing_follows(std::string_view text, size_t offset, const TextSource &source);

// True when only JSON whitespace follows offset in text.
bool nothing_follows(std::string_view text, size_t offset);

// Parses all of the stream's text into handler in the exact mode. The handler records its
// own failure, returned by failure(), before it stops the parser. Throws ModelError on any
// failure.
template <typename Handler>
void parse_text(TextStream &stream, Handler &handler, const TextSource &source) {
    Reader reader;
    rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, handler);
    if (result.IsError()) {
        std::optional<ModelError> &failure = handler.failure();
        if (failure) {
            throw *failure;
        }
        throw describe_parse_error(stream.text(), source, result);
    }
    check_nothing_follows(stream.text(), stream.Tell(), source);
}

// Parses all of the stream's text into handler in the fast mode (json_scanner.hpp). Returns
// false on any failure, which parse_text then reports. The stream's position stays at the
// start, so the handler's messages in this mode have no meaning and are never shown.
template <typename Handler>
bool parse_text_fast(TextStream &stream, Handler &handler) {
    return JsonScanner<Handler>(stream.text(), handler).run();
}

// Runs read(ParseMode::fast), which returns false when its text fails, and then, unless it
// succeeded, read(ParseMode::exact) after removing what the first attempt appended to out.
// read must not change anything but out and its own state before it parses. The exact run
// throws the ModelError that describes the failure.
template <typename Read>
void read_fast_or_exact(OutputBuffer &out, Read read) {
    size_t start = out.size();
    if (read(ParseMode::fast)) {
        return;
    }
    out.truncate(start);
    read(ParseMode::exact);
}

}  // namespace seraplot::detail

#endif  // SERAPLOT_PARSE_TEXT_HPP
