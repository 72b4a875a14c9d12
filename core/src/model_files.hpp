// Reading a model file, and replacing one atomically. POSIX only; builds without file access
// (SERAPLOT_WITH_FILES=0) never call these.
#ifndef SERAPLOT_MODEL_FILES_HPP
#define SERAPLOT_MODEL_FILES_HPP

#include <ctime>
#include <string>
#include <string_view>

namespace seraplot::detail {

// Temporary files
//
// A save writes the new content to a temporary file in the target's folder, named
//
//     .<name>.seraplot-tmp-<pid>-<16 lowercase hex digits>
//
// where <name> is the target's file name, <pid> the saving process's id in decimal, and the
// hex digits are random. A name longer than kMaxNameInTemporaryFile bytes is cut to that
// many bytes at a UTF-8 character boundary, so that the temporary name stays within the
// 255-byte limit of common file systems. Targets whose names share those first bytes then
// share the start of their temporary names. The writer holds a flock() lock on the file from
// just after creating it until after the rename.
//
// A process that dies during a save (SIGKILL, a crash, a power loss) leaves its temporary
// file behind. Before it creates its own, every save removes a file from the target's folder
// when all of these hold:
//   - its name follows the pattern above for the same <name>, exactly: a decimal pid without
//     a leading zero, one '-', 16 lowercase hex digits, nothing more;
//   - it is a regular file (a symbolic link or a folder with such a name is kept);
//   - no process holds a flock() lock on it (a lock attempt with LOCK_NB does not fail with
//     EWOULDBLOCK). On file systems without flock() this check cannot tell anything and is
//     passed;
//   - the process named by <pid> no longer exists (kill(pid, 0) fails with ESRCH), or the
//     file was last modified more than kStaleTemporaryFileAge seconds ago. The age rule
//     removes files whose writer's pid has since been reused by another process.
// A live writer keeps its file: its pid exists, and where the pid cannot tell (a writer in
// another PID namespace sharing the folder, or a writer stopped for longer than the age
// limit) its lock does. Files that cannot be examined or removed (no read permission on the
// folder or the file, another owner in a sticky folder) are left in place, and the cleanup
// never makes a save fail. It reads the whole folder once per save.
constexpr size_t kMaxNameInTemporaryFile = 200;
constexpr std::time_t kStaleTemporaryFileAge = 24 * 60 * 60;

// Returns the whole content of the file at path. Throws ModelError when the file cannot be
// read, is a directory or is empty, or when the path contains a NUL character. The message
// names the path and the reason.
std::string read_model_file(const std::string &path);

// Replaces the file at path with bytes, so that path holds either its old content or all of
// the new one, even if the process is killed or the machine loses power half-way.
//
// The bytes go to a temporary file in the target's folder (see above), which is flushed to
// disk and then renamed over the target. A replaced file keeps its permission bits, and its
// owner where the process may set it. When path is a symbolic link, the file it points to is
// replaced and the link stays. The folder must exist, and the path must not contain a NUL
// character. On failure the target is unchanged, the temporary file is removed, and
// ModelError says what went wrong.
void write_file_atomically(const std::string &path, std::string_view bytes);

}  // namespace seraplot::detail

#endif  // SERAPLOT_MODEL_FILES_HPP
