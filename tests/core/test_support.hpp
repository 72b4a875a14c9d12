// Helpers shared by the core's tests: calling the C interface, and real temporary folders.
#ifndef SERAPLOT_TEST_SUPPORT_HPP
#define SERAPLOT_TEST_SUPPORT_HPP

#include <string>
#include <string_view>
#include <vector>

namespace seraplot::test {

// Calls seraplot_ml_save_model or seraplot_ml_load_model ("save" or "load") and returns the
// answer, checking that the reported length matches the NUL-terminated text.
std::string call(std::string_view function, std::string_view payload);

std::string read_file(const std::string &path);
void write_file(const std::string &path, std::string_view content);
std::string decode_base64(std::string_view text);

// Names in a folder, sorted, with "/" appended to folders.
std::vector<std::string> list_folder(const std::string &path);

// A new empty folder under the system's temporary folder, removed with its content.
class TemporaryFolder {
public:
    TemporaryFolder();
    TemporaryFolder(const TemporaryFolder &) = delete;
    TemporaryFolder &operator=(const TemporaryFolder &) = delete;
    ~TemporaryFolder();

    const std::string &path() const { return path_; }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

private:
    std::string path_;
};

}  // namespace seraplot::test

#endif  // SERAPLOT_TEST_SUPPORT_HPP
