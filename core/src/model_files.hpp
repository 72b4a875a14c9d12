// Reading a model file, and replacing one atomically. POSIX only; builds without file access
// (SERAPLOT_WITH_FILES=0) do not compile these.
#ifndef SERAPLOT_MODEL_FILES_HPP
#define SERAPLOT_MODEL_FILES_HPP

#include <string>
#include <string_view>

namespace seraplot::detail {

// Returns the whole content of the file at path. Throws ModelError when the file cannot be
// read, is a directory or is empty; the message names the path and the reason.
std::string read_model_file(const std::string &path);

// Replaces the file at path with bytes, so that path holds either its old content or all of
// the new one, even if the process is killed or the machine loses power half-way.
//
// The bytes go to a temporary file in the target's folder, which is flushed to disk and then
// renamed over the target. A replaced file keeps its permission bits, and its owner where the
// process may set it. When path is a symbolic link, the file it points to is replaced and the
// link stays. The folder must exist. On failure the target is unchanged, the temporary file
// is removed, and ModelError says what went wrong.
void write_file_atomically(const std::string &path, std::string_view bytes);

}  // namespace seraplot::detail

#endif  // SERAPLOT_MODEL_FILES_HPP
