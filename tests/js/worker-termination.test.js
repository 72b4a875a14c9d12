// Terminating a worker thread while its asynchronous call runs must not bring the process
// down: the call's promise can no longer be settled, and the answer string it would have
// held must not outlive the addon. Each case runs in a child process so a crash shows as
// its exit status.
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');

const PACKAGE = path.join(__dirname, '..', '..');

// The worker starts a call on a payload of about 30 MB, then posts a message to the main thread.
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const sp = require(${JSON.stringify(path.join(PACKAGE, 'node'))});
const state = Array.from({ length: 1500000 }, (_, i) => i / 7);
const payload = workerData === 'load'
  ? JSON.stringify({ data: { seraplot_model_v: 1, kind: 'k', state } })
  : JSON.stringify({ kind: 'k', state });
(workerData === 'load' ? sp.mlLoadModelAsync(payload) : sp.mlSaveModelAsync(payload)).then(() => {});
parentPort.postMessage('started');
`;

// The main thread terminates the worker while its call runs, several times over.
const MAIN = `
const { Worker } = require('worker_threads');
(async () => {
  for (let round = 0; round < 4; round++) {
    const worker = new Worker(${JSON.stringify(WORKER)}, { eval: true, workerData: process.argv[1] });
    await new Promise((resolve) => worker.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 5 * round));
    await worker.terminate();
  }
  console.log('survived');
})();
`;

describe('worker termination during async calls', () => {
  test.each(['save', 'load'])('process survives a terminated %s', (kind) => {
    const result = spawnSync(process.execPath, ['-e', MAIN, kind], {
      encoding: 'utf8',
      timeout: 90000,
    });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('survived');
  });
});
