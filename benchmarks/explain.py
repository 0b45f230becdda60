"""Explanation benchmark (issue 17): how faithful and how fast are sklstm's token attributions?

On ``--n-texts`` IMDB test reviews (default 500), for an LSTM pipeline (fitted
on IMDB train, or loaded with ``--model``) and a TF-IDF + logistic regression
baseline fitted on the same reviews:

- faithfulness by deletion: for k in ``--ks`` (default 5, 10, 20), delete the
  k tokens with the largest weight for the predicted class, and k random
  tokens, and report the mean drop of the predicted class's probability;
  AOPC is the mean drop over k = 1 .. max(ks) (Samek et al., 2017). Rows:
  integrated gradients, occlusion and (for ``pooling='attention'``)
  attention for the LSTM, occlusion for TF-IDF. The LSTM's tokens are
  deleted from its rows of ids, TF-IDF's words cut out of the raw text.
- speed: the seconds integrated gradients take on ``--speed-texts`` reviews
  (default 1,000).

Written to ``benchmarks/results/explain.json`` and a PNG of the deletion
curves (``--plot``)::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/explain.py
    .venv/bin/python benchmarks/explain.py --train-size 2000 --max-epochs 2   # quicker
    .venv/bin/python benchmarks/explain.py --model lstm.sklstm                # a saved model
    .venv/bin/python benchmarks/explain.py --sample 200 --n-steps 8 --max-epochs 1  # smoke run
"""

import argparse
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, peak_rss_mb, write_json  # noqa: E402

import sklstm  # noqa: E402
from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm._utils.files import atomic_file  # noqa: E402
from sklstm._utils.optional import import_optional  # noqa: E402
from sklstm.compare import make_tfidf_logreg  # noqa: E402
from sklstm.datasets import load_imdb  # noqa: E402
from sklstm.explain import METHODS, WORD_PATTERN, IntegratedGradients, explain  # noqa: E402
from sklstm.lstm import sequence_lengths  # noqa: E402

_TAG = re.compile(r"<[^<>]{0,200}>")


def _sample(bunch, n, seed):
    texts, target = bunch.data, np.asarray(bunch.target)
    if n is None or n >= len(texts):
        return list(texts), target
    index = np.random.default_rng(seed).choice(len(texts), n, replace=False)
    return [texts[i] for i in index], target[index]


def _word_spans(text):
    """(start, end) of each word, as explain() splits raw texts (HTML tags skipped)."""
    masked = _TAG.sub(lambda m: " " * len(m.group()), text)
    return [m.span() for m in re.finditer(WORD_PATTERN, masked)]


def _deletion_order(explanations, rng, *, random):
    """Token positions, most important for the predicted class first (or shuffled)."""
    orders = []
    for e in explanations:
        n = len(e.tokens)
        if random:
            orders.append(rng.permutation(n))
        else:
            orders.append(np.argsort(-e.column_weights(), kind="stable"))
    return orders


class LstmDeleter:
    """Probabilities of the predicted class with tokens deleted from the rows of ids."""

    def __init__(self, model, texts):
        self.estimator = model[-1]
        self.ids = model[0].transform(texts)
        self.lengths = sequence_lengths(self.ids)
        self.proba = self.estimator.predict_proba(self.ids)
        self.predicted = np.argmax(self.proba, axis=1)

    def __call__(self, orders, k):
        rows = np.zeros_like(self.ids)
        for i, order in enumerate(orders):
            keep = np.ones(self.lengths[i], dtype=bool)
            keep[order[:k]] = False
            kept = self.ids[i, :self.lengths[i]][keep]
            rows[i, :len(kept)] = kept
        proba = self.estimator.predict_proba(rows)
        return proba[np.arange(len(rows)), self.predicted]


class TextDeleter:
    """The same for a model on raw texts: words cut out of the texts."""

    def __init__(self, model, texts):
        self.model = model
        self.texts = texts
        self.spans = [_word_spans(t) for t in texts]
        self.proba = model.predict_proba(texts)
        self.predicted = np.argmax(self.proba, axis=1)

    def __call__(self, orders, k):
        texts = []
        for text, spans, order in zip(self.texts, self.spans, orders, strict=True):
            cut = sorted((spans[j] for j in order[:k]), reverse=True)
            for start, end in cut:
                text = text[:start] + " " + text[end:]
            texts.append(text)
        proba = self.model.predict_proba(texts)
        return proba[np.arange(len(texts)), self.predicted]


def deletion(deleter, explanations, ks, seed=0):
    """Mean drop of the predicted class's probability for k = 1 .. max(ks), top and random."""
    base = deleter.proba[np.arange(len(deleter.proba)), deleter.predicted]
    curves = {}
    for kind in ("top", "random"):
        orders = _deletion_order(explanations, np.random.default_rng(seed),
                                 random=kind == "random")
        curves[kind] = [float(np.mean(base - deleter(orders, k)))
                        for k in range(1, max(ks) + 1)]
    return {
        "drop": {str(k): {kind: curves[kind][k - 1] for kind in curves} for k in ks},
        "aopc": {kind: float(np.mean(curve)) for kind, curve in curves.items()},
        "curve": curves,
    }


def plot_curves(rows, path):
    figure_module = import_optional("matplotlib.figure", extra="compare")
    figure = figure_module.Figure(figsize=(6.5, 4.0), layout="constrained")
    ax = figure.subplots()
    for i, (name, row) in enumerate(rows.items()):
        color = f"C{i}"
        curve = row["curve"]
        k = np.arange(1, len(curve["top"]) + 1)
        ax.plot(k, curve["top"], color=color, label=f"{name}: top-k")
        ax.plot(k, curve["random"], color=color, linestyle="--", label=f"{name}: random k")
    ax.set_xlabel("tokens deleted (k)")
    ax.set_ylabel("drop of the predicted class's probability")
    ax.set_title("Faithfulness by deletion (higher top-k curves are better)")
    ax.legend(fontsize=7)
    with atomic_file(Path(path)) as f:
        figure.savefig(f, format="png", dpi=100)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None,
                        help="a saved pipeline (sklstm.save) to explain instead of fitting one")
    parser.add_argument("--train-size", type=int, default=None,
                        help="fit on this many train reviews (default: all 25,000)")
    parser.add_argument("--n-texts", type=int, default=500, help="test reviews to explain")
    parser.add_argument("--sample", type=int, default=None,
                        help="smoke run: --train-size and --n-texts and --speed-texts this size")
    parser.add_argument("--speed-texts", type=int, default=1000,
                        help="reviews to time integrated gradients on (0: skip)")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--pooling", default="max", help="pooling of the fitted LSTM")
    parser.add_argument("--n-steps", type=int, default=None,
                        help="integrated gradients' first points (default: explain()'s)")
    parser.add_argument("--max-steps", type=int, default=None,
                        help="integrated gradients' most points (default: explain()'s)")
    parser.add_argument("--integration", default=None,
                        help="integrated gradients' rule (default: explain()'s, 'adaptive')")
    parser.add_argument("--ks", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--out", default="benchmarks/results/explain.json")
    parser.add_argument("--plot", default="benchmarks/results/explain_deletion.png")
    args = parser.parse_args(argv)
    if args.sample is not None:
        args.train_size = args.n_texts = args.speed_texts = args.sample

    X_train, y_train = _sample(load_imdb("train"), args.train_size, seed=0)
    test = load_imdb("test")
    X_test, _ = _sample(test, args.n_texts, seed=1)
    print(f"{len(X_train)} train reviews, {len(X_test)} test reviews to explain", flush=True)

    start = time.perf_counter()
    if args.model:
        lstm = sklstm.load(args.model)
        source = str(args.model)
    else:
        params = {"random_state": 0, "pooling": args.pooling}
        if args.max_epochs is not None:
            params["max_epochs"] = args.max_epochs
        lstm = make_pipeline(TextTokenizer(), LSTMClassifier(**params)).fit(X_train, y_train)
        source = f"fitted: {lstm[-1].get_params()['pooling']} pooling"
    lstm_fit_s = time.perf_counter() - start
    tfidf = make_tfidf_logreg().fit(X_train, y_train)
    print(f"LSTM ready in {lstm_fit_s:.0f} s ({source})", flush=True)

    ig_options = {name: value for name, value in (
        ("n_steps", args.n_steps), ("max_steps", args.max_steps),
        ("integration", args.integration)) if value is not None}
    methods = {"lstm_integrated_gradients": (lstm, "integrated_gradients", ig_options),
               "lstm_occlusion": (lstm, "occlusion", {})}
    if lstm[-1].module_.pooling == "attention":
        methods["lstm_attention"] = (lstm, "attention", {})
    methods["tfidf_occlusion"] = (tfidf, "occlusion", {})

    deleters = {"lstm": LstmDeleter(lstm, X_test), "tfidf": TextDeleter(tfidf, X_test)}
    rows = {}
    for name, (model, method, options) in methods.items():
        start = time.perf_counter()
        explanations = explain(model, X_test, METHODS[method](**options))
        seconds = time.perf_counter() - start
        row = {"explain_s": round(seconds, 2), "options": options}
        row.update(deletion(deleters[name.split("_")[0]], explanations, args.ks))
        if method == "integrated_gradients":
            errors = [e.completeness_error for e in explanations if e.tokens]
            row["completeness_error_max"] = float(max(errors, default=0.0))
            row["n_steps_used_mean"] = float(np.mean([e.n_steps for e in explanations]))
            row["within_1pct"] = float(np.mean(np.asarray(errors) <= 0.01))
        rows[name] = row
        drops = "  ".join(f"k={k}: {row['drop'][str(k)]['top']:.3f} "
                          f"(random {row['drop'][str(k)]['random']:.3f})" for k in args.ks)
        print(f"{name:26s} {seconds:7.1f} s  AOPC {row['aopc']['top']:.3f} (random "
              f"{row['aopc']['random']:.3f})  {drops}", flush=True)

    speed = None
    if args.speed_texts:
        X_speed, _ = _sample(test, args.speed_texts, seed=2)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the misses are counted below
            explanations = explain(lstm, X_speed, IntegratedGradients(**ig_options))
        seconds = time.perf_counter() - start
        errors = np.array([e.completeness_error for e in explanations])
        speed = {"n_texts": len(X_speed), "seconds": round(seconds, 3),
                 "seconds_per_100": round(100 * seconds / len(X_speed), 2),
                 "mean_tokens": float(np.mean(sequence_lengths(lstm[0].transform(X_speed)))),
                 "options": ig_options,
                 "n_steps_used_mean": float(np.mean([e.n_steps for e in explanations])),
                 "within_1pct": float(np.mean(errors <= 0.01)),
                 "completeness_error_median": float(np.median(errors))}
        print(f"integrated gradients on {len(X_speed)} reviews: {seconds:.1f} s, "
              f"{speed['n_steps_used_mean']:.1f} points a text, {speed['within_1pct']:.1%} "
              "within 1% of completeness", flush=True)

    write_json(args.out, {"machine": machine_info(), "n_train": len(X_train),
                          "n_texts": len(X_test), "model": source,
                          "lstm_fit_s": round(lstm_fit_s, 1), "ks": args.ks,
                          "methods": rows, "ig_speed": speed,
                          "peak_rss_mib": round(peak_rss_mb())})
    print(f"wrote {args.out}")
    if args.plot:
        plot_curves(rows, args.plot)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
