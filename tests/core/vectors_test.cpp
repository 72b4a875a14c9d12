// Runs the shared contract vectors (tests/vectors) against the C interface.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using seraplot::test::TemporaryFolder;

struct VectorCase {
    std::string label;  // file and index, for the test name
    std::string name;
    std::string function;
    std::string payload;
    std::map<std::string, std::string> files;
    std::optional<std::string> expected_response;
    std::string expected_code;
    std::vector<std::string> message_includes;
    std::map<std::string, std::string> expected_files;
    bool expect_no_other_files = false;
};

std::string file_content(const rapidjson::Value &value) {
    if (value.IsObject()) {
        return seraplot::test::decode_base64(value["base64"].GetString());
    }
    return std::string(value.GetString(), value.GetStringLength());
}

std::map<std::string, std::string> read_file_map(const rapidjson::Value &object) {
    std::map<std::string, std::string> files;
    for (const auto &member : object.GetObject()) {
        files[member.name.GetString()] = file_content(member.value);
    }
    return files;
}

bool runs_in_core(const rapidjson::Value &vector) {
    if (!vector.HasMember("builds")) {
        return true;
    }
    for (const auto &build : vector["builds"].GetArray()) {
        if (std::string(build.GetString()) == "core") {
            return true;
        }
    }
    return false;
}

std::vector<VectorCase> load_vectors() {
    std::vector<VectorCase> cases;
    for (const char *file : {"save.json", "load.json", "files.json", "fuzz-findings.json"}) {
        std::string path = std::string(SERAPLOT_VECTORS_DIR) + "/" + file;
        rapidjson::Document document;
        document.Parse(seraplot::test::read_file(path).c_str());
        if (document.HasParseError() || !document.IsArray()) {
            throw std::runtime_error(path + " is not a JSON array");
        }
        size_t index = 0;
        for (const auto &vector : document.GetArray()) {
            ++index;
            if (!runs_in_core(vector)) {
                continue;
            }
            VectorCase item;
            item.label = std::string(file).substr(0, std::string(file).find('.')) + "_" +
                         std::to_string(index);
            item.name = vector["name"].GetString();
            item.function = vector["function"].GetString();
            item.payload = vector.HasMember("payload")
                               ? std::string(vector["payload"].GetString(),
                                             vector["payload"].GetStringLength())
                               : seraplot::test::decode_base64(vector["payload_base64"].GetString());
            if (vector.HasMember("files")) {
                item.files = read_file_map(vector["files"]);
            }
            const rapidjson::Value &expect = vector["expect"];
            if (expect.HasMember("response")) {
                item.expected_response = std::string(expect["response"].GetString(),
                                                     expect["response"].GetStringLength());
            } else {
                item.expected_code = expect["code"].GetString();
                for (const auto &part : expect["message_includes"].GetArray()) {
                    item.message_includes.push_back(part.GetString());
                }
            }
            if (vector.HasMember("expect_files")) {
                item.expected_files = read_file_map(vector["expect_files"]);
            }
            item.expect_no_other_files = vector.HasMember("expect_no_other_files") &&
                                         vector["expect_no_other_files"].GetBool();
            cases.push_back(std::move(item));
        }
    }
    return cases;
}

std::string with_folder(std::string text, const std::string &folder) {
    const std::string placeholder = "{dir}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + folder.size())) {
        text.replace(at, placeholder.size(), folder);
    }
    return text;
}

class ContractVector : public testing::TestWithParam<VectorCase> {};

TEST_P(ContractVector, GivesTheContractAnswer) {
    const VectorCase &vector = GetParam();
    SCOPED_TRACE(vector.name);
    TemporaryFolder folder;

    for (const auto &[name, content] : vector.files) {
        if (name.back() == '/') {
            std::filesystem::create_directory(folder.file(name));
        } else {
            seraplot::test::write_file(folder.file(name), with_folder(content, folder.path()));
        }
    }

    std::string answer = seraplot::test::call(vector.function, with_folder(vector.payload, folder.path()));

    rapidjson::Document parsed;
    parsed.Parse(answer.c_str(), answer.size());
    ASSERT_FALSE(parsed.HasParseError()) << "the answer is not JSON: " << answer;
    ASSERT_TRUE(parsed.IsObject() && parsed.HasMember("ok")) << answer;

    if (vector.expected_response) {
        EXPECT_EQ(answer, with_folder(*vector.expected_response, folder.path()));
    } else {
        ASSERT_TRUE(parsed["ok"].IsFalse()) << answer;
        ASSERT_TRUE(parsed.HasMember("code") && parsed["code"].IsString()) << answer;
        EXPECT_EQ(std::string(parsed["code"].GetString()), vector.expected_code) << answer;
        std::string message = parsed["error"].GetString();
        for (const std::string &part : vector.message_includes) {
            EXPECT_NE(message.find(with_folder(part, folder.path())), std::string::npos)
                << "the message lacks \"" << part << "\": " << message;
        }
    }

    for (const auto &[name, content] : vector.expected_files) {
        if (name.back() == '/') {
            EXPECT_TRUE(std::filesystem::is_directory(folder.file(name))) << name;
        } else {
            EXPECT_EQ(seraplot::test::read_file(folder.file(name)), with_folder(content, folder.path()))
                << name;
        }
    }
    if (vector.expect_no_other_files) {
        std::vector<std::string> expected;
        for (const auto &entry : vector.expected_files) {
            expected.push_back(entry.first);
        }
        EXPECT_EQ(seraplot::test::list_folder(folder.path()), expected);
    }
}

std::string test_name(const testing::TestParamInfo<VectorCase> &info) {
    std::string name;
    for (char c : info.param.label + "_" + info.param.name) {
        bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        name += alphanumeric ? c : '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, ContractVector, testing::ValuesIn(load_vectors()), test_name);

}  // namespace
