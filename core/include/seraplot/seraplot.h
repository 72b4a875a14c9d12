/*
 * seraplot: save and load trained machine-learning models as a plain JSON envelope,
 * {"seraplot_model_v":1,"kind":"...","state":...}.
 *
 * This is the C interface of the core, for C and for any language with a foreign
 * function interface. Each function takes a JSON payload as UTF-8 bytes and returns a
 * JSON answer as UTF-8 bytes, exactly as the JavaScript functions mlSaveModel and
 * mlLoadModel do. The payload and the answers are documented in the README.
 *
 * None of these functions throws, aborts or prints. Every failure, including running out
 * of memory, is reported as {"ok":false,"error":"...","code":"..."}.
 */
#ifndef SERAPLOT_SERAPLOT_H
#define SERAPLOT_SERAPLOT_H

#include <stddef.h>

#if defined(_WIN32) && defined(SERAPLOT_BUILDING_SHARED)
#define SERAPLOT_API __declspec(dllexport)
#elif defined(__GNUC__)
#define SERAPLOT_API __attribute__((visibility("default")))
#else
#define SERAPLOT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Saves a model. The payload is {"kind":"...","state":...,"path":"..."} with path optional.
 *
 * payload points to payload_len bytes of UTF-8; it need not be NUL-terminated and may
 * contain NUL bytes inside JSON strings. A NULL payload is treated as an empty one.
 * The answer is NUL-terminated; its length without the terminator is stored in
 * *response_len when response_len is not NULL. The caller owns the answer and must release
 * it with seraplot_free. NULL is returned only when not even an error answer could be
 * allocated.
 *
 * Builds without file access (the WebAssembly build) answer a payload with a path with
 * the error code "files_unavailable".
 */
SERAPLOT_API char *seraplot_ml_save_model(const char *payload, size_t payload_len,
                                          size_t *response_len);

/*
 * Loads a model. The payload is {"path":"..."} or {"data":...}, exactly one of the two,
 * where data is the envelope as a JSON string or the envelope object itself.
 * Ownership and lengths work as for seraplot_ml_save_model.
 */
SERAPLOT_API char *seraplot_ml_load_model(const char *payload, size_t payload_len,
                                          size_t *response_len);

/* Releases an answer returned by this library. NULL is ignored. */
SERAPLOT_API void seraplot_free(char *response);

#ifdef __cplusplus
}
#endif

#endif /* SERAPLOT_SERAPLOT_H */
