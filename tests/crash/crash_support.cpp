#include "crash_support.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <utility>

#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace seraplot::test {

std::string make_state(size_t min_bytes, unsigned seed) {
    std::mt19937 generator(seed);
    std::uniform_int_distribution<int> digits(0, 999999);
    std::string state;
    state.reserve(min_bytes + 32);
    state.push_back('[');
    while (state.size() < min_bytes) {
        if (state.size() > 1) {
            state.push_back(',');
        }
        state += std::to_string(seed);
        state.push_back('.');
        state += std::to_string(digits(generator));
    }
    state.push_back(']');
    return state;
}

std::string envelope_of(std::string_view state) {
    return "{\"seraplot_model_v\":1,\"kind\":\"k\",\"state\":" + std::string(state) + "}";
}

std::string save_payload(std::string_view path, std::string_view state) {
    return "{\"kind\":\"k\",\"path\":\"" + std::string(path) + "\",\"state\":" +
           std::string(state) + "}";
}

std::vector<std::string> temporary_files(const std::string &folder) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(folder)) {
        std::string name = entry.path().filename().string();
        if (name.find(".seraplot-tmp-") != std::string::npos) {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> temporary_files_of(const std::string &folder, pid_t pid) {
    std::string marker = ".seraplot-tmp-" + std::to_string(pid) + "-";
    std::vector<std::string> names;
    for (std::string &name : temporary_files(folder)) {
        if (name.find(marker) != std::string::npos) {
            names.push_back(std::move(name));
        }
    }
    return names;
}

pid_t pid_of_exited_process() {
    for (int attempt = 0; attempt < 100; ++attempt) {
        pid_t child = ::fork();
        if (child < 0) {
            throw std::runtime_error("fork failed");
        }
        if (child == 0) {
            ::_exit(0);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        // Another process may have been given the id in the meantime; try again then.
        if (::kill(child, 0) != 0 && errno == ESRCH) {
            return child;
        }
    }
    throw std::runtime_error("every exited child's process id was reused at once");
}

std::string temporary_name(std::string_view target_name, pid_t pid, std::string_view random_hex) {
    return "." + std::string(target_name) + ".seraplot-tmp-" + std::to_string(pid) + "-" +
           std::string(random_hex);
}

std::string describe_content(std::string_view content) {
    constexpr size_t kShown = 60;
    if (content.size() <= 2 * kShown) {
        return "\"" + std::string(content) + "\"";
    }
    return std::to_string(content.size()) + " bytes, \"" + std::string(content.substr(0, kShown)) +
           "...\" ending in \"..." + std::string(content.substr(content.size() - kShown)) + "\"";
}

bool is_success(std::string_view answer) { return answer.substr(0, 10) == "{\"ok\":true"; }

std::string error_code(std::string_view answer) {
    rapidjson::Document parsed;
    parsed.Parse(answer.data(), answer.size());
    if (parsed.HasParseError() || !parsed.IsObject() || !parsed.HasMember("code") ||
        !parsed["code"].IsString()) {
        return "";
    }
    return parsed["code"].GetString();
}

}  // namespace seraplot::test
