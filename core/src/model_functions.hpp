// The two operations behind the C interface, mlSaveModel and mlLoadModel.
#ifndef SERAPLOT_MODEL_FUNCTIONS_HPP
#define SERAPLOT_MODEL_FUNCTIONS_HPP

#include <string_view>

#include "output_buffer.hpp"

// Builds without file access, such as the WebAssembly build, define this as 0.
#ifndef SERAPLOT_WITH_FILES
#define SERAPLOT_WITH_FILES 1
#endif

namespace seraplot::detail {

// Each function appends its success answer to an empty answer buffer, and throws
// ModelError or std::bad_alloc on failure.
void save_model(std::string_view payload, OutputBuffer &answer);
void load_model(std::string_view payload, OutputBuffer &answer);

}  // namespace seraplot::detail

#endif  // SERAPLOT_MODEL_FUNCTIONS_HPP
