// Copies one JSON value from parser events into compact JSON text, and rejects what this
// library does not accept: repeated keys, nesting past a limit, and escapes of lone
// surrogates.
#ifndef SERAPLOT_JSON_COPIER_HPP
#define SERAPLOT_JSON_COPIER_HPP

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "errors.hpp"
#include "output_buffer.hpp"
#include "rapidjson_config.hpp"

namespace seraplot::detail {

// Where a copied value comes from, for error messages.
struct CopyContext {
    const TextSource *source;
    std::string_view text;
    std::function<size_t()> offset;  // the parser's current byte offset in text
};

// Receives the parser's events (as a RapidJSON handler does) for one value and appends it to an output buffer. Numbers
// keep their text; strings are re-escaped minimally. Each event returns false after
// recording a failure, which stops the parser.
class JsonCopier {
public:
    // root_path names the copied value in messages ("state"); empty for a whole document.
    // The value may nest max_depth levels below its first enclosing_levels levels, which
    // hold the state when a whole envelope is copied.
    JsonCopier(OutputBuffer &out, CopyContext context, std::string root_path,
               size_t enclosing_levels, size_t max_depth);

    bool Null();
    bool Bool(bool value);
    bool RawNumber(const char *text, rapidjson::SizeType length, bool);
    bool String(const char *text, rapidjson::SizeType length, bool);
    bool StartObject();
    bool Key(const char *text, rapidjson::SizeType length, bool);
    bool EndObject(rapidjson::SizeType);
    bool StartArray();
    bool EndArray(rapidjson::SizeType);

    // Open arrays and objects; 0 before the value starts and after it ends.
    size_t depth() const { return frames_.size(); }

    std::optional<ModelError> &failure() { return failure_; }

private:
    struct KeyRef {
        size_t offset;  // of the escaped key's first byte in the output
        size_t length;
    };

    struct KeyHash {
        const JsonCopier *copier;
        size_t operator()(size_t index) const;
    };

    struct KeyEqual {
        const JsonCopier *copier;
        bool operator()(size_t left, size_t right) const;
    };

    using KeyTable = std::unordered_set<size_t, KeyHash, KeyEqual>;

    struct Frame {
        bool is_object;
        size_t count;       // members or elements so far
        size_t keys_begin;  // this object's first entry in keys_
        std::unique_ptr<KeyTable> key_table;  // built once an object has many keys
    };

    void before_value();
    bool open_container(bool is_object);
    bool check_duplicate_key();
    std::string_view stored_key(size_t index) const;
    std::string current_path(size_t frame_count) const;
    bool fail(ModelError error);
    TextPosition position() const;

    OutputBuffer &out_;
    CopyContext context_;
    std::string root_path_;
    size_t enclosing_levels_;
    size_t max_depth_;
    std::vector<Frame> frames_;
    std::vector<KeyRef> keys_;
    std::optional<ModelError> failure_;
};

}  // namespace seraplot::detail

#endif  // SERAPLOT_JSON_COPIER_HPP
