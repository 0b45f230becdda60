"""What the explanations read of a fitted model: its parts, its outputs and their columns.

A model is explained either as an sklstm pipeline (a TextTokenizer and an
sklstm estimator: :func:`sklstm_parts`), whose network the gradient and
attention methods run, or as any model on raw texts, whose
``predict_proba`` (``predict`` for a regressor) occlusion compares.
"""

import numpy as np
from sklearn.base import is_regressor
from sklearn.pipeline import Pipeline

from ..lstm import LSTMClassifier, LSTMRegressor
from ..tokenization import TextTokenizer

__all__ = ["describe", "model_outputs", "output_columns", "predictions", "sklstm_parts"]


def sklstm_parts(model):
    """(tokenizer, estimator) of a TextTokenizer + sklstm estimator pipeline, else None."""
    if isinstance(model, Pipeline) and len(model.steps) == 2:
        tokenizer, estimator = model.steps[0][1], model.steps[1][1]
        if isinstance(tokenizer, TextTokenizer) and isinstance(
                estimator, (LSTMClassifier, LSTMRegressor)):
            return tokenizer, estimator
    return None


def describe(model):
    """A model as a message names it: 'a pipeline of TextTokenizer and ...', 'a LinearSVC'."""
    if isinstance(model, Pipeline):
        return "a pipeline of " + " and ".join(type(s).__name__ for _, s in model.steps)
    return f"a {type(model).__name__}"


def predictions(estimator, outputs):
    """(predictions, proba or None, default columns) from raw outputs of an sklstm estimator,
    or from predict_proba / predict of another (``outputs`` is then what they gave)."""
    if is_regressor(estimator):
        values = np.asarray(outputs, dtype=np.float64)
        values = values.reshape(len(values), -1)
        preds = [v[0] if len(v) == 1 else v for v in values]
        return preds, None, np.zeros(len(values), dtype=int)
    proba = np.asarray(outputs, dtype=np.float64)
    if getattr(estimator, "multilabel_", False):
        chosen = proba >= estimator.thresholds_
        preds = [[c for c, keep in zip(estimator.classes_.tolist(), row, strict=True) if keep]
                 for row in chosen]
    else:
        preds = [c for c in np.asarray(estimator.classes_)[np.argmax(proba, axis=1)].tolist()]
    return preds, proba, np.argmax(proba, axis=1)


def model_outputs(estimator, X):
    """What occlusion compares: predict_proba, or predict for a regressor, as 2-D float64."""
    values = estimator.predict(X) if is_regressor(estimator) else estimator.predict_proba(X)
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1)


def output_columns(estimator, n_outputs=None):
    """The names of what a fitted model explains: its classes or its outputs.

    Parameters
    ----------
    estimator : classifier or regressor
        Fitted: an sklstm estimator, or any model with ``classes_`` (a
        classifier) or that scikit-learn's ``is_regressor`` recognises.
    n_outputs : int or None, default=None
        A regressor's number of outputs; None reads its ``n_outputs_`` (1
        where it has none).

    Returns
    -------
    list of str
        The classes as strings; ``'prediction'`` for a regressor of one
        output, ``'prediction 0'``, ``'prediction 1'``, ... for several.

    Examples
    --------
    >>> from sklstm import LSTMRegressor
    >>> from sklstm.explain._model import output_columns
    >>> reg = LSTMRegressor(embedding_dim=4, hidden_size=4, max_epochs=1, random_state=0)
    >>> output_columns(reg.fit([[2, 3], [3, 4]] * 4, [[0.0, 1.0], [1.0, 0.0]] * 4))
    ['prediction 0', 'prediction 1']
    """
    if is_regressor(estimator):
        n = getattr(estimator, "n_outputs_", 1) if n_outputs is None else n_outputs
        return ["prediction"] if n == 1 else [f"prediction {i}" for i in range(n)]
    return [str(c) for c in estimator.classes_]
