"""Why did a model predict that? :func:`explain`, its method registry, and the texts to explain.

:func:`explain` gives one :class:`~sklstm.explain.Explanation` per text: the
text's tokens, in order, and a weight per token and class (per label for a
multi-label model, one column for a regressor) that says how much the token
pushed the model towards that class. The method is an object of its own
options, or its name in :data:`METHODS`:

- :class:`~sklstm.explain.IntegratedGradients` (Sundararajan et al., 2017):
  the gradients of the model's output with respect to the word vectors,
  averaged along the straight path from a baseline to the text, times the
  word vectors; for a pipeline of a TextTokenizer and an sklstm estimator;
- :class:`~sklstm.explain.Attention`: the attention weights of a model
  fitted with ``pooling='attention'``;
- :class:`~sklstm.explain.Occlusion`: the drop in ``predict_proba``
  (``predict`` for a regressor) when each token is left out, for any model
  on raw texts, so that one call explains both sides of a comparison.

:func:`confident_predictions` picks the texts worth explaining in a test
set: the most confident right and wrong predictions.
"""

import inspect
from numbers import Integral

import numpy as np
from sklearn.base import is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._compat import deprecated
from .._utils.validation import check_iterable
from ..lstm import sequence_lengths
from ..tokenization import check_texts
from ._attention import Attention
from ._gradients import IntegratedGradients
from ._methods import ExplanationMethod
from ._model import describe, model_outputs, output_columns, predictions, sklstm_parts
from ._occlusion import Occlusion
from ._result import Explanation, ExplanationList

__all__ = ["METHODS", "confident_predictions", "explain"]

#: The explanation methods :func:`explain` knows by name, and their classes.
METHODS = {method.name: method for method in (IntegratedGradients, Attention, Occlusion)}


def _options(method):
    return [name for name in inspect.signature(method.__init__).parameters if name != "self"]


def _method(method, options):
    """The method object of ``explain(model, texts, method, **options)``.

    ``options`` are the per-method keyword arguments of sklstm 0.x's
    ``explain``: deprecated, each goes to the method that has it (the others
    ignored it then, and still do).
    """
    if isinstance(method, ExplanationMethod):
        if options:
            raise TypeError(f"explain() got options {sorted(options)} beside a method object; "
                            f"give them to it: {type(method).__name__}(...)")
        return method
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)} "
                         "or an object such as IntegratedGradients(n_steps=16)")
    known = {name: cls for cls in METHODS.values() for name in _options(cls)}
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise TypeError(f"explain() got unexpected keyword arguments {unknown}")
    cls = METHODS[method]
    for name, value in options.items():
        if name in _options(cls):
            deprecated(f"explain(..., {name}=...)",
                       f"explain(..., method={cls.__name__}({name}={value!r}))")
        else:  # ignored by this method, as it was; but refused when bad, as it was
            known[name](**{name: value}).validate()
            deprecated(f"explain(..., {name}=...)",
                       advice=f"it has no effect with method={method!r} (it is an option of "
                              f"{known[name].__name__}): leave it out")
    return cls(**{name: value for name, value in options.items() if name in _options(cls)})


def _check_texts(texts):
    check_iterable(texts, name="explain")
    texts = list(texts)
    if not texts:
        return texts
    return list(check_texts(texts, name="explain"))


def explain(model, texts, method="integrated_gradients", **options):
    """Token attributions: why the model predicted what it did for each text.

    Parameters
    ----------
    model : Pipeline or estimator
        A fitted model on raw texts. For integrated gradients and attention:
        a pipeline of exactly a :class:`~sklstm.TextTokenizer` and an
        :class:`~sklstm.LSTMClassifier` (binary, multiclass or multi-label)
        or :class:`~sklstm.LSTMRegressor`, as
        ``make_pipeline(TextTokenizer(), LSTMClassifier())`` or
        :func:`sklstm.load` gives. For occlusion: also any classifier with
        ``predict_proba`` (or regressor) on raw texts, such as
        :func:`sklstm.compare.make_tfidf_logreg`.
    texts : iterable of str
        The texts to explain. An empty iterable gives an empty list.
    method : str or ExplanationMethod, default='integrated_gradients'
        The method, with its options: :class:`IntegratedGradients`,
        :class:`Attention` or :class:`Occlusion` (``method=Occlusion(replace
        ="unk")``); or the name of one of them in :data:`METHODS`
        (``'integrated_gradients'``, ``'attention'``, ``'occlusion'``), with
        its default options.
    **options
        Deprecated (the options of sklstm 0.x's ``explain``: ``output``,
        ``n_steps``, ``integration``, ``tolerance``, ``max_steps``,
        ``replace``, ``token_pattern``, ``batch_size``): give them to the
        method object instead. Each goes to the named method that has it.

    Returns
    -------
    ExplanationList
        One :class:`Explanation` per text, in order. A text without tokens
        (``""``) gets ``tokens == []`` and weights of shape
        ``(0, n_columns)``; it still has a prediction.

    Raises
    ------
    ValueError
        For an unknown method, a method the model cannot give (attention
        without ``pooling='attention'``, gradients without an sklstm
        pipeline, occlusion of a classifier without ``predict_proba``), bad
        texts, or bad options.
    sklearn.exceptions.NotFittedError
        If the model is not fitted.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import LSTMClassifier, TextTokenizer
    >>> from sklstm.explain import IntegratedGradients, Occlusion, explain
    >>> texts = ["a great film", "great fun", "a dull film", "dull stuff"] * 8
    >>> labels = ["pos", "pos", "neg", "neg"] * 8
    >>> model = make_pipeline(
    ...     TextTokenizer(min_frequency=1),
    ...     LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=20, lr=0.02,
    ...                    early_stopping=False, validation_fraction=None,
    ...                    random_state=0, device="cpu")).fit(texts, labels)
    >>> [e] = explain(model, ["a great film"])
    >>> e.tokens, e.columns, e.prediction, e.weights.shape
    (['a', 'great', 'film'], ['neg', 'pos'], 'pos', (3, 2))
    >>> e.top_tokens(1)[0][0]
    'great'
    >>> e.completeness_error <= 0.01  # the weights sum to the logits' change from the baseline
    True
    >>> explain(model, ["a dull film"], method="occlusion")[0].top_tokens(1)[0][0]
    'dull'
    >>> [e] = explain(model, ["a great film"], method=IntegratedGradients(n_steps=16))
    >>> e.method, e.n_steps >= 16
    ('integrated_gradients', True)
    """
    method = _method(method, options).validate()
    parts = sklstm_parts(model)
    if parts is None and method.needs_pipeline:
        raise ValueError(
            f"{method.name} explanations need a pipeline of a TextTokenizer and an "
            f"LSTMClassifier or LSTMRegressor (make_pipeline(TextTokenizer(), "
            f"LSTMClassifier())); got {describe(model)}. method='occlusion' explains any "
            "model with predict_proba")
    estimator = parts[1] if parts else model
    check_is_fitted(estimator)
    if parts is None:
        if not is_regressor(estimator) and not hasattr(estimator, "predict_proba"):
            raise ValueError(f"occlusion needs a model with predict_proba (or a regressor); "
                             f"{describe(model)} has none")
    texts = _check_texts(texts)
    if not texts:
        return ExplanationList()
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if parts is None:  # any model on raw texts: occlusion of words
        outputs = model_outputs(model, texts)
        columns = output_columns(final, n_outputs=outputs.shape[1])
        tokens, weights = method.explain_texts(model, texts, outputs)
        found = {"weights": weights, "space": "prediction" if is_regressor(final) else "proba"}
    else:
        tokenizer, estimator = parts
        check_is_fitted(tokenizer)
        columns = output_columns(estimator)
        ids = tokenizer.transform(texts)
        tokens = tokenizer.tokenize(texts)
        for i, (row_tokens, n) in enumerate(zip(tokens, sequence_lengths(ids), strict=True)):
            if len(row_tokens) != n:  # pragma: no cover - tokenize() promises this
                raise RuntimeError(f"text {i}: the tokenizer gave {len(row_tokens)} tokens "
                                   f"but {n} ids")
        outputs = model_outputs(estimator, ids)
        found = method.explain_ids(estimator, ids, outputs)
    preds, proba, chosen = predictions(final, outputs)
    return ExplanationList(_explanations(texts, tokens, preds, proba, chosen, found,
                                         method=method.name, columns=columns,
                                         model_name=type(final).__name__))


def _explanations(texts, tokens, preds, proba, chosen, found, **common):
    """One :class:`Explanation` per text from what a method found (``found``'s per-text parts)."""
    def part(name, i, empty=False):
        values = found.get(name)
        return None if values is None or empty else values[i]

    for i, (text, text_tokens, weights, prediction) in enumerate(
            zip(texts, tokens, found["weights"], preds, strict=True)):
        empty = not len(text_tokens)
        error, steps = part("completeness_error", i), part("n_steps", i)
        yield Explanation(
            text=text, tokens=text_tokens, weights=weights, prediction=prediction,
            proba=None if proba is None else proba[i], column=int(chosen[i]),
            output=part("output", i, empty), baseline_output=part("baseline_output", i, empty),
            completeness_error=None if error is None else float(error),
            n_steps=None if steps is None else int(steps), space=found["space"], **common)


def confident_predictions(model, texts, y_true, *, n=3):
    """The ``n`` most confident right and the ``n`` most confident wrong predictions.

    What a report explains: where a single-label classifier is surest and
    right, and surest and wrong.

    Parameters
    ----------
    model : classifier
        A fitted single-label classifier with ``predict_proba`` and
        ``classes_`` (a pipeline on raw texts, such as
        ``make_pipeline(TextTokenizer(), LSTMClassifier())``).
    texts : sequence of str
        The texts, as the model takes them.
    y_true : array-like of shape (n_texts,)
        Their true labels.
    n : int, default=3
        How many of each.

    Returns
    -------
    right, wrong : ndarray of int
        Indices into ``texts``, most confident first (the probability of
        the predicted class); fewer than ``n`` where there are fewer.

    Raises
    ------
    ValueError
        If ``y_true`` and ``texts`` differ in length, ``n`` is not a
        positive int, or the model is multi-label.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.explain import confident_predictions
    >>> class Fixed:
    ...     classes_ = np.array(["neg", "pos"])
    ...     def predict_proba(self, texts):
    ...         return np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]])
    >>> right, wrong = confident_predictions(Fixed(), ["a", "b", "c", "d"],
    ...                                      ["neg", "pos", "neg", "neg"], n=2)
    >>> right.tolist(), wrong.tolist()
    ([0, 3], [2])
    """
    if not isinstance(n, Integral) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    final = model[-1] if isinstance(model, Pipeline) else model
    if getattr(final, "multilabel_", False):
        raise ValueError("confident_predictions is for single-label classifiers; this model "
                         "is multi-label")
    y_true = np.asarray(y_true)
    if len(y_true) != len(texts):
        raise ValueError(f"y_true has {len(y_true)} labels for {len(texts)} texts")
    if not len(texts):
        return np.array([], dtype=int), np.array([], dtype=int)
    proba = np.asarray(model.predict_proba(texts), dtype=np.float64)
    predicted = np.asarray(final.classes_)[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    order = np.argsort(-confidence, kind="stable")
    right = predicted[order] == y_true[order]
    return order[right][:n], order[~right][:n]
