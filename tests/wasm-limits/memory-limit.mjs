// Checks that the WebAssembly build turns running out of memory into an out_of_memory
// answer and stays usable. The shipped build may grow to 4 GiB, so this test builds the same
// sources with a 64 MiB maximum, places that binary beside copies of the real loaders, and
// sends payloads that cannot fit.
//
// Usage: node tests/wasm-limits/memory-limit.mjs
// Prints "wasm-memory: N passed, N failed" last and exits with 1 when a check failed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildDir = join(root, 'build-wasm-64mb');
const MAXIMUM_MEMORY = '64MB';

function buildSmallVariant(outputDir) {
  const env = {
    ...process.env,
    NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':'),
  };
  const run = (command, args) => execFileSync(command, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('emcmake', [
    'cmake', '-S', root, '-B', buildDir,
    `-DSERAPLOT_WASM_MAXIMUM_MEMORY=${MAXIMUM_MEMORY}`,
    `-DSERAPLOT_WASM_OUTPUT_DIR=${outputDir}`,
  ]);
  run('cmake', ['--build', buildDir, '--parallel']);
}

// Copies the loaders and the shared argument checks into the layout they expect, with the
// small binary in wasm/dist.
function loadSmallVariant() {
  const packageCopy = mkdtempSync(join(tmpdir(), 'seraplot-wasm-64mb-'));
  mkdirSync(join(packageCopy, 'wasm', 'dist'), { recursive: true });
  cpSync(join(root, 'wasm', 'index.cjs'), join(packageCopy, 'wasm', 'index.cjs'));
  cpSync(join(root, 'js'), join(packageCopy, 'js'), { recursive: true });
  buildSmallVariant(join(packageCopy, 'wasm', 'dist'));
  const require = createRequire(import.meta.url);
  return { build: require(join(packageCopy, 'wasm', 'index.cjs')), packageCopy };
}

// A state of about `megabytes` MB of numbers with full double precision.
function largeState(megabytes) {
  const count = Math.ceil((megabytes * 1024 * 1024) / 20);
  const values = new Array(count);
  for (let i = 0; i < count; i++) {
    values[i] = (i + 0.123456789012345) / 7;
  }
  return values;
}

const smallEnvelope = '{"seraplot_model_v":1,"kind":"k","state":[1.10,-0.0]}';
const checks = [];
function check(name, body) {
  checks.push({ name, body });
}

const { build, packageCopy } = loadSmallVariant();
const bigSave = JSON.stringify({ kind: 'big', state: largeState(48) });
const bigLoad = JSON.stringify({ data: { seraplot_model_v: 1, kind: 'big', state: largeState(48) } });

function expectOutOfMemory(answerText) {
  const answer = JSON.parse(answerText);
  assert.equal(answer.ok, false);
  assert.equal(answer.code, 'out_of_memory');
  assert.match(answer.error, /memory/);
}

function expectSmallCallsWork() {
  const saved = build.mlSaveModel('{"kind":"k","state":[1.10,-0.0]}');
  assert.equal(saved, `{"ok":true,"data":${JSON.stringify(smallEnvelope)},"size":${smallEnvelope.length}}`);
  const loaded = build.mlLoadModel(JSON.stringify({ data: smallEnvelope }));
  assert.equal(loaded, `{"ok":true,"model":${smallEnvelope}}`);
}

check('a save too large for memory gets out_of_memory', () => expectOutOfMemory(build.mlSaveModel(bigSave)));
check('small calls work after a failed save', expectSmallCallsWork);
check('a load too large for memory gets out_of_memory', () => expectOutOfMemory(build.mlLoadModel(bigLoad)));
check('small calls work after a failed load', expectSmallCallsWork);
check('repeated failures leave the build usable', () => {
  for (let round = 0; round < 3; round++) {
    expectOutOfMemory(build.mlSaveModel(Buffer.from(bigSave)));
    expectSmallCallsWork();
  }
});

let passed = 0;
let failed = 0;
for (const { name, body } of checks) {
  try {
    body();
    passed++;
    console.log(`ok      ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAILED  ${name}\n        ${String(error.message).split('\n').join('\n        ')}`);
  }
}
rmSync(packageCopy, { recursive: true, force: true });
console.log(`wasm-memory: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
