#include "json_copier.hpp"

#include <cstring>

#include "json_string.hpp"

namespace seraplot::detail {

namespace {

// Objects with more keys than this get a hash table for the repeated-key check; smaller
// ones are compared key by key, which is faster for the few keys most objects have.
constexpr size_t kLinearKeyCheckLimit = 16;

// A message shows at most this many path segments from the start and from the end.
constexpr size_t kPathHeadSegments = 16;
constexpr size_t kPathTailSegments = 6;

// The parser has already rejected invalid UTF-8 in the input, so the bytes ED A0..ED BF,
// which start the 3-byte form of a UTF-16 surrogate, can only come from a \u escape of a
// surrogate without its other half.
bool has_lone_surrogate(const char *text, size_t length) {
    const char *end = text + length;
    const char *p = text;
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

bool is_identifier(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
        bool digit = c >= '0' && c <= '9';
        if (!letter && !(digit && i > 0)) {
            return false;
        }
    }
    return true;
}

}  // namespace

JsonCopier::JsonCopier(OutputBuffer &out, CopyContext context, std::string root_path,
                       size_t enclosing_levels, size_t max_depth)
    : out_(out), context_(std::move(context)), root_path_(std::move(root_path)),
      enclosing_levels_(enclosing_levels), max_depth_(max_depth) {}

bool JsonCopier::Null() {
    before_value();
    out_.append("null", 4);
    return true;
}

bool JsonCopier::Bool(bool value) {
    before_value();
    if (value) {
        out_.append("true", 4);
    } else {
        out_.append("false", 5);
    }
    return true;
}

bool JsonCopier::RawNumber(const char *text, rapidjson::SizeType length, bool) {
    before_value();
    out_.append(text, length);
    return true;
}

bool JsonCopier::String(const char *text, rapidjson::SizeType length, bool) {
    before_value();
    if (has_lone_surrogate(text, length)) {
        return fail(lone_surrogate(*context_.source, position(), current_path(frames_.size())));
    }
    append_json_string(out_, std::string_view(text, length));
    return true;
}

bool JsonCopier::StartObject() {
    before_value();
    return open_container(true);
}

bool JsonCopier::StartArray() {
    before_value();
    return open_container(false);
}

bool JsonCopier::Key(const char *text, rapidjson::SizeType length, bool) {
    Frame &frame = frames_.back();
    if (frame.count++ > 0) {
        out_.push(',');
    }
    if (has_lone_surrogate(text, length)) {
        return fail(lone_surrogate(*context_.source, position(), current_path(frames_.size() - 1)));
    }

    out_.push('"');
    size_t key_offset = out_.size();
    append_json_string_body(out_, std::string_view(text, length));
    keys_.push_back({key_offset, out_.size() - key_offset});
    out_.append("\":", 2);

    if (!check_duplicate_key()) {
        return fail(duplicate_key(*context_.source, position(), std::string_view(text, length),
                                  current_path(frames_.size() - 1)));
    }
    return true;
}

bool JsonCopier::EndObject(rapidjson::SizeType) {
    keys_.resize(frames_.back().keys_begin);
    frames_.pop_back();
    out_.push('}');
    return true;
}

bool JsonCopier::EndArray(rapidjson::SizeType) {
    frames_.pop_back();
    out_.push(']');
    return true;
}

void JsonCopier::before_value() {
    if (frames_.empty()) {
        return;
    }
    Frame &frame = frames_.back();
    if (!frame.is_object && frame.count++ > 0) {
        out_.push(',');
    }
}

bool JsonCopier::open_container(bool is_object) {
    if (frames_.size() >= enclosing_levels_ + max_depth_) {
        return fail(too_deep(*context_.source, position(), current_path(frames_.size()),
                             max_depth_));
    }
    frames_.push_back(Frame{is_object, 0, keys_.size(), nullptr});
    out_.push(is_object ? '{' : '[');
    return true;
}

// Checks the key just stored at keys_.back() against the other keys of the innermost object.
bool JsonCopier::check_duplicate_key() {
    Frame &frame = frames_.back();
    size_t newest = keys_.size() - 1;
    size_t key_count = keys_.size() - frame.keys_begin;

    if (!frame.key_table && key_count <= kLinearKeyCheckLimit) {
        std::string_view key = stored_key(newest);
        for (size_t i = frame.keys_begin; i < newest; ++i) {
            if (stored_key(i) == key) {
                return false;
            }
        }
        return true;
    }

    if (!frame.key_table) {
        frame.key_table = std::make_unique<KeyTable>(key_count * 2, KeyHash{this}, KeyEqual{this});
        for (size_t i = frame.keys_begin; i < newest; ++i) {
            frame.key_table->insert(i);
        }
    }
    return frame.key_table->insert(newest).second;
}

std::string_view JsonCopier::stored_key(size_t index) const {
    const KeyRef &ref = keys_[index];
    return std::string_view(out_.data() + ref.offset, ref.length);
}

size_t JsonCopier::KeyHash::operator()(size_t index) const {
    return std::hash<std::string_view>()(copier->stored_key(index));
}

bool JsonCopier::KeyEqual::operator()(size_t left, size_t right) const {
    return copier->stored_key(left) == copier->stored_key(right);
}

// Returns the path of the value that the first frame_count open containers lead to, such as
// state.trees[3].left, for messages.
std::string JsonCopier::current_path(size_t frame_count) const {
    std::vector<std::string> segments;
    segments.reserve(frame_count);
    for (size_t i = 0; i < frame_count; ++i) {
        const Frame &frame = frames_[i];
        if (!frame.is_object) {
            segments.push_back("[" + std::to_string(frame.count == 0 ? 0 : frame.count - 1) + "]");
            continue;
        }
        size_t keys_end = i + 1 < frames_.size() ? frames_[i + 1].keys_begin : keys_.size();
        if (keys_end == frame.keys_begin) {
            continue;
        }
        std::string_view escaped_key = stored_key(keys_end - 1);
        if (is_identifier(escaped_key)) {
            segments.push_back("." + std::string(escaped_key));
        } else {
            segments.push_back("[\"" + std::string(escaped_key) + "\"]");
        }
    }

    std::string path = root_path_;
    size_t count = segments.size();
    for (size_t i = 0; i < count; ++i) {
        if (count > kPathHeadSegments + kPathTailSegments && i == kPathHeadSegments) {
            size_t skipped = count - kPathHeadSegments - kPathTailSegments;
            path += "...(" + std::to_string(skipped) + " more levels)...";
            i = count - kPathTailSegments - 1;
            continue;
        }
        path += segments[i];
    }
    if (!path.empty() && path[0] == '.') {
        path.erase(0, 1);
    }
    return path.empty() ? std::string("the top level") : path;
}

bool JsonCopier::fail(ModelError error) {
    failure_ = std::move(error);
    return false;
}

TextPosition JsonCopier::position() const {
    return locate(context_.text, context_.offset());
}

}  // namespace seraplot::detail
