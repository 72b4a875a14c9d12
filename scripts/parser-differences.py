#!/usr/bin/env python3
"""Write docs/parser-differences.md: how seraplot, JSON.parse and json.loads read JSONTestSuite.

Every file of JSONTestSuite's test_parsing and test_transform folders goes, byte for byte,
to three readers:

- seraplot: the file as the state of a save payload, {"kind":"k","state":<file>}, through
  build-core/seraplot_cli. An accepted test_transform file is also loaded back, and must
  load unchanged.
- JSON.parse in Node, on the bytes decoded by TextDecoder("utf-8", {fatal: true,
  ignoreBOM: true}). Bytes that are not UTF-8 make the decoder throw, which counts as a
  rejection, and a byte order mark stays in the text.
- json.loads of the Python running this script, on the bytes.

For test_transform, the table also shows whether the value each reader writes back (the
saved state, JSON.stringify, json.dumps) is the file's value with every number's text kept.
Arrays nested deeper than any file of the suite, which the script writes, show the readers'
nesting limits.

    /usr/bin/python3 scripts/parser-differences.py            rewrite the doc
    /usr/bin/python3 scripts/parser-differences.py --check    exit 1 if the doc is out of date

The output depends only on the files, the core, Node's major version and Python's minor
version. Exits with 2 when the suite or a reader is missing or a reader fails, and raises
ValueError when the readers disagree on an input in a way that no section of the doc
explains, so that a change in the core cannot go undocumented.
"""

import argparse
import dataclasses
import difflib
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUITE_FOLDERS = ("test_parsing", "test_transform")

# Nesting depths tried beyond the suite. seraplot allows 1,000 levels inside the state, and
# the suite's deepest valid file has 500.
GENERATED_DEPTHS = (1000, 1001, 100000)

# Reads each file given on standard input (a JSON array of paths) the way a Node program
# reading a model file would, and writes one result per file as a JSON array.
NODE_READER = r"""
const fs = require('fs');
const paths = JSON.parse(fs.readFileSync(0, 'utf8'));
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const results = paths.map((path) => {
  let text;
  try {
    text = decoder.decode(fs.readFileSync(path));
  } catch (error) {
    if (error.code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
    return { accepted: false, error: 'invalid UTF-8' };
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { accepted: false, error: error.name };
  }
  try {
    return { accepted: true, written: JSON.stringify(value) };
  } catch (error) {
    return { accepted: true, writeError: error.name };
  }
});
process.stdout.write(JSON.stringify(results));
"""


@dataclasses.dataclass
class Reading:
    """One reader's result for one file."""

    accepted: bool
    reason: str = ""  # why it was rejected: an error code or an exception's name
    written: str | None = None  # the value written back, as JSON text, when accepted
    write_error: str = ""  # why writing the value back failed


@dataclasses.dataclass
class Row:
    """The three readings of one input, and the difference that explains them."""

    name: str  # shown in the table, such as "test_parsing/y_array_empty.json"
    path: pathlib.Path
    content: bytes
    round_trip: bool  # whether the values written back are compared
    seraplot: Reading | None = None
    javascript: Reading | None = None
    python: Reading | None = None
    difference: str | None = None  # a key of DIFFERENCES, or None when the readers agree


class GenerationError(Exception):
    """The doc cannot be made: the suite or a reader is missing, or a reader failed."""


# --- Reading the inputs -----------------------------------------------------------------


def suite_rows(suite):
    rows = []
    for folder in SUITE_FOLDERS:
        folder_path = suite / folder
        if not folder_path.is_dir():
            raise GenerationError(
                f"JSONTestSuite folder not found: {folder_path}. Pass --suite or set "
                "SERAPLOT_JSONTESTSUITE_DIR to the folder holding test_parsing and test_transform."
            )
        for path in sorted(folder_path.iterdir()):
            rows.append(
                Row(
                    name=f"{folder}/{path.name}",
                    path=path,
                    content=path.read_bytes(),
                    round_trip=folder == "test_transform",
                )
            )
    return rows


def generated_rows(folder):
    """Write the nesting inputs beyond the suite to folder and return their rows."""
    rows = []
    for depth in GENERATED_DEPTHS:
        name = f"generated/nested_arrays_{depth}.json"
        content = b"[" * depth + b"]" * depth
        path = folder / name.split("/")[1]
        path.write_bytes(content)
        rows.append(Row(name=name, path=path, content=content, round_trip=True))
    return rows


# --- The three readers ------------------------------------------------------------------


def call_seraplot(cli, function, payload):
    """Run seraplot_cli and return its answer as text."""
    process = subprocess.run([str(cli), function], input=payload, capture_output=True, check=False)
    if process.returncode not in (0, 1):
        raise GenerationError(
            f"{cli} {function} failed with exit status {process.returncode}: "
            f"{process.stderr.decode('utf-8', 'replace').strip()}"
        )
    return process.stdout.decode("utf-8").rstrip("\n")


def read_with_seraplot(cli, row):
    answer_text = call_seraplot(cli, "save", b'{"kind":"k","state":' + row.content + b"}")
    try:
        answer = json.loads(answer_text)
    except ValueError as error:
        raise GenerationError(f"{cli} save printed an answer that is not JSON: {error}")
    if not answer["ok"]:
        return Reading(accepted=False, reason=answer["code"])
    if not row.round_trip:
        return Reading(accepted=True)

    # The state as written, cut out of the envelope, whose layout the README fixes.
    envelope = answer["data"]
    prefix = '{"seraplot_model_v":1,"kind":"k","state":'
    if not (envelope.startswith(prefix) and envelope.endswith("}")):
        raise GenerationError(f"unexpected envelope for {row.name}: {envelope[:80]}")
    written = envelope[len(prefix) : -1]

    # The envelope must also load back unchanged. The answer is compared as text, because
    # json.loads cannot parse the deepest states.
    loaded = call_seraplot(cli, "load", json.dumps({"data": envelope}).encode("utf-8"))
    if loaded != '{"ok":true,"model":' + envelope + "}":
        raise GenerationError(
            f"the envelope saved for {row.name} does not load back unchanged: {shorten(loaded, 200)}"
        )
    return Reading(accepted=True, written=written)


def read_with_javascript(node, rows):
    paths = [str(row.path) for row in rows]
    try:
        process = subprocess.run(
            [node, "-e", NODE_READER],
            input=json.dumps(paths),
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise GenerationError(f"node not found ({node}); install Node.js or pass --node")
    if process.returncode != 0:
        raise GenerationError(f"the Node reader failed: {process.stderr.strip()}")
    results = json.loads(process.stdout)
    if len(results) != len(rows):
        raise GenerationError(f"the Node reader returned {len(results)} results for {len(rows)} files")
    for row, result in zip(rows, results):
        row.javascript = Reading(
            accepted=result["accepted"],
            reason=result.get("error", ""),
            written=result.get("written") if row.round_trip else None,
            write_error=result.get("writeError", ""),
        )


def read_with_python(row):
    try:
        value = json.loads(row.content)
    except (ValueError, RecursionError) as error:
        # json.JSONDecodeError and UnicodeDecodeError are both ValueErrors.
        return Reading(accepted=False, reason=type(error).__name__)
    written = json.dumps(value, separators=(",", ":")) if row.round_trip else None
    return Reading(accepted=True, written=written)


def node_major_version(node):
    process = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    return process.stdout.strip().lstrip("v").split(".")[0]


# --- Comparing what is written back -----------------------------------------------------


def value_with_number_text(text):
    """Parse JSON text keeping each number's text and every member of each object, in order."""

    def number(number_text):
        return ("number", number_text)

    def members(pairs):
        return ("object", pairs)

    return json.loads(
        text,
        parse_int=number,
        parse_float=number,
        parse_constant=number,
        object_pairs_hook=members,
    )


def original_value(content):
    # Decoded as json.loads decodes bytes, so that every file some reader accepts has a value.
    return value_with_number_text(content.decode(json.detect_encoding(content), "surrogatepass"))


def round_trip_cell(row, reading):
    if not row.round_trip:
        return ""
    if not reading.accepted:
        return "—"
    if reading.write_error:
        return f"not written: {reading.write_error}"
    # Equal text needs no parsing, which json.loads could not do for the deepest inputs.
    if reading.written.encode("utf-8", "surrogatepass") == row.content:
        return "kept"
    if value_with_number_text(reading.written) == original_value(row.content):
        return "kept"
    return f"changed: {code_span(shorten(reading.written))}"


# --- Explaining the differences ---------------------------------------------------------

# Each kind of difference: its heading and the text under it. The headings' anchors are
# linked from the table, so keep them to letters, digits and spaces.
DIFFERENCES = {
    "duplicate-keys": (
        "Duplicate keys",
        "An object names the same key twice. JSON.parse and json.loads keep the last value "
        "without a word, and RapidJSON's DOM (1.1.0) finds the first, so two programs can read "
        "different models from one file. seraplot rejects the payload with `duplicate_key`, "
        "even when both values are equal. Write each key once.",
    ),
    "nan-and-infinity": (
        "NaN and Infinity",
        "`NaN`, `Infinity` and `-Infinity` are not JSON, but json.loads accepts them by "
        "default, and json.dumps writes them for float('nan') and float('inf') unless given "
        "`allow_nan=False`. JSON.parse rejects them as a SyntaxError. seraplot rejects them "
        "with `non_finite_number`; store such values as `null` or as strings.",
    ),
    "numbers-beyond-the-double-range": (
        "Numbers beyond the double range",
        "A number whose magnitude is above the largest double (about 1.8e308). JSON.parse and "
        "json.loads read it as Infinity, which JSON.stringify writes back as `null` and "
        "json.dumps as `Infinity`, which is not JSON. seraplot rejects it with "
        "`number_out_of_range`, because no reader could write the value back. Store such "
        "values as strings. Numbers too small for a double, such as `1e-999`, are accepted "
        "and kept as written, although JSON.parse and json.loads read them as 0.",
    ),
    "lone-surrogate-escapes": (
        "Lone surrogate escapes",
        "A `\\u` escape of one half of a UTF-16 surrogate pair, without the other half. "
        "JavaScript strings and Python's `str` can hold it, so both readers accept it. UTF-8 "
        "has no encoding for it, so seraplot rejects it with `lone_surrogate`.",
    ),
    "encoded-surrogates": (
        "Surrogates encoded as UTF-8",
        "The bytes ED A0 80 to ED BF BF, which would encode a surrogate, are not valid UTF-8. "
        "json.loads decodes bytes with Python's `surrogatepass` error handler, so it accepts "
        "them and returns a `str` with a lone surrogate. TextDecoder with `fatal: true` "
        "rejects them, and seraplot rejects them with `invalid_utf8`.",
    ),
    "utf-16-text": (
        "UTF-16 text",
        "Text in UTF-16 or UTF-32. Given bytes, json.loads guesses the encoding from the byte "
        "order mark or from where the zero bytes are, and decodes UTF-16 and UTF-32 as well. "
        "seraplot and the UTF-8 decoder in front of JSON.parse read UTF-8 only, as RFC 8259 "
        "requires of JSON exchanged between systems, so seraplot rejects the text with "
        "`invalid_json`.",
    ),
    "byte-order-mark": (
        "Byte order mark",
        "The state starts with a UTF-8 byte order mark (EF BB BF). json.loads on bytes "
        "decodes them as `utf-8-sig` and skips the mark, although json.loads on a `str` "
        "rejects it. JSON.parse rejects U+FEFF as a SyntaxError; Node's "
        "`fs.readFileSync(path, 'utf8')` keeps the mark in the text too. seraplot rejects a "
        "mark inside a payload with `invalid_json`, because it is not part of any JSON "
        "value. A model file that starts with the mark does load.",
    ),
    "numbers-become-doubles": (
        "Numbers become doubles",
        "JSON.parse turns every number into a double, and JSON.stringify writes the shortest "
        "text for that double: `1.0` becomes `1`, `1E6` becomes `1000000`, `1e-999` becomes "
        "`0`, and integers beyond 2^53 are rounded (`9223372036854775807` becomes "
        "`9223372036854776000`). json.loads keeps integers exact, because Python's `int` has "
        "no limit, but reads every number with a fraction or exponent as a double, which "
        "json.dumps writes with Python's `repr`: `1E6` becomes `1000000.0`. seraplot keeps "
        "each number's text as it was.",
    ),
    "nesting-limits": (
        "Nesting limits",
        "seraplot allows 1,000 levels of arrays and objects inside the state and rejects "
        "deeper ones with `too_deep`. json.loads stops at Python's recursion limit (1,000 "
        "frames by default, some of which the caller uses) with a RecursionError, so it "
        "fails on a state that seraplot accepts; `sys.setrecursionlimit` raises the limit. "
        "JSON.parse reads far deeper arrays, but JSON.stringify throws a RangeError when it "
        "runs out of stack, so JavaScript cannot write such a value back. No file of the suite "
        "is deeper than 500 levels, so the script makes these inputs itself.",
    ),
}


def is_utf8_with_surrogates(content):
    """Return whether content is UTF-8 apart from surrogates encoded as if they were characters."""
    try:
        content.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    try:
        content.decode("utf-8", "surrogatepass")
        return True
    except UnicodeDecodeError:
        return False


def classify(row):
    """Return the DIFFERENCES key that explains the row, or None when the readers agree."""
    readings = (row.seraplot, row.javascript, row.python)
    verdicts = {reading.accepted for reading in readings}
    round_trips = {round_trip_cell(row, reading) == "kept" for reading in readings if reading.accepted}
    if len(verdicts) == 1 and len(round_trips) <= 1:
        return None

    code = row.seraplot.reason
    if code == "duplicate_key":
        return "duplicate-keys"
    if code == "non_finite_number":
        return "nan-and-infinity"
    if code == "number_out_of_range":
        return "numbers-beyond-the-double-range"
    if code == "lone_surrogate":
        return "lone-surrogate-escapes"
    if code == "too_deep" or row.python.reason == "RecursionError":
        return "nesting-limits"
    if code == "invalid_utf8" and row.python.accepted and is_utf8_with_surrogates(row.content):
        return "encoded-surrogates"
    if row.content.startswith(b"\xef\xbb\xbf"):
        return "byte-order-mark"
    if json.detect_encoding(row.content) != "utf-8":
        return "utf-16-text"
    if row.round_trip and all(reading.accepted for reading in readings):
        original = original_value(row.content)
        if isinstance(original, list) and all(
            isinstance(item, tuple) and item[0] == "number" for item in original
        ):
            return "numbers-become-doubles"
    raise ValueError(
        f"{row.name}: the readers disagree in a way that no section of the doc explains "
        f"(seraplot {verdict_cell(row.seraplot, True)}, JSON.parse "
        f"{verdict_cell(row.javascript, False)}, json.loads {verdict_cell(row.python, False)}). "
        "Add a kind of difference to DIFFERENCES and a rule to classify() in "
        "scripts/parser-differences.py."
    )


# --- Writing the doc --------------------------------------------------------------------


def shorten(text, limit=40):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code_span(text):
    return "`" + text.replace("|", "\\|") + "`"


def verdict_cell(reading, is_code):
    if reading.accepted:
        return "accepted"
    return "rejected: " + (code_span(reading.reason) if is_code else reading.reason)


def difference_link(key):
    if key is None:
        return ""
    heading = DIFFERENCES[key][0]
    return f"[{heading}](#{key})"


def table(rows):
    header = ["input", "seraplot", "JSON.parse", "json.loads",
              "seraplot writes back", "JSON.stringify", "json.dumps", "difference"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        cells = [
            row.name,
            verdict_cell(row.seraplot, True),
            verdict_cell(row.javascript, False),
            verdict_cell(row.python, False),
            round_trip_cell(row, row.seraplot),
            round_trip_cell(row, row.javascript),
            round_trip_cell(row, row.python),
            difference_link(row.difference),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def count_accepted(rows, reader):
    return sum(1 for row in rows if getattr(row, reader).accepted)


def render(suite, generated, node_major):
    python_version = ".".join(platform.python_version_tuple()[:2])
    parsing = [row for row in suite if row.name.startswith("test_parsing/")]
    transform = [row for row in suite if row.name.startswith("test_transform/")]
    differing = [row for row in suite + generated if row.difference is not None]

    lines = [
        "# How seraplot, JSON.parse and json.loads read the same bytes",
        "",
        "<!-- Generated by scripts/parser-differences.py; edit the script, not this file. -->",
        "",
        "Every file of JSONTestSuite's `test_parsing` and `test_transform` folders, given byte "
        "for byte to three readers:",
        "",
        "- **seraplot**: the file as the state of a save payload, "
        '`{"kind":"k","state":<file>}`. The verdict is "accepted" or the error code of the '
        "answer. An accepted `test_transform` file is also loaded back, and must load back "
        "unchanged.",
        f"- **JSON.parse** in Node {node_major}, on the bytes decoded by "
        '`new TextDecoder("utf-8", {fatal: true, ignoreBOM: true})`. Bytes that are not UTF-8 '
        'make the decoder throw, which is shown as "rejected: invalid UTF-8". A byte order mark '
        "stays in the text, as with `fs.readFileSync(path, 'utf8')`. Other rejections show the "
        "name of the error that JSON.parse threw.",
        f"- **json.loads** in Python {python_version}, on the bytes, with its default settings. "
        "Rejections show the name of the exception.",
        "",
        "For `test_transform` the table also compares what each reader writes back with the "
        "file. seraplot writes the saved state, JavaScript `JSON.stringify` of the parsed "
        'value and Python `json.dumps` of it. "kept" means the same value, with every number '
        "written with the same text, members in the same order and no member lost.",
        "",
        f"Of {len(parsing)} `test_parsing` files, seraplot accepts "
        f"{count_accepted(parsing, 'seraplot')}, JSON.parse {count_accepted(parsing, 'javascript')} "
        f"and json.loads {count_accepted(parsing, 'python')}. The readers disagree on "
        f"{len(differing)} of the {len(suite) + len(generated)} inputs below. Each kind of "
        "difference is explained once, then every input is listed.",
        "",
        "To regenerate this file after a change to the core, build the command-line tool and run "
        "the script:",
        "",
        "```sh",
        "cmake -S . -B build-core && cmake --build build-core -j2 --target seraplot_cli",
        "/usr/bin/python3 scripts/parser-differences.py",
        "```",
        "",
        "`/usr/bin/python3 scripts/parser-differences.py --check` exits with 1 when this file "
        "differs from what the script writes, so that the table cannot drift from the code. The "
        "script fails when the readers disagree on an input in a way that no section below "
        "explains.",
        "",
        "## Kinds of difference",
        "",
    ]
    for key, (heading, text) in DIFFERENCES.items():
        names = [row.name for row in differing if row.difference == key]
        lines += [f'<a id="{key}"></a>', "", f"### {heading}", "", text, ""]
        if names:
            count = "1 input" if len(names) == 1 else f"{len(names)} inputs"
            lines += [f"{count}: " + ", ".join(f"`{name}`" for name in names) + ".", ""]
        else:
            lines += ["No input below shows this difference now.", ""]

    lines += [
        "## Every input",
        "",
        "The `test_parsing` prefix says what RFC 8259 requires: `y_` files must be accepted, "
        "`n_` files rejected, and `i_` files may be either. The `generated` inputs are arrays "
        "nested to the depth in their name (`[[[...]]]`), which the script writes. The three "
        "columns of what is written back are filled for `test_transform` and the generated "
        "inputs; \"—\" stands for a reader that rejected the input.",
        "",
    ]
    lines += table(parsing + transform + generated)
    lines.append("")
    return "\n".join(lines)


# --- Command line -----------------------------------------------------------------------


def default_suite():
    configured = os.environ.get("SERAPLOT_JSONTESTSUITE_DIR")
    if configured:
        return pathlib.Path(configured)
    return ROOT.parent / "shared" / "conformance" / "jsontestsuite"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the doc with what the script writes; exit 1 if they differ")
    parser.add_argument("--cli", type=pathlib.Path, default=ROOT / "build-core" / "seraplot_cli",
                        help="the seraplot_cli executable (default: build-core/seraplot_cli)")
    parser.add_argument("--suite", type=pathlib.Path, default=default_suite(),
                        help="folder holding test_parsing and test_transform (default: "
                        "$SERAPLOT_JSONTESTSUITE_DIR, else ../shared/conformance/jsontestsuite "
                        "beside the repository)")
    parser.add_argument("--node", default="node", help="the Node.js executable (default: node)")
    parser.add_argument("--doc", type=pathlib.Path,
                        default=ROOT / "docs" / "parser-differences.md",
                        help="the file to write or check (default: docs/parser-differences.md)")
    return parser.parse_args()


def build_doc(arguments, scratch):
    if not arguments.cli.is_file():
        raise GenerationError(
            f"{arguments.cli} not found. Build it with: cmake -S . -B build-core && "
            "cmake --build build-core -j2 --target seraplot_cli"
        )
    suite = suite_rows(arguments.suite)
    generated = generated_rows(scratch)
    rows = suite + generated

    read_with_javascript(arguments.node, rows)
    for row in rows:
        row.seraplot = read_with_seraplot(arguments.cli, row)
        row.python = read_with_python(row)
        row.difference = classify(row)
    return render(suite, generated, node_major_version(arguments.node))


def main():
    arguments = parse_arguments()
    try:
        with tempfile.TemporaryDirectory(prefix="seraplot-parser-differences-") as scratch:
            text = build_doc(arguments, pathlib.Path(scratch))
    except GenerationError as error:
        print(f"parser-differences: {error}", file=sys.stderr)
        return 2

    if not arguments.check:
        arguments.doc.write_text(text, encoding="utf-8")
        print(f"parser-differences: wrote {arguments.doc}")
        return 0

    current = arguments.doc.read_text(encoding="utf-8") if arguments.doc.is_file() else ""
    if current == text:
        print(f"parser-differences: {arguments.doc} is up to date")
        return 0
    diff = difflib.unified_diff(
        current.splitlines(), text.splitlines(),
        fromfile=str(arguments.doc), tofile="as the script writes it now", lineterm="",
    )
    print("\n".join(list(diff)[:60]))
    print(
        f"parser-differences: {arguments.doc} is out of date. Run "
        "/usr/bin/python3 scripts/parser-differences.py and commit the result.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
