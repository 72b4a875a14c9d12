// The seraplot envelope, {"seraplot_model_v":1,"kind":"...","state":...}: reading one with
// its checks, and writing its opening.
#ifndef SERAPLOT_ENVELOPE_HPP
#define SERAPLOT_ENVELOPE_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "errors.hpp"
#include "json_copier.hpp"
#include "json_type.hpp"
#include "output_buffer.hpp"
#include "rapidjson_config.hpp"

namespace seraplot::detail {

// The deepest nesting of arrays and objects accepted inside a state, counted from the state.
constexpr size_t kMaxStateDepth = 1000;

// Appends {"seraplot_model_v":1,"kind":<kind>,"state": to out in the given style; the state
// and a closing '}' complete the envelope. Returns the bytes that the embedded style added.
size_t append_envelope_opening(OutputBuffer &out, std::string_view kind,
                               OutputStyle style = OutputStyle::plain);

// Collects what the checks of an envelope need from its top-level members while the whole
// envelope is being copied, and checks it at the end.
class EnvelopeChecker {
public:
    void member_key(std::string_view key);
    void member_value(JsonType type, std::string_view text);

    // Throws a ModelError unless the envelope had an integer seraplot_model_v of 1, a
    // non-empty string kind and a state.
    void check(const TextSource &source) const;

    // Returns whether check would pass.
    bool passes() const;

private:
    enum class Member { version, kind, state, other };

    Member pending_ = Member::other;
    std::optional<JsonType> version_type_;
    std::string version_text_;
    std::optional<JsonType> kind_type_;
    bool kind_empty_ = false;
    bool has_state_ = false;
};

// A RapidJSON handler that copies an envelope into an output buffer and checks it. Used for
// a whole text (a file or the "data" string) and for the "data" object inside a payload.
class EnvelopeReader {
public:
    EnvelopeReader(OutputBuffer &out, CopyContext context, std::string root_path);

    bool Null();
    bool Bool(bool value);
    bool Int(int);
    bool Uint(unsigned);
    bool Int64(int64_t);
    bool Uint64(uint64_t);
    bool Double(double);
    bool RawNumber(const char *text, rapidjson::SizeType length, bool copy);
    bool String(const char *text, rapidjson::SizeType length, bool copy);
    bool StartObject();
    bool Key(const char *text, rapidjson::SizeType length, bool copy);
    bool EndObject(rapidjson::SizeType member_count);
    bool StartArray();
    bool EndArray(rapidjson::SizeType element_count);

    // Open arrays and objects of the envelope; 0 once it is complete.
    size_t depth() const { return copier_.depth(); }

    void check(const TextSource &source) const { checker_.check(source); }
    const EnvelopeChecker &checker() const { return checker_; }

    std::optional<ModelError> &failure() { return copier_.failure(); }

private:
    bool see_value(JsonType type, std::string_view text = {});

    JsonCopier copier_;
    EnvelopeChecker checker_;
    const TextSource *source_;
};

// Returns text without a leading UTF-8 byte order mark. Some Windows editors start UTF-8
// files with one, and Node's readFileSync(path, "utf8") keeps it; JSON itself has none.
std::string_view without_byte_order_mark(std::string_view text);

// Parses text as an envelope, appends it to out and checks it. Throws ModelError. The text
// is read in the fast mode first (see parse_text.hpp).
void read_envelope(std::string_view text, const TextSource &source, OutputBuffer &out);

}  // namespace seraplot::detail

#endif  // SERAPLOT_ENVELOPE_HPP
