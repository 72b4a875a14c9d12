// Node-API binding of the seraplot core. It only converts a JavaScript payload into UTF-8
// bytes, calls the C interface (seraplot.h) and turns the core's answer into a JavaScript
// string. Parsing, checking, envelopes and files are all the core's work.
//
// The JavaScript entry (node/index.cjs) checks arguments before calling in here. This file
// checks the argument type again because the addon can be loaded directly, but it cannot
// see lone UTF-16 surrogates: V8 replaces them with U+FFFD when it encodes a string as UTF-8.
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>


#if defined(__unix__) || defined(__APPLE__)
#include <dlfcn.h>
#endif

#include "seraplot/seraplot.h"

namespace {

using CoreFunction = char *(*)(const char *payload, size_t payload_len, size_t *response_len);

// One exported operation: its JavaScript name for messages and the core function it calls.
struct Operation {
    const char *name;
    const char *async_name;
    CoreFunction call;
    // The last sentence of a too_large message: what the caller can do instead.
    const char *too_large_advice;
};

const Operation kSaveModel = {
    "mlSaveModel",
    "mlSaveModelAsync",
    seraplot_ml_save_model,
    "Pass \"path\" in the payload so that the envelope is written to that file instead of "
    "being returned as \"data\".",
};

const Operation kLoadModel = {
    "mlLoadModel",
    "mlLoadModelAsync",
    seraplot_ml_load_model,
    "A model this large cannot be returned to JavaScript as one string.",
};

// V8's maximum string length, v8::String::kMaxLength, is 2^28 - 16 characters on 32-bit
// systems and 2^29 - 24 on 64-bit ones (v8-primitive.h of V8 11.3, in Node 20). A UTF-8
// answer shorter than the smaller limit always fits, so a failure to create a string from
// one is not blamed on its length.
constexpr size_t kAlwaysFitsLength = (size_t{1} << 28) - 16;

struct CoreAnswerDeleter {
    void operator()(char *answer) const { seraplot_free(answer); }
};

// An answer from the core, released with seraplot_free.
using CoreAnswer = std::unique_ptr<char, CoreAnswerDeleter>;

struct FreeDeleter {
    void operator()(char *bytes) const { std::free(bytes); }
};

// A block from malloc, released with free.
using MallocBytes = std::unique_ptr<char, FreeDeleter>;

// Returns an uninitialized block of size bytes, or NULL. Pages that are never written take
// no memory, so a generous size costs address space only.
MallocBytes allocate_bytes(size_t size) {
    return MallocBytes(static_cast<char *>(std::malloc(size == 0 ? 1 : size)));
}

// The payload's UTF-8 bytes: either owned here or borrowed from a Uint8Array that stays
// alive and unchanged while the core reads it (true for a synchronous call).
class Payload {
public:
    Payload() = default;
    Payload(MallocBytes owned, size_t size)
        : owned_(std::move(owned)), data_(owned_.get()), size_(size) {}
    Payload(const char *borrowed, size_t size) : data_(borrowed), size_(size) {}

    const char *data() const { return data_; }
    size_t size() const { return size_; }

    // Returns a payload that owns a copy of these bytes, or an empty payload whose data()
    // is NULL when the copy cannot be allocated.
    Payload copy() const {
        MallocBytes bytes = allocate_bytes(size_ + 1);
        if (!bytes) {
            return Payload();
        }
        if (size_ != 0) {
            std::memcpy(bytes.get(), data_, size_);
        }
        bytes.get()[size_] = '\0';
        return Payload(std::move(bytes), size_);
    }

    bool owns_copy() const { return owned_ != nullptr; }

    void release() {
        owned_.reset();
        data_ = nullptr;
        size_ = 0;
    }

private:
    MallocBytes owned_;
    const char *data_ = nullptr;
    size_t size_ = 0;
};

void append_json_string(std::string &out, const std::string &text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

// Returns {"ok":false,"error":"<message>","code":"<code>"}, the same shape as the core's
// error answers. The message is text of this file, free of control characters.
std::string error_answer(const std::string &message, const char *code) {
    std::string answer = "{\"ok\":false,\"error\":";
    append_json_string(answer, message);
    answer += ",\"code\":\"";
    answer += code;
    answer += "\"}";
    return answer;
}

std::string out_of_memory_answer(const char *function_name) {
    return error_answer(std::string(function_name) +
                            ": out of memory while passing the payload or the answer "
                            "between JavaScript and the core.",
                        "out_of_memory");
}

// For an exception that the binding does not expect; it must not reach Node, where it would
// end the process.
std::string unexpected_exception_answer(const char *function_name) {
    return error_answer(std::string(function_name) +
                            " failed unexpectedly: the Node binding caught a C++ exception. "
                            "This is a bug in seraplot; please report it with the payload.",
                        "internal_error");
}

const char *type_name(napi_env env, napi_value value) {
    napi_valuetype type = napi_undefined;
    if (napi_typeof(env, value, &type) != napi_ok) {
        return "an unknown type";
    }
    switch (type) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_object: return "object";
    case napi_function: return "function";
    case napi_external: return "external";
    case napi_bigint: return "bigint";
    }
    return "an unknown type";
}

void throw_if_failed(napi_env env, napi_status status) {
    if (status != napi_ok) {
        throw Napi::Error::New(env);
    }
}

// Encodes a JavaScript string as UTF-8 into a new block. Returns false when no block can be
// allocated.
bool encode_string(napi_env env, napi_value value, Payload &payload) {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 bytes for two
    // units), so a block of 3 bytes per unit fits any string and the string is read once.
    // Only the pages written take memory. Where such a block cannot be had, the exact UTF-8
    // length is measured first.
    size_t units = 0;
    throw_if_failed(env, napi_get_value_string_utf16(env, value, nullptr, 0, &units));
    size_t capacity = units <= (SIZE_MAX - 1) / 3 ? units * 3 + 1 : 0;
    MallocBytes bytes = capacity != 0 ? allocate_bytes(capacity) : nullptr;
    if (!bytes) {
        size_t length = 0;
        throw_if_failed(env, napi_get_value_string_utf8(env, value, nullptr, 0, &length));
        capacity = length + 1;
        bytes = allocate_bytes(capacity);
        if (!bytes) {
            return false;
        }
    }

    size_t written = 0;
    throw_if_failed(env, napi_get_value_string_utf8(env, value, bytes.get(), capacity, &written));
    payload = Payload(std::move(bytes), written);
    return true;
}

// Reads the payload argument of the function function_name. A string is encoded as UTF-8,
// the only copy made. A Uint8Array (a Buffer included) is borrowed as it is. Returns false
// when the block for a string cannot be allocated. Throws a TypeError for other types.
bool read_payload(const Napi::CallbackInfo &info, const char *function_name, Payload &payload) {
    napi_env env = info.Env();
    napi_value value = info[0];

    napi_valuetype type = napi_undefined;
    throw_if_failed(env, napi_typeof(env, value, &type));
    if (type == napi_string) {
        return encode_string(env, value, payload);
    }

    bool is_typed_array = false;
    throw_if_failed(env, napi_is_typedarray(env, value, &is_typed_array));
    if (is_typed_array) {
        napi_typedarray_type array_type = napi_int8_array;
        size_t length = 0;
        void *data = nullptr;
        throw_if_failed(env, napi_get_typedarray_info(env, value, &array_type, &length, &data,
                                                      nullptr, nullptr));
        if (array_type == napi_uint8_array) {
            payload = Payload(static_cast<const char *>(data), length);
            return true;
        }
    }

    throw Napi::TypeError::New(env, std::string(function_name) +
                                        "(payload): expected a JSON string or a Uint8Array "
                                        "of UTF-8 bytes, got " +
                                        type_name(env, value));
}

void free_answer(napi_env, void *data, void *) { seraplot_free(static_cast<char *>(data)); }

// Keeps this library loaded until the process ends, and returns whether it will stay. An
// external answer string is freed by free_answer, which V8 may call after the environment
// that loaded this library has closed it: a worker thread that ends while one of its strings
// is alive. Without this, Node 20 then calls into unloaded code.
bool keep_library_loaded() {
#if defined(__unix__) || defined(__APPLE__)
    Dl_info info;
    if (::dladdr(reinterpret_cast<void *>(&free_answer), &info) == 0 || info.dli_fname == nullptr) {
        return false;
    }
    // The handle is never closed, on purpose.
    return ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
#else
    return false;
#endif
}

using CreateExternalLatin1 = napi_status (*)(napi_env env, char *str, size_t length,
                                             napi_finalize finalize_callback,
                                             void *finalize_hint, napi_value *result,
                                             bool *copied);

// Returns node_api_create_external_string_latin1, or NULL where answers must be copied.
// The function exists from Node 18.18 and 20.4 on, as an experimental function until
// Node-API 10, so it is looked up at run time: the addon still loads where it is missing.
CreateExternalLatin1 external_string_function() {
#if defined(__unix__) || defined(__APPLE__)
    static const CreateExternalLatin1 function =
        keep_library_loaded()
            ? reinterpret_cast<CreateExternalLatin1>(
                  ::dlsym(RTLD_DEFAULT, "node_api_create_external_string_latin1"))
            : nullptr;
    return function;
#else
    return nullptr;
#endif
}

// Shorter answers are copied, because for a few kilobytes a copy costs about as little as
// the ASCII check and the finalizer.
constexpr size_t kExternalAnswerMinSize = 64 * 1024;

bool is_ascii(const char *bytes, size_t size) {
    constexpr uint64_t kHighBits = 0x8080808080808080ULL;
    size_t i = 0;
    uint64_t any = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t word;
        std::memcpy(&word, bytes + i, sizeof word);
        any |= word;
    }
    for (; i < size; ++i) {
        any |= static_cast<unsigned char>(bytes[i]);
    }
    return (any & kHighBits) == 0;
}

void clear_pending_exception(napi_env env) {
    bool exception_pending = false;
    if (napi_is_exception_pending(env, &exception_pending) == napi_ok && exception_pending) {
        napi_value ignored = nullptr;
        napi_get_and_clear_last_exception(env, &ignored);
    }
}

// Makes a large ASCII answer an external string, which V8 reads in place: ASCII is also
// Latin-1, and the answer is neither copied nor decoded. On success the string owns the
// answer and frees it with seraplot_free. Returns false, and keeps the answer, when this is
// not possible.
bool make_external_string(napi_env env, CoreAnswer &answer, size_t answer_size,
                          napi_value *result) {
    CreateExternalLatin1 create_external = external_string_function();
    if (create_external == nullptr || answer_size < kExternalAnswerMinSize ||
        !is_ascii(answer.get(), answer_size)) {
        return false;
    }
    bool copied = false;
    napi_status status = create_external(env, answer.get(), answer_size, free_answer, nullptr,
                                         result, &copied);
    if (status != napi_ok) {
        clear_pending_exception(env);
        return false;
    }
    // When V8 copied the text, Node-API has already called free_answer.
    answer.release();
    return true;
}

// Turns the core's answer into a JavaScript string, taking it over where it can. An answer
// too long for V8 becomes a too_large error answer instead of an exception.
Napi::Value answer_to_string(napi_env env, const Operation &operation, const char *function_name,
                             CoreAnswer &answer, size_t answer_size) {
    if (answer == nullptr) {
        // The core returns NULL only when it could not allocate even an error answer.
        return Napi::String::New(env, out_of_memory_answer(function_name));
    }

    napi_value result = nullptr;
    if (make_external_string(env, answer, answer_size, &result)) {
        return Napi::Value(env, result);
    }
    napi_status status = napi_create_string_utf8(env, answer.get(), answer_size, &result);
    if (status == napi_ok) {
        return Napi::Value(env, result);
    }

    clear_pending_exception(env);
    if (answer_size < kAlwaysFitsLength) {
        return Napi::String::New(
            env, error_answer(std::string(function_name) +
                                  ": creating the answer string failed (Node-API status " +
                                  std::to_string(static_cast<int>(status)) + ").",
                              "internal_error"));
    }
    return Napi::String::New(
        env, error_answer(std::string(function_name) + ": the answer is " +
                              std::to_string(answer_size) +
                              " bytes of JSON, longer than the longest string V8 can create. " +
                              operation.too_large_advice,
                          "too_large"));
}

// Runs the core on the calling thread.
Napi::Value call_sync(const Napi::CallbackInfo &info, const Operation &operation) {
    napi_env env = info.Env();
    try {
        Payload payload;
        if (!read_payload(info, operation.name, payload)) {
            return Napi::String::New(env, out_of_memory_answer(operation.name));
        }

        size_t answer_size = 0;
        CoreAnswer answer(operation.call(payload.data(), payload.size(), &answer_size));
        payload.release();

        return answer_to_string(env, operation, operation.name, answer, answer_size);
    } catch (const Napi::Error &) {
        throw;  // node-addon-api throws it on as a JavaScript exception.
    } catch (const std::bad_alloc &) {
        return Napi::String::New(env, out_of_memory_answer(operation.name));
    } catch (...) {
        return Napi::String::New(env, unexpected_exception_answer(operation.name));
    }
}

// Runs the core on a libuv thread-pool thread and settles a promise with its answer.
class CoreWorker : public Napi::AsyncWorker {
public:
    CoreWorker(Napi::Env env, const Operation &operation, Payload payload)
        : Napi::AsyncWorker(env, operation.async_name),
          operation_(operation),
          payload_(std::move(payload)),
          deferred_(Napi::Promise::Deferred::New(env)) {}

    Napi::Promise promise() const { return deferred_.Promise(); }

    void Execute() override {
        answer_.reset(operation_.call(payload_.data(), payload_.size(), &answer_size_));
        payload_.release();
    }

    // Nothing may escape here, because an exception thrown after the work completes would be
    // an uncaught exception in Node. A Napi::Error rejects the promise instead, and any
    // other exception resolves it with an error answer. When the environment is shutting
    // down (a worker thread terminated while this call ran), settling the promise itself
    // throws; then nobody can observe it, so that failure is dropped.
    void OnOK() override {
        Napi::Env env = Env();
        try {
            try {
                deferred_.Resolve(answer_to_string(env, operation_, operation_.async_name, answer_,
                                                   answer_size_));
            } catch (const Napi::Error &error) {
                deferred_.Reject(error.Value());
            } catch (const std::bad_alloc &) {
                deferred_.Resolve(
                    Napi::String::New(env, out_of_memory_answer(operation_.async_name)));
            }
        } catch (...) {
            settle_with_unexpected_exception(env);
        }
        answer_.reset();
    }

    void OnError(const Napi::Error &error) override {
        try {
            deferred_.Reject(error.Value());
        } catch (...) {
            // The environment is shutting down; see OnOK.
        }
    }

private:
    void settle_with_unexpected_exception(Napi::Env env) {
        try {
            deferred_.Resolve(
                Napi::String::New(env, unexpected_exception_answer(operation_.async_name)));
        } catch (...) {
            // The environment is shutting down; see OnOK.
        }
    }

    const Operation &operation_;
    Payload payload_;
    CoreAnswer answer_;
    size_t answer_size_ = 0;
    Napi::Promise::Deferred deferred_;
};

Napi::Value resolved_promise(napi_env env, const std::string &answer) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(Napi::String::New(env, answer));
    return deferred.Promise();
}

// Copies the payload, queues the core call on the thread pool and returns a promise.
Napi::Value call_async(const Napi::CallbackInfo &info, const Operation &operation) {
    napi_env env = info.Env();
    try {
        Payload payload;
        if (!read_payload(info, operation.async_name, payload)) {
            return resolved_promise(env, out_of_memory_answer(operation.async_name));
        }

        // A borrowed Uint8Array could change or be freed before the pool thread reads it.
        if (!payload.owns_copy()) {
            payload = payload.copy();
            if (payload.data() == nullptr) {
                return resolved_promise(env, out_of_memory_answer(operation.async_name));
            }
        }

        auto *worker = new CoreWorker(env, operation, std::move(payload));
        Napi::Promise promise = worker->promise();
        worker->Queue();  // The worker deletes itself after OnOK or OnError.
        return promise;
    } catch (const Napi::Error &) {
        throw;  // node-addon-api throws it on as a JavaScript exception.
    } catch (const std::bad_alloc &) {
        return resolved_promise(env, out_of_memory_answer(operation.async_name));
    } catch (...) {
        return resolved_promise(env, unexpected_exception_answer(operation.async_name));
    }
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
    exports.Set("mlSaveModel", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
                    return call_sync(info, kSaveModel);
                }, "mlSaveModel"));
    exports.Set("mlLoadModel", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
                    return call_sync(info, kLoadModel);
                }, "mlLoadModel"));
    exports.Set("mlSaveModelAsync", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
                    return call_async(info, kSaveModel);
                }, "mlSaveModelAsync"));
    exports.Set("mlLoadModelAsync", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
                    return call_async(info, kLoadModel);
                }, "mlLoadModelAsync"));
    return exports;
}

}  // namespace

NODE_API_MODULE(seraplot, init)
