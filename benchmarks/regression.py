"""Regression benchmark (issue 15): IMDB star ratings (1-10) from the review text.

Fits on the 25k train reviews (their ratings: 1-4 and 7-10, as IMDB labels
them) and scores once on the 25k test reviews. Rows:

- ``tfidf_ridge``: TF-IDF uni+bigrams and ``Ridge``, its alpha chosen on a
  20% holdout of train (then refitted on all of train);
- ``lstm_regressor``: ``make_pipeline(TextTokenizer(), LSTMRegressor())`` with
  its defaults (early stopping on a 10% validation split of train).

Figures: RMSE, mean absolute error, Spearman's rank correlation, R², fit and
predict times, peak RSS; printed and written to
``benchmarks/results/regression.json``::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/regression.py
    .venv/bin/python benchmarks/regression.py --sample 400 --max-epochs 1   # smoke run
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, ShuffleSplit
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, peak_rss_mb, write_json  # noqa: E402

from sklstm import LSTMRegressor, TextTokenizer  # noqa: E402
from sklstm.compare import (
    history_records,  # noqa: E402
    strip_html,  # noqa: E402
)
from sklstm.datasets import load_imdb  # noqa: E402


def _lowercase_text(text):
    return strip_html(text).lower()


def tfidf_ridge(args):
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                        preprocessor=_lowercase_text),
        Ridge(solver="sparse_cg"))
    holdout = ShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
    return GridSearchCV(pipe, {"ridge__alpha": [0.3, 1.0, 3.0, 10.0]}, cv=holdout,
                        scoring="neg_root_mean_squared_error")


def lstm_regressor(args):
    params = {"random_state": 0, "verbose": 1}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return make_pipeline(TextTokenizer(), LSTMRegressor(**params))


MODELS = {"tfidf_ridge": tfidf_ridge, "lstm_regressor": lstm_regressor}


def _sample(bunch, n, seed=0):
    texts, ratings = bunch.data, np.asarray(bunch.ratings, dtype=np.float64)
    if n is None or n >= len(texts):
        return texts, ratings
    index = np.random.default_rng(seed).choice(len(texts), n, replace=False)
    return [texts[i] for i in index], ratings[index]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=list(MODELS),
                        help=f"models to run, of {', '.join(MODELS)} (default: all)")
    parser.add_argument("--sample", type=int, default=None,
                        help="use this many train and test reviews (a smoke run)")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--out", default="benchmarks/results/regression.json")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.models) - set(MODELS))
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {', '.join(MODELS)}")

    X_train, y_train = _sample(load_imdb("train"), args.sample)
    X_test, y_test = _sample(load_imdb("test"), args.sample, seed=1)
    print(f"{len(X_train)} train and {len(X_test)} test reviews; ratings "
          f"{sorted(set(y_train.astype(int).tolist()))}")
    rows = {}
    for name in args.models:
        model = MODELS[name](args)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        predicted = model.predict(X_test)
        predict_s = time.perf_counter() - start
        rows[name] = row = {
            "rmse": float(np.sqrt(mean_squared_error(y_test, predicted))),
            "mae": float(mean_absolute_error(y_test, predicted)),
            "spearman": float(spearmanr(y_test, predicted).statistic),
            "r2": float(r2_score(y_test, predicted)),
            "fit_s": round(fit_s, 1), "predict_s": round(predict_s, 1),
            "peak_rss_mib": round(peak_rss_mb()),
            "history": history_records(model),
        }
        if hasattr(model, "best_params_"):
            row["chosen on the holdout"] = model.best_params_
        print(f"{name:16s} RMSE {row['rmse']:.3f}  MAE {row['mae']:.3f}  Spearman "
              f"{row['spearman']:.4f}  R2 {row['r2']:.4f}  fit {fit_s:.0f} s  predict "
              f"{predict_s:.0f} s  peak RSS {row['peak_rss_mib']} MiB", flush=True)
    write_json(args.out, {"machine": machine_info(), "n_train": len(X_train),
                          "n_test": len(X_test), "models": rows})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
