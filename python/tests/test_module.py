"""Test what the Python module adds over the core: payload types, str encoding, Python's
json.dumps output, threads, and where the library is looked up.

Run from the repository root:
    PYTHONPATH=python /usr/bin/python3 -m unittest discover -s python/tests -v
"""

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
from pathlib import Path

import seraplot as sp
from seraplot import _native

PACKAGE_DIR = Path(sp.__file__).resolve().parent
FUNCTIONS = {"ml_save_model": sp.ml_save_model, "ml_load_model": sp.ml_load_model}

SAVE_PAYLOAD = '{"kind":"kmeans","state":{"centroids":[[1.10,2],[3e-5,-0.0]]}}'
LOAD_PAYLOAD = (
    '{"data":{"seraplot_model_v":1,"kind":"kmeans","state":{"centroids":[[1.10,2],[3e-5,-0.0]]}}}'
)
PAYLOADS = {"ml_save_model": SAVE_PAYLOAD, "ml_load_model": LOAD_PAYLOAD}


class PayloadTypeTest(unittest.TestCase):
    def test_wrong_type_raises_type_error(self):
        wrong_payloads = [None, 3, 2.5, ["{}"], {"kind": "k", "state": 1}, bytearray, object()]
        for function_name, function in FUNCTIONS.items():
            for payload in wrong_payloads:
                with self.subTest(function=function_name, payload=payload):
                    with self.assertRaises(TypeError) as caught:
                        function(payload)
                    message = str(caught.exception)
                    self.assertIn(f"{function_name}(payload)", message)
                    self.assertIn(f"got {type(payload).__name__}", message)

    def test_bytes_like_payloads_match_str(self):
        for function_name, function in FUNCTIONS.items():
            text = PAYLOADS[function_name]
            expected = function(text)
            self.assertTrue(json.loads(expected)["ok"], expected)

            encoded = text.encode("utf-8")
            for payload in (encoded, bytearray(encoded), memoryview(encoded)):
                with self.subTest(function=function_name, type=type(payload).__name__):
                    answer = function(payload)
                    self.assertIsInstance(answer, str)
                    self.assertEqual(answer, expected)

    def test_memoryview_slice_passes_only_its_bytes(self):
        padded = b"xx" + SAVE_PAYLOAD.encode("utf-8") + b"yy"
        answer = sp.ml_save_model(memoryview(padded)[2:-2])
        self.assertEqual(answer, sp.ml_save_model(SAVE_PAYLOAD))

    def test_nul_bytes_inside_strings_pass_through(self):
        payload = b'{"kind":"k","state":"a\\u0000b"}'
        answer = json.loads(sp.ml_save_model(payload))
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(json.loads(answer["data"])["state"], "a\x00b")

    def test_invalid_utf8_bytes_reach_core(self):
        answer = json.loads(sp.ml_save_model(b'{"kind":"k","state":"\xff"}'))
        self.assertIs(answer["ok"], False)
        self.assertEqual(answer["code"], "invalid_utf8")
        self.assertIn("byte offset 21", answer["error"])


class SurrogateTest(unittest.TestCase):
    def test_surrogateescape_str_gives_invalid_utf8(self):
        raw = b'{"kind":"k","state":"caf\xe9"}'
        text = raw.decode("utf-8", "surrogateescape")
        index = text.index("\udce9")
        for function_name, function in FUNCTIONS.items():
            with self.subTest(function=function_name):
                answer_text = function(text)
                answer = json.loads(answer_text)
                self.assertIs(answer["ok"], False)
                self.assertEqual(answer["code"], "invalid_utf8")
                self.assertIn(f"{function_name}(payload)", answer["error"])
                self.assertIn(f"at index {index}", answer["error"])
                self.assertIn("U+DCE9", answer["error"])

    def test_first_surrogate_is_reported(self):
        text = '{"kind":"k","state":["\ud800","\udfff"]}'
        answer = json.loads(sp.ml_save_model(text))
        self.assertEqual(answer["code"], "invalid_utf8")
        self.assertIn(f"at index {text.index(chr(0xD800))}", answer["error"])
        self.assertIn("U+D800", answer["error"])

    def test_surrogate_pair_code_points_give_invalid_utf8(self):
        # Two surrogate code points in a Python str stay two code points, and UTF-8 has no
        # encoding for them. A JSON \ud83d\ude00 escape, by contrast, is one character.
        text = '{"kind":"k","state":"\ud83d\ude00"}'
        answer = json.loads(sp.ml_save_model(text))
        self.assertEqual(answer["code"], "invalid_utf8")

    def test_escaped_surrogate_pair_is_accepted(self):
        answer = json.loads(sp.ml_save_model('{"kind":"k","state":"\\ud83d\\ude00"}'))
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(json.loads(answer["data"])["state"], "\U0001F600")


class PythonJsonTest(unittest.TestCase):
    def test_nan_from_json_dumps_is_rejected(self):
        payload = json.dumps({"kind": "k", "state": {"w": [1.0, float("nan")]}})
        self.assertIn("NaN", payload)

        answer = json.loads(sp.ml_save_model(payload))
        self.assertIs(answer["ok"], False)
        self.assertEqual(answer["code"], "non_finite_number")
        self.assertIn("NaN", answer["error"])
        self.assertIn("null", answer["error"])
        self.assertIn("string", answer["error"])

    def test_infinity_from_json_dumps_is_rejected(self):
        payload = json.dumps({"kind": "k", "state": [float("-inf")]})
        answer = json.loads(sp.ml_save_model(payload))
        self.assertEqual(answer["code"], "non_finite_number")
        self.assertIn("-Infinity", answer["error"])

    def test_json_dumps_defaults_save_compact(self):
        # json.dumps writes ", " and ": " separators and \uXXXX escapes by default.
        payload = json.dumps({"kind": "café", "state": {"w": [0.5, 1e-07], "s": "ü 😀"}})
        self.assertIn(", ", payload)
        self.assertIn("\\u00e9", payload)

        answer = json.loads(sp.ml_save_model(payload))
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(
            answer["data"],
            '{"seraplot_model_v":1,"kind":"café","state":{"w":[0.5,1e-07],"s":"ü 😀"}}',
        )
        self.assertEqual(answer["size"], len(answer["data"].encode("utf-8")))

    def test_json_dumps_defaults_load_compact(self):
        envelope = {"seraplot_model_v": 1, "kind": "café", "state": {"w": [0.5, 1e-07]}}
        for data in (json.dumps(envelope), envelope):
            with self.subTest(data_type=type(data).__name__):
                answer_text = sp.ml_load_model(json.dumps({"data": data}))
                self.assertEqual(
                    answer_text,
                    '{"ok":true,"model":{"seraplot_model_v":1,"kind":"café",'
                    '"state":{"w":[0.5,1e-07]}}}',
                )


class ThreadTest(unittest.TestCase):
    def test_threads_save_to_different_files(self):
        thread_count = 8
        # A few hundred kilobytes per call, so the calls are likely to overlap in the core.
        states = [
            {"index": index, "weights": [index + step / 7 for step in range(20000)]}
            for index in range(thread_count)
        ]
        answers = [None] * thread_count
        errors = []
        barrier = threading.Barrier(thread_count)

        with tempfile.TemporaryDirectory(prefix="seraplot-threads-") as folder:
            paths = [os.path.join(folder, f"model-{index}.json") for index in range(thread_count)]

            def save(index):
                payload = json.dumps({"kind": "k", "state": states[index], "path": paths[index]})
                try:
                    barrier.wait()
                    answers[index] = sp.ml_save_model(payload)
                except Exception as error:  # reported by the assertion below
                    errors.append(error)

            threads = [threading.Thread(target=save, args=(index,)) for index in range(thread_count)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

            self.assertEqual(errors, [])
            for index in range(thread_count):
                with self.subTest(thread=index):
                    answer = json.loads(answers[index])
                    self.assertTrue(answer["ok"], answer)
                    self.assertEqual(answer["path"], paths[index])
                    with open(paths[index], encoding="utf-8") as file:
                        saved = json.load(file)
                    self.assertEqual(saved["state"], states[index])
                    self.assertEqual(answer["size"], os.path.getsize(paths[index]))

    def test_library_is_loaded_with_cdll(self):
        # ctypes releases the GIL around calls through CDLL but holds it for PyDLL, a
        # subclass of CDLL, so check the exact type.
        self.assertIs(type(_native.library), ctypes.CDLL)


def import_in_subprocess(package_parent, environment):
    """Import seraplot from package_parent in a new interpreter and return the result."""
    code = "import seraplot, seraplot._native as n; print(n.LIBRARY_PATH)"
    env = dict(environment, PYTHONPATH=str(package_parent))
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


class LibraryLookupTest(unittest.TestCase):
    def setUp(self):
        self.environment = {
            name: value for name, value in os.environ.items() if name != _native.LIBRARY_ENV_VAR
        }
        temporary = tempfile.TemporaryDirectory(prefix="seraplot-lookup-")
        self.addCleanup(temporary.cleanup)
        # A copy of the package outside the checkout, so no build-core folder is found.
        self.package_parent = Path(temporary.name)
        self.package_copy = self.package_parent / "seraplot"
        self.package_copy.mkdir()
        for source in PACKAGE_DIR.glob("*.py"):
            shutil.copy(source, self.package_copy / source.name)

    def test_missing_library_explains_build(self):
        result = import_in_subprocess(self.package_parent, self.environment)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImportError", result.stderr)
        self.assertIn("was not found", result.stderr)
        self.assertIn(_native.BUILD_COMMAND, result.stderr)
        self.assertIn(_native.LIBRARY_ENV_VAR, result.stderr)

    def test_env_var_naming_missing_file_fails(self):
        missing = str(self.package_parent / "nowhere" / _native.LIBRARY_FILE_NAME)
        environment = dict(self.environment, **{_native.LIBRARY_ENV_VAR: missing})
        result = import_in_subprocess(self.package_parent, environment)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImportError", result.stderr)
        self.assertIn(missing, result.stderr)
        self.assertIn(_native.LIBRARY_ENV_VAR, result.stderr)

    def test_env_var_library_is_used(self):
        environment = dict(self.environment, **{_native.LIBRARY_ENV_VAR: _native.LIBRARY_PATH})
        result = import_in_subprocess(self.package_parent, environment)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), _native.LIBRARY_PATH)

    def test_packaged_library_is_used(self):
        packaged = self.package_copy / _native.LIBRARY_FILE_NAME
        shutil.copy(_native.LIBRARY_PATH, packaged)
        result = import_in_subprocess(self.package_parent, self.environment)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), str(packaged))

    def test_invalid_library_file_fails(self):
        not_seraplot = self.package_copy / _native.LIBRARY_FILE_NAME
        not_seraplot.write_bytes(b"not a shared library")
        result = import_in_subprocess(self.package_parent, self.environment)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImportError", result.stderr)
        self.assertIn("failed", result.stderr)
        self.assertIn(_native.BUILD_COMMAND, result.stderr)

    @unittest.skipUnless(sys.platform.startswith("linux"), "uses glibc's libc.so.6")
    def test_library_without_c_interface_fails(self):
        # A bare name goes to the dynamic loader's search, which finds the C library.
        environment = dict(self.environment, **{_native.LIBRARY_ENV_VAR: "libc.so.6"})
        result = import_in_subprocess(self.package_parent, environment)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImportError", result.stderr)
        self.assertIn("does not export the seraplot C interface", result.stderr)
        self.assertIn("seraplot_ml_save_model", result.stderr)


if __name__ == "__main__":
    unittest.main()
