#include <string>

#include "envelope.hpp"
#include "errors.hpp"
#include "json_string.hpp"
#include "model_functions.hpp"
#include "payload.hpp"

#if SERAPLOT_WITH_FILES
#include "model_files.hpp"
#endif

namespace seraplot::detail {

namespace {

constexpr std::string_view kInlineAnswerOpening = "{\"ok\":true,\"data\":\"";

// Completes the envelope that starts at envelope_begin in out. When "state" came before
// "kind" in the payload, the opening could not be written before the state, so it is
// inserted there now.
void finish_envelope(OutputBuffer &out, PayloadMembers &members) {
    if (!members.envelope_opened) {
        OutputBuffer opening;
        members.embedding_overhead +=
            append_envelope_opening(opening, *members.kind, members.state_style);
        out.insert(members.state_begin, opening.view());
    }
    out.push('}');
}

}  // namespace

// The state is copied once, straight into the answer. Without "path" before "state" in the
// payload it is copied in the embedded style, the form that the inline answer's "data"
// string needs, behind that answer's opening. A "path" that turns up after the state
// turns the copy back into plain JSON in place.
void save_model(std::string_view payload, OutputBuffer &answer) {
    // Room for the embedded style's extra backslashes, so that large answers are rarely
    // moved while they grow. Pages that are reserved but never written cost no memory.
    answer.reserve(payload.size() + payload.size() / 4 + 64);
    answer.append(kInlineAnswerOpening);
    const size_t envelope_begin = answer.size();

    PayloadReading reading = read_payload(PayloadFunction::save, payload, answer);
    PayloadMembers &members = reading.members;
    finish_envelope(answer, members);

    if (members.path) {
#if SERAPLOT_WITH_FILES
        if (members.state_style == OutputStyle::embedded) {
            size_t plain_size =
                strip_embedding_in_place(answer.data() + envelope_begin, answer.size() - envelope_begin);
            answer.truncate(envelope_begin + plain_size);
        }
        std::string_view envelope = answer.view(envelope_begin, answer.size());
        write_file_atomically(*members.path, envelope);

        OutputBuffer path_answer;
        path_answer.append("{\"ok\":true,\"path\":");
        append_json_string(path_answer, *members.path);
        path_answer.append(",\"size\":");
        path_answer.append(std::to_string(envelope.size()));
        path_answer.push('}');
        answer.swap(path_answer);
        return;
#else
        throw files_unavailable();
#endif
    }

    size_t envelope_size = answer.size() - envelope_begin - members.embedding_overhead;
    answer.append("\",\"size\":");
    answer.append(std::to_string(envelope_size));
    answer.push('}');
}

}  // namespace seraplot::detail
