// The C interface: the only place where C++ exceptions are caught and turned into answers.
#include "seraplot/seraplot.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "errors.hpp"
#include "model_functions.hpp"

namespace {

using seraplot::detail::ModelError;
using seraplot::detail::OutputBuffer;

// Used when even an error answer cannot be allocated through the usual path.
constexpr char kOutOfMemoryAnswer[] =
    "{\"ok\":false,\"error\":\"seraplot ran out of memory.\",\"code\":\"out_of_memory\"}";

char *copy_for_caller(const char *bytes, size_t length, size_t *response_len) {
    char *copy = static_cast<char *>(std::malloc(length + 1));
    if (copy == nullptr) {
        return nullptr;
    }
    std::memcpy(copy, bytes, length);
    copy[length] = '\0';
    if (response_len != nullptr) {
        *response_len = length;
    }
    return copy;
}

// Returns the error answer made by make_error; never throws, since allocating the message
// can itself fail.
template <typename MakeError>
char *error_for_caller(MakeError make_error, size_t *response_len) noexcept {
    try {
        std::string answer = seraplot::detail::error_answer(make_error());
        return copy_for_caller(answer.data(), answer.size(), response_len);
    } catch (...) {
        return copy_for_caller(kOutOfMemoryAnswer, sizeof kOutOfMemoryAnswer - 1, response_len);
    }
}

template <typename Operation>
char *run(const char *function, Operation operation, const char *payload, size_t payload_len,
          size_t *response_len) {
    std::string_view text = payload == nullptr ? std::string_view() : std::string_view(payload, payload_len);
    try {
        OutputBuffer answer;
        operation(text, answer);
        if (response_len != nullptr) {
            *response_len = answer.size();
        }
        return answer.release();
    } catch (const ModelError &error) {
        return error_for_caller([&] { return error; }, response_len);
    } catch (const std::bad_alloc &) {
        return error_for_caller([&] { return seraplot::detail::out_of_memory(function); },
                                response_len);
    } catch (const std::exception &error) {
        return error_for_caller(
            [&] { return seraplot::detail::internal_error(function, error.what()); }, response_len);
    } catch (...) {
        return error_for_caller(
            [&] {
                return seraplot::detail::internal_error(function, "an unknown exception was thrown");
            },
            response_len);
    }
}

}  // namespace

extern "C" {

char *seraplot_ml_save_model(const char *payload, size_t payload_len, size_t *response_len) {
    return run("save", seraplot::detail::save_model, payload, payload_len, response_len);
}

char *seraplot_ml_load_model(const char *payload, size_t payload_len, size_t *response_len) {
    return run("load", seraplot::detail::load_model, payload, payload_len, response_len);
}

void seraplot_free(char *response) { std::free(response); }

}  // extern "C"
