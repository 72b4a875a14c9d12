#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets, one payload per file.

Seeds for seraplot_save_fuzzer: the save payloads of the contract vectors, and every file of
JSONTestSuite's test_parsing and test_transform folders as the state, {"kind":"k","state":<file>}.
Seeds for seraplot_load_fuzzer: the load payloads of the vectors, the envelopes that the save
vectors expect, as {"data": "..."}, and every suite file inside an envelope given as an object,
{"data":{"seraplot_model_v":1,"kind":"k","state":<file>}}.

Payloads with a "path" are left out, because the targets skip them. The output folders are
emptied first, so that they hold exactly the current seeds.
"""

import argparse
import base64
import json
import pathlib
import shutil
import sys


def vector_payload(case):
    if "payload" in case:
        return case["payload"].encode("utf-8")
    return base64.b64decode(case["payload_base64"])


def names_a_path(payload):
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "path" in value


def vector_seeds(vectors_dir):
    """Yield (function, name, payload bytes) for the vectors, and load seeds made from the
    envelopes that save vectors expect."""
    for vector_file in sorted(vectors_dir.glob("*.json")):
        cases = json.loads(vector_file.read_text(encoding="utf-8"))
        for index, case in enumerate(cases, start=1):
            payload = vector_payload(case)
            name = f"vector-{vector_file.stem}-{index}"
            if not names_a_path(payload):
                yield case["function"], name, payload
            response = case.get("expect", {}).get("response")
            if case["function"] == "save" and response is not None:
                answer = json.loads(response)
                if "data" in answer:
                    data = json.dumps({"data": answer["data"]}, ensure_ascii=False)
                    yield "load", name + "-envelope", data.encode("utf-8")


def suite_seeds(suite_dir):
    for folder in ("test_parsing", "test_transform"):
        for path in sorted((suite_dir / folder).iterdir()):
            state = path.read_bytes()
            yield "save", f"suite-{path.name}", b'{"kind":"k","state":' + state + b"}"
            yield ("load", f"suite-{path.name}",
                   b'{"data":{"seraplot_model_v":1,"kind":"k","state":' + state + b"}}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=pathlib.Path, required=True,
                        help="folder of the contract vectors (tests/vectors)")
    parser.add_argument("--suite", type=pathlib.Path, required=True,
                        help="JSONTestSuite folder with test_parsing and test_transform")
    parser.add_argument("--out", type=pathlib.Path, required=True,
                        help="folder that receives save/ and load/ seed folders")
    arguments = parser.parse_args()

    if not (arguments.suite / "test_parsing").is_dir():
        sys.exit(f"make_seed_corpus: no test_parsing folder in {arguments.suite}")
    counts = {"save": 0, "load": 0}
    for function in counts:
        folder = arguments.out / function
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    for seeds in (vector_seeds(arguments.vectors), suite_seeds(arguments.suite)):
        for function, name, payload in seeds:
            (arguments.out / function / name).write_bytes(payload)
            counts[function] += 1
    print(f"make_seed_corpus: wrote {counts['save']} save and {counts['load']} load seeds "
          f"to {arguments.out}")


if __name__ == "__main__":
    main()
