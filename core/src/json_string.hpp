// Writing JSON strings in their minimal escaped form.
#ifndef SERAPLOT_JSON_STRING_HPP
#define SERAPLOT_JSON_STRING_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "output_buffer.hpp"

namespace seraplot::detail {

// Appends text as a quoted JSON string. Only '"', '\\' and control characters below U+0020
// are escaped; every other byte, UTF-8 included, is copied as it is. The text must be valid
// UTF-8, which the parser has checked for everything that reaches here.
void append_json_string(OutputBuffer &out, std::string_view text);

// Appends the contents of a JSON text as the body of a JSON string, without the quotes:
// the text is escaped once more so that the result decodes back to exactly that text.
void append_json_string_body(OutputBuffer &out, std::string_view text);

// Returns text as a quoted JSON string, for messages and small answers.
std::string quote_json_string(std::string_view text);

}  // namespace seraplot::detail

#endif  // SERAPLOT_JSON_STRING_HPP
