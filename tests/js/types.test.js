// Type-checks tests/types/usage.ts against the published declarations (index.d.ts and
// node/index.d.ts) with the TypeScript compiler from devDependencies.
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

test('declarations compile with usage.ts', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'tests/types'], {
    cwd: ROOT,
    encoding: 'utf8',
  });

  // tsc prints its diagnostics on stdout; showing them makes a failure self-explaining.
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});
