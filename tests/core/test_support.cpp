#include "test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "seraplot/seraplot.h"

namespace seraplot::test {

std::string call(std::string_view function, std::string_view payload) {
    size_t length = 0;
    char *answer = function == "save"
                       ? seraplot_ml_save_model(payload.data(), payload.size(), &length)
                       : seraplot_ml_load_model(payload.data(), payload.size(), &length);
    if (answer == nullptr) {
        throw std::runtime_error("the C interface returned NULL");
    }
    std::string text(answer, length);
    bool terminated = answer[length] == '\0';
    seraplot_free(answer);
    if (!terminated) {
        throw std::runtime_error("the answer is not NUL-terminated at its reported length");
    }
    return text;
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void write_file(const std::string &path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

std::string decode_base64(std::string_view text) {
    static const std::string kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') {
            break;
        }
        size_t value = kAlphabet.find(c);
        if (value == std::string::npos) {
            throw std::runtime_error("invalid base64 character");
        }
        buffer = (buffer << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return bytes;
}

std::vector<std::string> list_folder(const std::string &path) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(path)) {
        std::string name = entry.path().filename().string();
        if (entry.is_directory() && !entry.is_symlink()) {
            name += "/";
        }
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

TemporaryFolder::TemporaryFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "seraplot-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    }
    path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace seraplot::test
