"""The attention weights of a network that pools by attention: where the LSTM looked.

:func:`attention_weights` reads them for rows of token ids; :class:`Attention`
is the explanation method that shows them for each class.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ..lstm import sequence_lengths
from ._methods import ExplanationMethod
from ._network import FrozenEval, module_device, rows_by_length

__all__ = ["Attention", "attention_weights"]


def attention_weights(estimator, ids, *, batch_size=256):
    """The attention weight of each token of each row of ``ids``: where the LSTM looked.

    Parameters
    ----------
    estimator : LSTMClassifier or LSTMRegressor
        Fitted with ``pooling='attention'``.
    ids : ndarray of shape (n_texts, width)
        Token ids from the estimator's :class:`~sklstm.TextTokenizer`.
    batch_size : int, default=256
        Rows run through the network at once.

    Returns
    -------
    list of ndarray of shape (length,)
        One per text; each sums to 1 (an empty text's is empty).

    Raises
    ------
    ValueError
        If the estimator does not pool by attention.

    Examples
    --------
    >>> from sklstm import LSTMClassifier, TextTokenizer
    >>> from sklstm.explain import attention_weights
    >>> texts = ["a great film", "great fun", "a dull film", "dull stuff"] * 8
    >>> tok = TextTokenizer(min_frequency=1).fit(texts)
    >>> clf = LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=2, pooling="attention",
    ...                      bag_ngrams=None, random_state=0, device="cpu")
    >>> [w] = attention_weights(clf.fit(tok.transform(texts), [1, 1, 0, 0] * 8),
    ...                         tok.transform(["a great film"]))
    >>> w.shape, round(float(w.sum()), 6)
    ((3,), 1.0)
    """
    check_is_fitted(estimator)
    module = estimator.module_
    if getattr(module, "pooling", None) != "attention":
        raise ValueError("attention explanations need pooling='attention'; this model pools "
                         f"with {getattr(module, 'pooling', None)!r}")
    device = module_device(module)
    lengths = sequence_lengths(ids)
    result = [np.zeros(n) for n in lengths]
    scores = []
    handle = module.attention.register_forward_hook(
        lambda m, inputs, out: scores.append(out.detach()))
    try:
        with FrozenEval(module), torch.no_grad():
            for rows in rows_by_length(lengths, batch_size):
                width = int(lengths[rows].max())
                X = torch.as_tensor(np.asarray(ids[rows, :width], dtype=np.int64),
                                    device=device)
                scores.clear()
                module(X)
                real = torch.arange(width, device=device).unsqueeze(1) < torch.as_tensor(
                    lengths[rows], device=device)
                s = scores[-1].squeeze(-1).masked_fill(~real, float("-inf"))
                w = torch.softmax(s, dim=0).t().double().cpu().numpy()  # (k, width)
                for i, row in enumerate(rows):
                    result[row] = w[i, :lengths[row]]
    finally:
        handle.remove()
    return result


class Attention(ExplanationMethod):
    """The attention weights of a model fitted with ``pooling='attention'``, as explanations.

    They are positive, sum to 1 over a text, and are the same for every
    column: where the LSTM looked, not what it concluded.

    Parameters
    ----------
    batch_size : int or None, default=None
        Texts per forward pass (None: 256).

    Examples
    --------
    >>> from sklstm.explain import Attention
    >>> Attention(batch_size=64)
    Attention(batch_size=64)
    """

    name = "attention"
    default_batch_size = 256

    def __init__(self, *, batch_size=None):
        self.batch_size = batch_size

    def explain_ids(self, estimator, ids, outputs):
        weights = attention_weights(estimator, ids, batch_size=self.rows_per_pass())
        return {"weights": [np.repeat(w[:, None], outputs.shape[1], axis=1) for w in weights],
                "space": "attention"}
