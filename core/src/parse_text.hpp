// Runs RapidJSON's reader over a JSON text with one of this library's handlers, and turns
// every parse failure into a ModelError that says what is wrong and where.
#ifndef SERAPLOT_PARSE_TEXT_HPP
#define SERAPLOT_PARSE_TEXT_HPP

#include <cstdlib>
#include <new>
#include <optional>
#include <string_view>

#include "errors.hpp"
#include "rapidjson_config.hpp"

namespace seraplot::detail {

// The iterative parser keeps its stack on the heap, so deep nesting cannot exhaust the
// thread's stack before a handler rejects it. Numbers arrive as their text and are never
// converted, which keeps every digit.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseStopWhenDoneFlag;

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

// Describes a failed parse of text; result must hold an error other than a handler's stop.
ModelError describe_parse_error(std::string_view text, const TextSource &source,
                                 const rapidjson::ParseResult &result);

// Throws unless only JSON whitespace follows offset in text.
void check_nothing_follows(std::string_view text, size_t offset, const TextSource &source);

// Parses all of text into handler. The handler records its own failure, returned by
// failure(), before it stops the parser. Throws ModelError on any failure.
template <typename Handler>
void parse_text(std::string_view text, rapidjson::MemoryStream &stream, Handler &handler,
                const TextSource &source) {
    Reader reader;
    rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, handler);
    if (result.IsError()) {
        std::optional<ModelError> &failure = handler.failure();
        if (failure) {
            throw *failure;
        }
        throw describe_parse_error(text, source, result);
    }
    check_nothing_follows(text, stream.Tell(), source);
}

}  // namespace seraplot::detail

#endif  // SERAPLOT_PARSE_TEXT_HPP
