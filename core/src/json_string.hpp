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

// Appends what append_json_string would write for text, escaped once more as the body of an
// enclosing JSON string: \"...\" with every '"' and '\\' of the inner string escaped. Returns
// how many bytes longer that is than the inner string itself.
size_t append_embedded_json_string(OutputBuffer &out, std::string_view text);

// Appends the body of an inner JSON string (as append_json_string_body writes it for text),
// escaped once more for an enclosing JSON string. Returns how many bytes longer that is than
// the inner body.
size_t append_embedded_json_string_body(OutputBuffer &out, std::string_view text);

// Returns the text of an inner JSON string body from its embedded form, the reverse of the
// second escaping that append_embedded_json_string_body does. For messages.
std::string strip_embedding(std::string_view embedded);

// Turns JSON text written in the embedded style (by the functions above, and raw bytes that
// contain no '"', '\\' or control character) back into its plain form, in place. Returns the
// plain length, which is at most length.
size_t strip_embedding_in_place(char *text, size_t length);

// True when text, decoded from a JSON string, contains the 3-byte UTF-8 form of a UTF-16
// surrogate (ED A0..ED BF). Both modes of parsing reject such bytes in the input and escapes
// of a high surrogate without its low half, so they come only from a \u escape of a lone
// low surrogate.
bool has_lone_surrogate(std::string_view text);

// Returns text as a quoted JSON string, for messages and small answers.
std::string quote_json_string(std::string_view text);

}  // namespace seraplot::detail

#endif  // SERAPLOT_JSON_STRING_HPP
