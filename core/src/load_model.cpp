#include <string>

#include "envelope.hpp"
#include "errors.hpp"
#include "model_functions.hpp"
#include "payload.hpp"

#if SERAPLOT_WITH_FILES
#include "model_files.hpp"
#endif

namespace seraplot::detail {

namespace {

constexpr std::string_view kAnswerOpening = "{\"ok\":true,\"model\":";

#if SERAPLOT_WITH_FILES
void load_file(const std::string &path, OutputBuffer &answer) {
    std::string content = read_model_file(path);
    std::string_view text = content;
    text = without_byte_order_mark(text);
    if (text.empty()) {
        throw empty_file(path);
    }
    // The envelope is copied without whitespace, so it never needs more room than the file.
    answer.reserve(answer.size() + text.size() + 1);
    read_envelope(text, file_source(path), answer);
}
#endif

}  // namespace

void load_model(std::string_view payload, OutputBuffer &answer) {
    // An envelope given in "data" is never longer in the answer than in the payload, so a
    // large answer is not moved while it grows.
    answer.reserve(kAnswerOpening.size() + payload.size() + 1);
    answer.append(kAnswerOpening);

    // An envelope given as a "data" object is copied into the answer while the payload is
    // parsed; one given as a string or a path is read afterwards.
    PayloadReading reading = read_payload(PayloadFunction::load, payload, answer);
    const PayloadMembers &members = reading.members;

    if (members.has_data_object) {
        reading.data_checker->check(TextSource{"the \"data\" object"});
    } else if (members.data_string_copied) {
        // The fast mode has read and checked the envelope already.
    } else if (members.data_text) {
        read_envelope(without_byte_order_mark(*members.data_text), data_string_source(), answer);
    } else {
#if SERAPLOT_WITH_FILES
        load_file(*members.path, answer);
#else
        throw files_unavailable();
#endif
    }
    answer.push('}');
}

}  // namespace seraplot::detail
