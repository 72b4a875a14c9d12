// Copies one JSON value from parser events into compact JSON text, and rejects what this
// library does not accept: repeated keys, nesting past a limit, and escapes of lone
// surrogates.
#ifndef SERAPLOT_JSON_COPIER_HPP
#define SERAPLOT_JSON_COPIER_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "errors.hpp"
#include "output_buffer.hpp"
#include "parse_text.hpp"
#include "rapidjson_config.hpp"

namespace seraplot::detail {

// The source of a copied value, for error messages.
struct CopyContext {
    const TextSource *source;
    const TextStream *stream;  // the parser's input, with its current position
};

// How copied JSON is written. The embedded style writes the same compact JSON already
// escaped as the body of an enclosing JSON string, the form that an inline save answer
// carries in "data", so that no second pass has to escape it.
enum class OutputStyle { plain, embedded };

// Receives the parser's events (as a RapidJSON handler does) for one value and appends it to
// an output buffer. Numbers keep their text; strings are re-escaped minimally. Each event
// returns false after recording a failure, which stops the parser.
class JsonCopier {
public:
    // root_path names the copied value in messages ("state"); empty for a whole document.
    // The value may nest max_depth levels below its first enclosing_levels levels, which
    // hold the state when a whole envelope is copied.
    JsonCopier(OutputBuffer &out, CopyContext context, std::string root_path,
               size_t enclosing_levels, size_t max_depth, OutputStyle style = OutputStyle::plain);

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
    size_t depth() const { return depth_; }

    // How many bytes the embedded style has added so far: the copied text is that much
    // longer than its plain form. Always 0 for the plain style.
    size_t embedding_overhead() const { return embedding_overhead_; }

    std::optional<ModelError> &failure() { return failure_; }

private:
    struct KeyRef {
        size_t offset;  // of the escaped key's first byte in the output
        size_t length;
    };

    // The keys of one large object, for the repeated-key check: an open-addressing hash
    // table of indexes into keys_, counted from the object's first key.
    class KeyIndex {
    public:
        bool active() const { return !slots_.empty(); }
        void clear() { slots_.clear(); used_ = 0; }

        // Starts an empty table for at least key_count keys; keeps the memory of an
        // earlier table.
        void start(size_t key_count);

        // Adds key number index with its hash unless an equal key is in the table, and
        // returns whether it was added. same(a, b) compares keys a and b.
        template <typename Same>
        bool insert(uint32_t hash, uint32_t index, const Same &same);

    private:
        struct Slot {
            uint32_t hash;
            uint32_t index_plus_one;  // 0 in an empty slot
        };

        void grow();

        std::vector<Slot> slots_;  // a power of two long, at most half full
        size_t used_ = 0;
    };

    struct Frame {
        bool is_object = false;
        size_t count = 0;       // members or elements so far
        size_t keys_begin = 0;  // this object's first entry in keys_
        KeyIndex key_index;     // used once an object has many keys
    };

    void before_value();
    bool open_container(bool is_object);
    bool check_duplicate_key();
    std::string_view stored_key(size_t index) const;
    uint32_t hash_key(size_t index) const;
    std::string key_for_message(size_t index) const;
    std::string current_path(size_t frame_count) const;
    bool fail(ModelError error);
    TextPosition position() const;

    OutputBuffer &out_;
    CopyContext context_;
    std::string root_path_;
    size_t enclosing_levels_;
    size_t max_depth_;
    OutputStyle style_;
    // frames_[0, depth_) are the open containers. Frames past depth_ are kept so that their
    // key tables can be reused.
    std::vector<Frame> frames_;
    size_t depth_ = 0;
    std::vector<KeyRef> keys_;
    size_t embedding_overhead_ = 0;
    std::optional<ModelError> failure_;
};

}  // namespace seraplot::detail

#endif  // SERAPLOT_JSON_COPIER_HPP
