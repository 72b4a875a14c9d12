#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every test suite of seraplot.
# Each stage runs even when an earlier one failed; the exit status is 1 if any failed.
#
#   scripts/test.sh              everything
#   scripts/test.sh core js      only the named stages (after the same setup)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh test || { echo "setup failed" >&2; exit 1; }

export SERAPLOT_TEST_OUTPUT="${SERAPLOT_TEST_OUTPUT:-$root/test-output}"
mkdir -p "$SERAPLOT_TEST_OUTPUT"

# scikit-learn comes from Debian's python3-sklearn, which only Debian's interpreter imports.
python=/usr/bin/python3

stage_core() { ctest --test-dir build-core --output-on-failure -j "$(nproc)"; }
stage_js() { npx jest --ci; }
# The scikit-learn tests in python/tests/test_sklearn.py need models from Node, so the
# cross-language stage runs them.
stage_python() { (cd python/tests && PYTHONPATH=.. "$python" -m unittest -v test_vectors test_module); }
stage_demo() { node examples/demo.mjs "$SERAPLOT_TEST_OUTPUT/demo"; }
stage_browser() { node tests/browser/page.test.mjs; }
stage_cross() { bash scripts/cross-language.sh; }
stage_valgrind() { bash scripts/run-valgrind-addon.sh; }
stage_wasm_memory() { node tests/wasm-limits/memory-limit.mjs; }
stage_sanitizers() { bash scripts/run-sanitizers.sh; }
stage_fuzz() { bash scripts/run-fuzzers.sh; }
stage_parser_differences() { "$python" scripts/parser-differences.py --check; }

all_stages=(core js python demo browser cross valgrind wasm_memory sanitizers fuzz parser_differences)
stages=("$@")
if ((${#stages[@]} == 0)); then
  stages=("${all_stages[@]}")
fi

passed=0
failed=0
failed_names=()
for stage in "${stages[@]}"; do
  echo
  echo "==> stage: $stage"
  start=$SECONDS
  if "stage_$stage"; then
    passed=$((passed + 1))
    echo "==> stage $stage passed in $((SECONDS - start)) s"
  else
    failed=$((failed + 1))
    failed_names+=("$stage")
    echo "==> stage $stage FAILED in $((SECONDS - start)) s"
  fi
done

echo
if ((failed > 0)); then
  echo "Failed stages: ${failed_names[*]}"
fi
echo "stages: $passed passed, $failed failed"
((failed == 0))
