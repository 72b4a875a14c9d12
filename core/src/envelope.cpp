#include "envelope.hpp"

#include "json_string.hpp"
#include "parse_text.hpp"

namespace seraplot::detail {

namespace {

bool is_integer_text(std::string_view number) {
    return number.find_first_of(".eE") == std::string_view::npos;
}

std::string describe_member_type(std::string_view name, JsonType type) {
    return "\"" + std::string(name) + "\" is " + std::string(describe_json_type(type));
}

}  // namespace

size_t append_envelope_opening(OutputBuffer &out, std::string_view kind, OutputStyle style) {
    if (style == OutputStyle::plain) {
        out.append("{\"seraplot_model_v\":1,\"kind\":");
        append_json_string(out, kind);
        out.append(",\"state\":");
        return 0;
    }
    // Each of the three member names gains a backslash before both of its quotes.
    out.append("{\\\"seraplot_model_v\\\":1,\\\"kind\\\":");
    size_t added = append_embedded_json_string(out, kind);
    out.append(",\\\"state\\\":");
    return added + 6;
}

void EnvelopeChecker::member_key(std::string_view key) {
    if (key == "seraplot_model_v") {
        pending_ = Member::version;
    } else if (key == "kind") {
        pending_ = Member::kind;
    } else if (key == "state") {
        pending_ = Member::state;
    } else {
        pending_ = Member::other;
    }
}

void EnvelopeChecker::member_value(JsonType type, std::string_view text) {
    switch (pending_) {
    case Member::version:
        version_type_ = type;
        version_text_ = std::string(text);
        break;
    case Member::kind:
        kind_type_ = type;
        kind_empty_ = text.empty();
        break;
    case Member::state:
        has_state_ = true;
        break;
    case Member::other:
        break;
    }
    pending_ = Member::other;
}

void EnvelopeChecker::check(const TextSource &source) const {
    if (!version_type_) {
        throw not_a_model(source, "it has no \"seraplot_model_v\" member");
    }
    if (*version_type_ != JsonType::number) {
        throw not_a_model(source, describe_member_type("seraplot_model_v", *version_type_) +
                                      ", not an integer");
    }
    if (!is_integer_text(version_text_)) {
        throw not_a_model(source, "\"seraplot_model_v\" is " + version_text_ +
                                      ", not an integer");
    }
    if (version_text_ != "1") {
        throw unsupported_version(source, version_text_);
    }

    if (!kind_type_) {
        throw invalid_envelope(source, "it has no \"kind\" member");
    }
    if (*kind_type_ != JsonType::string) {
        throw invalid_envelope(source, describe_member_type("kind", *kind_type_) +
                                           ", but it must be a non-empty string");
    }
    if (kind_empty_) {
        throw invalid_envelope(source, "\"kind\" is an empty string");
    }
    if (!has_state_) {
        throw invalid_envelope(source, "it has no \"state\" member");
    }
}

bool EnvelopeChecker::passes() const {
    try {
        check(TextSource{""});
        return true;
    } catch (const ModelError &) {
        return false;
    }
}

EnvelopeReader::EnvelopeReader(OutputBuffer &out, CopyContext context, std::string root_path)
    : copier_(out, context, std::move(root_path), 1, kMaxStateDepth), source_(context.source) {}

// Called before a value is copied: checks that the envelope is an object and passes the
// values of its members to the checker.
bool EnvelopeReader::see_value(JsonType type, std::string_view text) {
    if (copier_.depth() == 0 && type != JsonType::object) {
        copier_.failure() = not_a_model(*source_, "it is " + std::string(describe_json_type(type)) +
                                                      ", not a JSON object");
        return false;
    }
    if (copier_.depth() == 1) {
        checker_.member_value(type, text);
    }
    return true;
}

bool EnvelopeReader::Null() { return see_value(JsonType::null) && copier_.Null(); }

bool EnvelopeReader::Bool(bool value) {
    return see_value(JsonType::boolean) && copier_.Bool(value);
}

// With numbers parsed as text, RapidJSON calls RawNumber instead of these.
bool EnvelopeReader::Int(int) { return false; }
bool EnvelopeReader::Uint(unsigned) { return false; }
bool EnvelopeReader::Int64(int64_t) { return false; }
bool EnvelopeReader::Uint64(uint64_t) { return false; }
bool EnvelopeReader::Double(double) { return false; }

bool EnvelopeReader::RawNumber(const char *text, rapidjson::SizeType length, bool) {
    return see_value(JsonType::number, std::string_view(text, length)) &&
           copier_.RawNumber(text, length, false);
}

bool EnvelopeReader::String(const char *text, rapidjson::SizeType length, bool) {
    return see_value(JsonType::string, std::string_view(text, length)) &&
           copier_.String(text, length, false);
}

bool EnvelopeReader::StartObject() {
    return see_value(JsonType::object) && copier_.StartObject();
}

bool EnvelopeReader::Key(const char *text, rapidjson::SizeType length, bool) {
    if (copier_.depth() == 1) {
        checker_.member_key(std::string_view(text, length));
    }
    return copier_.Key(text, length, false);
}

bool EnvelopeReader::EndObject(rapidjson::SizeType) { return copier_.EndObject(0); }

bool EnvelopeReader::StartArray() { return see_value(JsonType::array) && copier_.StartArray(); }

bool EnvelopeReader::EndArray(rapidjson::SizeType) { return copier_.EndArray(0); }

std::string_view without_byte_order_mark(std::string_view text) {
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
        text.remove_prefix(kByteOrderMark.size());
    }
    return text;
}

void read_envelope(std::string_view text, const TextSource &source, OutputBuffer &out) {
    read_fast_or_exact(out, [&](ParseMode mode) {
        TextStream stream(text);
        EnvelopeReader reader(out, CopyContext{&source, &stream}, "");
        if (mode == ParseMode::fast) {
            if (!parse_text_fast(stream, reader)) {
                return false;
            }
        } else {
            parse_text(stream, reader, source);
        }
        // A text that the fast mode accepts gives the exact mode the same events, so a
        // failed check here is the exact mode's failure too.
        reader.check(source);
        return true;
    });
}

}  // namespace seraplot::detail
