#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang and runs each for a bounded time.
#
#   scripts/run-fuzzers.sh            run the save and the load target
#   scripts/run-fuzzers.sh load       run one of them
#
# Settings, from the environment:
#   SERAPLOT_FUZZ_SECONDS     seconds per target (default 60)
#   SERAPLOT_FUZZ_MAX_LEN     largest input in bytes that libFuzzer makes (default 65536)
#   SERAPLOT_FUZZ_BUILD_DIR   build folder (default build-fuzz in the package's folder)
#   SERAPLOT_JSONTESTSUITE_DIR  JSONTestSuite folder for the seeds
#                             (default ../shared/conformance/jsontestsuite beside the package)
#
# The seeds are written to <build folder>/fuzz-seeds on every run. What libFuzzer finds on top
# of them stays in <build folder>/fuzz-corpus, so later runs start from there. Exits with 1
# when a target crashes, leaks, times out on one input or fails one of its checks, and
# prints the saved input and the command that reproduces it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${SERAPLOT_FUZZ_BUILD_DIR:-${root}/build-fuzz}"
seconds="${SERAPLOT_FUZZ_SECONDS:-60}"
max_len="${SERAPLOT_FUZZ_MAX_LEN:-65536}"
suite_dir="${SERAPLOT_JSONTESTSUITE_DIR:-${root}/../shared/conformance/jsontestsuite}"
functions=("$@")
if [ "${#functions[@]}" -eq 0 ]; then
  functions=(save load)
fi
for function in "${functions[@]}"; do
  if [ "${function}" != save ] && [ "${function}" != load ]; then
    echo "run-fuzzers: unknown target '${function}'; the targets are save and load" >&2
    exit 2
  fi
done

for tool in clang clang++ cmake python3; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "run-fuzzers: ${tool} not found. On Debian: apt-get install -y clang" \
      "libclang-rt-14-dev cmake python3" >&2
    exit 2
  fi
done

# --- Build -----------------------------------------------------------------------------
# A link error about -lclang_rt.fuzzer here means the libFuzzer runtime is missing
# (Debian: libclang-rt-14-dev).
CC=clang CXX=clang++ cmake -S "${root}" -B "${build_dir}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSERAPLOT_BUILD_FUZZERS=ON \
  -DSERAPLOT_BUILD_TESTS=OFF >/dev/null
targets=()
for function in "${functions[@]}"; do
  targets+=("seraplot_${function}_fuzzer")
done
cmake --build "${build_dir}" --parallel 2 --target "${targets[@]}"

# --- Seeds -----------------------------------------------------------------------------
seeds_dir="${build_dir}/fuzz-seeds"
python3 "${root}/fuzz/make_seed_corpus.py" --vectors "${root}/tests/vectors" \
  --suite "${suite_dir}" --out "${seeds_dir}"

# --- Runs ------------------------------------------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
failed=0
for function in "${functions[@]}"; do
  executable="${build_dir}/fuzz/seraplot_${function}_fuzzer"
  corpus="${build_dir}/fuzz-corpus/${function}"
  findings="${build_dir}/fuzz-findings/${function}"
  log="${build_dir}/fuzz-logs/${function}.log"
  mkdir -p "${corpus}" "${findings}" "$(dirname "${log}")"
  marker="$(mktemp)"

  echo "run-fuzzers: running ${function} for ${seconds} s (log: ${log})"
  status=0
  # New inputs go to the first folder, the corpus; the seeds are only read.
  "${executable}" -max_total_time="${seconds}" -max_len="${max_len}" -timeout=10 \
    -rss_limit_mb=2048 -dict="${root}/fuzz/json.dict" -print_final_stats=1 \
    -artifact_prefix="${findings}/" "${corpus}" "${seeds_dir}/${function}" \
    >"${log}" 2>&1 || status=$?

  if [ "${status}" -ne 0 ]; then
    failed=1
    echo "run-fuzzers: the ${function} target failed (exit status ${status}). The end of its log:"
    tail -n 40 "${log}" | sed 's/^/  | /'
    found="$(find "${findings}" -type f -newer "${marker}" | sort)"
    if [ -n "${found}" ]; then
      # One path a line, read whole, so that a build folder with spaces in its path works.
      while IFS= read -r input; do
        echo "run-fuzzers: input that fails: ${input}"
        echo "run-fuzzers: reproduce with: '${executable}' '${input}'"
      done <<<"${found}"
    else
      echo "run-fuzzers: libFuzzer saved no input; see ${log}"
    fi
  else
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "${log}" \
      | sed 's/^/  /' || true
    echo "run-fuzzers: ${function}: no findings"
  fi
  rm -f "${marker}"
done
exit "${failed}"
