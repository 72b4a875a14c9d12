"""Run the contract vectors in tests/vectors/*.json through the Python module.

The same vectors run against the core's C interface and the JavaScript builds, so all of
them must return the same answers. The case format is described in tests/vectors/README.md.
A case runs here when its "builds" list names "python" or when it has no "builds" list.

Run from the repository root:
    PYTHONPATH=python /usr/bin/python3 -m unittest discover -s python/tests -v
"""

import base64
import json
import os
import sys
import tempfile
import unittest
from pathlib import Path

import seraplot as sp

VECTOR_DIR = Path(__file__).resolve().parents[2] / "tests" / "vectors"
BUILD_NAME = "python"

KNOWN_FIELDS = {
    "name",
    "function",
    "payload",
    "payload_base64",
    "builds",
    "files",
    "expect",
    "expect_files",
    "expect_no_other_files",
}

FUNCTIONS = {"save": sp.ml_save_model, "load": sp.ml_load_model}


def read_vector_files():
    """Return [(file name, cases)] for every vector file, sorted by name."""
    vector_files = []
    for path in sorted(VECTOR_DIR.glob("*.json")):
        cases = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(cases, list):
            raise ValueError(f"{path}: expected a JSON array of cases")
        vector_files.append((path.name, cases))
    return vector_files


def runs_in_python(case):
    builds = case.get("builds")
    return builds is None or BUILD_NAME in builds


def fill_dir(value, folder):
    """Replace {dir} with folder in every string of value, object keys included."""
    if isinstance(value, str):
        return value.replace("{dir}", folder)
    if isinstance(value, list):
        return [fill_dir(item, folder) for item in value]
    if isinstance(value, dict):
        return {fill_dir(key, folder): fill_dir(item, folder) for key, item in value.items()}
    return value


def file_bytes(content):
    """Return the bytes of a file content in a vector: UTF-8 text or {"base64": "..."}."""
    if isinstance(content, str):
        return content.encode("utf-8")
    return base64.b64decode(content["base64"])


def write_files(folder, files):
    """Create the vector's files. A name ending in "/" is a folder."""
    for name, content in files.items():
        target = Path(folder, name)
        if name.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file_bytes(content))


def list_entries(folder):
    """List everything under folder relative to it, with "/" after each folder name."""
    entries = []
    for root, dir_names, file_names in os.walk(folder):
        relative_root = Path(root).relative_to(folder)
        for name in dir_names:
            entries.append((relative_root / name).as_posix() + "/")
        for name in file_names:
            entries.append((relative_root / name).as_posix())
    return sorted(entries)


def with_parent_folders(names):
    """Return the names together with every folder that contains one of them."""
    all_names = set(names)
    for name in names:
        parts = [part for part in name.split("/") if part]
        for count in range(1, len(parts)):
            all_names.add("/".join(parts[:count]) + "/")
    return sorted(all_names)


def parse_json(text):
    """Parse text with json.loads under a raised recursion limit.

    The core accepts states nested 1000 levels deep, and an answer wraps them in one or two
    more levels. Python's json.loads counts each level against the recursion limit (1000 by
    default), so it fails on such answers although they are valid JSON.
    """
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 5000))
    try:
        return json.loads(text)
    finally:
        sys.setrecursionlimit(old_limit)


def build_payload(case, folder):
    if "payload_base64" in case:
        return base64.b64decode(case["payload_base64"])
    return fill_dir(case["payload"], folder)


class ContractVectorsTest(unittest.TestCase):
    maxDiff = 2000

    @classmethod
    def setUpClass(cls):
        cls.vector_files = read_vector_files()

    def test_vectors_exist(self):
        case_count = sum(len(cases) for _, cases in self.vector_files)
        self.assertGreater(case_count, 0, f"no cases found in {VECTOR_DIR}")

    def test_core_cases_run_in_python(self):
        # The module has file access like the core, so it must run every case the core runs.
        core_cases = [
            case
            for _, cases in self.vector_files
            for case in cases
            if case.get("builds") is not None and "core" in case["builds"]
        ]
        for case in core_cases:
            with self.subTest(case=case["name"]):
                self.assertIn(BUILD_NAME, case["builds"])

    def test_vectors(self):
        for file_name, cases in self.vector_files:
            for case in cases:
                if not runs_in_python(case):
                    continue
                with self.subTest(file=file_name, case=case.get("name")):
                    self.run_case(case)

    def run_case(self, case):
        unknown = set(case) - KNOWN_FIELDS
        self.assertEqual(unknown, set(), "the vector has fields this runner does not check")
        self.assertIn(case["function"], FUNCTIONS)

        with tempfile.TemporaryDirectory(prefix="seraplot-vector-") as folder:
            # {dir} is pasted into JSON text as it is, so it must need no escaping there.
            self.assertEqual(
                json.dumps(folder), f'"{folder}"', "set TMPDIR to a path that needs no JSON escaping"
            )
            write_files(folder, fill_dir(case.get("files", {}), folder))

            answer = FUNCTIONS[case["function"]](build_payload(case, folder))

            self.check_answer(answer, fill_dir(case["expect"], folder))
            self.check_files(
                folder,
                fill_dir(case.get("expect_files", {}), folder),
                case.get("expect_no_other_files") is True,
            )

    def check_answer(self, answer, expected):
        self.assertIsInstance(answer, str)
        # Every answer, success or failure, is JSON text.
        parsed = parse_json(answer)

        if "response" in expected:
            self.assertEqual(answer, expected["response"])
            return

        self.assertIn("code", expected, 'invalid vector: "expect" needs "response" or "code"')
        self.assertIs(parsed.get("ok"), False, answer)
        self.assertEqual(parsed.get("code"), expected["code"], answer)
        self.assertIsInstance(parsed.get("error"), str)
        for part in expected.get("message_includes", []):
            self.assertIn(part, parsed["error"])

    def check_files(self, folder, expected_files, expect_no_other_files):
        for name, content in expected_files.items():
            target = Path(folder, name)
            if name.endswith("/"):
                self.assertTrue(target.is_dir(), f"{name} is not a folder")
                continue
            self.assertTrue(target.is_file(), f"{name} is missing or not a file")
            self.assertEqual(target.read_bytes(), file_bytes(content), f"content of {name}")

        if expect_no_other_files:
            self.assertEqual(list_entries(folder), with_parent_folders(list(expected_files)))


if __name__ == "__main__":
    unittest.main()
