"""Fit several text classifiers on the same data and tabulate their scores.

:func:`compare` takes any scikit-learn estimators or pipelines that read
raw texts (an :class:`~sklstm.LSTMClassifier` pipeline, the baselines of
:mod:`sklstm.compare`, ...), fits a clone of each on the training data and
scores it on the test data, timing both. :func:`cross_compare` does the same
by K-fold cross-validation when there is no test set, scoring out-of-fold
predictions. The table is a pandas DataFrame.
"""

import time
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score

from .._utils.pipelines import final_step

__all__ = ["ComparisonResult", "compare", "cross_compare"]


class ComparisonResult(NamedTuple):
    """What ``compare(..., return_estimators=True)`` returns.

    A named tuple, so it also unpacks as ``table, estimators, predictions``.

    Attributes
    ----------
    table : pandas.DataFrame
        The scores, as returned by :func:`compare`.
    estimators : dict of str to estimator
        The fitted clones, by model name.
    predictions : dict of str to ndarray
        Each model's predictions on the test data, by model name.
    """

    table: object
    estimators: dict
    predictions: dict


def _n_samples(data, name):
    try:
        return len(data)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of samples (list, array, Series); "
                        f"got {type(data).__name__}") from None


def _check_inputs(models, X_train, y_train, X_test, y_test):
    if not isinstance(models, dict):
        raise TypeError("models must be a dict mapping names to estimators; "
                        f"got {type(models).__name__}")
    if not models:
        raise ValueError("models is empty: pass at least one {name: estimator} pair")
    for name, model in models.items():
        if isinstance(model, type):
            raise TypeError(f"models[{name!r}] is the class {model.__name__}, not an "
                            f"estimator: pass {model.__name__}()")
        missing = [method for method in ("fit", "predict", "get_params")
                   if not callable(getattr(model, method, None))]
        if missing:
            raise TypeError(
                f"models[{name!r}] is not a scikit-learn estimator: a "
                f"{type(model).__name__} has no {', '.join(missing)} method")
    for split, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        n_X, n_y = _n_samples(X, f"X_{split}"), _n_samples(y, f"y_{split}")
        if n_X != n_y:
            raise ValueError(f"X_{split} has {n_X} samples but y_{split} has {n_y}; "
                             "they must have the same length")
        if n_X == 0:
            raise ValueError(f"X_{split} is empty")


def _unlabeled_marker(model):
    """The ``unlabeled_label`` of a model (or its last pipeline step), or None."""
    final, _ = final_step(model)
    params = final.get_params(deep=False) if hasattr(final, "get_params") else {}
    return params.get("unlabeled_label")


def _training_rows(model, X, y, X_unlabeled):
    """``X, y`` with the unlabelled texts appended for a model that learns from them."""
    marker = _unlabeled_marker(model)
    if X_unlabeled is None or marker is None or not len(X_unlabeled):
        return X, y
    y = np.asarray(y)
    if y.dtype.kind in "iuf" and isinstance(marker, (int, float, np.number)):
        filler = np.full(len(X_unlabeled), marker, dtype=y.dtype)
    else:
        y, filler = y.astype(object), np.full(len(X_unlabeled), marker, dtype=object)
    return list(X) + list(X_unlabeled), np.concatenate([y, filler])


def _scoring_name(scoring):
    if scoring is None:
        return "score"
    if isinstance(scoring, str):
        return scoring
    return getattr(scoring, "__name__", "score")


def compare(models, X_train, y_train, X_test, y_test, *, cv=None, scoring="accuracy",
            n_jobs=None, return_estimators=False, verbose=False, X_unlabeled=None):
    """Fit each model on the training data and score it on the test data.

    Every estimator is cloned first, so the ones passed in stay unfitted.

    Parameters
    ----------
    models : dict of str to estimator
        Names and scikit-learn classifiers or pipelines that take the raw
        ``X`` (e.g. a list of texts).
    X_train, y_train : sequence of shape (n_train,)
        Training samples (texts) and labels.
    X_test, y_test : sequence of shape (n_test,)
        Test samples and labels.
    cv : int, cross-validation generator, iterable or None, default=None
        When given, each model is also cross-validated on the training data
        (:func:`~sklearn.model_selection.cross_val_score`), adding the
        columns ``cv_<scoring>_mean`` and ``cv_<scoring>_std``.
    scoring : str, callable or None, default='accuracy'
        Scorer of the cross-validation; only used with ``cv``. A callable's
        columns are named after its ``__name__``.
    n_jobs : int or None, default=None
        Parallel jobs of the cross-validation.
    return_estimators : bool, default=False
        Also return the fitted estimators and their test predictions.
    verbose : bool, default=False
        Print one line per model as it finishes.
    X_unlabeled : sequence of str or None, default=None
        Texts without labels. A model that learns from them (an
        :class:`~sklstm.LSTMClassifier`, or a pipeline ending in one, with
        ``unlabeled_label`` set) is fitted on the training texts and these,
        labelled with its ``unlabeled_label``; the other models never see
        them.

    Returns
    -------
    table : pandas.DataFrame
        One row per model (index ``'model'``, in the order of ``models``)
        with the columns ``accuracy``, ``f1_macro`` (on the test data),
        ``fit_seconds``, ``predict_seconds`` and, with ``cv``, the
        cross-validation columns. Returned alone unless
        ``return_estimators=True``.
    result : ComparisonResult
        With ``return_estimators=True``: the named tuple
        ``(table, estimators, predictions)``.

    Raises
    ------
    ValueError
        If ``models`` is empty or an ``X`` and its ``y`` differ in length.
    TypeError
        If ``models`` is not a dict or one of its values is not an estimator
        (its key is named).

    Examples
    --------
    >>> from sklstm.compare import make_nbsvm, make_tfidf_logreg
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> models = {"nbsvm": make_nbsvm(random_state=0), "logreg": make_tfidf_logreg()}
    >>> table = compare(models, texts, labels, texts, labels)
    >>> list(table.columns)
    ['accuracy', 'f1_macro', 'fit_seconds', 'predict_seconds']
    >>> table["accuracy"].to_dict()
    {'nbsvm': 1.0, 'logreg': 1.0}
    >>> table, fitted, predictions = compare(models, texts, labels, texts[:2], labels[:2],
    ...                                      return_estimators=True)
    >>> predictions["nbsvm"].tolist()
    ['pos', 'pos']
    """
    _check_inputs(models, X_train, y_train, X_test, y_test)
    y_test = np.asarray(y_test)
    cv_name = f"cv_{_scoring_name(scoring)}"
    rows, estimators, predictions = [], {}, {}
    for name, model in models.items():
        row = {}
        if cv is not None:
            scores = cross_val_score(clone(model), X_train, y_train, cv=cv,
                                     scoring=scoring, n_jobs=n_jobs)
            row[f"{cv_name}_mean"], row[f"{cv_name}_std"] = scores.mean(), scores.std()
        estimator = clone(model)
        start = time.perf_counter()
        estimator.fit(*_training_rows(model, X_train, y_train, X_unlabeled))
        row["fit_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        y_pred = np.asarray(estimator.predict(X_test))
        row["predict_seconds"] = time.perf_counter() - start
        row["accuracy"] = accuracy_score(y_test, y_pred)
        row["f1_macro"] = f1_score(y_test, y_pred, average="macro")
        rows.append(row)
        estimators[name], predictions[name] = estimator, y_pred
        if verbose:
            print(f"{name}: accuracy={row['accuracy']:.4f} f1_macro={row['f1_macro']:.4f} "
                  f"fit={row['fit_seconds']:.1f}s predict={row['predict_seconds']:.1f}s")
    columns = ["accuracy", "f1_macro", "fit_seconds", "predict_seconds"]
    if cv is not None:
        columns += [f"{cv_name}_mean", f"{cv_name}_std"]
    table = pd.DataFrame(rows, index=pd.Index(list(models), name="model"), columns=columns)
    if return_estimators:
        return ComparisonResult(table, estimators, predictions)
    return table


def cross_compare(models, X, y, *, cv=5, random_state=None, return_estimators=False,
                  verbose=False, X_unlabeled=None):
    """Compare models by K-fold cross-validation: every text is predicted once, out of fold.

    Each model is cloned and fitted ``cv`` times on stratified folds; the
    predictions for a fold's texts come from the fit that did not see them,
    so the scores (and confusion matrices) cover all of ``X`` without a
    separate test set.

    Parameters
    ----------
    models : dict of str to estimator
        As for :func:`compare`.
    X, y : sequence of shape (n_samples,)
        Texts and labels.
    cv : int, default=5
        Number of stratified folds (shuffled with ``random_state``).
    random_state : int or None, default=None
        Seed of the fold assignment.
    return_estimators : bool, default=False
        Also return each model's last fold's fitted clone and the
        out-of-fold predictions.
    verbose : bool, default=False
        Print one line per model as it finishes.
    X_unlabeled : sequence of str or None, default=None
        Texts without labels, added to every fold's training texts of the
        models that learn from them (see :func:`compare`).

    Returns
    -------
    table : pandas.DataFrame
        One row per model with ``accuracy`` and ``f1_macro`` of the
        out-of-fold predictions, ``fit_seconds`` and ``predict_seconds``
        (mean per fold), ``cv_accuracy_mean`` and ``cv_accuracy_std`` (over
        folds).
    result : ComparisonResult
        With ``return_estimators=True``.

    Raises
    ------
    ValueError
        As :func:`compare`, and if ``cv`` is not an integer >= 2 or a class
        has fewer than ``cv`` texts.

    Examples
    --------
    >>> from sklstm.compare import make_tfidf_logreg
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> table = cross_compare({"logreg": make_tfidf_logreg()}, texts, labels, cv=5,
    ...                       random_state=0)
    >>> float(table.loc["logreg", "accuracy"])
    1.0
    """
    _check_inputs(models, X, y, X, y)
    X = list(X)
    if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
        raise ValueError(f"cv must be an integer >= 2; got {cv!r}")
    y = np.asarray(y)
    counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
    small = {label: int(n) for label, n in counts.items() if n < cv}
    if small:
        label, n = next(iter(small.items()))
        raise ValueError(f"class {label!r} has {n} texts, fewer than the {cv} folds; use "
                         "fewer folds or a test set")
    folds = list(StratifiedKFold(cv, shuffle=True, random_state=random_state).split(
        np.zeros(len(y)), y))
    rows, estimators, predictions = [], {}, {}
    for name, model in models.items():
        y_pred = np.empty(len(y), dtype=y.dtype)
        fit_s, predict_s, fold_accuracy = [], [], []
        for train, test in folds:
            estimator = clone(model)
            start = time.perf_counter()
            estimator.fit(*_training_rows(model, [X[i] for i in train], y[train],
                                          X_unlabeled))
            fit_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            y_pred[test] = estimator.predict([X[i] for i in test])
            predict_s.append(time.perf_counter() - start)
            fold_accuracy.append(accuracy_score(y[test], y_pred[test]))
        row = {"accuracy": accuracy_score(y, y_pred),
               "f1_macro": f1_score(y, y_pred, average="macro"),
               "fit_seconds": float(np.mean(fit_s)), "predict_seconds": float(np.mean(predict_s)),
               "cv_accuracy_mean": float(np.mean(fold_accuracy)),
               "cv_accuracy_std": float(np.std(fold_accuracy))}
        rows.append(row)
        estimators[name], predictions[name] = estimator, y_pred
        if verbose:
            print(f"{name}: accuracy={row['accuracy']:.4f} (folds {row['cv_accuracy_mean']:.4f}"
                  f" +- {row['cv_accuracy_std']:.4f}) fit={row['fit_seconds']:.1f}s/fold")
    table = pd.DataFrame(rows, index=pd.Index(list(models), name="model"))
    if return_estimators:
        return ComparisonResult(table, estimators, predictions)
    return table
