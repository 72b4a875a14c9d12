#!/usr/bin/env bash
# Checks that a model saved in one language loads, and predicts the same, in the others.
#
#   (a) python   Python trains scikit-learn's KMeans on Iris and saves it
#                (python/tests/test_sklearn.py, KMeansExportTest).
#   (b) node     Node loads that file with the addon and the WebAssembly build and
#                reproduces scikit-learn's labels. It loads envelopes written by Python's
#                json.dumps and in the Rust implementation's form, and rejects Python's NaN.
#                Then it saves the demo's random forest and k-means
#                (tests/cross/node-leg.mjs).
#   (c) browser  The browser page predicts with the scikit-learn file and the Node files
#                and shows the same labels (tests/browser/page.test.mjs --cross).
#   (d) python   Python loads each model that Node saved and gets the state Node saved
#                (test_sklearn.py, NodeModelImportTest, once per model).
#
# The legs share one folder: $SERAPLOT_CROSS_DIR when it is set (kept afterwards),
# otherwise a new temporary folder that is removed at the end. Every leg runs, even after
# a failed one. The exit status is 1 if any failed; the last line printed is
# "cross-language: N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

# scikit-learn comes from Debian's python3-sklearn, which only Debian's interpreter imports.
python=/usr/bin/python3
chromium="${SERAPLOT_CHROMIUM:-/usr/bin/chromium}"
node_kinds=(random_forest_classifier kmeans)

# Nothing is skipped: a missing tool fails the run with a message on how to install it.
missing=()
if ! command -v node >/dev/null; then
  missing+=("node")
fi
if [ ! -x "$python" ]; then
  missing+=("$python (Debian package python3)")
elif ! "$python" -c 'import numpy, sklearn' 2>/dev/null; then
  missing+=("scikit-learn and NumPy for $python (Debian packages python3-sklearn, python3-numpy)")
fi
if [ ! -x "$chromium" ]; then
  missing+=("Chromium at $chromium (Debian package chromium)")
fi
if ((${#missing[@]} > 0)); then
  for item in "${missing[@]}"; do
    echo "missing: $item" >&2
  done
  echo "Run scripts/setup.sh test, which installs them and builds seraplot." >&2
  echo "cross-language: 0 passed, 1 failed"
  exit 1
fi

if [ -n "${SERAPLOT_CROSS_DIR:-}" ]; then
  mkdir -p "$SERAPLOT_CROSS_DIR"
  cross_dir="$(cd "$SERAPLOT_CROSS_DIR" && pwd)"
else
  cross_dir="$(mktemp -d "${TMPDIR:-/tmp}/seraplot-cross-XXXXXX")"
  trap 'rm -rf "$cross_dir"' EXIT
fi
echo "Shared folder: $cross_dir"

# CI=true makes test_sklearn.py fail, rather than skip, when an input is missing.
python_test() {
  (cd python/tests && CI=true PYTHONPATH=.. "$python" -m unittest -v "$@")
}

leg_python_saves() {
  SERAPLOT_CROSS_DIR="$cross_dir" python_test test_sklearn.KMeansExportTest
}

leg_node() {
  node tests/cross/node-leg.mjs "$cross_dir"
}

leg_browser() {
  node tests/browser/page.test.mjs --cross "$cross_dir"
}

leg_python_loads() {
  local kind="$1"
  SERAPLOT_NODE_MODEL="$cross_dir/$kind.seraplot.json" \
    SERAPLOT_NODE_STATE="$cross_dir/$kind.state.json" \
    python_test test_sklearn.NodeModelImportTest
}

legs=(
  "python saves scikit-learn k-means|leg_python_saves"
  "node loads, checks and saves|leg_node"
  "browser predicts like sklearn and Node|leg_browser"
)
for kind in "${node_kinds[@]}"; do
  legs+=("python loads Node $kind|leg_python_loads $kind")
done

passed=0
failed=0
failed_names=()
for leg in "${legs[@]}"; do
  name="${leg%%|*}"
  command="${leg#*|}"
  echo
  echo "==> leg: $name"
  # Word splitting of $command is intended: a function name and its arguments.
  # shellcheck disable=SC2086
  if $command; then
    passed=$((passed + 1))
    echo "==> leg passed: $name"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "==> leg FAILED: $name"
  fi
done

echo
if ((failed > 0)); then
  printf 'Failed legs:\n'
  printf '  %s\n' "${failed_names[@]}"
fi
echo "cross-language: $passed passed, $failed failed"
((failed == 0))
