"""Grid-search benchmark (issue 35, item 4): tuning that does not redo work.

On ``--n`` IMDB train reviews (drawn stratified; the test set is not read),
a grid over classifier parameters of ``make_pipeline(TextTokenizer(),
LSTMClassifier(...))`` with ``cv`` folds, three ways:

- ``grid``: ``GridSearchCV`` of the plain pipeline, which fits the tokenizer
  again for every candidate and fold;
- ``grid_memory``: the same pipeline built with ``memory=`` (a joblib cache
  folder): the tokenizer is fitted once per fold, whatever the number of
  candidates;
- ``halving``: ``HalvingGridSearchCV`` with
  ``resource="lstmclassifier__max_epochs"`` (and the cache): the four
  candidates train for a third of ``max_epochs``, the better half of them
  for all of it.

Figures: wall seconds, the seconds spent fitting the tokenizer (counted by
a wrapper around ``TextTokenizer.fit``), the best parameters and their mean
cross-validated accuracy. Written to ``benchmarks/results/grid.json``::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/grid.py
    .venv/bin/python benchmarks/grid.py --n 300 --max-epochs 2 --cv 2   # smoke run
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, write_json  # noqa: E402

from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm.datasets import load_imdb  # noqa: E402

GRID = {"lstmclassifier__hidden_size": [64, 128], "lstmclassifier__lr": [1e-3, 3e-3]}


class CountingTokenizer(TextTokenizer):
    """A TextTokenizer that records how often and how long it was fitted (in this process).

    A pipeline calls ``fit_transform``, a lone tokenizer ``fit``: both count.
    """

    fits = []

    def _timed(self, method, X, y):
        start = time.perf_counter()
        result = method(X, y)
        CountingTokenizer.fits.append(time.perf_counter() - start)
        return result

    def fit(self, X, y=None):
        return self._timed(super().fit, X, y)

    def fit_transform(self, X, y=None):
        return self._timed(super().fit_transform, X, y)


def pipeline(max_epochs, memory=None):
    clf = LSTMClassifier(max_epochs=max_epochs, early_stopping=False, validation_fraction=None,
                         random_state=0)
    return Pipeline([("texttokenizer", CountingTokenizer()), ("lstmclassifier", clf)],
                    memory=memory)


def run(name, search, texts, y):
    CountingTokenizer.fits.clear()
    start = time.perf_counter()
    search.fit(texts, y)
    seconds = time.perf_counter() - start
    best = {k.split("__")[1]: v for k, v in search.best_params_.items()}
    row = {"search": name, "seconds": seconds, "tokenizer_fits": len(CountingTokenizer.fits),
           "tokenizer_seconds": sum(CountingTokenizer.fits), "best_params": best,
           "best_cv_accuracy": float(search.best_score_),
           "candidates": len(search.cv_results_["params"])}
    print(f"{name:<12} {seconds:7.1f} s  tokenizer fitted {row['tokenizer_fits']} times "
          f"({row['tokenizer_seconds']:.1f} s)  best {best}  cv accuracy "
          f"{row['best_cv_accuracy']:.4f}", flush=True)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--max-epochs", type=int, default=6)
    parser.add_argument("--out", default="benchmarks/results/grid.json")
    args = parser.parse_args(argv)
    texts, y = load_imdb("train", return_X_y=True)
    index, _ = train_test_split(np.arange(len(y)), train_size=args.n, stratify=y,
                                random_state=0)
    texts, y = [texts[i] for i in index], y[index]
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        rows.append(run("grid", GridSearchCV(pipeline(args.max_epochs), GRID, cv=args.cv),
                        texts, y))
        rows.append(run("grid_memory", GridSearchCV(
            pipeline(args.max_epochs, memory=f"{cache}/grid"), GRID, cv=args.cv), texts, y))
        # Halving: the better candidates go on, each round three times the epochs.
        rows.append(run("halving", HalvingGridSearchCV(
            pipeline(args.max_epochs, memory=f"{cache}/halving"), GRID, cv=args.cv,
            resource="lstmclassifier__max_epochs", min_resources=max(args.max_epochs // 3, 1),
            max_resources=args.max_epochs, factor=3, random_state=0), texts, y))
    write_json(args.out, {"title": "grid search over classifier parameters", "n": args.n,
                          "cv": args.cv, "max_epochs": args.max_epochs,
                          "grid": GRID, "machine": machine_info(), "searches": rows})


if __name__ == "__main__":
    main()
