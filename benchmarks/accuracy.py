"""Accuracy benchmark of sklstm on IMDB (issue 5): the standard split, one model a run.

Every model is fitted on the 25k train reviews and scored once on the 25k test
reviews; model selection (early stopping, stacking weights) only ever sees a
validation split of train. Each run writes ``benchmarks/results/accuracy/<name>.json``
with the test accuracy, fit and predict times, peak RSS and the per-epoch
learning curves; ``--summary`` prints the table of every run so far::

    .venv/bin/python benchmarks/accuracy.py tfidf_logreg nbsvm lstm_default
    .venv/bin/python benchmarks/accuracy.py --summary

Models: ``tfidf_logreg``, ``tfidf_logreg_unigram``, ``tfidf_svm``, ``nbsvm``,
``nblr``, ``lstm_default`` (``make_pipeline(TextTokenizer(), LSTMClassifier())``;
``lstm_default_seed1`` with another seed; ``lstm_recipe`` and
``lstm_recipe_seed1``: the one-cycle recipe of the performance guide),
``lstm_onecycle``, ``lstm_w2v``, ``lstm_w2v_attention`` and ``stack`` (holdout
stacking of two word2vec LSTMs, ``nblr`` and word and character TF-IDF models,
its bases then refitted on all of train); ``--list`` lists them. A stack's run also
saves its bases' holdout and test outputs to ``<name>_features.npz``.
"""

import argparse
import functools
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, peak_rss_mb, write_json  # noqa: E402

from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm.compare import (  # noqa: E402
    history_records,  # noqa: E402
    make_nblr,
    make_nbsvm,
    make_tfidf_logreg,
    make_tfidf_svm,
)
from sklstm.datasets import load_imdb  # noqa: E402

RESULTS = Path("benchmarks/results/accuracy")


def lstm_default(random_state=0, **params):
    return make_pipeline(TextTokenizer(), LSTMClassifier(random_state=random_state, verbose=1,
                                                         **params))


#: The one-cycle recipe of the performance guide.
RECIPE = {"lr_schedule": "onecycle", "lr": 6e-3, "max_epochs": "auto", "precision": "auto"}


def lstm_onecycle():
    return make_pipeline(TextTokenizer(), LSTMClassifier(
        lr=3e-3, lr_schedule="onecycle", warmup=0.25, max_epochs=4, early_stopping=False,
        embedding_dropout=0.2, random_state=0, verbose=1))


@functools.lru_cache(maxsize=1)
def _w2v_table(texts):
    """Word2vec on the unlabelled reviews and ``texts`` (a tuple), aligned to their vocabulary.

    Cached, so that the LSTM members of a stack share one word2vec run.
    """
    from sklstm import Word2VecVectors

    unsup = load_imdb("unsup", return_X_y=True)[0]
    start = time.perf_counter()
    vectors = Word2VecVectors(vector_size=128, window=5, min_count=2, epochs=5,
                              random_state=0).fit(list(unsup) + list(texts)).vectors_
    tokenizer = TextTokenizer().fit(texts)
    table = vectors.align(tokenizer.vocabulary_, random_state=0)
    print(f"word2vec: {time.perf_counter() - start:.0f} s; {table.report()}", flush=True)
    return tokenizer.vocabulary_, table


def _fit_w2v_lstm(X, y, *, max_length=400, **params):
    """A BiLSTM on word2vec vectors pretrained on the unlabelled and given reviews.

    ``params`` override the LSTMClassifier's; ``max_length`` is the tokenizer's.
    """
    vocabulary, table = _w2v_table(tuple(X))
    params = {"lr_schedule": "onecycle", "max_epochs": 4, "early_stopping": False,
              "embedding_dropout": 0.2, "random_state": 0, "verbose": 1, **params}
    model = make_pipeline(TextTokenizer(vocabulary=vocabulary, max_length=max_length),
                          LSTMClassifier(embeddings=table, **params))
    return model.fit(X, y)


class _Deferred:
    """A model whose construction needs the training data (fitted by ``build(X, y)``)."""

    def __init__(self, build):
        self.build = build
        self.model = None

    def fit(self, X, y):
        self.model = self.build(X, y)
        return self

    def predict(self, X):
        return self.model.predict(X)

    def get_params(self, deep=True):
        return self.model.get_params(deep=deep)


def lstm_w2v():
    """BiLSTM on word2vec vectors pretrained on the unlabelled and train reviews."""
    return _Deferred(_fit_w2v_lstm)


# The tuned single LSTM: attention pooling over the first and last 400 of up to
# 800 tokens, on the word2vec vectors; the stack's second LSTM member.
_fit_w2v_lstm_attention = functools.partial(_fit_w2v_lstm, max_length=800, pooling="attention",
                                            random_state=1)


def lstm_w2v_attention():
    """``lstm_w2v`` with attention pooling over up to 800 tokens (another seed)."""
    return _Deferred(_fit_w2v_lstm_attention)


def _tfidf_char():
    """TF-IDF of character 2-5-grams within words, logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from sklstm.compare import strip_html

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=500_000,
                        sublinear_tf=True, preprocessor=lambda t: strip_html(t).lower()),
        LogisticRegression(C=4.0, max_iter=1000))


def _fit(make):
    """``make`` as a function of the training data that returns the fitted model."""
    return lambda X, y: make().fit(X, y)


# Each base is a function of the training data that returns the fitted model.
STACK_BASES = {
    "nblr": _fit(make_nblr), "tfidf_logreg": _fit(make_tfidf_logreg),
    "tfidf_char": _fit(_tfidf_char), "lstm_w2v": _fit_w2v_lstm,
    "lstm_w2v_attention": _fit_w2v_lstm_attention,
}


def _base_accuracies(stack, features, y):
    """Each base's accuracy, read from its column of ``stack.transform`` (P(classes_[1]))."""
    return {name: accuracy_score(y, stack.classes_[(column > 0.5).astype(int)])
            for name, column in zip(stack.named_estimators_, features.T, strict=True)}


def _fit_blend(X, y, bases):
    """Holdout stacking: bases fitted on 80% of train, a logistic regression on the rest.

    The bases are frozen (:class:`~sklearn.frozen.FrozenEstimator`), so the
    :class:`~sklearn.ensemble.StackingClassifier` learns its weights from their
    predictions on the 20% they never saw. ``bases`` maps names to functions of
    the training data that return fitted models.
    Each base is then fitted again, in place, on the whole of
    ``X`` (the frozen wrappers hold the same objects), and the stack keeps its
    weights; ``holdout_stack_`` is the stack of the 80% bases, kept for the report.
    """
    import copy

    from sklearn.ensemble import StackingClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X, dtype=object), np.asarray(y)
    X_fit, X_blend, y_fit, y_blend = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0)
    fitted = {}
    for name, fit in bases.items():
        start = time.perf_counter()
        fitted[name] = fit(X_fit, y_fit)
        print(f"blend: {name} fitted on {len(X_fit)} reviews in "
              f"{time.perf_counter() - start:.0f} s", flush=True)
    stack = StackingClassifier(
        [(name, FrozenEstimator(model)) for name, model in fitted.items()],
        final_estimator=LogisticRegression(), cv=5)
    stack.fit(X_blend, y_blend)
    stack.blend_features_ = stack.transform(X_blend), y_blend
    for name, accuracy in _base_accuracies(stack, *stack.blend_features_).items():
        print(f"blend: {name} holdout accuracy {accuracy:.4f}", flush=True)
    print("blend: weights " + ", ".join(
        f"{name} {w:+.3f}"
        for name, w in zip(fitted, stack.final_estimator_.coef_[0], strict=True)),
        flush=True)
    stack.holdout_stack_ = copy.deepcopy(stack)
    for name, model in fitted.items():
        start = time.perf_counter()
        model.fit(X, y)
        print(f"refit: {name} fitted on {len(X)} reviews in "
              f"{time.perf_counter() - start:.0f} s", flush=True)
    stack.bases_ = fitted
    return stack


def stack():
    """StackingClassifier of two word2vec BiLSTMs, NB-LR, word and character TF-IDF.

    Holdout stacking (see ``_fit_blend``), the bases refitted on all of train.
    """
    return _Deferred(lambda X, y: _fit_blend(X, y, STACK_BASES))


MODELS = {
    "tfidf_logreg": make_tfidf_logreg,
    "tfidf_logreg_unigram": lambda: make_tfidf_logreg(ngram_range=(1, 1)),
    "tfidf_svm": make_tfidf_svm,
    "nbsvm": make_nbsvm,
    "nblr": make_nblr,
    "lstm_default": lstm_default,
    "lstm_default_seed1": functools.partial(lstm_default, random_state=1),
    "lstm_recipe": functools.partial(lstm_default, **RECIPE),
    "lstm_recipe_seed1": functools.partial(lstm_default, random_state=1, **RECIPE),
    "lstm_onecycle": lstm_onecycle,
    "lstm_w2v": lstm_w2v,
    "lstm_w2v_attention": lstm_w2v_attention,
    "stack": stack,
}


def _curves(model):
    """Per-epoch figures of the model's LSTM (a stack's LSTM member); [] without one."""
    model = getattr(model, "model", model)  # a _Deferred model
    return history_records(getattr(model, "bases_", {}).get("lstm_w2v", model))


def _stack_predict(stack, X_test, y_test, features_path):
    """A stack's test predictions, with the test accuracies of its bases.

    Every base of the stack and of its ``holdout_stack_`` predicts the test
    set once (``transform``). The bases' outputs on the holdout and test sets
    are saved to ``features_path``.
    """
    report = {}
    arrays = {"blend_X": stack.blend_features_[0], "blend_y": stack.blend_features_[1],
              "test_y": np.asarray(y_test), "bases": np.asarray(list(stack.bases_))}
    for prefix, model in [("holdout_", stack.holdout_stack_), ("", stack)]:
        features = arrays[f"{prefix}test_X"] = model.transform(X_test)
        pred = model.classes_[model.final_estimator_.predict(features)]
        report[f"{prefix}bases_test_accuracy"] = _base_accuracies(model, features, y_test)
        report[f"{prefix}stack_test_accuracy"] = accuracy_score(y_test, pred)
    features_path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(features_path, **arrays)
    return pred, report


def run(name, X_train, y_train, X_test, y_test, results=RESULTS):
    model = MODELS[name]()
    print(f"\n=== {name}: fitting on {len(X_train)} reviews", flush=True)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    stack = getattr(getattr(model, "model", None), "bases_", None) and model.model
    start = time.perf_counter()
    if stack:
        pred, report = _stack_predict(stack, X_test, y_test,
                                      Path(results) / f"{name}_features.npz")
    else:
        pred, report = model.predict(X_test), {}
    predict_s = time.perf_counter() - start
    result = {"model": name, "test_accuracy": accuracy_score(y_test, pred),
              "fit_s": fit_s, "predict_s": predict_s, "peak_rss_mb": peak_rss_mb(),
              "params": {k: repr(v)[:200] for k, v in model.get_params(deep=True).items()
                         if "__" in k},
              "curves": _curves(model), "machine": machine_info(), **report}
    last = model.steps[-1][1] if hasattr(model, "steps") else None
    if hasattr(last, "precision_"):  # the precision an LSTM trained at
        result["precision"] = last.precision_
    for key, value in report.items():
        for base, accuracy in value.items() if isinstance(value, dict) else [("", value)]:
            print(f"=== {name}: {key} {base} {accuracy:.4f}", flush=True)
    print(f"=== {name}: test accuracy {result['test_accuracy']:.4f}, fit {fit_s:.0f} s, "
          f"predict {predict_s:.0f} s, peak RSS {result['peak_rss_mb']:.0f} MiB", flush=True)
    write_json(Path(results) / f"{name}.json", result)
    return result


def summary(results=RESULTS):
    rows = [json.loads(p.read_text()) for p in sorted(Path(results).glob("*.json"))]
    print(f"{'model':<28}{'test acc':>10}{'fit s':>9}{'predict s':>11}{'peak MiB':>10}")
    for r in sorted(rows, key=lambda r: r["test_accuracy"]):
        print(f"{r['model']:<28}{r['test_accuracy']:>10.4f}{r['fit_s']:>9.0f}"
              f"{r['predict_s']:>11.1f}{r['peak_rss_mb']:>10.0f}")
        for row in r.get("curves") or []:
            cells = "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in row.items())
            print(f"    {cells}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="models to run (see --list)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--results", default=str(RESULTS), help="folder of the JSON results")
    parser.add_argument("--sample", type=int, default=None, metavar="N",
                        help="only N train and N test reviews, drawn at random (a smoke run)")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(MODELS))
        return
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; choose from {list(MODELS)}")
    if args.models:
        X_train, y_train = load_imdb("train", return_X_y=True)
        X_test, y_test = load_imdb("test", return_X_y=True)
        if args.sample is not None:  # the archive is ordered by label: draw across it
            rng = np.random.default_rng(0)
            train = rng.permutation(len(X_train))[:args.sample]
            test = rng.permutation(len(X_test))[:args.sample]
            X_train, y_train = [X_train[i] for i in train], y_train[train]
            X_test, y_test = [X_test[i] for i in test], y_test[test]
        for name in args.models:
            run(name, X_train, y_train, X_test, y_test, results=args.results)
    if args.summary or not args.models:
        summary(args.results)


if __name__ == "__main__":
    main()
