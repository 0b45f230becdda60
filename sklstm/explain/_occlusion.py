"""Occlusion: how much the model's output drops when each token is left out.

It reads only a model's predictions, so it explains any classifier with
``predict_proba`` (or regressor) on raw texts, such as the TF-IDF baselines of
:mod:`sklstm.compare`: an sklstm pipeline loses tokens from its rows of ids,
any other model loses words (:data:`WORD_PATTERN`) from its raw texts.
"""

import re

import numpy as np
from sklearn.base import is_regressor

from ..lstm import sequence_lengths
from ..tokenization import PAD_ID, UNK_ID
from ._methods import ExplanationMethod
from ._model import model_outputs

__all__ = ["WORD_PATTERN", "Occlusion"]

#: How raw texts are split into words for occlusion when a pipeline has no
#: :class:`~sklstm.TextTokenizer`: words (with an inner apostrophe) and single
#: punctuation marks; HTML tags are skipped.
WORD_PATTERN = r"\w+(?:'\w+)?|[^\w\s]"

_TAG = re.compile(r"<[^<>]{0,200}>")


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
        values = model_outputs(estimator, matrix)
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
        values = model_outputs(model, pending)
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


class Occlusion(ExplanationMethod):
    """Each token's weight: the model's output for the text minus that without the token.

    The output is ``predict_proba`` (``predict`` for a regressor); a weight
    is positive where the token supports the class. For an sklstm pipeline
    tokens are removed from the row of ids (or replaced by ``<unk>``, see
    ``replace``); for other models words of ``token_pattern`` are cut out of
    the raw text. It works for any model on raw texts, so that one call
    explains both sides of a comparison.

    Parameters
    ----------
    replace : {'remove', 'unk'}, default='remove'
        For an sklstm pipeline: leave each token out, or put ``<unk>`` in
        its place.
    token_pattern : str, default=WORD_PATTERN
        For a model without a ``TextTokenizer``: the regular expression of
        a word (HTML tags are skipped).
    batch_size : int or None, default=None
        Occluded variants per call of the model (None: 2048).

    Examples
    --------
    >>> from sklstm.explain import Occlusion
    >>> Occlusion(replace="unk")
    Occlusion(replace='unk')
    """

    name = "occlusion"
    needs_pipeline = False
    default_batch_size = 2048

    def __init__(self, *, replace="remove", token_pattern=WORD_PATTERN, batch_size=None):
        self.replace = replace
        self.token_pattern = token_pattern
        self.batch_size = batch_size

    def validate(self):
        if self.replace not in ("remove", "unk"):
            raise ValueError(f"replace must be 'remove' or 'unk', got {self.replace!r}")
        return super().validate()

    def explain_ids(self, estimator, ids, outputs):
        weights = _occlude_ids(estimator, ids, outputs, replace=self.replace,
                               batch_size=self.rows_per_pass())
        return {"weights": weights, "space": "prediction" if is_regressor(estimator) else "proba"}

    def explain_texts(self, model, texts, outputs):
        return _occlude_texts(model, texts, outputs, pattern=self.token_pattern,
                              batch_size=self.rows_per_pass())
