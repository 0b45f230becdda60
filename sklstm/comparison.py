"""Fit several text classifiers on one split and tabulate their scores.

:func:`compare` takes any scikit-learn estimators or pipelines that read
raw texts (an :class:`~sklstm.LSTMClassifier` pipeline, the baselines of
:mod:`sklstm.baselines`, ...), fits a clone of each on the training data and
scores it on the test data, timing both. The table is a pandas DataFrame
(install with ``pip install sklstm[compare]``).
"""

import time
from typing import NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import cross_val_score

from ._utils.optional import import_optional

__all__ = ["ComparisonResult", "compare"]


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


def _scoring_name(scoring):
    if scoring is None:
        return "score"
    if isinstance(scoring, str):
        return scoring
    return getattr(scoring, "__name__", "score")


def compare(models, X_train, y_train, X_test, y_test, *, cv=None, scoring="accuracy",
            n_jobs=None, return_estimators=False, verbose=False):
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
    >>> from sklstm.baselines import make_nbsvm, make_tfidf_logreg
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
    pd = import_optional("pandas", extra="compare")
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
        estimator.fit(X_train, y_train)
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
