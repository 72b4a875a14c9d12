// Runs every test_parsing file of JSONTestSuite through the core as the state of a save
// payload. y_ files must save and load back equal, n_ files must be rejected, and i_ files
// must get the verdict that docs/jsontestsuite.md records for them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <rapidjson/document.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

const std::string kSuiteDir = SERAPLOT_JSONTESTSUITE_DIR "/test_parsing";
const std::string kVerdictsDoc = SERAPLOT_VECTORS_DIR "/../../docs/jsontestsuite.md";

// The two accepted files whose objects repeat a member name, which this library rejects.
const std::vector<std::string> kRepeatedKeyFiles = {"y_object_duplicated_key.json",
                                                    "y_object_duplicated_key_and_value.json"};

std::vector<std::string> suite_files() {
    std::vector<std::string> names;
    if (!std::filesystem::is_directory(kSuiteDir)) {
        throw std::runtime_error("JSONTestSuite is missing: no folder " + kSuiteDir +
                                 "; set SERAPLOT_JSONTESTSUITE_DIR");
    }
    for (const auto &entry : std::filesystem::directory_iterator(kSuiteDir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Reads the table rows "| i_name.json | accepted |" or "| i_name.json | rejected: code |".
std::map<std::string, std::string> documented_verdicts() {
    std::ifstream doc(kVerdictsDoc);
    std::map<std::string, std::string> verdicts;
    std::string line;
    while (std::getline(doc, line)) {
        if (line.rfind("| i_", 0) != 0) {
            continue;
        }
        size_t name_end = line.find(" |", 2);
        std::string name = line.substr(2, name_end - 2);
        size_t verdict_start = name_end + 3;
        std::string verdict = line.substr(verdict_start, line.find(" |", verdict_start) - verdict_start);
        verdicts[name] = verdict;
    }
    return verdicts;
}

std::string payload_for(const std::string &state) {
    return "{\"kind\":\"conformance\",\"state\":" + state + "}";
}

// Collects the text of every number in a JSON text, in order.
struct NumberTexts : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NumberTexts> {
    std::vector<std::string> texts;
    bool RawNumber(const char *text, rapidjson::SizeType length, bool) {
        texts.emplace_back(text, length);
        return true;
    }
};

std::vector<std::string> number_texts(const std::string &json) {
    NumberTexts handler;
    rapidjson::Reader reader;
    rapidjson::StringStream stream(json.c_str());
    reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag |
                 rapidjson::kParseStopWhenDoneFlag>(stream, handler);
    return handler.texts;
}

// Equality that also requires members in the same order.
bool same_value(const rapidjson::Value &left, const rapidjson::Value &right) {
    if (left.GetType() != right.GetType()) {
        return false;
    }
    if (left.IsObject()) {
        if (left.MemberCount() != right.MemberCount()) {
            return false;
        }
        for (auto l = left.MemberBegin(), r = right.MemberBegin(); l != left.MemberEnd(); ++l, ++r) {
            if (!(l->name == r->name) || !same_value(l->value, r->value)) {
                return false;
            }
        }
        return true;
    }
    if (left.IsArray()) {
        if (left.Size() != right.Size()) {
            return false;
        }
        for (rapidjson::SizeType i = 0; i < left.Size(); ++i) {
            if (!same_value(left[i], right[i])) {
                return false;
            }
        }
        return true;
    }
    return left == right;
}

constexpr unsigned kReferenceFlags = rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;

class JsonTestSuite : public testing::TestWithParam<std::string> {};

TEST_P(JsonTestSuite, GetsItsVerdict) {
    const std::string name = GetParam();
    const std::string state = seraplot::test::read_file(kSuiteDir + "/" + name);
    const std::string answer = seraplot::test::call("save", payload_for(state));

    rapidjson::Document parsed;
    parsed.Parse(answer.c_str(), answer.size());
    ASSERT_FALSE(parsed.HasParseError()) << "the answer is not JSON: " << answer;
    ASSERT_TRUE(parsed.IsObject() && parsed.HasMember("ok") && parsed["ok"].IsBool()) << answer;
    bool saved = parsed["ok"].GetBool();
    if (!saved) {
        ASSERT_TRUE(parsed["error"].IsString() && parsed["error"].GetStringLength() > 0) << answer;
    }

    if (name[0] == 'n') {
        EXPECT_FALSE(saved) << answer;
        return;
    }
    if (name[0] == 'i') {
        auto verdicts = documented_verdicts();
        ASSERT_EQ(verdicts.count(name), 1u) << name << " is missing from docs/jsontestsuite.md";
        std::string verdict = saved ? "accepted" : "rejected: " + std::string(parsed["code"].GetString());
        EXPECT_EQ(verdict, verdicts[name]);
        return;
    }

    if (std::find(kRepeatedKeyFiles.begin(), kRepeatedKeyFiles.end(), name) != kRepeatedKeyFiles.end()) {
        ASSERT_FALSE(saved) << answer;
        EXPECT_STREQ(parsed["code"].GetString(), "duplicate_key");
        return;
    }
    ASSERT_TRUE(saved) << answer;

    // Load the envelope back and compare its state with the file, read independently.
    std::string data(parsed["data"].GetString(), parsed["data"].GetStringLength());
    rapidjson::Document load_payload;
    load_payload.SetObject();
    load_payload.AddMember("data", rapidjson::Value(data.c_str(), static_cast<rapidjson::SizeType>(data.size()), load_payload.GetAllocator()),
                           load_payload.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    load_payload.Accept(writer);
    std::string loaded = seraplot::test::call("load", std::string(buffer.GetString(), buffer.GetSize()));

    rapidjson::Document loaded_answer;
    loaded_answer.Parse<kReferenceFlags>(loaded.c_str(), loaded.size());
    ASSERT_FALSE(loaded_answer.HasParseError()) << loaded;
    ASSERT_TRUE(loaded_answer["ok"].IsTrue()) << loaded;
    rapidjson::Document original;
    original.Parse<kReferenceFlags>(state.c_str(), state.size());
    ASSERT_FALSE(original.HasParseError()) << "the reference reader rejects " << name;
    EXPECT_TRUE(same_value(loaded_answer["model"]["state"], original)) << loaded;
    std::vector<std::string> expected_numbers = {"1"};  // the envelope's seraplot_model_v
    for (const std::string &text : number_texts(state)) {
        expected_numbers.push_back(text);
    }
    EXPECT_EQ(number_texts(data), expected_numbers);
}

std::string test_name(const testing::TestParamInfo<std::string> &info) {
    std::string name;
    for (char c : info.param) {
        bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        name += alphanumeric ? c : '_';
    }
    return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(TestParsing, JsonTestSuite, testing::ValuesIn(suite_files()), test_name);

}  // namespace
