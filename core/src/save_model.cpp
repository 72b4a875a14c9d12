#include <string>

#include "envelope.hpp"
#include "errors.hpp"
#include "json_string.hpp"
#include "model_functions.hpp"
#include "parse_text.hpp"
#include "payload.hpp"

#if SERAPLOT_WITH_FILES
#include "model_files.hpp"
#endif

namespace seraplot::detail {

namespace {

// Returns the finished envelope. When "state" came before "kind" in the payload, the
// opening could not be written before the state, so the envelope is assembled in spare.
std::string_view finish_envelope(OutputBuffer &copied, const PayloadMembers &members,
                                 OutputBuffer &spare) {
    if (members.envelope_opened) {
        copied.push('}');
        return copied.view();
    }
    spare.reserve(members.state_end - members.state_begin + members.kind->size() + 64);
    append_envelope_opening(spare, *members.kind);
    spare.append(copied.view(members.state_begin, members.state_end));
    spare.push('}');
    return spare.view();
}

}  // namespace

void save_model(std::string_view payload, OutputBuffer &answer) {
    TextSource source = payload_source();
    OutputBuffer copied;
    copied.reserve(payload.size() + 64);

    rapidjson::MemoryStream stream(payload.data(), payload.size());
    PayloadReader reader(PayloadFunction::save, copied,
                         CopyContext{&source, payload, [&stream] { return stream.Tell(); }});
    parse_text(payload, stream, reader, source);
    const PayloadMembers &members = reader.members();

    OutputBuffer spare;
    std::string_view envelope = finish_envelope(copied, members, spare);
    std::string size = std::to_string(envelope.size());

    if (members.path) {
#if SERAPLOT_WITH_FILES
        write_file_atomically(*members.path, envelope);
        answer.append("{\"ok\":true,\"path\":");
        append_json_string(answer, *members.path);
        answer.append(",\"size\":");
        answer.append(size);
        answer.push('}');
        return;
#else
        throw files_unavailable();
#endif
    }

    answer.reserve(envelope.size() + envelope.size() / 8 + 64);
    answer.append("{\"ok\":true,\"data\":\"");
    append_json_string_body(answer, envelope);
    answer.append("\",\"size\":");
    answer.append(size);
    answer.push('}');
}

}  // namespace seraplot::detail
