#!/usr/bin/env bash
# Installs what seraplot needs on a Debian or Ubuntu machine, then builds it.
#
#   scripts/setup.sh demo    system packages for the Node addon and the WebAssembly build
#   scripts/setup.sh test    also those for every test (GoogleTest, Chromium, scikit-learn,
#                            clang's fuzzer and sanitizers, valgrind)
#
# Only missing Debian packages are installed (with sudo when not root). npm packages come
# from package-lock.json with `npm ci`, which also builds the Node addon. Then the
# WebAssembly build and, for "test", the core's CMake build are made.
set -euo pipefail

profile="${1:-demo}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

demo_packages=(g++ make python3 rapidjson-dev emscripten)
test_packages=(cmake libgtest-dev libbenchmark-dev chromium python3-sklearn python3-numpy
               clang libclang-rt-14-dev valgrind)

case "$profile" in
  demo) wanted=("${demo_packages[@]}") ;;
  test) wanted=("${demo_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac
# Node.js may come from elsewhere than Debian (NodeSource, nvm); only install it if absent.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  wanted+=(nodejs npm)
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "==> Installing Debian packages: ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

echo "==> Installing npm packages and building the Node addon (npm ci)"
npm ci --no-audit --no-fund

echo "==> Building the WebAssembly module"
npm run --silent build:wasm

if [ "$profile" = test ]; then
  echo "==> Building the core library, its tests and seraplot_cli"
  bash scripts/build-core.sh >/dev/null
fi
