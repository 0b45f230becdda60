"""Learning from unlabelled text before supervised training: language model and word2vec.

What ``LSTMClassifier(pretraining=...)`` runs inside ``fit``, on the id
matrix of all rows, labelled and unlabelled, before the classifier trains on
the labelled ones:

- ``'lm'``: ``_language_model.py`` trains the embedding and the LSTM of an
  :class:`~sklstm.lstm.LSTMTextModule` as a language model; the trained
  weights start the classifier.
- ``'word2vec'``: :func:`word2vec_embeddings` trains gensim's word2vec (the
  optional extra ``sklstm[vectors]``) on the rows, read as sentences of ids,
  and lays the vectors out as an embedding table.

:func:`pretrain` runs either, through a ``joblib.Memory`` cache when one is
given, so that fits on the same rows with the same encoder (the folds of a
grid search over the head's parameters) pretrain once.
"""

import time
from numbers import Integral
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_memory

from .._utils.optional import import_optional
from .._utils.torch import resolve_precision
from ..vectors import WordVectors
from ._batching import sequence_lengths
from ._language_model import LM_DROPOUT, encoder_weights, pretrain_language_model
from ._network import LSTMTextModule

__all__ = ["DEFAULT_EPOCHS", "PRETRAINING_OPTIONS", "PretrainingResult", "pretrain",
           "word2vec_embeddings"]

#: The pretraining methods: the values of ``pretraining`` besides 'auto' and None.
PRETRAINING_OPTIONS = ("lm", "word2vec")
#: Epochs of each method when ``pretraining_epochs`` is None.
DEFAULT_EPOCHS = {"lm": 1, "word2vec": 5}


class _IdSentences:
    """The rows of an id matrix as gensim sentences (lists of id strings), re-iterable."""

    def __init__(self, X, num_embeddings):
        self.X = X
        self.lengths = sequence_lengths(X)
        self.names = np.array([str(i) for i in range(num_embeddings)], dtype=object)
        self.num_embeddings = num_embeddings

    def __iter__(self):
        for row, length in zip(self.X, self.lengths, strict=True):
            ids = row[:length]
            ids = ids[ids != 0]
            ids = np.where(ids < self.num_embeddings, ids, 1)
            yield self.names[ids].tolist()


def word2vec_embeddings(X, *, num_embeddings, dim, epochs=5, window=5, sg=0, seed=0,
                        workers=1, verbose=0):
    """An embedding table trained by word2vec (gensim) on the rows of an id matrix.

    Each row is a sentence whose words are its ids, so the vectors are
    those of the tokenizer's ids, aligned with
    :meth:`~sklstm.WordVectors.align`: ids that never occur get random
    vectors of the trained vectors' spread, padding a zero row. Needs
    gensim: ``pip install 'sklstm[vectors]'``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_steps)
        Token ids, right-padded with 0.
    num_embeddings : int
        Rows of the table; larger ids are read as unknown (1).
    dim : int
        Width of the vectors.
    epochs : int, default=5
        Passes over the rows.
    window : int, default=5
        Largest distance between a word and its context words.
    sg : {0, 1}, default=0
        0: CBOW; 1: skip-gram.
    seed : int, default=0
        Seeds gensim and the random rows.
    workers : int, default=1
        gensim's threads (only one is reproducible).
    verbose : int, default=0
        1 or more: a line when training is done.

    Returns
    -------
    table : ndarray of shape (num_embeddings, dim), dtype float32
    history : list of dict
        One dict: ``epochs``, ``n_tokens`` (tokens per epoch) and ``seconds``.
    """
    Word2Vec = import_optional("gensim.models", extra="vectors",
                               feature="pretraining='word2vec'").Word2Vec
    start = time.perf_counter()
    sentences = _IdSentences(np.asarray(X), num_embeddings)
    model = Word2Vec(vector_size=dim, window=window, min_count=1, sg=sg, epochs=epochs,
                     workers=workers, seed=seed)
    model.build_vocab(sentences)
    if not len(model.wv):
        raise ValueError("word2vec pretraining needs tokens; every row of X is padding")
    model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    vectors = WordVectors.from_keyed_vectors(model.wv)
    ids = [str(i) for i in range(2, max(num_embeddings, 3))]
    table = vectors.align(ids, lowercase_fallback=False, random_state=seed).matrix
    table = table[:num_embeddings]
    if "1" in vectors:  # the unknown id occurs in the rows: its own vector
        table[1] = vectors["1"]
    seconds = time.perf_counter() - start
    n_tokens = int(model.corpus_total_words)
    if verbose:
        print(f"pretraining (word2vec): {len(vectors):,} ids, {epochs} epochs over "
              f"{n_tokens:,} tokens in {seconds:.1f} s", flush=True)
    return table, [{"epochs": epochs, "n_tokens": n_tokens, "seconds": round(seconds, 3)}]


class PretrainingResult(NamedTuple):
    """What :func:`pretrain` learnt, to start a classifier's network from."""

    weights: dict
    """State-dict entries (name to ndarray) of the module: language model; else empty."""
    embeddings: object
    """The embedding table (ndarray) of word2vec; else None."""
    history: list
    """Per-epoch records of the language model, or word2vec's one record."""


def _pretrain(X, *, method, module_params, epochs, random_state, device="cpu",
              precision="float32", verbose=0):
    """:func:`pretrain` without the cache (what the cache stores)."""
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    if method == "word2vec":
        workers = 1 if random_state is not None else 4
        table, history = word2vec_embeddings(
            X, num_embeddings=module_params["num_embeddings"],
            dim=module_params["embedding_dim"], epochs=epochs, seed=seed, workers=workers,
            verbose=verbose)
        return PretrainingResult(weights={}, embeddings=table, history=history)
    devices = [torch.device(device)] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        module = LSTMTextModule(**dict(module_params, num_classes=1, dropout=LM_DROPOUT))
    history = pretrain_language_model(module, X, epochs=epochs, seed=seed, device=device,
                                      precision=precision, verbose=verbose)
    return PretrainingResult(weights=encoder_weights(module), embeddings=None, history=history)


def pretrain(X, *, method, module_params, epochs=None, random_state=None, device="cpu",
             precision="float32", verbose=0, memory=None):
    """Pretrain on all rows of ``X``: a language model or word2vec; cached with ``memory``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_steps)
        Token ids of all rows, labelled or not.
    method : {'lm', 'word2vec'}
        What to pretrain (see the module's description).
    module_params : dict
        Keyword arguments of :class:`~sklstm.lstm.LSTMTextModule` that
        shape the encoder: ``num_embeddings``, ``embedding_dim``,
        ``hidden_size``, ``num_layers``, ``bidirectional``, and optionally
        ``embeddings`` and ``freeze_embeddings`` (a language model starts
        from them). word2vec reads ``num_embeddings`` and
        ``embedding_dim`` only.
    epochs : int or None, default=None
        Passes over the rows; None: 1 for 'lm', 5 for 'word2vec'.
    random_state : int or None, default=None
        Seeds the pretraining.
    device : str, default="cpu"
        Torch device of the language model.
    precision : {'auto', 'float32', 'bfloat16'}, default='float32'
        Precision of the language model's forward passes (see
        :func:`~sklstm._utils.torch.precision_dtype`); word2vec ignores it.
    verbose : int, default=0
        1 or more: progress and a line per epoch.
    memory : str, joblib.Memory or None, default=None
        Cache of the results (a folder, or a ``joblib.Memory``), keyed by
        ``X``, ``method``, ``module_params``, ``epochs``,
        ``random_state`` and, for 'lm', the precision it resolves to (not
        ``device`` or ``verbose``). None caches nothing.

    Returns
    -------
    result : PretrainingResult

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.lstm._pretraining import pretrain
    >>> X = np.random.default_rng(0).integers(2, 20, size=(30, 8))
    >>> result = pretrain(X, method="lm", random_state=0, module_params=dict(
    ...     num_embeddings=20, embedding_dim=4, hidden_size=4, num_layers=1,
    ...     bidirectional=True))
    >>> sorted(result.weights)[:2], len(result.history)
    (['backward_layers.0.bias_hh_l0', 'backward_layers.0.bias_ih_l0'], 1)
    """
    if method not in PRETRAINING_OPTIONS:
        raise ValueError(f"method must be one of {PRETRAINING_OPTIONS}, got {method!r}")
    if epochs is None:
        epochs = DEFAULT_EPOCHS[method]
    if random_state is not None and not isinstance(random_state, Integral):
        raise ValueError(f"random_state must be an int or None, got {random_state!r}")
    if isinstance(memory, str) or hasattr(memory, "__fspath__"):
        memory = str(memory)
    # The precision a language model runs at changes its result; word2vec's does not.
    precision = resolve_precision(precision, device) if method == "lm" else "float32"
    run = check_memory(memory).cache(_pretrain, ignore=["device", "verbose"])
    return run(np.ascontiguousarray(X), method=method, module_params=dict(module_params),
               epochs=int(epochs), random_state=None if random_state is None else
               int(random_state), device=str(device), precision=precision, verbose=verbose)
