"""Find and load libseraplot, the shared library of the C++ core, and declare its C functions.

The library is looked up in this order, and the first hit is used:

1. the path (or bare library name) in the environment variable SERAPLOT_LIBRARY;
2. a copy next to this module, such as seraplot/libseraplot.so;
3. build-core/libseraplot.so in the repository checkout this module sits in.
"""

import ctypes
import os
import sys
from pathlib import Path

LIBRARY_ENV_VAR = "SERAPLOT_LIBRARY"
BUILD_COMMAND = "cmake -S . -B build-core && cmake --build build-core"

# NOTE: only the Linux build has been tried. The other names are what CMake gives a shared
# library on those systems.
if sys.platform == "win32":
    LIBRARY_FILE_NAME = "seraplot.dll"
elif sys.platform == "darwin":
    LIBRARY_FILE_NAME = "libseraplot.dylib"
else:
    LIBRARY_FILE_NAME = "libseraplot.so"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout_library_path():
    """Return build-core/<library> of the repository checkout, or None outside a checkout."""
    repository = _PACKAGE_DIR.parent.parent
    # The C header marks a seraplot checkout, so an installed copy of this module never
    # picks up an unrelated build-core folder next to site-packages.
    header = repository / "core" / "include" / "seraplot" / "seraplot.h"
    if not header.is_file():
        return None
    return repository / "build-core" / LIBRARY_FILE_NAME


def _open(path, how_found):
    try:
        return ctypes.CDLL(str(path))
    except OSError as error:
        raise ImportError(
            f"seraplot: loading the library {str(path)!r} ({how_found}) failed: {error}. "
            f"Rebuild it from the repository root with `{BUILD_COMMAND}`."
        ) from error


def _open_library():
    """Load the library by the lookup order of this module and return (library, path)."""
    from_env = os.environ.get(LIBRARY_ENV_VAR, "")
    if from_env:
        return _open(from_env, f"set by {LIBRARY_ENV_VAR}"), from_env

    packaged = _PACKAGE_DIR / LIBRARY_FILE_NAME
    if packaged.is_file():
        return _open(packaged, "packaged next to the module"), str(packaged)

    checkout = _checkout_library_path()
    if checkout is not None and checkout.is_file():
        return _open(checkout, "built in the repository checkout"), str(checkout)

    searched = [str(packaged)]
    if checkout is not None:
        searched.append(str(checkout))
    raise ImportError(
        f"seraplot: the native library {LIBRARY_FILE_NAME} was not found "
        f"(looked for {' and '.join(searched)}). Build it from the repository root with "
        f"`{BUILD_COMMAND}`, then either run from the checkout, copy "
        f"build-core/{LIBRARY_FILE_NAME} into the seraplot package folder, or set "
        f"{LIBRARY_ENV_VAR} to its path."
    )


def _declare_functions(library, path):
    """Set argtypes and restype of the three C functions, so ctypes never guesses them."""
    try:
        save = library.seraplot_ml_save_model
        load = library.seraplot_ml_load_model
        free = library.seraplot_free
    except AttributeError as error:
        raise ImportError(
            f"seraplot: {path} does not export the seraplot C interface ({error}). "
            f"It is not libseraplot or it is out of date; rebuild it with `{BUILD_COMMAND}`."
        ) from error

    # char *f(const char *payload, size_t payload_len, size_t *response_len). The answer
    # is declared as c_void_p, not c_char_p, because c_char_p would copy it into bytes up to
    # the first NUL and lose the pointer that seraplot_free needs.
    for function in (save, load):
        function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
        function.restype = ctypes.c_void_p

    free.argtypes = [ctypes.c_void_p]
    free.restype = None
    return save, load, free


# ctypes.CDLL (unlike ctypes.PyDLL) releases the GIL for the length of every call, so other
# Python threads keep running while the core reads, writes or parses.
library, LIBRARY_PATH = _open_library()
save_model, load_model, free_answer = _declare_functions(library, LIBRARY_PATH)
