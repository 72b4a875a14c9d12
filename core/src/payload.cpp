#include "payload.hpp"

#include "json_string.hpp"
#include "parse_text.hpp"

namespace seraplot::detail {

namespace {

constexpr std::string_view kSaveExample = "{\"kind\":\"kmeans\",\"state\":{...}}";
constexpr std::string_view kLoadExample = "{\"path\":\"model.json\"} or {\"data\":\"...\"}";
constexpr std::string_view kSaveMembers = "\"kind\", \"state\" and \"path\"";
constexpr std::string_view kLoadMembers = "\"path\" and \"data\"";

}  // namespace

PayloadReader::PayloadReader(PayloadFunction function, OutputBuffer &out, CopyContext context,
                             bool copy_data_string)
    : function_(function), out_(out), context_(context), copy_data_string_(copy_data_string) {}

std::string_view PayloadReader::function_name() const {
    return function_ == PayloadFunction::save ? "save" : "load";
}

TextPosition PayloadReader::position() const {
    return locate(context_.stream->text(), context_.stream->Tell());
}

bool PayloadReader::fail(ModelError error) {
    failure_ = std::move(error);
    return false;
}

std::optional<ModelError> &PayloadReader::failure() {
    if (failure_) {
        return failure_;
    }
    if (state_copier_ && state_copier_->failure()) {
        return state_copier_->failure();
    }
    if (data_reader_ && data_reader_->failure()) {
        return data_reader_->failure();
    }
    return failure_;
}

// Handles the first event of a value at the payload's top level: the payload object itself,
// or the value of a member. Values that are copied start copying here.
bool PayloadReader::begin_member_value(JsonType type, std::string_view text) {
    if (!in_object_) {
        if (type != JsonType::object) {
            return fail(payload_not_object(function_name(), describe_json_type(type),
                                           function_ == PayloadFunction::save ? kSaveExample
                                                                              : kLoadExample));
        }
        in_object_ = true;
        return true;
    }

    Member member = pending_;
    pending_ = Member::none;
    switch (member) {
    case Member::kind:
    case Member::path: {
        std::string_view name = member == Member::kind ? "kind" : "path";
        if (type != JsonType::string) {
            return fail(payload_member_type(function_name(), name, "a non-empty string",
                                            describe_json_type(type)));
        }
        if (text.empty()) {
            return fail(payload_member_type(function_name(), name, "a non-empty string",
                                            "an empty string"));
        }
        // Such a kind would make the envelope invalid UTF-8, and such a path cannot name a
        // file that any other program can name.
        if (has_lone_surrogate(text)) {
            return fail(lone_surrogate(*context_.source, position(), name));
        }
        (member == Member::kind ? members_.kind : members_.path) = std::string(text);
        return true;
    }
    case Member::state:
        members_.has_state = true;
        members_.state_style = members_.path ? OutputStyle::plain : OutputStyle::embedded;
        if (members_.kind) {
            members_.embedding_overhead +=
                append_envelope_opening(out_, *members_.kind, members_.state_style);
            members_.envelope_opened = true;
        }
        members_.state_begin = out_.size();
        copying_ = Member::state;
        state_copier_.emplace(out_, context_, "state", 0, kMaxStateDepth, members_.state_style);
        return true;
    case Member::data:
        if (type == JsonType::string) {
            members_.data_text = std::string(text);
            return true;
        }
        if (type != JsonType::object) {
            return fail(payload_member_type(function_name(), "data",
                                            "the envelope as a JSON string or object",
                                            describe_json_type(type)));
        }
        members_.has_data_object = true;
        copying_ = Member::data;
        data_reader_.emplace(out_, context_, "data");
        return true;
    case Member::none:
        break;
    }
    return fail(internal_error(function_name(), "a value arrived without a member name"));
}

// Copies the envelope in the "data" string whose undecoded body is given, in the fast mode.
// The string is decoded into the output buffer, kGap bytes past its end, and read there while
// the copy is written from the end of the output over the text already read. The copy is
// never longer than the text, because it drops whitespace and never escapes more. It runs
// ahead of the reading by at most one byte (the ':' after a key), so it never reaches text
// still to be read. The buffer is reserved first, so it does not move meanwhile.
bool PayloadReader::RawString(const char *body, size_t length) {
    constexpr size_t kGap = 16;
    pending_ = Member::none;
    members_.data_string_copied = true;

    size_t start = out_.size();
    out_.reserve(start + kGap + length);
    char *text = out_.extend(kGap + length) + kGap;
    size_t text_length = decode_json_string_body(body, length, text);
    out_.truncate(start);
    std::string_view envelope = without_byte_order_mark(std::string_view(text, text_length));

    TextSource source = data_string_source();
    TextStream stream(envelope);
    EnvelopeReader reader(out_, CopyContext{&source, &stream}, "");
    return parse_text_fast(stream, reader) && reader.checker().passes();
}

void PayloadReader::end_copy() {
    if (copying_ == Member::state) {
        members_.state_end = out_.size();
        members_.embedding_overhead += state_copier_->embedding_overhead();
    }
    copying_ = Member::none;
}

bool PayloadReader::Null() {
    if (copying_ == Member::none) {
        if (!begin_member_value(JsonType::null, {})) {
            return false;
        }
    }
    return forward([](auto &reader) { return reader.Null(); });
}

bool PayloadReader::Bool(bool value) {
    if (copying_ == Member::none) {
        if (!begin_member_value(JsonType::boolean, {})) {
            return false;
        }
    }
    return forward([value](auto &reader) { return reader.Bool(value); });
}

bool PayloadReader::RawNumber(const char *text, rapidjson::SizeType length, bool copy) {
    if (copying_ == Member::none) {
        if (!begin_member_value(JsonType::number, std::string_view(text, length))) {
            return false;
        }
    }
    return forward([&](auto &reader) { return reader.RawNumber(text, length, copy); });
}

bool PayloadReader::String(const char *text, rapidjson::SizeType length, bool copy) {
    if (copying_ == Member::none) {
        if (!begin_member_value(JsonType::string, std::string_view(text, length))) {
            return false;
        }
        // "kind", "path" and "data" as a string are read, not copied.
        if (copying_ == Member::none) {
            return true;
        }
    }
    return forward([&](auto &reader) { return reader.String(text, length, copy); });
}

bool PayloadReader::StartObject() {
    if (copying_ == Member::none) {
        bool payload_itself = !in_object_;
        if (!begin_member_value(JsonType::object, {})) {
            return false;
        }
        if (payload_itself) {
            return true;
        }
    }
    return forward([](auto &reader) { return reader.StartObject(); });
}

bool PayloadReader::StartArray() {
    if (copying_ == Member::none) {
        if (!begin_member_value(JsonType::array, {})) {
            return false;
        }
    }
    return forward([](auto &reader) { return reader.StartArray(); });
}

bool PayloadReader::Key(const char *text, rapidjson::SizeType length, bool copy) {
    if (copying_ != Member::none) {
        return forward([&](auto &reader) { return reader.Key(text, length, copy); });
    }

    std::string_view name(text, length);
    if (has_lone_surrogate(name)) {
        return fail(lone_surrogate(*context_.source, position(), "the top level"));
    }
    Member member = Member::none;
    bool seen = false;
    if (function_ == PayloadFunction::save) {
        if (name == "kind") {
            member = Member::kind;
            seen = members_.kind.has_value();
        } else if (name == "state") {
            member = Member::state;
            seen = members_.has_state;
        } else if (name == "path") {
            member = Member::path;
            seen = members_.path.has_value();
        }
    } else {
        if (name == "path") {
            member = Member::path;
            seen = members_.path.has_value();
        } else if (name == "data") {
            member = Member::data;
            seen = members_.data_text.has_value() || members_.has_data_object ||
                   members_.data_string_copied;
        }
    }

    if (member == Member::none) {
        return fail(unknown_payload_member(function_name(), name,
                                           function_ == PayloadFunction::save ? kSaveMembers
                                                                              : kLoadMembers));
    }
    if (seen) {
        return fail(repeated_payload_member(function_name(), name));
    }
    pending_ = member;
    return true;
}

bool PayloadReader::EndObject(rapidjson::SizeType count) {
    if (copying_ == Member::none) {
        return true;  // the end of the payload object
    }
    return forward([count](auto &reader) { return reader.EndObject(count); });
}

bool PayloadReader::EndArray(rapidjson::SizeType count) {
    return forward([count](auto &reader) { return reader.EndArray(count); });
}

const PayloadMembers &PayloadReader::members() const {
    if (function_ == PayloadFunction::save) {
        if (!members_.kind) {
            throw missing_payload_member(function_name(), "kind",
                                         "Name the model's kind, for example \"kind\":\"kmeans\".");
        }
        if (!members_.has_state) {
            throw missing_payload_member(
                function_name(), "state",
                "Give the model's state as any JSON value; null is allowed.");
        }
        return members_;
    }

    bool has_data = members_.data_text || members_.has_data_object || members_.data_string_copied;
    if (members_.path && has_data) {
        throw conflicting_load_members();
    }
    if (!members_.path && !has_data) {
        throw missing_payload_member(function_name(), "path",
                                     "Give either \"path\" to read a file or \"data\" with the "
                                     "envelope inline.");
    }
    return members_;
}

PayloadReading read_payload(PayloadFunction function, std::string_view payload, OutputBuffer &out) {
    TextSource source = payload_source();
    PayloadReading reading;
    read_fast_or_exact(out, [&](ParseMode mode) {
        TextStream stream(payload);
        PayloadReader reader(function, out, CopyContext{&source, &stream}, mode == ParseMode::fast);
        if (mode == ParseMode::fast) {
            if (!parse_text_fast(stream, reader)) {
                return false;
            }
        } else {
            parse_text(stream, reader, source);
        }
        // A payload that the fast mode accepts gives the exact mode the same events, so a
        // missing member here is the exact mode's failure too.
        reading.members = reader.members();
        if (const EnvelopeReader *data_reader = reader.data_reader()) {
            reading.data_checker = data_reader->checker();
        }
        return true;
    });
    return reading;
}

}  // namespace seraplot::detail
