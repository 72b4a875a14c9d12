#!/usr/bin/env bash
# Builds the WebAssembly modules into wasm/dist/ with Emscripten (`npm run build:wasm`).
# It configures and builds in build-wasm/ of the package's folder with wasm/CMakeLists.txt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${root}/build-wasm"

for tool in emcc emcmake cmake; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "build-wasm: ${tool} not found. Install Emscripten and CMake, on Debian with" >&2
    echo "  apt-get install -y emscripten cmake" >&2
    exit 1
  fi
done

# Emscripten's JavaScript optimizer needs the acorn module, which Debian's emscripten
# package installs under /usr/share/nodejs, a folder Node does not search by default.
export NODE_PATH="${NODE_PATH:+${NODE_PATH}:}/usr/share/nodejs"

emcmake cmake -S "${root}" -B "${build_dir}"
cmake --build "${build_dir}" --parallel

echo "build-wasm: wrote the WebAssembly build to ${root}/wasm/dist"
