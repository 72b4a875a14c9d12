// `npm run bench`: times mlSaveModel and mlLoadModel of the Node addon, the WebAssembly build
// and a plain JavaScript implementation (bench/plain.cjs) on generated model states. It also
// runs the core's own C++ benchmark (bench/core_bench.cpp) on the same payloads. It prints
// throughput, ratios to plain JavaScript and peak memory.
//
// Environment:
//   SERAPLOT_BENCH_QUICK=1   smoke run: small states only, few runs (under a minute)
//   SERAPLOT_BENCH_KEEP=1    keep the folder of generated payloads and print its path
//   SERAPLOT_BENCH_SKIP_CORE=1  skip building and running the C++ benchmark
//   SERAPLOT_BENCH_SKIP_JS=1    skip the JavaScript timings and memory measurements
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const { STATES } = require('./states.cjs');
const plain = require('./plain.cjs');

const ROOT = path.join(__dirname, '..');
const BUILD_DIR = path.join(ROOT, 'build-bench');
const QUICK = process.env.SERAPLOT_BENCH_QUICK === '1';

const SETTINGS = QUICK
  ? { states: ['kmeans-1KB', 'forest-5MB', 'deep-tree'], memoryStates: ['forest-5MB'], runs: 3, coreRepetitions: 3, coreMinTime: 0.05 }
  : { states: STATES.map((s) => s.name), memoryStates: ['forest-50MB'], runs: 5, coreRepetitions: 5, coreMinTime: 0.2 };

// One timed sample lasts at least this long; small payloads are called in batches.
const MIN_SAMPLE_MS = 25;

const OPERATIONS = ['save-inline', 'save-file', 'load-data', 'load-file'];

function log(message) {
  process.stderr.write(`${message}\n`);
}

function collectGarbage() {
  if (typeof global.gc === 'function') {
    global.gc();
  }
}

// Returns the implementations to time, each with its save and load functions, or the
// reason it is missing.
function loadMethods() {
  const methods = [
    { name: 'plain JS', key: 'plain', api: plain, files: true },
    // The baseline plus fsync of the file and its folder, timed only for saves to a file.
    { name: 'plain JS+fsync', key: 'plainDurable', api: { mlSaveModel: plain.mlSaveModelDurable }, files: true, only: 'save-file' },
  ];
  const builds = [
    { name: 'addon', key: 'addon', load: () => require('../node/index.cjs'), files: true },
    // The WebAssembly build has no file access, so it runs only the inline cases.
    { name: 'wasm', key: 'wasm', load: () => require('../wasm/index.cjs'), files: false },
  ];
  for (const build of builds) {
    try {
      methods.push({ name: build.name, key: build.key, api: build.load(), files: build.files });
    } catch (error) {
      log(`bench: skipping the ${build.name} build: ${error.message.split('\n')[0]}`);
    }
  }
  return methods;
}

// Writes the payloads of one state into folder and returns its cases.
function writeCases(folder, spec) {
  log(`bench: generating ${spec.name}`);
  const state = spec.make();
  const envelope = JSON.stringify({ seraplot_model_v: 1, kind: spec.kind, state });
  const files = {
    'save-inline': JSON.stringify({ kind: spec.kind, state }),
    'save-file': JSON.stringify({ kind: spec.kind, path: path.join(folder, `${spec.name}.saved.json`), state }),
    'load-data': JSON.stringify({ data: envelope }),
    'load-file': JSON.stringify({ path: path.join(folder, `${spec.name}.envelope.json`) }),
  };
  fs.writeFileSync(path.join(folder, `${spec.name}.envelope.json`), envelope);

  const measureMemory = SETTINGS.memoryStates.includes(spec.name);
  return OPERATIONS.map((operation) => {
    const payloadFile = `${spec.name}.${operation}.payload.json`;
    fs.writeFileSync(path.join(folder, payloadFile), files[operation]);
    const inputFile = operation === 'load-file' ? `${spec.name}.envelope.json` : payloadFile;
    return {
      state: spec.name,
      stateBytes: Buffer.byteLength(JSON.stringify(state)),
      operation,
      payloadFile,
      inputFile,
      inputBytes: fs.statSync(path.join(folder, inputFile)).size,
      measureMemory,
    };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function checkAnswer(answer, label) {
  if (typeof answer !== 'string' || !answer.startsWith('{"ok":true')) {
    throw new Error(`${label} failed: ${String(answer).slice(0, 300)}`);
  }
}

// Returns the median milliseconds of one call over SETTINGS.runs samples.
function timeCall(call, payload, label) {
  const warmUpStart = process.hrtime.bigint();
  checkAnswer(call(payload), label);
  const warmUpMilliseconds = Number(process.hrtime.bigint() - warmUpStart) / 1e6;

  let batch = 1;
  while (warmUpMilliseconds < MIN_SAMPLE_MS) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i += 1) {
      call(payload);
    }
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (elapsed >= MIN_SAMPLE_MS || batch >= 1 << 20) {
      break;
    }
    batch *= Math.max(2, Math.ceil(MIN_SAMPLE_MS / Math.max(elapsed, 0.001)));
  }

  const samples = [];
  for (let run = 0; run < SETTINGS.runs; run += 1) {
    collectGarbage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i += 1) {
      call(payload);
    }
    samples.push(Number(process.hrtime.bigint() - start) / 1e6 / batch);
  }
  return median(samples);
}

function functionFor(api, operation) {
  return operation.startsWith('save') ? api.mlSaveModel : api.mlLoadModel;
}

function usesFiles(benchCase) {
  return benchCase.operation.endsWith('-file');
}

// The methods that run a case: the WebAssembly build has no files, and a method with `only`
// runs one operation.
function methodsFor(methods, benchCase) {
  return methods.filter(
    (m) => (m.files || !usesFiles(benchCase)) && (m.only === undefined || m.only === benchCase.operation),
  );
}

function timeJavaScript(folder, cases, methods) {
  for (const benchCase of cases) {
    const payload = fs.readFileSync(path.join(folder, benchCase.payloadFile), 'utf8');
    benchCase.milliseconds = {};
    for (const method of methodsFor(methods, benchCase)) {
      const label = `${method.name} ${benchCase.state} ${benchCase.operation}`;
      log(`bench: timing ${label}`);
      benchCase.milliseconds[method.key] = timeCall(functionFor(method.api, benchCase.operation), payload, label);
    }
  }
}

// Runs one call in a fresh Node process and returns its peak resident memory above the
// memory just before the call, in bytes.
function measureMemory(folder, benchCase, method) {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', path.join(__dirname, 'memory.cjs'), method.key, benchCase.operation, path.join(folder, benchCase.payloadFile)],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    log(`bench: measuring memory of ${method.name} failed: ${result.stderr.trim()}`);
    return undefined;
  }
  return JSON.parse(result.stdout).peakBytes;
}

function buildCoreBenchmark() {
  const steps = [
    ['cmake', ['-S', ROOT, '-B', BUILD_DIR, '-DCMAKE_BUILD_TYPE=Release', '-DSERAPLOT_BUILD_BENCHMARKS=ON', '-DSERAPLOT_BUILD_TESTS=OFF']],
    ['cmake', ['--build', BUILD_DIR, '--target', 'seraplot_bench', '--parallel', '2']],
  ];
  for (const [program, args] of steps) {
    const result = spawnSync(program, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      log(`bench: ${program} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
      return false;
    }
  }
  return true;
}

// Runs the C++ benchmark on the cases of one state and stores its median throughput and
// peak memory in each case. Running it right after that state's JavaScript timings keeps
// the two close in time on a machine shared with other work.
function runCoreBenchmark(folder, cases, state) {
  const stateCases = cases.filter((c) => c.state === state);
  fs.writeFileSync(
    path.join(folder, 'cases.tsv'),
    stateCases.map((c) => [c.state, c.operation, c.payloadFile, c.inputFile, c.measureMemory ? 1 : 0].join('\t')).join('\n') + '\n',
  );

  log(`bench: running the C++ benchmark on ${state}`);
  const output = path.join(folder, 'core.json');
  const result = spawnSync(
    path.join(BUILD_DIR, 'bench', 'seraplot_bench'),
    [
      `--benchmark_out=${output}`,
      '--benchmark_out_format=json',
      `--benchmark_repetitions=${SETTINGS.coreRepetitions}`,
      '--benchmark_report_aggregates_only=true',
      `--benchmark_min_time=${SETTINGS.coreMinTime}`,
    ],
    { env: { ...process.env, SERAPLOT_BENCH_DIR: folder }, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  if (result.status !== 0) {
    log(`bench: the C++ benchmark exited with status ${result.status}`);
    return;
  }

  // Google Benchmark writes NaN, which is not JSON, for some aggregates of counters.
  const report = JSON.parse(fs.readFileSync(output, 'utf8').replace(/: (-?nan|NaN|-?inf)\b/gi, ': null'));
  for (const entry of report.benchmarks) {
    if (entry.aggregate_name !== 'median') {
      continue;
    }
    const [runner, caseState, operation] = entry.run_name.split('/');
    const benchCase = stateCases.find((c) => c.state === caseState && c.operation === operation);
    if (benchCase === undefined) {
      continue;
    }
    benchCase.coreBytesPerSecond = benchCase.coreBytesPerSecond || {};
    benchCase.coreBytesPerSecond[runner] = entry.bytes_per_second;
    if (runner === 'core' && entry.peak_bytes !== undefined) {
      benchCase.corePeakBytes = entry.peak_bytes;
    }
  }
}

function megabytesPerSecond(bytes, milliseconds) {
  return bytes / 1e6 / (milliseconds / 1e3);
}

function pad(text, width) {
  return String(text).padStart(width);
}

function printThroughput(cases, methods) {
  const columns = [...methods.map((m) => m.name), 'core C++', 'RapidJSON validate'];
  const header = ['state'.padEnd(16), 'operation'.padEnd(12), pad('MB', 7), ...columns.map((c) => pad(c, 18)), pad('addon/core', 11)];
  console.log('\nThroughput in MB/s of the input (median), and the ratio to plain JS:\n');
  console.log(header.join(' '));
  for (const c of cases) {
    const plainRate = c.milliseconds.plain === undefined ? undefined : megabytesPerSecond(c.inputBytes, c.milliseconds.plain);
    const cells = [];
    const rates = {};
    for (const method of methods) {
      const milliseconds = c.milliseconds[method.key];
      rates[method.key] = milliseconds === undefined ? undefined : megabytesPerSecond(c.inputBytes, milliseconds);
    }
    const core = c.coreBytesPerSecond || {};
    rates.core = core.core === undefined ? undefined : core.core / 1e6;
    rates.validate = core.rapidjson_validate === undefined ? undefined : core.rapidjson_validate / 1e6;
    for (const key of [...methods.map((m) => m.key), 'core', 'validate']) {
      const rate = rates[key];
      const ratio = plainRate === undefined ? '' : ` ${(rate / plainRate).toFixed(2)}x`;
      cells.push(pad(rate === undefined ? '-' : `${rate.toFixed(1)}${ratio}`, 18));
    }
    const addonShare = rates.addon !== undefined && rates.core !== undefined ? `${Math.round((100 * rates.addon) / rates.core)}%` : '-';
    console.log([c.state.padEnd(16), c.operation.padEnd(12), pad((c.inputBytes / 1e6).toFixed(3), 7), ...cells, pad(addonShare, 11)].join(' '));
  }
}

function printMemory(cases, methods) {
  const measured = cases.filter((c) => c.measureMemory);
  if (measured.length === 0) {
    return;
  }
  const columns = [...methods.map((m) => m.name), 'core C++'];
  console.log('\nPeak resident memory above the memory just before one call (payload already in memory),');
  console.log('in MB and as a multiple of the state size:\n');
  console.log(['state'.padEnd(16), 'operation'.padEnd(12), pad('state MB', 9), ...columns.map((c) => pad(c, 15))].join(' '));
  for (const c of measured) {
    const cells = [...methods.map((m) => (c.peakBytes || {})[m.key]), c.corePeakBytes].map((bytes) =>
      pad(bytes === undefined ? '-' : `${(bytes / 1e6).toFixed(1)} ${(bytes / c.stateBytes).toFixed(2)}x`, 15),
    );
    console.log([c.state.padEnd(16), c.operation.padEnd(12), pad((c.stateBytes / 1e6).toFixed(1), 9), ...cells].join(' '));
  }
}

function main() {
  const started = Date.now();
  const methods = loadMethods();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seraplot-bench-'));

  try {
    const specs = STATES.filter((s) => SETTINGS.states.includes(s.name));
    const cases = [];
    for (const spec of specs) {
      cases.push(...writeCases(folder, spec));
      collectGarbage();
    }

    const jsMethods = process.env.SERAPLOT_BENCH_SKIP_JS === '1' ? [] : methods;
    // Memory is measured for the string payloads of the timings, and for the addon also with
    // the payload as a Buffer, which the addon reads without a copy.
    const memoryMethods = methods.filter((m) => m.only === undefined);
    if (methods.some((m) => m.key === 'addon')) {
      memoryMethods.splice(2, 0, { name: 'addon, Buffer', key: 'addon-buffer', files: true });
    }
    let coreBuilt = false;
    if (process.env.SERAPLOT_BENCH_SKIP_CORE !== '1') {
      log('bench: building the C++ benchmark');
      coreBuilt = buildCoreBenchmark();
    }

    for (const spec of specs) {
      const stateCases = cases.filter((c) => c.state === spec.name);
      timeJavaScript(folder, stateCases, jsMethods);
      if (coreBuilt) {
        runCoreBenchmark(folder, cases, spec.name);
      }
      for (const benchCase of stateCases.filter((c) => c.measureMemory && jsMethods.length > 0)) {
        benchCase.peakBytes = {};
        for (const method of methodsFor(memoryMethods, benchCase)) {
          log(`bench: measuring the memory of ${method.name} ${benchCase.state} ${benchCase.operation}`);
          benchCase.peakBytes[method.key] = measureMemory(folder, benchCase, method);
        }
      }
    }

    console.log(`seraplot benchmark${QUICK ? ' (quick mode)' : ''}: Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0].model})`);
    printThroughput(cases, methods);
    printMemory(cases, memoryMethods);
    console.log(`\nTook ${((Date.now() - started) / 1000).toFixed(0)} s.`);

    fs.mkdirSync(BUILD_DIR, { recursive: true });
    const resultFile = path.join(BUILD_DIR, 'bench-results.json');
    fs.writeFileSync(resultFile, JSON.stringify({ node: process.version, quick: QUICK, cases }, null, 2));
    log(`bench: wrote ${resultFile}`);
  } finally {
    if (process.env.SERAPLOT_BENCH_KEEP === '1') {
      log(`bench: kept the payloads in ${folder}`);
    } else {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}

main();
