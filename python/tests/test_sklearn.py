"""Cross-language tests: a scikit-learn model saved from Python, and a model saved by Node.

Part 1, KMeansExportTest, trains scikit-learn's KMeans on the Iris data that ships inside
scikit-learn and saves it with ml_save_model. It writes two files to the folder named by
the environment variable SERAPLOT_CROSS_DIR (a temporary folder when it is unset):

    sklearn-kmeans.json       the saved model, {"seraplot_model_v":1,"kind":"kmeans",
                              "state":{"centroids":[[...4 floats...] x 3],"n_features":4,
                              "n_clusters":3,"sklearn_version":"..."}}
    sklearn-kmeans-iris.json  {"model_file":"sklearn-kmeans.json","samples":[[...] x 150],
                              "labels":[150 ints from KMeans.predict]}

The Node and browser tests read them and check that nearest-centroid assignment (smallest
squared Euclidean distance) on the loaded centroids reproduces the labels for every sample.

Part 2, NodeModelImportTest, loads a model that Node saved, named by two environment
variables:

    SERAPLOT_NODE_MODEL  path of the model file written by Node's mlSaveModel
    SERAPLOT_NODE_STATE  path of the state that model was saved with, written by Node with
                         JSON.stringify

It checks that the loaded state equals the original, compared after json.loads of both.

Under CI (the environment variable CI is "true" or "1"), a missing scikit-learn or an unset
SERAPLOT_NODE_MODEL fails the test; elsewhere it skips it. scikit-learn is importable by
Debian's /usr/bin/python3 (package python3-sklearn), so run these tests with it:
    PYTHONPATH=python /usr/bin/python3 -m unittest discover -s python/tests -v
"""

import json
import os
import sys
import tempfile
import unittest
from pathlib import Path

import seraplot as sp

CROSS_DIR_ENV_VAR = "SERAPLOT_CROSS_DIR"
NODE_MODEL_ENV_VAR = "SERAPLOT_NODE_MODEL"
NODE_STATE_ENV_VAR = "SERAPLOT_NODE_STATE"

MODEL_FILE_NAME = "sklearn-kmeans.json"
IRIS_FILE_NAME = "sklearn-kmeans-iris.json"

# Fixed so that every run, and every leg reading the files, gets the same model.
KMEANS_SETTINGS = {"n_clusters": 3, "random_state": 42, "n_init": 10}


def running_under_ci():
    return os.environ.get("CI", "").lower() in ("true", "1")


def skip_or_fail(test, message):
    """Fail the test under CI, where a missing input is a broken setup, and skip it elsewhere."""
    if running_under_ci():
        test.fail(f"{message} (failing because CI is set)")
    test.skipTest(message)


def nearest_centroids(samples, centroids):
    """Return, for each sample, the index of the centroid at the smallest squared distance."""
    labels = []
    for sample in samples:
        distances = [
            sum((value - center) ** 2 for value, center in zip(sample, centroid))
            for centroid in centroids
        ]
        labels.append(distances.index(min(distances)))
    return labels


class KMeansExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            from sklearn import __version__ as sklearn_version
            from sklearn.cluster import KMeans
            from sklearn.datasets import load_iris
        except ImportError as error:
            cls.import_error = (
                f"scikit-learn is not importable by {sys.executable} ({error}); run the "
                "tests with /usr/bin/python3 after `apt-get install python3-sklearn`"
            )
            return
        cls.import_error = None

        iris = load_iris()
        cls.kmeans = KMeans(**KMEANS_SETTINGS).fit(iris.data)
        cls.samples = iris.data.tolist()
        cls.labels = cls.kmeans.predict(iris.data).tolist()
        # tolist() gives Python floats, which json.dumps writes with repr: the shortest
        # text that reads back as the same double.
        cls.centroids = cls.kmeans.cluster_centers_.tolist()
        cls.state = {
            "centroids": cls.centroids,
            "n_features": 4,
            "n_clusters": KMEANS_SETTINGS["n_clusters"],
            "sklearn_version": sklearn_version,
        }

    def setUp(self):
        if self.import_error is not None:
            skip_or_fail(self, self.import_error)

        cross_dir = os.environ.get(CROSS_DIR_ENV_VAR)
        if cross_dir:
            self.folder = Path(cross_dir)
            self.folder.mkdir(parents=True, exist_ok=True)
        else:
            temporary = tempfile.TemporaryDirectory(prefix="seraplot-cross-")
            self.addCleanup(temporary.cleanup)
            self.folder = Path(temporary.name)
        self.model_path = self.folder / MODEL_FILE_NAME
        self.iris_path = self.folder / IRIS_FILE_NAME

    def save_model(self):
        payload = json.dumps({"kind": "kmeans", "state": self.state, "path": str(self.model_path)})
        answer = json.loads(sp.ml_save_model(payload))
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["path"], str(self.model_path))
        self.assertEqual(answer["size"], self.model_path.stat().st_size)

        iris = {"model_file": MODEL_FILE_NAME, "samples": self.samples, "labels": self.labels}
        self.iris_path.write_text(json.dumps(iris), encoding="utf-8")

    def load_model(self):
        answer_text = sp.ml_load_model(json.dumps({"path": str(self.model_path)}))
        answer = json.loads(answer_text)
        self.assertTrue(answer["ok"], answer)
        return answer_text, answer["model"]

    def test_saved_model_predicts_like_sklearn(self):
        self.save_model()
        _, model = self.load_model()

        self.assertEqual(model["seraplot_model_v"], 1)
        self.assertEqual(model["kind"], "kmeans")
        self.assertEqual(model["state"]["n_features"], 4)
        self.assertEqual(len(self.samples), 150)
        predicted = nearest_centroids(self.samples, model["state"]["centroids"])
        self.assertEqual(predicted, self.labels)

    def test_centroid_floats_round_trip_exactly(self):
        self.save_model()
        answer_text, model = self.load_model()

        loaded = model["state"]["centroids"]
        self.assertEqual(len(loaded), len(self.centroids))
        for row, (loaded_row, original_row) in enumerate(zip(loaded, self.centroids)):
            self.assertEqual(len(loaded_row), len(original_row))
            for column, (loaded_value, original_value) in enumerate(zip(loaded_row, original_row)):
                with self.subTest(row=row, column=column):
                    self.assertEqual(repr(loaded_value), repr(original_value))

        # seraplot keeps the number text, so the answer contains Python's own text of them.
        compact_centroids = json.dumps(self.centroids, separators=(",", ":"))
        self.assertIn(f'"centroids":{compact_centroids}', answer_text)

    def test_iris_file_matches_sklearn(self):
        self.save_model()

        iris = json.loads(self.iris_path.read_text(encoding="utf-8"))
        self.assertEqual(iris["model_file"], MODEL_FILE_NAME)
        self.assertEqual(len(iris["samples"]), 150)
        self.assertEqual(iris["labels"], self.labels)
        self.assertEqual(sorted(set(iris["labels"])), [0, 1, 2])


class NodeModelImportTest(unittest.TestCase):
    def test_node_model_loads_with_same_state(self):
        model_path = os.environ.get(NODE_MODEL_ENV_VAR)
        if not model_path:
            skip_or_fail(
                self,
                f"{NODE_MODEL_ENV_VAR} is not set; set it to a model file saved by Node's "
                f"mlSaveModel and {NODE_STATE_ENV_VAR} to that model's state",
            )
        state_path = os.environ.get(NODE_STATE_ENV_VAR)
        self.assertTrue(
            state_path,
            f"{NODE_MODEL_ENV_VAR} is set but {NODE_STATE_ENV_VAR} is not; set it to the "
            "state file written by Node with JSON.stringify",
        )

        answer = json.loads(sp.ml_load_model(json.dumps({"path": model_path})))
        self.assertTrue(answer["ok"], answer)

        with open(state_path, encoding="utf-8") as file:
            expected_state = json.load(file)
        self.assertEqual(answer["model"]["seraplot_model_v"], 1)
        self.assertEqual(answer["model"]["state"], expected_state)


if __name__ == "__main__":
    unittest.main()
