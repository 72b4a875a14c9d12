// Helpers for the tests of what saves leave on disk when they are interrupted, run at the
// same time, or run out of space.
#ifndef SERAPLOT_CRASH_SUPPORT_HPP
#define SERAPLOT_CRASH_SUPPORT_HPP

#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace seraplot::test {

// Returns a compact JSON array of numbers of at least min_bytes bytes. Different seeds give
// different arrays.
std::string make_state(size_t min_bytes, unsigned seed);

// The envelope that a save of state under kind "k" writes, for a compact state.
std::string envelope_of(std::string_view state);

// A save payload for kind "k" with a path.
std::string save_payload(std::string_view path, std::string_view state);

// Returns the names in folder that contain ".seraplot-tmp-", sorted.
std::vector<std::string> temporary_files(const std::string &folder);

// Returns the names in folder of the temporary files that process pid created, sorted.
std::vector<std::string> temporary_files_of(const std::string &folder, pid_t pid);

// Returns the id of a process that has exited and been reaped, so that no process has it.
pid_t pid_of_exited_process();

// The name of a temporary file for target_name written by pid, as a save names it.
std::string temporary_name(std::string_view target_name, pid_t pid,
                           std::string_view random_hex = "0123456789abcdef");

// Describes a long text by its size and ends, for failure messages.
std::string describe_content(std::string_view content);

// Whether answer is {"ok":true,...}.
bool is_success(std::string_view answer);

// Returns the "code" of an error answer, or "" when there is none.
std::string error_code(std::string_view answer);

}  // namespace seraplot::test

#endif  // SERAPLOT_CRASH_SUPPORT_HPP
