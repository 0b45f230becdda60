"""Why did a model predict that? Token attributions for text pipelines.

:func:`explain` gives one :class:`Explanation` per text: the text's tokens,
in order, and a weight per token and class (per label for a multi-label
model, one column for a regressor) that says how much the token pushed the
model towards that class. Three methods:

- ``'integrated_gradients'`` (Sundararajan et al., 2017, "Axiomatic
  Attribution for Deep Networks"): the gradients of the model's output with
  respect to the word vectors, averaged along the straight path from a
  baseline to the text, times the word vectors. Only for a fitted pipeline
  of a :class:`~sklstm.TextTokenizer` and an sklstm estimator.
- ``'attention'``: the attention weights of a model fitted with
  ``pooling='attention'``.
- ``'occlusion'``: the drop in ``predict_proba`` (``predict`` for a
  regressor) when each token is left out. It works for any pipeline on raw
  texts, such as the TF-IDF baselines of :mod:`sklstm.compare`, so that
  one call explains both sides of a comparison.

An :class:`Explanation` shows itself in a notebook (tokens highlighted red
for, blue against the class), as text (:meth:`Explanation.to_text`) and as a
bar chart (:func:`plot_explanation`); :func:`explanations_html` makes an
HTML fragment of several, for a report. :func:`confident_predictions` picks
the texts worth explaining in a test set: the most confident right and wrong
predictions.

Here live :func:`explain`, occlusion and :func:`confident_predictions`; the
result classes and their display live in :mod:`sklstm.explain` (and are
importable from here), integrated gradients and attention weights in
:mod:`sklstm.explain`.
"""

import re
from numbers import Integral

import numpy as np
from sklearn.base import is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._utils.validation import check_iterable
from ..lstm import LSTMClassifier, LSTMRegressor, sequence_lengths
from ..tokenization import PAD_ID, UNK_ID, TextTokenizer, check_texts
from ._gradients import attention_weights, integrated_gradients, output_columns
from ._result import Explanation, ExplanationList

__all__ = ["METHODS", "WORD_PATTERN", "confident_predictions", "explain"]

#: The explanation methods :func:`explain` knows.
METHODS = ("integrated_gradients", "attention", "occlusion")

#: How raw texts are split into words for occlusion when a pipeline has no
#: :class:`~sklstm.TextTokenizer`: words (with an inner apostrophe) and single
#: punctuation marks; HTML tags are skipped.
WORD_PATTERN = r"\w+(?:'\w+)?|[^\w\s]"

_TAG = re.compile(r"<[^<>]{0,200}>")


# ------------------------------------------------------------ the pipeline


def _sklstm_parts(model):
    """(tokenizer, estimator) of a TextTokenizer + sklstm estimator pipeline, else None."""
    if isinstance(model, Pipeline) and len(model.steps) == 2:
        tokenizer, estimator = model.steps[0][1], model.steps[1][1]
        if isinstance(tokenizer, TextTokenizer) and isinstance(
                estimator, (LSTMClassifier, LSTMRegressor)):
            return tokenizer, estimator
    return None


def _describe(model):
    if isinstance(model, Pipeline):
        return "a pipeline of " + " and ".join(type(s).__name__ for _, s in model.steps)
    return f"a {type(model).__name__}"


def _predictions(estimator, outputs):
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


def _model_outputs(estimator, X):
    """What occlusion compares: predict_proba, or predict for a regressor, as 2-D float64."""
    values = estimator.predict(X) if is_regressor(estimator) else estimator.predict_proba(X)
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1)



# ---------------------------------------------------------------- occlusion


def _occlusion_variants(row, length, replace):
    """The id rows of ``row[:length]`` with each token removed (or replaced by UNK)."""
    tokens = np.asarray(row[:length])
    if replace == "unk":
        variants = np.repeat(tokens[None], length, axis=0)
        variants[np.arange(length), np.arange(length)] = UNK_ID
        return variants
    j = np.arange(max(length - 1, 1))[None, :]
    i = np.arange(length)[:, None]
    variants = tokens[np.minimum(j + (j >= i), length - 1)]
    if length == 1:  # removing the only token leaves an empty text
        variants[:] = PAD_ID
    return variants


def _occlude_ids(estimator, ids, base, *, replace, batch_size):
    lengths = sequence_lengths(ids)
    result = [np.zeros((n, base.shape[1])) for n in lengths]
    pending, owners = [], []

    def flush():
        if not pending:
            return
        width = max(v.shape[1] for v in pending)
        matrix = np.zeros((sum(len(v) for v in pending), width), dtype=ids.dtype)
        at = 0
        for v in pending:
            matrix[at:at + len(v), :v.shape[1]] = v
            at += len(v)
        values = _model_outputs(estimator, matrix)
        at = 0
        for row in owners:
            n = lengths[row]
            result[row] = base[row] - values[at:at + n]
            at += n
        pending.clear()
        owners.clear()

    n_pending = 0
    for row in np.argsort(-lengths, kind="stable"):
        if lengths[row] == 0:
            continue
        pending.append(_occlusion_variants(ids[row], lengths[row], replace))
        owners.append(row)
        n_pending += lengths[row]
        if n_pending >= batch_size:
            flush()
            n_pending = 0
    flush()
    return result


def _word_spans(text, pattern):
    """(token, start, end) of each word of ``text``, HTML tags skipped."""
    masked = _TAG.sub(lambda m: " " * len(m.group()), text)
    return [(m.group(), m.start(), m.end()) for m in re.finditer(pattern, masked)]


def _occlude_texts(model, texts, base, *, pattern, batch_size):
    """Occlusion on raw texts: tokens and weights per text."""
    spans = [_word_spans(t, pattern) for t in texts]
    result = [np.zeros((len(s), base.shape[1])) for s in spans]
    pending, owners = [], []

    def flush():
        if not pending:
            return
        values = _model_outputs(model, pending)
        at = 0
        for i in owners:
            n = len(spans[i])
            result[i] = base[i] - values[at:at + n]
            at += n
        pending.clear()
        owners.clear()

    for i, (text, words) in enumerate(zip(texts, spans, strict=True)):
        if not words:
            continue
        pending.extend(text[:start] + " " + text[end:] for _, start, end in words)
        owners.append(i)
        if len(pending) >= batch_size:
            flush()
    flush()
    return [[w for w, _, _ in s] for s in spans], result



# --------------------------------------------------------------- the entry


def _check_texts(texts):
    check_iterable(texts, name="explain")
    texts = list(texts)
    if not texts:
        return texts
    return list(check_texts(texts, name="explain"))


def explain(model, texts, method="integrated_gradients", *, output=None, n_steps=8,
            integration="adaptive", tolerance=0.01, max_steps=64, replace="remove",
            token_pattern=WORD_PATTERN, batch_size=None):
    """Token attributions: why the model predicted what it did for each text.

    Parameters
    ----------
    model : Pipeline or estimator
        A fitted model on raw texts. For ``'integrated_gradients'`` and
        ``'attention'``: a pipeline of exactly a :class:`~sklstm.TextTokenizer`
        and an :class:`~sklstm.LSTMClassifier` (binary, multiclass or
        multi-label) or :class:`~sklstm.LSTMRegressor`, as
        ``make_pipeline(TextTokenizer(), LSTMClassifier())`` or
        :func:`sklstm.load` gives. For ``'occlusion'``: also any classifier
        with ``predict_proba`` (or regressor) on raw texts, such as
        :func:`sklstm.compare.make_tfidf_logreg`.
    texts : iterable of str
        The texts to explain. An empty iterable gives an empty list.
    method : {'integrated_gradients', 'attention', 'occlusion'}, default='integrated_gradients'
        - ``'integrated_gradients'``: integrated gradients on the word
          vectors. The baseline is a text of the same length whose word
          vectors are all zero, which is what padding (id 0, whose vector is
          zero) at each of the text's positions gives. A token's weight is
          the sum over the vector's dimensions of the vector times the
          output's gradient averaged along the path from the baseline; the
          weights of a text sum to the explained output minus the
          baseline's (completeness), within the integration error.
        - ``'attention'``: the model's attention weights (``pooling='attention'``
          only); they are positive, sum to 1 over a text, and are the same
          for every column.
        - ``'occlusion'``: the model's output (``predict_proba``; ``predict``
          for a regressor) for the text minus that for the text without the
          token; positive where the token supports the class. For an sklstm
          pipeline tokens are removed from the row of ids (or replaced by
          ``<unk>``, see ``replace``); for other models words of
          ``token_pattern`` are cut out of the raw text.
    output : {'logit', 'proba', 'log_proba'} or None, default=None
        Integrated gradients only: the output explained. None and
        ``'logit'``: the network's logit of each class; for a binary
        classifier each class's log-odds (column 1 is ``decision_function``,
        column 0 its negative), for a multi-label one each label's log-odds.
        ``'proba'``: the probability of each class (softmax; multi-label:
        sigmoid), the scale of occlusion. A binary classifier's two columns
        mirror each other in both cases, and cost one backward pass.
        ``'log_proba'``: its logarithm. A regressor is explained in its
        predictions' units (the standardised output times
        ``target_scale_``); only None or ``'prediction'`` are allowed.
    n_steps : int, default=8
        Integrated gradients only: points of the path integral to start
        with (with a fixed rule: all of them, unless refined).
    tolerance : float or None, default=0.01
        Integrated gradients only: the completeness a text's weights should
        reach, as a share of its largest output change (see
        :attr:`Explanation.completeness_error`). ``'adaptive'`` adds points
        where the path misses it; a fixed rule computes a text that misses it
        again with four times the points, while that stays within
        ``max_steps``. A UserWarning says how many texts still miss it in
        the end. None: no check, ``n_steps`` only.
    max_steps : int, default=64
        Integrated gradients only: the most gradient points a text is given.
        Each costs a forward and a backward pass. Saturated LSTMs can change
        their output almost as a step somewhere along the path (measured on
        IMDB models: a jump of 2.7 in the log-odds within 4e-8 of the path,
        in float64 too); there no number of points reaches ``tolerance``,
        and the warning says so.
    integration : {'adaptive', 'gausslegendre', 'trapezoid', 'midpoint'}, default='adaptive'
        Integrated gradients only: the quadrature rule over the path.
        ``'adaptive'``: midpoints of ``n_steps`` equal intervals to start;
        the network's output at the intervals' ends (a forward pass each,
        about a fifth of a gradient's cost) says how much each interval's
        weights should sum to, and the intervals that miss it most are cut
        in three (two more gradients each) until the text is within
        ``tolerance`` or has ``max_steps`` points: the points go where the
        output changes. The fixed rules use ``n_steps`` points for every
        text: Gauss-Legendre (as Captum's default) is the most accurate for
        a smooth path; 'trapezoid' includes both ends of the path.
    replace : {'remove', 'unk'}, default='remove'
        Occlusion of an sklstm pipeline: leave each token out, or put
        ``<unk>`` in its place.
    token_pattern : str, default=WORD_PATTERN
        Occlusion of a model without a ``TextTokenizer``: the regular
        expression of a word (HTML tags are skipped).
    batch_size : int or None, default=None
        Rows per forward pass: interpolation points times texts for
        integrated gradients (default 256), texts for attention (default
        256), occluded variants for occlusion (default 2048). Texts are
        grouped by length as for prediction.

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
    >>> from sklstm.explain import explain
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
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if replace not in ("remove", "unk"):
        raise ValueError(f"replace must be 'remove' or 'unk', got {replace!r}")
    if batch_size is not None and (not isinstance(batch_size, Integral) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    parts = _sklstm_parts(model)
    if parts is None and method != "occlusion":
        raise ValueError(
            f"{method} explanations need a pipeline of a TextTokenizer and an LSTMClassifier "
            f"or LSTMRegressor (make_pipeline(TextTokenizer(), LSTMClassifier())); got "
            f"{_describe(model)}. method='occlusion' explains any model with predict_proba")
    estimator = parts[1] if parts else model
    check_is_fitted(estimator)
    if parts is None:
        if not is_regressor(estimator) and not hasattr(estimator, "predict_proba"):
            raise ValueError(f"occlusion needs a model with predict_proba (or a regressor); "
                             f"{_describe(model)} has none")
    texts = _check_texts(texts)
    if not texts:
        return ExplanationList()
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    name = type(final).__name__

    if parts is None:  # any model on raw texts: occlusion of words
        base = _model_outputs(model, texts)
        columns = output_columns(final, n_outputs=base.shape[1])
        tokens, weights = _occlude_texts(model, texts, base, pattern=token_pattern,
                                         batch_size=batch_size or 2048)
        preds, proba, chosen = _predictions(final, base)
        return ExplanationList(
            Explanation(text=t, tokens=tok, weights=w, method=method, columns=columns,
                        prediction=p, proba=None if proba is None else proba[i],
                        column=int(chosen[i]),
                        space="prediction" if proba is None else "proba", model_name=name)
            for i, (t, tok, w, p) in enumerate(zip(texts, tokens, weights, preds, strict=True)))

    tokenizer, estimator = parts
    check_is_fitted(tokenizer)
    columns = output_columns(estimator)
    ids = tokenizer.transform(texts)
    tokens = tokenizer.tokenize(texts)
    lengths = sequence_lengths(ids)
    for i, (row_tokens, n) in enumerate(zip(tokens, lengths, strict=True)):
        if len(row_tokens) != n:  # pragma: no cover - tokenize() promises this
            raise RuntimeError(f"text {i}: the tokenizer gave {len(row_tokens)} tokens but "
                               f"{n} ids")
    base = _model_outputs(estimator, ids)
    preds, proba, chosen = _predictions(estimator, base)
    out = base_out = errors = steps_used = None
    if method == "integrated_gradients":
        weights, out, base_out, space, errors, steps_used = integrated_gradients(
            estimator, ids, n_steps=n_steps, integration=integration, output=output,
            batch_size=batch_size or 256, tolerance=tolerance, max_steps=max_steps)
    elif method == "attention":
        weights = [np.repeat(w[:, None], len(columns), axis=1)
                   for w in attention_weights(estimator, ids, batch_size=batch_size or 256)]
        space = "attention"
    else:
        weights = _occlude_ids(estimator, ids, base, replace=replace,
                               batch_size=batch_size or 2048)
        space = "prediction" if proba is None else "proba"
    return ExplanationList(
        Explanation(text=t, tokens=tok, weights=w, method=method, columns=columns,
                    prediction=p, proba=None if proba is None else proba[i],
                    column=int(chosen[i]),
                    output=None if out is None or not len(tok) else out[i],
                    baseline_output=None if base_out is None or not len(tok) else base_out[i],
                    completeness_error=None if errors is None else float(errors[i]),
                    n_steps=None if steps_used is None else int(steps_used[i]),
                    space=space, model_name=name)
        for i, (t, tok, w, p) in enumerate(zip(texts, tokens, weights, preds, strict=True)))


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
