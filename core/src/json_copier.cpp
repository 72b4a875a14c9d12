#include "json_copier.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "json_string.hpp"

namespace seraplot::detail {

namespace {

// Objects with more keys than this get a hash table for the repeated-key check; smaller
// ones are compared key by key, which is faster for the few keys most objects have.
constexpr size_t kLinearKeyCheckLimit = 16;

// A message shows at most this many path segments from the start and from the end.
constexpr size_t kPathHeadSegments = 16;
constexpr size_t kPathTailSegments = 6;

// Returns whether a JSON number's value is beyond the largest double, so that JavaScript
// and Python would read it as Infinity. Only numbers of at least 1e308 are converted to find
// out; the parser has checked the grammar.
bool overflows_double(std::string_view number) {
    size_t i = number[0] == '-' ? 1 : 0;

    // The decimal exponent of the first non-zero digit, counted from the decimal point.
    long leading_exponent = 0;
    bool seen_nonzero = false;
    long integer_digits = 0;
    for (; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) {
        if (seen_nonzero || number[i] != '0') {
            seen_nonzero = true;
            ++integer_digits;
        }
    }
    if (seen_nonzero) {
        leading_exponent = integer_digits - 1;
    }
    if (i < number.size() && number[i] == '.') {
        for (++i; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) {
            if (!seen_nonzero) {
                --leading_exponent;
                seen_nonzero = number[i] != '0';
            }
        }
    }
    if (!seen_nonzero) {
        return false;  // zero, whatever its exponent
    }

    long exponent = 0;
    if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
        ++i;
        bool negative = number[i] == '-';
        if (number[i] == '+' || number[i] == '-') {
            ++i;
        }
        for (; i < number.size(); ++i) {
            if (exponent < 1000000) {
                exponent = exponent * 10 + (number[i] - '0');
            }
        }
        if (negative) {
            exponent = -exponent;
        }
    }

    long magnitude = leading_exponent + exponent;
    if (magnitude < 308) {
        return false;
    }
    if (magnitude > 308) {
        return true;
    }
    return std::isinf(std::strtod(std::string(number).c_str(), nullptr));
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
                       size_t enclosing_levels, size_t max_depth, OutputStyle style)
    : out_(out), context_(context), root_path_(std::move(root_path)),
      enclosing_levels_(enclosing_levels), max_depth_(max_depth), style_(style) {}

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
    if (overflows_double(std::string_view(text, length))) {
        return fail(number_out_of_range(*context_.source, position(),
                                        std::string_view(text, length < 40 ? length : 40)));
    }
    out_.append(text, length);
    return true;
}

bool JsonCopier::String(const char *text, rapidjson::SizeType length, bool) {
    before_value();
    if (has_lone_surrogate(std::string_view(text, length))) {
        return fail(lone_surrogate(*context_.source, position(), current_path(depth_)));
    }
    if (style_ == OutputStyle::plain) {
        append_json_string(out_, std::string_view(text, length));
    } else {
        embedding_overhead_ += append_embedded_json_string(out_, std::string_view(text, length));
    }
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
    Frame &frame = frames_[depth_ - 1];
    if (frame.count++ > 0) {
        out_.push(',');
    }
    if (has_lone_surrogate(std::string_view(text, length))) {
        return fail(lone_surrogate(*context_.source, position(), current_path(depth_ - 1)));
    }

    std::string_view key(text, length);
    if (style_ == OutputStyle::plain) {
        out_.push('"');
        size_t key_offset = out_.size();
        append_json_string_body(out_, key);
        keys_.push_back({key_offset, out_.size() - key_offset});
        out_.append("\":", 2);
    } else {
        out_.append("\\\"", 2);
        size_t key_offset = out_.size();
        embedding_overhead_ += append_embedded_json_string_body(out_, key) + 2;
        keys_.push_back({key_offset, out_.size() - key_offset});
        out_.append("\\\":", 3);
    }

    if (!check_duplicate_key()) {
        return fail(duplicate_key(*context_.source, position(), key, current_path(depth_ - 1)));
    }
    return true;
}

bool JsonCopier::EndObject(rapidjson::SizeType) {
    Frame &frame = frames_[--depth_];
    keys_.resize(frame.keys_begin);
    frame.key_index.clear();
    out_.push('}');
    return true;
}

bool JsonCopier::EndArray(rapidjson::SizeType) {
    --depth_;
    out_.push(']');
    return true;
}

void JsonCopier::before_value() {
    if (depth_ == 0) {
        return;
    }
    Frame &frame = frames_[depth_ - 1];
    if (!frame.is_object && frame.count++ > 0) {
        out_.push(',');
    }
}

bool JsonCopier::open_container(bool is_object) {
    if (depth_ >= enclosing_levels_ + max_depth_) {
        return fail(too_deep(*context_.source, position(), current_path(depth_), max_depth_));
    }
    if (depth_ == frames_.size()) {
        frames_.emplace_back();
    }
    Frame &frame = frames_[depth_++];
    frame.is_object = is_object;
    frame.count = 0;
    frame.keys_begin = keys_.size();
    frame.key_index.clear();
    out_.push(is_object ? '{' : '[');
    return true;
}

void JsonCopier::KeyIndex::start(size_t key_count) {
    size_t capacity = 64;
    while (capacity < key_count * 2) {
        capacity *= 2;
    }
    slots_.assign(capacity, Slot{0, 0});
    used_ = 0;
}

void JsonCopier::KeyIndex::grow() {
    std::vector<Slot> larger(slots_.size() * 2, Slot{0, 0});
    size_t mask = larger.size() - 1;
    for (const Slot &slot : slots_) {
        if (slot.index_plus_one == 0) {
            continue;
        }
        size_t i = slot.hash & mask;
        while (larger[i].index_plus_one != 0) {
            i = (i + 1) & mask;
        }
        larger[i] = slot;
    }
    slots_.swap(larger);
}

template <typename Same>
bool JsonCopier::KeyIndex::insert(uint32_t hash, uint32_t index, const Same &same) {
    if ((used_ + 1) * 2 > slots_.size()) {
        grow();
    }
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot &slot = slots_[i];
        if (slot.index_plus_one == 0) {
            slot = Slot{hash, index + 1};
            ++used_;
            return true;
        }
        if (slot.hash == hash && same(slot.index_plus_one - 1, index)) {
            return false;
        }
    }
}

// Checks the key just stored at keys_.back() against the other keys of the innermost object.
bool JsonCopier::check_duplicate_key() {
    Frame &frame = frames_[depth_ - 1];
    size_t newest = keys_.size() - 1;
    size_t key_count = keys_.size() - frame.keys_begin;

    if (!frame.key_index.active() && key_count <= kLinearKeyCheckLimit) {
        std::string_view key = stored_key(newest);
        for (size_t i = frame.keys_begin; i < newest; ++i) {
            if (stored_key(i) == key) {
                return false;
            }
        }
        return true;
    }

    // NOTE: the table counts keys in 32 bits, which no object smaller than about 20 GB
    // of JSON can exceed.
    if (key_count >= UINT32_MAX) {
        throw std::length_error("an object has more than 4294967294 keys");
    }
    size_t first = frame.keys_begin;
    auto same = [this, first](uint32_t left, uint32_t right) {
        return stored_key(first + left) == stored_key(first + right);
    };
    if (!frame.key_index.active()) {
        frame.key_index.start(key_count);
        for (size_t i = first; i < newest; ++i) {
            frame.key_index.insert(hash_key(i), static_cast<uint32_t>(i - first), same);
        }
    }
    return frame.key_index.insert(hash_key(newest), static_cast<uint32_t>(newest - first), same);
}

std::string_view JsonCopier::stored_key(size_t index) const {
    const KeyRef &ref = keys_[index];
    return std::string_view(out_.data() + ref.offset, ref.length);
}

// A 64-bit multiply-and-fold hash over the stored key, 8 bytes at a time.
uint32_t JsonCopier::hash_key(size_t index) const {
    constexpr uint64_t kMultiplier = 0xFF51AFD7ED558CCDULL;
    std::string_view key = stored_key(index);
    uint64_t hash = 0x9E3779B97F4A7C15ULL ^ key.size();
    size_t i = 0;
    for (; i + 8 <= key.size(); i += 8) {
        uint64_t word;
        std::memcpy(&word, key.data() + i, sizeof word);
        hash = (hash ^ word) * kMultiplier;
        hash ^= hash >> 32;
    }
    if (i < key.size()) {
        uint64_t word = 0;
        std::memcpy(&word, key.data() + i, key.size() - i);
        hash = (hash ^ word) * kMultiplier;
        hash ^= hash >> 32;
    }
    hash *= 0xC4CEB9FE1A85EC53ULL;
    hash ^= hash >> 29;
    return static_cast<uint32_t>(hash);
}

// Returns a stored key as append_json_string_body wrote it, whatever the output style.
std::string JsonCopier::key_for_message(size_t index) const {
    if (style_ == OutputStyle::plain) {
        return std::string(stored_key(index));
    }
    return strip_embedding(stored_key(index));
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
        size_t keys_end = i + 1 < depth_ ? frames_[i + 1].keys_begin : keys_.size();
        if (keys_end == frame.keys_begin) {
            continue;
        }
        std::string escaped_key = key_for_message(keys_end - 1);
        if (is_identifier(escaped_key)) {
            segments.push_back("." + escaped_key);
        } else {
            segments.push_back("[\"" + escaped_key + "\"]");
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
    return locate(context_.stream->text(), context_.stream->Tell());
}

}  // namespace seraplot::detail
