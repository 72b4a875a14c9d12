// The Node leg of the cross-language test (scripts/cross-language.sh runs it):
//
//   node tests/cross/node-leg.mjs DIR
//
// DIR is the folder that the Python leg filled with sklearn-kmeans.json and
// sklearn-kmeans-iris.json (python/tests/test_sklearn.py). This leg
// - loads that model with the addon (path) and the WebAssembly build (data) and checks that
//   nearest-centroid assignment reproduces scikit-learn's labels for all 150 samples;
// - loads envelopes as other producers write them: Python's json.dumps with its defaults,
//   and the original Rust implementation's member order and number forms;
// - checks that a state with NaN, as json.dumps writes it, is rejected as in Python;
// - trains the demo's random forest and k-means, saves them with the addon into DIR for the
//   browser and Python legs, and writes node-predictions.json beside them.
//
// The last line printed is "node-leg: N passed, N failed"; the exit status is 1 when a
// check failed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SETUP_HINT = 'run scripts/setup.sh test, which installs and builds it';
// json.dumps is in Python's standard library, so any Python 3 can write these envelopes.
const PYTHON = process.env.SERAPLOT_PYTHON ?? '/usr/bin/python3';
const PYTHON_TIMEOUT_MS = 30_000;

const SKLEARN_IRIS_FILE = 'sklearn-kmeans-iris.json';
const NODE_PREDICTIONS_FILE = 'node-predictions.json';

// An envelope in the original Rust implementation's form: kind before seraplot_model_v, and
// numbers such as 1e21 and 1.5e-7, which JSON.stringify writes as 1e+21 and 1.5e-7 and
// Python's json.dumps as 1e+21 and 1.5e-07. Their text must come back unchanged.
const RUST_ENVELOPE =
  '{"kind":"kmeans","seraplot_model_v":1,"state":{"centroids":[[5.006,3.428,1.462,0.246],' +
  '[5.9016129032258,2.748387096774194,4.393548387096774,1.433870967741935]],' +
  '"n":1e21,"t":1.5e-7,"max":1.7976931348623157e308,"tiny":5e-324}}';

// Writes envelopes with Python's json.dumps and its default settings: ", " and ": "
// separators, \uXXXX escapes for every non-ASCII character, NaN for float('nan').
const PYTHON_DUMPS_SCRIPT = `
import json, sys
centroids = [[5.006, 3.428, 1.462, 0.246], [6.85, 3.0736842105263156, 5.742105263157895, 2.071052631578947]]
plain = {"seraplot_model_v": 1, "kind": "kmeans", "state": {
    "centroids": centroids, "tol": 1e-07, "big": 1e+22, "n_clusters": 2,
    "métrique": "euclidienne", "label": "Iris sétosa ☃ 😀", "trained_by": "scikit-learn"}}
nan = {"seraplot_model_v": 1, "kind": "kmeans", "state": {"centroids": [[float("nan"), 1.0]]}}
save_nan = {"kind": "kmeans", "state": {"centroids": [[float("nan"), 1.0]]}}
json.dump({"plain": json.dumps(plain), "nan": json.dumps(nan), "save_nan": json.dumps(save_nan)}, sys.stdout)
`;

function fail(message) {
  throw new Error(message);
}

function squaredDistance(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += (a[i] - b[i]) ** 2;
  }
  return sum;
}

// Returns the index of the nearest centroid by squared Euclidean distance. A tie goes to
// the lower index, as in python/tests/test_sklearn.py.
function nearestCentroid(centroids, sample) {
  let best = 0;
  for (let i = 1; i < centroids.length; i++) {
    if (squaredDistance(sample, centroids[i]) < squaredDistance(sample, centroids[best])) {
      best = i;
    }
  }
  return best;
}

function parseOk(answerText, what) {
  const answer = JSON.parse(answerText);
  assert.equal(answer.ok, true, `${what} failed (${answer.code}): ${answer.error}`);
  return answer;
}

function parseError(answerText, what) {
  const answer = JSON.parse(answerText);
  assert.equal(answer.ok, false, `${what} succeeded but should have failed: ${answerText.slice(0, 200)}`);
  return answer;
}

function readJson(path, producer) {
  if (!existsSync(path)) {
    fail(`${path} is missing; ${producer} writes it (scripts/cross-language.sh runs it first)`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

function runPythonDumps() {
  const result = spawnSync(PYTHON, ['-c', PYTHON_DUMPS_SCRIPT], {
    encoding: 'utf8',
    timeout: PYTHON_TIMEOUT_MS,
  });
  if (result.error) {
    fail(`running ${PYTHON} failed (${result.error.message}); ${SETUP_HINT}, or set SERAPLOT_PYTHON`);
  }
  if (result.status !== 0) {
    fail(`${PYTHON} exited with status ${result.status}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// Returns the checks as [name, function] pairs. Each loader is { name, load(path, text) }.
function crossChecks(dir, addon, wasm) {
  const loaders = [
    { name: 'addon path', load: (path) => addon.mlLoadModel(JSON.stringify({ path })) },
    { name: 'addon data', load: (path, text) => addon.mlLoadModel(JSON.stringify({ data: text })) },
    { name: 'wasm data', load: (path, text) => wasm.mlLoadModel(JSON.stringify({ data: text })) },
  ];
  const state = {};

  const writeModelFile = (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  return [
    ['sklearn k-means loads in every build', () => {
      const iris = readJson(join(dir, SKLEARN_IRIS_FILE), 'python/tests/test_sklearn.py');
      const modelPath = join(dir, iris.model_file);
      if (!existsSync(modelPath)) {
        fail(`${modelPath} is missing, although ${SKLEARN_IRIS_FILE} names it`);
      }
      const text = readFileSync(modelPath, 'utf8');

      const answers = loaders.map((loader) => loader.load(modelPath, text));
      for (const [index, answerText] of answers.entries()) {
        const model = parseOk(answerText, `loading ${modelPath} with the ${loaders[index].name}`).model;
        assert.equal(model.seraplot_model_v, 1);
        assert.equal(model.kind, 'kmeans');
        // The Python module saved the file, so it is already compact and comes back as it is.
        assert.equal(answerText, `{"ok":true,"model":${text}}`, `${loaders[index].name} answer`);
      }
      state.sklearn = { iris, model: JSON.parse(answers[0]).model };
    }],

    ['sklearn k-means reproduces its labels', () => {
      assert.ok(state.sklearn, 'the sklearn model did not load');
      const { iris, model } = state.sklearn;
      const { centroids } = model.state;
      assert.equal(centroids.length, 3);
      assert.ok(centroids.every((centroid) => centroid.length === 4), 'every centroid has 4 features');
      assert.equal(iris.samples.length, 150);
      assert.equal(iris.labels.length, 150);

      const predicted = iris.samples.map((sample) => nearestCentroid(centroids, sample));
      const mismatched = predicted.flatMap((label, row) => (label === iris.labels[row] ? [] : [row]));
      assert.deepEqual(mismatched, [], 'samples whose nearest centroid differs from sklearn\'s label');
    }],

    ['Python json.dumps envelope loads', () => {
      state.python = runPythonDumps();
      const text = state.python.plain;
      assert.ok(text.includes('"seraplot_model_v": 1, "kind"'), 'json.dumps separators');
      assert.ok(text.includes('\\u00e9'), 'json.dumps escapes é');
      assert.ok(text.includes('\\ud83d\\ude00'), 'json.dumps escapes 😀 as a surrogate pair');
      const path = writeModelFile('python-dumps.seraplot.json', text);
      const expected = JSON.parse(text);

      for (const loader of loaders) {
        const answerText = loader.load(path, text);
        const { model } = parseOk(answerText, `loading the json.dumps envelope with the ${loader.name}`);
        assert.deepEqual(model, expected, `${loader.name} model`);
        assert.equal(model.state.label, 'Iris sétosa ☃ 😀');
        assert.equal(model.state['métrique'], 'euclidienne');
        // Number text is kept, even where JavaScript would write it otherwise (1e-7, 1e+22).
        assert.ok(answerText.includes('"tol":1e-07,"big":1e+22,'), `${loader.name} number text`);
        // Escapes come back in minimal form, as raw UTF-8.
        assert.ok(answerText.includes('"label":"Iris sétosa ☃ 😀"'), `${loader.name} string text`);
      }
    }],

    ['Rust member order and numbers kept', () => {
      const path = writeModelFile('rust-form.seraplot.json', RUST_ENVELOPE);
      for (const loader of loaders) {
        const answerText = loader.load(path, RUST_ENVELOPE);
        parseOk(answerText, `loading the Rust-form envelope with the ${loader.name}`);
        assert.equal(answerText, `{"ok":true,"model":${RUST_ENVELOPE}}`, `${loader.name} answer`);
        assert.ok(answerText.includes('"n":1e21,"t":1.5e-7,'), `${loader.name} number text`);
      }
    }],

    ['Python NaN state is rejected', () => {
      state.python ??= runPythonDumps();
      const text = state.python.nan;
      assert.ok(text.includes('[[NaN, 1.0]]'), `json.dumps wrote ${text}`);
      const path = writeModelFile('python-nan.seraplot.json', text);

      for (const loader of loaders) {
        const answer = parseError(loader.load(path, text), `loading the NaN envelope with the ${loader.name}`);
        assert.equal(answer.code, 'non_finite_number', `${loader.name}: ${answer.error}`);
        assert.ok(answer.error.includes('NaN'), `${loader.name} message: ${answer.error}`);
      }

      // The save payload gets a path member before its closing brace, because JSON.parse
      // cannot read the NaN to add it the usual way.
      const target = join(dir, 'python-nan-saved.seraplot.json');
      assert.ok(state.python.save_nan.endsWith('}}'), `json.dumps wrote ${state.python.save_nan}`);
      const saveText = `${state.python.save_nan.slice(0, -1)}, "path": ${JSON.stringify(target)}}`;
      const saved = parseError(addon.mlSaveModel(saveText), 'saving the NaN state with the addon');
      assert.equal(saved.code, 'non_finite_number', saved.error);
      assert.equal(existsSync(target), false, 'a rejected save left a file');
      const savedWasm = parseError(wasm.mlSaveModel(state.python.save_nan), 'saving the NaN state with wasm');
      assert.equal(savedWasm.code, 'non_finite_number', savedWasm.error);
    }],
  ];
}

// Trains and saves the demo's models for the browser and Python legs, and checks that each
// file loads in the WebAssembly build and predicts all samples as the trained model does.
async function nodeModelChecks(dir, wasm) {
  const iris = await import('../support/iris-models.mjs');
  const { samples, labels } = iris.irisData();
  const trained = iris.trainIrisModels(samples, labels);
  const { RandomForestClassifier } = await import('ml-random-forest');
  const rebuild = {
    random_forest_classifier: (state) => {
      const forest = RandomForestClassifier.load(state);
      return (rows) => forest.predict(rows);
    },
    kmeans: (state) => (rows) => rows.map((row) => nearestCentroid(state.centroids, row)),
  };
  const summary = { files: {}, states: {}, samples, predictions: {} };

  const checks = Object.values(trained).map((model) => [
    `Node ${model.kind} saves and reloads`,
    () => {
      const { modelPath, statePath } = iris.saveWithAddon(model, dir);
      const expected = model.predict(samples);
      summary.files[model.kind] = modelPath.slice(dir.length + 1);
      summary.states[model.kind] = statePath.slice(dir.length + 1);
      summary.predictions[model.kind] = expected;

      const text = readFileSync(modelPath, 'utf8');
      const { model: loaded } = parseOk(wasm.mlLoadModel(JSON.stringify({ data: text })), `loading ${modelPath} with wasm`);
      assert.equal(loaded.kind, model.kind);
      assert.deepEqual(loaded.state, JSON.parse(readFileSync(statePath, 'utf8')));
      assert.deepEqual(rebuild[model.kind](loaded.state)(samples), expected);
    },
  ]);
  checks.push([
    'Node predictions file written',
    () => {
      assert.deepEqual(Object.keys(summary.files).sort(), ['kmeans', 'random_forest_classifier']);
      writeFileSync(join(dir, NODE_PREDICTIONS_FILE), JSON.stringify(summary));
    },
  ]);
  return checks;
}

async function main() {
  const counts = { passed: 0, failed: 0 };
  const run = (name, check) => {
    try {
      check();
      counts.passed += 1;
      console.log(`ok    ${name}`);
    } catch (error) {
      counts.failed += 1;
      console.log(`FAIL  ${name}\n      ${error.message.split('\n').join('\n      ')}`);
    }
  };

  try {
    const dirArgument = process.argv[2];
    if (!dirArgument) {
      fail('usage: node tests/cross/node-leg.mjs DIR, where DIR is the cross-language folder');
    }
    const dir = resolve(dirArgument);

    let addon;
    let wasm;
    try {
      addon = await import('seraplot/node');
      wasm = await import('seraplot/wasm');
    } catch (error) {
      fail(`the Node addon or the WebAssembly build cannot be loaded (${error.message}); ${SETUP_HINT}`);
    }

    for (const [name, check] of crossChecks(dir, addon, wasm)) {
      run(name, check);
    }
    for (const [name, check] of await nodeModelChecks(dir, wasm)) {
      run(name, check);
    }
  } catch (error) {
    counts.failed += 1;
    console.log(`FAIL  setting up the Node leg: ${error.message}`);
  }

  console.log(`node-leg: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

await main();
