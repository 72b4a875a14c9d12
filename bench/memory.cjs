// Measures the peak resident memory of one call, for bench/run.cjs, in a fresh process:
//   node --expose-gc bench/memory.cjs <plain|addon|addon-buffer|wasm> <operation> <payload file>
// addon-buffer passes the payload to the addon as a Buffer instead of a string.
// Prints {"peakBytes": N}: the peak resident size during the call minus the resident size
// just before it, when the payload string is already in memory. Linux only (/proc).
'use strict';

const fs = require('fs');

const IMPLEMENTATIONS = {
  plain: () => require('./plain.cjs'),
  addon: () => require('../node/index.cjs'),
  'addon-buffer': () => require('../node/index.cjs'),
  wasm: () => require('../wasm/index.cjs'),
};

function statusBytes(field) {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (match === null) {
    throw new Error(`/proc/self/status has no ${field}`);
  }
  return Number(match[1]) * 1024;
}

function main() {
  const [implementation, operation, payloadFile] = process.argv.slice(2);
  const api = IMPLEMENTATIONS[implementation]();
  const call = operation.startsWith('save') ? api.mlSaveModel : api.mlLoadModel;
  const payload =
    implementation === 'addon-buffer' ? fs.readFileSync(payloadFile) : fs.readFileSync(payloadFile, 'utf8');

  global.gc();
  // Writing 5 resets the peak resident size (VmHWM) to the current one (Linux 4.0+).
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const before = statusBytes('VmRSS');
  const answer = call(payload);
  const peak = statusBytes('VmHWM');

  if (!answer.startsWith('{"ok":true')) {
    throw new Error(`the call failed: ${answer.slice(0, 300)}`);
  }
  process.stdout.write(JSON.stringify({ peakBytes: peak - before }));
}

main();
