// Generates the model states that the benchmark runs on. Every state comes from a seeded
// random number generator, so each run and each machine times the same bytes.
'use strict';

// xorshift128+: fast, seedable and good enough to make plausible model numbers.
function createRandom(seed) {
  let s0 = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
  let s1 = BigInt.asUintN(64, s0 * 0xbf58476d1ce4e5b9n + 0x94d049bb133111ebn);
  // BigInt arithmetic is slow, so 64-bit words are drawn in batches into a Float64Array.
  const batch = new Float64Array(4096);
  let index = batch.length;

  function refill() {
    for (let i = 0; i < batch.length; i += 1) {
      let x = s0;
      const y = s1;
      s0 = y;
      x ^= BigInt.asUintN(64, x << 23n);
      s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
      // The top 53 bits of the sum give a double in [0, 1).
      batch[i] = Number(BigInt.asUintN(64, s1 + y) >> 11n) / 2 ** 53;
    }
    index = 0;
  }

  return function next() {
    if (index === batch.length) {
      refill();
    }
    return batch[index++];
  };
}

// A double with all its digits, as a trained model stores thresholds and weights.
function fullPrecision(random, scale) {
  return (random() - 0.5) * scale;
}

function integerBelow(random, limit) {
  return Math.floor(random() * limit);
}

// A k-means model of about 1 KB: a few centroids in a small feature space.
function kmeansState() {
  const random = createRandom(1);
  const centroids = [];
  for (let c = 0; c < 5; c += 1) {
    const centroid = [];
    for (let f = 0; f < 8; f += 1) {
      centroid.push(fullPrecision(random, 20));
    }
    centroids.push(centroid);
  }
  return {
    k: 5,
    n_features: 8,
    distance: 'euclidean',
    centroids,
    cluster_sizes: [38, 50, 29, 33, 41],
    inertia: 78.85144142614601,
    iterations: 7,
    converged: true,
  };
}

// One decision tree of a random forest in the flat layout scikit-learn uses: node i has
// feature[i], threshold[i], children left[i] and right[i] (-1 at a leaf) and value[i].
function forestTree(random, nodeCount, featureCount, classCount) {
  const feature = [];
  const threshold = [];
  const left = [];
  const right = [];
  const value = [];
  const internalCount = Math.floor(nodeCount / 2);
  for (let i = 0; i < nodeCount; i += 1) {
    const internal = i < internalCount;
    feature.push(internal ? integerBelow(random, featureCount) : -2);
    threshold.push(internal ? fullPrecision(random, 10) : -2);
    left.push(internal ? 2 * i + 1 : -1);
    right.push(internal ? 2 * i + 2 : -1);
    const counts = [];
    for (let c = 0; c < classCount; c += 1) {
      counts.push(internal ? integerBelow(random, 500) : random());
    }
    value.push(counts);
  }
  return { node_count: nodeCount, feature, threshold, left, right, value };
}

// A random forest whose JSON is about targetBytes long.
function forestState(targetBytes, seed) {
  const random = createRandom(seed);
  const featureCount = 30;
  const classCount = 3;
  const nodeCount = 1023;
  const trees = [];
  // Each tree's size is measured once, so the forest grows by whole trees until it is large
  // enough, without stringifying the whole state repeatedly.
  let size = 200;
  while (size < targetBytes) {
    const tree = forestTree(random, nodeCount, featureCount, classCount);
    size += JSON.stringify(tree).length + 1;
    trees.push(tree);
  }
  return {
    n_estimators: trees.length,
    n_features: featureCount,
    n_classes: classCount,
    classes: ['setosa', 'versicolor', 'virginica'],
    criterion: 'gini',
    max_depth: 9,
    trees,
  };
}

const SYLLABLES = [
  'ka', 'lo', 'mi', 'tre', 'sun', 'par', 'ing', 'ed', 'tion', 'al', 'er', 'ment', 'ous',
  'ble', 'pre', 'con', 'dis', 'un', 'ver', 'ist',
];
// Tokens outside ASCII, as a vocabulary of European and Asian text has them.
const NON_ASCII_PARTS = ['é', 'ü', 'ñ', 'ø', 'ß', 'ç', 'дом', 'λόγος', '日本', '学习', '😀'];

function token(random, index) {
  let text = '';
  const syllableCount = 1 + integerBelow(random, 4);
  for (let s = 0; s < syllableCount; s += 1) {
    text += SYLLABLES[integerBelow(random, SYLLABLES.length)];
  }
  const roll = random();
  if (roll < 0.1) {
    text += NON_ASCII_PARTS[integerBelow(random, NON_ASCII_PARTS.length)];
  } else if (roll < 0.101) {
    // A few tokens carry characters that JSON must escape.
    text += ['"', '\\', '\t', '\n'][integerBelow(random, 4)];
  }
  // The index keeps tokens unique, as keys of one object must be.
  return `${text}_${index.toString(36)}`;
}

// A text vectorizer of about targetBytes: a vocabulary object mapping each token to its
// weight, and the list of stop words.
function vocabularyState(targetBytes) {
  const random = createRandom(7);
  const vocabulary = {};
  const stopWords = [];
  let size = 100;
  let index = 0;
  while (size < targetBytes) {
    const word = token(random, index);
    const weight = Math.round(random() * 1e6) / 1e5;
    vocabulary[word] = weight;
    size += word.length + String(weight).length + 4;
    if (index % 50 === 0) {
      stopWords.push(word);
      size += word.length + 3;
    }
    index += 1;
  }
  return { lowercase: true, ngram_range: [1, 2], vocabulary, stop_words: stopWords };
}

// A decision tree stored as nested objects, {"feature", "threshold", "left", "right"}: a
// spine of spineDepth nodes, each with a small bushy subtree beside it. Its nesting is about
// spineDepth levels, within the core's limit of 1000.
function deepTreeState(spineDepth) {
  const random = createRandom(11);

  function leaf() {
    return { value: [fullPrecision(random, 2), fullPrecision(random, 2)], samples: integerBelow(random, 100) };
  }

  function bush(depth) {
    if (depth === 0) {
      return leaf();
    }
    return {
      feature: integerBelow(random, 30),
      threshold: fullPrecision(random, 10),
      left: bush(depth - 1),
      right: bush(depth - 1),
    };
  }

  // Built from the bottom up, so no recursion as deep as the spine is needed.
  let node = leaf();
  for (let depth = spineDepth - 1; depth >= 0; depth -= 1) {
    const side = bush(4);
    node = random() < 0.5
      ? { feature: integerBelow(random, 30), threshold: fullPrecision(random, 10), left: node, right: side }
      : { feature: integerBelow(random, 30), threshold: fullPrecision(random, 10), left: side, right: node };
  }
  return { max_depth: spineDepth + 4, root: node };
}

// The benchmark's states in order. `memory` marks the cases whose peak memory is measured.
const STATES = [
  { name: 'kmeans-1KB', kind: 'kmeans', make: () => kmeansState() },
  { name: 'forest-5MB', kind: 'random_forest', make: () => forestState(5e6, 3) },
  { name: 'forest-50MB', kind: 'random_forest', make: () => forestState(50e6, 5), memory: true },
  { name: 'vocabulary-20MB', kind: 'tfidf', make: () => vocabularyState(20e6) },
  { name: 'deep-tree', kind: 'decision_tree', make: () => deepTreeState(900) },
];

module.exports = { STATES, createRandom };
