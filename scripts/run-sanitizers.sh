#!/usr/bin/env bash
# Builds the core, the command-line example and every ctest suite with AddressSanitizer (leak
# checks included) and UndefinedBehaviorSanitizer, runs ctest, and fails on any sanitizer
# report, even one from a child process whose failure a test might not notice (the kill test
# ends its children with SIGKILL on purpose).
#
#   scripts/run-sanitizers.sh [ctest arguments...]     for example -R SaveKill
#
# Settings, from the environment:
#   CC, CXX                       compilers (default clang and clang++ when installed,
#                                 else gcc and g++)
#   SERAPLOT_SANITIZE_BUILD_DIR   build folder (default build-sanitize in the package's folder)
#   SERAPLOT_JSONTESTSUITE_DIR    passed on to CMake when set
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${SERAPLOT_SANITIZE_BUILD_DIR:-${root}/build-sanitize}"

if [ -z "${CXX:-}" ]; then
  if command -v clang++ >/dev/null 2>&1; then
    export CC=clang CXX=clang++
  else
    export CC=gcc CXX=g++
  fi
fi

# Clang's pointer-overflow check fires inside RapidJSON 1.1.0's headers on every parse; the
# ignorelist file says why and turns off only that check there. GCC has no such report and
# no -fsanitize-ignorelist option.
extra_flags=""
if "${CXX}" --version 2>/dev/null | grep -qi clang; then
  extra_flags="-fsanitize-ignorelist=${root}/scripts/ubsan-ignorelist.txt"
fi

cmake_arguments=(
  -S "${root}" -B "${build_dir}"
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
  -DSERAPLOT_SANITIZE=address,undefined
  -DSERAPLOT_BUILD_TESTS=ON
  "-DCMAKE_C_FLAGS=${extra_flags}"
  "-DCMAKE_CXX_FLAGS=${extra_flags}"
)
if [ -n "${SERAPLOT_JSONTESTSUITE_DIR:-}" ]; then
  cmake_arguments+=("-DSERAPLOT_JSONTESTSUITE_DIR=${SERAPLOT_JSONTESTSUITE_DIR}")
fi
cmake "${cmake_arguments[@]}" >/dev/null
cmake --build "${build_dir}" --parallel 2

# Each process writes its reports to <reports>/asan.<pid> or ubsan.<pid>, so that a report
# from any process is found after the run.
reports="${build_dir}/sanitizer-reports"
rm -rf "${reports}"
mkdir -p "${reports}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=${reports}/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=${reports}/ubsan"

status=0
ctest --test-dir "${build_dir}" --output-on-failure --parallel 2 "$@" || status=$?

if [ -n "$(ls -A "${reports}")" ]; then
  echo "run-sanitizers: sanitizer reports were written:" >&2
  for report in "${reports}"/*; do
    echo "----- ${report}" >&2
    cat "${report}" >&2
  done
  exit 1
fi
if [ "${status}" -ne 0 ]; then
  echo "run-sanitizers: ctest failed (exit status ${status}) without a sanitizer report" >&2
  exit 1
fi
echo "run-sanitizers: all tests passed with no sanitizer report (${CXX})"
