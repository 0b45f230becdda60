"""Checks of arguments shared by sklstm's estimators, readers and commands.

Plain arguments (positive integers, missing values, iterables of texts,
distinct strings) and what the networks are fed (label vectors, matrices of
token ids).

Each check raises a ``ValueError`` or ``TypeError`` whose message names the
argument and, for sequences, the first offending index.
"""

from collections.abc import Iterable, Mapping, Set
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    column_or_1d,
    validate_data,
)

__all__ = ["check_iterable", "check_labels", "check_partly_labelled", "check_positive_int",
           "check_row_mask", "check_sample_weight", "check_token_ids", "first_missing",
           "index_distinct_strings", "is_marker", "is_missing", "short_repr"]


def short_repr(value, limit=40):
    """``repr(value)``, cut to ``limit`` characters for an error message.

    Examples
    --------
    >>> from sklstm._utils.validation import short_repr
    >>> short_repr("x" * 50, limit=10)
    "'xxxxxx..."
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_missing(value):
    """Whether ``value`` is a missing value: None, a float NaN, ``pd.NA`` or ``pd.NaT``.

    Examples
    --------
    >>> from sklstm._utils.validation import is_missing
    >>> [is_missing(v) for v in (None, float("nan"), 0, "", "NaN")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    return type(value).__name__ in ("NAType", "NaTType")


def first_missing(values):
    """Index of the first missing value (see :func:`is_missing`) in a 1-D array, or None."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(values))
        return int(missing[0]) if len(missing) else None
    if values.dtype.kind == "O":
        return next((i for i, value in enumerate(values.ravel()) if is_missing(value)), None)
    return None


def is_marker(values, marker):
    """Which of ``values`` (a 1-D object array) are ``marker``: equal, and of its kind.

    A string marker matches strings only, a number numbers only (not ``True``
    for 1).
    """
    text = isinstance(marker, str)

    def same(value):
        if isinstance(value, (str, np.str_)) != text or isinstance(value, (bool, np.bool_)):
            return False
        try:
            return bool(value == marker)
        except (TypeError, ValueError):
            return False

    return np.fromiter((same(v) for v in values), dtype=bool, count=len(values))


def check_positive_int(value, name):
    """Return ``value`` as an int if it is an integer >= 1 (not a bool); else raise ValueError.

    Examples
    --------
    >>> from sklstm._utils.validation import check_positive_int
    >>> check_positive_int(3, "batch_size")
    3
    >>> check_positive_int(0, "batch_size")
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be an integer >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def check_iterable(X, *, name, what="an iterable of str", examples="a list, tuple, 1-D "
                   "array or pandas Series of texts"):
    """Refuse a single string, a mapping or set, or a non-iterable where texts are expected.

    Returns ``X`` unchanged; ``name`` (the caller) and ``what`` start the messages.
    """
    if isinstance(X, (str, bytes, bytearray)):
        raise ValueError(f"{name} expects {what} (one element per text), got a single "
                         f"{type(X).__name__}; wrap it in a list: [text]")
    if X is None or isinstance(X, (Mapping, Set)) or not isinstance(X, Iterable):
        raise ValueError(f"{name} expects {what} ({examples}), got {type(X).__name__}")
    return X


def index_distinct_strings(items, *, what, kind, where=""):
    """Position of each of ``items``, which must be distinct str.

    ``what`` names the items in the type error ("words must be str"), ``kind``
    one item in the duplicate error ("word 'a' appears twice"), followed by
    ``where`` (such as " in vocabulary").
    """
    index = {}
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{what} must be str; position {i} holds "
                            f"{type(item).__name__} ({short_repr(item)})")
        if item in index:
            raise ValueError(f"{kind} {short_repr(item)} appears twice{where}, at positions "
                             f"{index[item]} and {i}")
        index[item] = i
    return index


# -------------------------------------------------- what the networks are fed


def check_labels(y, *, name="LSTMClassifier"):
    """Validate classification labels; return them as a 1-D array.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Hashable labels: strings, integers, booleans.
    name : str, default="LSTMClassifier"
        The estimator, for messages.

    Returns
    -------
    y : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If ``y`` is not one-dimensional, holds a missing value (None, NaN,
        ``pd.NA``; the first such index is named), mixes strings with other
        types, or is not a classification target.
    """
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None")
    if not hasattr(y, "dtype"):
        values = np.asarray(y, dtype=object).ravel()
        # numpy would silently turn [1, "a"] into strings; refuse instead.
        kinds = {isinstance(v, str) for v in values if not is_missing(v)}
        if len(kinds) > 1:
            raise ValueError("labels of mixed types: y holds both strings and non-strings")
        has_missing = any(is_missing(v) for v in values)
        y = np.asarray(y, dtype=object if has_missing else None)
    y = column_or_1d(y, warn=True)
    i = first_missing(y)
    if i is not None:
        raise ValueError(f"y contains a missing label ({y[i]!r}) at index {i}; "
                         "drop or fill missing labels before fitting")
    check_classification_targets(y)
    return y


def check_partly_labelled(y, marker, *, none_allowed=True):
    """Labels where some rows may equal ``marker`` (unlabelled rows): checked, as one array.

    The labelled rows must pass :func:`check_labels`, and be of the marker's
    kind (strings for a string marker, numbers for a number); a missing
    label and a ``y`` with no labelled row raise, naming the index or the
    marker. ``unlabeled_label`` in the messages is the parameter that holds
    the marker; ``none_allowed`` says whether it may be None (every row
    labelled), which the message for labels of the other kind then offers.
    """
    values = np.asarray(y, dtype=object)
    if values.ndim != 1:
        return check_labels(y)  # its message for the wrong shape
    i = first_missing(values)
    if i is not None:
        raise ValueError(f"y contains a missing label ({values[i]!r}) at index {i}; "
                         "drop or fill missing labels before fitting (or mark "
                         f"unlabelled rows with unlabeled_label={marker!r})")
    unlabelled = is_marker(values, marker)
    if unlabelled.all():
        raise ValueError(f"every row of y is unlabelled (unlabeled_label={marker!r}): fit "
                         "needs labelled rows to learn the classes from")
    labels = check_labels(values[~unlabelled].tolist() if not hasattr(y, "dtype")
                          else np.asarray(y)[~unlabelled])
    if (labels.dtype.kind in "USO" and any(isinstance(v, str) for v in labels)) != (
            isinstance(marker, str)):
        kind = "a string" if isinstance(marker, str) else "a number"
        labels_kind = "numbers" if isinstance(marker, str) else "strings"
        hint = "a number, e.g. unlabeled_label=-1" if isinstance(marker, str) else \
            "a string, e.g. unlabeled_label=''"
        if not isinstance(marker, str) and str(marker) in set(labels.tolist()):
            hint = f"a string: unlabeled_label={str(marker)!r}"
        none = ", or pass unlabeled_label=None if every row is labelled" if none_allowed else ""
        raise ValueError(f"unlabeled_label={marker!r} is {kind} but the labels in y are "
                         f"{labels_kind}; mark unlabelled rows with {hint} (of the "
                         f"labels' type){none}")
    if not unlabelled.any():
        return labels
    # Labels and marker are of one kind: one array holds both as they are.
    return values if labels.dtype.kind in "bO" else np.asarray(values.tolist())


def check_token_ids(X, *, estimator, y=None, reset):
    """Validate a matrix of token ids; return it as a C-contiguous integer array.

    With ``reset=True`` (in ``fit``) ``X`` goes through scikit-learn's
    ``validate_data``, which records ``n_features_in_`` on ``estimator``,
    ``y`` (already checked) must have as many rows, and ``(X, y)`` is
    returned.

    Raises
    ------
    ValueError
        For raw texts (put a TextTokenizer first), missing, fractional,
        negative or too large ids; the first offending cell ``X[i, j]`` is
        named.
    TypeError
        For cells that are not numbers.
    """
    name = type(estimator).__name__
    if isinstance(X, str) or (
        not sp.issparse(X) and not hasattr(X, "dtype") and isinstance(X, (list, tuple))
        and len(X) and isinstance(X[0], str)
    ):
        raise ValueError(
            f"{name} takes a matrix of token ids, not raw texts; put a "
            f"TextTokenizer before it: make_pipeline(TextTokenizer(), {name}())"
        )
    if reset:
        X = validate_data(estimator, X, dtype=None, reset=True)
        check_consistent_length(X, y)
    else:
        X = check_array(X, dtype=None, input_name="X", estimator=estimator)
    if X.dtype.kind == "O":
        try:
            X = X.astype(np.float64)
        except ValueError:  # strings among the values
            pass
        except TypeError as exc:
            i, j = next((i, j) for (i, j), v in np.ndenumerate(X)
                        if not isinstance(v, (int, float, np.number)))
            raise TypeError(f"token ids must be numbers; X[{i}, {j}] is "
                            f"{type(X[i, j]).__name__} ({exc})") from None
    if X.dtype.kind in "OUS":
        raise ValueError(
            f"{name} takes integer token ids, got an array of dtype {X.dtype}; "
            "put a TextTokenizer before it to turn texts into ids"
        )
    if X.dtype.kind == "f":
        missing = np.argwhere(np.isnan(X))  # None in an object array
        if len(missing):
            i, j = missing[0]
            raise ValueError(f"token ids must not be missing; X[{i}, {j}] is None or NaN")
        fractional = np.argwhere(X != np.floor(X))
        if len(fractional):
            i, j = fractional[0]
            raise ValueError(f"token ids must be whole numbers; X[{i}, {j}] is {X[i, j]!r}")
        X = X.astype(np.int64)
    elif X.dtype.kind == "b" or (X.dtype.kind == "u" and X.dtype.itemsize >= 8):
        too_big = np.argwhere(X > np.iinfo(np.int64).max) if X.dtype.kind == "u" else []
        if len(too_big):
            i, j = too_big[0]
            raise ValueError(f"token id too large: X[{i}, {j}] is {X[i, j]}")
        X = X.astype(np.int64)
    negative = np.argwhere(X < 0)
    if len(negative):
        i, j = negative[0]
        raise ValueError(f"Negative values in data: token ids must be >= 0; "
                         f"X[{i}, {j}] is {X[i, j]}")
    X = np.ascontiguousarray(X)
    return (X, y) if reset else X


def check_sample_weight(sample_weight, n_samples):
    """Validate per-row weights; return them as a float64 array, or None for None.

    Zero weights are allowed (the row then counts for nothing).

    Raises
    ------
    ValueError
        If the weights are not a 1-D sequence of ``n_samples`` numbers, or a
        weight is NaN, infinite or negative (the first such index is named).

    Examples
    --------
    >>> from sklstm._utils.validation import check_sample_weight
    >>> check_sample_weight([1, 0, 2.5], 3).tolist()
    [1.0, 0.0, 2.5]
    >>> check_sample_weight([1, -1, 2], 3)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must be finite and >= 0; sample_weight[1] is -1.0
    """
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"sample_weight must hold numbers: {exc}") from None
    if weights.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D, got shape {weights.shape}")
    if len(weights) != n_samples:
        raise ValueError(f"sample_weight has {len(weights)} weights for {n_samples} samples; "
                         "give one weight per row of X")
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if len(bad):
        i = int(bad[0])
        raise ValueError(f"sample_weight must be finite and >= 0; sample_weight[{i}] is "
                         f"{float(weights[i])!r}")
    if n_samples and not weights.any():
        raise ValueError("every sample weight is zero: nothing to learn from; give some "
                         "rows a positive weight")
    return weights


def check_row_mask(mask, n_samples, *, name):
    """Validate a boolean mask of rows (``train_only``); return it as a bool array, or None.

    ``True``/``False`` and the numbers 0 and 1 are accepted.

    Raises
    ------
    ValueError
        If the mask is not a 1-D sequence of ``n_samples`` such values (the
        first other value is named, with its index).

    Examples
    --------
    >>> from sklstm._utils.validation import check_row_mask
    >>> check_row_mask([True, 0, 1], 3, name="train_only").tolist()
    [True, False, True]
    >>> check_row_mask([True, 2], 2, name="train_only")
    Traceback (most recent call last):
    ...
    ValueError: train_only must hold True/False (or 1/0) per row; train_only[1] is 2
    """
    if mask is None:
        return None
    values = np.asarray(mask, dtype=object)
    if values.ndim != 1:
        raise ValueError(f"{name} must be a 1-D mask of rows, got shape {values.shape}")
    if len(values) != n_samples:
        raise ValueError(f"{name} has {len(values)} values for {n_samples} samples; give one "
                         "True/False per row of X")
    for i, value in enumerate(values):
        if not (isinstance(value, (bool, np.bool_, Integral, np.integer)) and value in (0, 1)):
            raise ValueError(f"{name} must hold True/False (or 1/0) per row; {name}[{i}] is "
                             f"{short_repr(value)}")
    return np.asarray(values.tolist(), dtype=bool)
