// The kinds of JSON value, named as messages name them.
#ifndef SERAPLOT_JSON_TYPE_HPP
#define SERAPLOT_JSON_TYPE_HPP

#include <string_view>

namespace seraplot::detail {

enum class JsonType { null, boolean, number, string, object, array };

// Returns the type with an article, as in "but it is an array".
inline std::string_view describe_json_type(JsonType type) {
    switch (type) {
    case JsonType::null: return "null";
    case JsonType::boolean: return "a boolean";
    case JsonType::number: return "a number";
    case JsonType::string: return "a string";
    case JsonType::object: return "an object";
    case JsonType::array: return "an array";
    }
    return "a value";
}

}  // namespace seraplot::detail

#endif  // SERAPLOT_JSON_TYPE_HPP
