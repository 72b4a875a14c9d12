// Rebuilds a predictor from the loaded state of a known model kind. Each builder checks the
// parts of the state it uses and throws an Error whose message names the wrong part, so that
// a state of the right kind but the wrong form gets a message on the page rather than a
// stack trace.
import { RandomForestClassifier } from 'ml-random-forest';

function isFiniteNumberArray(value) {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));
}

function squaredDistance(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += (a[i] - b[i]) ** 2;
  }
  return sum;
}

// Returns the index of the nearest centroid by squared Euclidean distance. A tie goes to
// the lower index.
function nearestCentroid(centroids, row) {
  let best = 0;
  let bestDistance = squaredDistance(row, centroids[0]);
  for (let i = 1; i < centroids.length; i++) {
    const distance = squaredDistance(row, centroids[i]);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

// A k-means model is its centroids, state.centroids: ml-kmeans' centroids as the demo saves
// them, or scikit-learn's cluster_centers_ as the Python module saves them.
function buildKmeans(state) {
  const centroids = state?.centroids;
  if (!Array.isArray(centroids) || centroids.length === 0) {
    throw new Error('state.centroids is missing or not a non-empty array of centroids.');
  }
  if (!isFiniteNumberArray(centroids[0]) || centroids[0].length === 0) {
    throw new Error('state.centroids[0] is not a non-empty array of finite numbers.');
  }
  const featureCount = centroids[0].length;
  centroids.forEach((centroid, index) => {
    if (!isFiniteNumberArray(centroid) || centroid.length !== featureCount) {
      throw new Error(
        `state.centroids[${index}] is not an array of ${featureCount} finite numbers, ` +
          'as state.centroids[0] is.',
      );
    }
  });

  return {
    featureCount,
    acceptsExtraFeatures: false,
    labelName: 'cluster',
    predict: (rows) => rows.map((row) => nearestCentroid(centroids, row)),
  };
}

// The state is RandomForestClassifier#toJSON() of npm's ml-random-forest.
function buildRandomForest(state) {
  if (state?.name !== 'RFClassifier') {
    throw new Error(
      'state.name is not "RFClassifier", so the state is not the toJSON() of an ' +
        'ml-random-forest RandomForestClassifier.',
    );
  }
  const indexes = state.baseModel?.indexes;
  if (!Array.isArray(indexes) || !indexes.every((columns) => isFiniteNumberArray(columns))) {
    throw new Error('state.baseModel.indexes is missing or not an array of column lists.');
  }

  const forest = RandomForestClassifier.load(state);
  // Each tree reads the feature columns listed in its entry of indexes.
  const featureCount = indexes.flat().reduce((max, column) => Math.max(max, column), 0) + 1;

  // Columns past the highest one a tree reads are ignored, so longer rows are fine.
  return {
    featureCount,
    acceptsExtraFeatures: true,
    labelName: 'class',
    predict: (rows) => forest.predict(rows),
  };
}

export const PREDICTORS = {
  kmeans: {
    description: 'k-means: each row goes to the cluster of the nearest centroid',
    build: buildKmeans,
  },
  random_forest_classifier: {
    description: 'random forest classifier of ml-random-forest: the class most trees vote for',
    build: buildRandomForest,
  },
};
