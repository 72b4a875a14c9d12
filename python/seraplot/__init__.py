"""Save and load trained machine-learning models as a plain JSON envelope,
{"seraplot_model_v":1,"kind":"...","state":...}.

ml_save_model and ml_load_model take a JSON payload and return a JSON answer, both exactly
as the JavaScript functions mlSaveModel and mlLoadModel do:

    import json
    import seraplot as sp

    answer = json.loads(sp.ml_save_model(json.dumps(
        {"kind": "kmeans", "state": {"centroids": [[1.5, 2.0]]}, "path": "model.json"})))
    model = json.loads(sp.ml_load_model(json.dumps({"path": "model.json"})))["model"]

Failures come back as answers, {"ok":false,"error":"...","code":"..."}; only a payload of
the wrong type raises (TypeError). Both functions run in the C++ core (libseraplot, loaded
with ctypes; see seraplot._native for where it is looked up). ctypes releases the GIL for
the length of each call, so several threads can save and load at the same time.
"""

import ctypes
import json

from . import _native

__all__ = ["ml_save_model", "ml_load_model"]


def _invalid_utf8_answer(function_name, payload, error):
    """Return the error answer for a str that has no UTF-8 form.

    Python's UTF-8 codec rejects every surrogate code point (U+D800 to U+DFFF), such as
    those that errors="surrogateescape" decoding leaves for bytes that are not UTF-8.
    The JavaScript builds return the same code for a string with a lone surrogate.
    """
    index = error.start
    code_point = ord(payload[index])
    message = (
        f"{function_name}(payload): the payload contains the surrogate code point "
        f"U+{code_point:04X} at index {index} and cannot be encoded as UTF-8. Pass the "
        "original bytes instead of a str decoded with errors='surrogateescape', or decode "
        "them with errors='replace' to get U+FFFD in place of bytes that are not UTF-8."
    )
    return json.dumps(
        {"ok": False, "error": message, "code": "invalid_utf8"}, separators=(",", ":")
    )


def _payload_bytes(function_name, payload):
    """Return (UTF-8 bytes, None) to pass to the core, or (None, error answer).

    Raise TypeError for a payload that is neither str nor a bytes-like object.
    """
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8"), None
        except UnicodeEncodeError as error:
            return None, _invalid_utf8_answer(function_name, payload, error)

    # bytearray and memoryview are copied into bytes: the copy is what ctypes passes, and
    # the caller cannot change it while the call runs without the GIL. The core checks that
    # the bytes are UTF-8 itself.
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload), None

    raise TypeError(
        f"{function_name}(payload): expected a JSON str or UTF-8 bytes (bytes, bytearray "
        f"or memoryview), got {type(payload).__name__}"
    )


def _call(function_name, native_function, payload):
    data, error_answer = _payload_bytes(function_name, payload)
    if error_answer is not None:
        return error_answer

    response_len = ctypes.c_size_t(0)
    answer = native_function(data, len(data), ctypes.byref(response_len))
    # The core returns NULL only when it could not allocate even an error answer.
    if not answer:
        raise MemoryError(f"{function_name}: the seraplot core ran out of memory for its answer")

    try:
        return ctypes.string_at(answer, response_len.value).decode("utf-8")
    finally:
        _native.free_answer(answer)


def ml_save_model(payload):
    """Save a model and return the answer as JSON text.

    payload is {"kind": "...", "state": ..., "path": "..."} as a str, or as UTF-8 bytes
    (bytes, bytearray or memoryview). Without "path" the answer is
    {"ok":true,"data":"<envelope>","size":N}; with it, the envelope is written to that file
    and the answer is {"ok":true,"path":"...","size":N}. Number text is kept as written.
    A failure is {"ok":false,"error":"...","code":"..."}. Raises TypeError for any other
    payload type.
    """
    return _call("ml_save_model", _native.save_model, payload)


def ml_load_model(payload):
    """Load a model and return the answer as JSON text.

    payload is {"path": "..."} or {"data": ...}, exactly one of the two, as a str or as UTF-8
    bytes (bytes, bytearray or memoryview). "data" is the envelope as a JSON string or as
    the envelope object itself. The answer is {"ok":true,"model":{...}} with the envelope
    written compactly, or {"ok":false,"error":"...","code":"..."}. Raises TypeError for any
    other payload type.
    """
    return _call("ml_load_model", _native.load_model, payload)
