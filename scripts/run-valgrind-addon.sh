#!/usr/bin/env bash
# Runs the addon's jest suites once under valgrind's memcheck, in one process, and fails on
# any memory error or definite leak. Calls of tens of megabytes and the half-gigabyte answer
# are left out: under valgrind they take many minutes and exercise no other code path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SERAPLOT_TEST_BUILDS=node valgrind \
  --error-exitcode=99 \
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --suppressions=tests/valgrind/node.supp \
  --num-callers=30 --child-silent-after-fork=yes \
  node node_modules/jest/bin/jest.js --runInBand --ci \
  --testPathPatterns 'tests/js/(vectors|addon)\.test\.js' \
  --testNamePattern '^(?!.*(event loop during large calls|answer too long for a string)).*$'
