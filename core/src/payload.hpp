// Reading the payloads of mlSaveModel and mlLoadModel: a JSON object of known members,
// where a large member (the state, or the envelope given as "data") is copied straight
// into the output as it is parsed.
#ifndef SERAPLOT_PAYLOAD_HPP
#define SERAPLOT_PAYLOAD_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "envelope.hpp"
#include "errors.hpp"
#include "json_copier.hpp"
#include "json_type.hpp"
#include "output_buffer.hpp"
#include "rapidjson_config.hpp"

namespace seraplot::detail {

enum class PayloadFunction { save, load };

// The members of a payload, as read. Copied values are in the output buffer.
struct PayloadMembers {
    std::optional<std::string> kind;
    std::optional<std::string> path;
    std::optional<std::string> data_text;  // "data" given as a string
    bool has_state = false;
    bool has_data_object = false;
    // "data" was given as a string, and its envelope was read and copied at once.
    bool data_string_copied = false;
    // Where the state was copied in the output buffer, and whether the envelope's opening
    // was written right before it (possible when "kind" came first).
    size_t state_begin = 0;
    size_t state_end = 0;
    bool envelope_opened = false;
    // mlSaveModel copies the state in the embedded style, ready for an inline answer, unless
    // "path" came before "state". embedding_overhead counts the bytes that this style added
    // to the opening and the state.
    OutputStyle state_style = OutputStyle::plain;
    size_t embedding_overhead = 0;
};

// A payload after reading: its members, and for mlLoadModel with "data" given as an object,
// what the envelope's checks need.
struct PayloadReading {
    PayloadMembers members;
    std::optional<EnvelopeChecker> data_checker;
};

// Parses the payload of function, copies the state or the "data" object to the end of out,
// and checks that the required members are there. Throws ModelError. The payload is read in
// the fast mode first (see parse_text.hpp).
PayloadReading read_payload(PayloadFunction function, std::string_view payload, OutputBuffer &out);

// A RapidJSON handler for a whole payload.
class PayloadReader {
public:
    // With copy_data_string, an envelope given as a "data" string is read and copied as soon
    // as the string arrives, and any failure of that envelope stops the parser without a
    // message. Only the fast mode does this, because it saves keeping the decoded string:
    // its scanner passes the string undecoded to RawString. The exact mode keeps the string
    // in data_text and reads it after the payload, so that the payload's own failures are
    // reported first.
    PayloadReader(PayloadFunction function, OutputBuffer &out, CopyContext context,
                  bool copy_data_string = false);

    // Whether the next string value is the "data" string that RawString copies.
    bool wants_raw_string() const {
        return copy_data_string_ && in_object_ && copying_ == Member::none &&
               pending_ == Member::data;
    }
    bool RawString(const char *body, size_t length);

    bool Null();
    bool Bool(bool value);
    bool Int(int) { return false; }
    bool Uint(unsigned) { return false; }
    bool Int64(int64_t) { return false; }
    bool Uint64(uint64_t) { return false; }
    bool Double(double) { return false; }
    bool RawNumber(const char *text, rapidjson::SizeType length, bool copy);
    bool String(const char *text, rapidjson::SizeType length, bool copy);
    bool StartObject();
    bool Key(const char *text, rapidjson::SizeType length, bool copy);
    bool EndObject(rapidjson::SizeType member_count);
    bool StartArray();
    bool EndArray(rapidjson::SizeType element_count);

    std::optional<ModelError> &failure();

    // Throws ModelError when a required member is missing; call after a successful parse.
    const PayloadMembers &members() const;

    // The envelope given as a "data" object, for its checks after the parse.
    const EnvelopeReader *data_reader() const { return data_reader_ ? &*data_reader_ : nullptr; }

private:
    enum class Member { none, kind, state, path, data };

    std::string_view function_name() const;
    bool begin_member_value(JsonType type, std::string_view text);
    bool fail(ModelError error);
    TextPosition position() const;

    // Passes an event to the reader of the member being copied, and notes when its value
    // is complete.
    template <typename Event>
    bool forward(Event event) {
        bool ok = copying_ == Member::state ? event(*state_copier_) : event(*data_reader_);
        size_t depth = copying_ == Member::state ? state_copier_->depth() : data_reader_->depth();
        if (ok && depth == 0) {
            end_copy();
        }
        return ok;
    }

    void end_copy();

    PayloadFunction function_;
    OutputBuffer &out_;
    CopyContext context_;
    bool copy_data_string_;
    bool in_object_ = false;
    Member pending_ = Member::none;  // the member whose value comes next
    Member copying_ = Member::none;  // the member whose value is being copied
    std::optional<JsonCopier> state_copier_;
    std::optional<EnvelopeReader> data_reader_;
    PayloadMembers members_;
    std::optional<ModelError> failure_;
};

}  // namespace seraplot::detail

#endif  // SERAPLOT_PAYLOAD_HPP
