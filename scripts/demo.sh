#!/usr/bin/env bash
# Installs what is missing, builds seraplot, and runs the demo (examples/demo.mjs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh demo
node examples/demo.mjs "$@"
