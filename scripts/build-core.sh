#!/usr/bin/env bash
# Builds the core with CMake into build-core/ (`npm run build:core`): the static and shared
# libraries, seraplot_cli and the GoogleTest suite. Extra arguments go to the configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmake -S "$root" -B "$root/build-core" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$root/build-core" --parallel "$(nproc)"
