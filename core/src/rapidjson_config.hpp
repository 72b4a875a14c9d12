// Includes RapidJSON's reader with the settings this library depends on. Include RapidJSON
// only through this header, so that every translation unit sees the same settings.
#ifndef SERAPLOT_RAPIDJSON_CONFIG_HPP
#define SERAPLOT_RAPIDJSON_CONFIG_HPP

#include <stdexcept>

namespace seraplot::detail {

// Thrown where RapidJSON would otherwise call assert(). Its default assert() would end the
// whole Node process or WebAssembly instance on a precondition that bad input reaches.
class RapidJsonAssertion : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

}  // namespace seraplot::detail

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(condition)                                                            \
    ((condition) ? static_cast<void>(0)                                                        \
                 : throw ::seraplot::detail::RapidJsonAssertion("RapidJSON assertion failed: " \
                                                                #condition))
#endif

// RapidJSON scans whitespace 16 bytes at a time when told the processor can.
#if defined(__SSE4_2__)
#define RAPIDJSON_SSE42
#elif defined(__SSE2__)
#define RAPIDJSON_SSE2
#endif

#include <rapidjson/error/error.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#endif  // SERAPLOT_RAPIDJSON_CONFIG_HPP
