"""Learning from unlabelled text before supervised training: language model and word2vec.

What ``LSTMClassifier(pretraining=...)`` runs inside ``fit``, on the id
matrix of all rows, labelled and unlabelled, before the classifier trains on
the labelled ones:

- ``'lm'``: :func:`pretrain_language_model` trains the embedding and the LSTM
  of an :class:`~sklstm.lstm.LSTMTextModule` as a language model
  (:class:`LanguageModel`): the forward direction predicts the next token,
  the backward direction of a bidirectional LSTM the previous one, each
  through an adaptive softmax (:func:`adaptive_cutoffs`). Rows are cut into
  windows of at most ``max_steps`` tokens (:func:`lm_windows`) and batched by
  length. The trained weights (:func:`encoder_weights`) start the classifier.
- ``'word2vec'``: :func:`word2vec_embeddings` trains gensim's word2vec (the
  optional extra ``sklstm[vectors]``) on the rows, read as sentences of ids,
  and lays the vectors out as an embedding table.

:func:`pretrain` runs either, through a ``joblib.Memory`` cache when one is
given, so that fits on the same rows with the same encoder (the folds of a
grid search over the head's parameters) pretrain once.

The language model uses the module's own LSTM, so the weights transfer as
they are. Only what cannot see the word it predicts is pretrained: the
embedding and the whole stack of a unidirectional LSTM, but only the first
layer of a bidirectional stack (each further layer reads both directions of
the layer below), and no convolutional front-end (its window reaches ahead).
"""

import time
from numbers import Integral
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_memory
from skorch.dataset import Dataset
from torch import nn

from .._utils.optional import import_optional
from ..vectors import WordVectors
from ._batching import BucketIterator, sequence_lengths
from ._network import LSTMTextModule

__all__ = ["DEFAULT_EPOCHS", "LM_BATCH_SIZE", "LM_LR", "LM_MAX_STEPS", "PRETRAINING_OPTIONS",
           "LanguageModel", "PretrainingResult", "adaptive_cutoffs", "encoder_weights",
           "lm_windows", "pretrain", "pretrain_language_model", "word2vec_embeddings"]

#: The values of ``pretraining`` besides None.
PRETRAINING_OPTIONS = ("lm", "word2vec")
#: Epochs of each method when ``pretraining_epochs`` is None.
DEFAULT_EPOCHS = {"lm": 1, "word2vec": 5}
#: Most tokens of one language-model window (truncated back-propagation).
LM_MAX_STEPS = 100
#: Windows per language-model batch.
LM_BATCH_SIZE = 64
#: Adam's learning rate for the language model.
LM_LR = 2e-3
# Dropout on the LSTM's outputs before the language model's softmax.
_LM_DROPOUT = 0.1
_CLIP_GRAD_NORM = 1.0
# The softmax head of each direction: what it predicts.
_HEADS = {"forward": "next", "backward": "previous"}


def adaptive_cutoffs(n_classes):
    """Cutoffs of :class:`torch.nn.AdaptiveLogSoftmaxWithLoss` for a vocabulary.

    Token ids of a word-level :class:`~sklstm.TextTokenizer` are ordered by
    frequency, so the head (the most frequent ids, most tokens of a text)
    takes up to 500 ids, at most a quarter of the vocabulary; each further
    cluster is four times larger, three clusters at most. On a CPU, with a
    vocabulary of 20,000 ids, this trains about 1.5 times as fast as
    ``[1000, 5000]`` and twice as fast as ``[2000, 10000]``.

    Parameters
    ----------
    n_classes : int
        Vocabulary size (at least 2).

    Returns
    -------
    cutoffs : list of int

    Examples
    --------
    >>> from sklstm.lstm._pretraining import adaptive_cutoffs
    >>> adaptive_cutoffs(20000), adaptive_cutoffs(100), adaptive_cutoffs(2)
    ([500, 2000, 8000], [25], [1])
    """
    cutoffs = []
    cutoff = min(500, max(1, n_classes // 4))
    while cutoff < n_classes - 1 and len(cutoffs) < 3:
        cutoffs.append(cutoff)
        cutoff *= 4
    return cutoffs or [max(1, n_classes - 1)]


def lm_windows(X, max_steps=LM_MAX_STEPS):
    """Cut each row of a right-padded id matrix into windows of at most ``max_steps`` ids.

    Windows with fewer than two ids (nothing to predict) are left out.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_steps)
        Token ids, ``0`` being padding.
    max_steps : int, default=100
        Width of the windows.

    Returns
    -------
    windows : ndarray of shape (n_windows, max_steps)
        The windows, right-padded with 0, in the order of the rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.lstm._pretraining import lm_windows
    >>> lm_windows(np.array([[2, 3, 4, 5, 6], [7, 0, 0, 0, 0]]), max_steps=2)
    array([[2, 3],
           [4, 5]])
    """
    X = np.asarray(X)
    width = max(int(sequence_lengths(X).max(initial=0)), 1)
    n_windows = -(-width // max_steps)
    padded = np.zeros((len(X), n_windows * max_steps), dtype=X.dtype)
    padded[:, :width] = X[:, :width]
    windows = padded.reshape(len(X) * n_windows, max_steps)
    return windows[(windows != 0).sum(axis=1) >= 2]


def _reverse_within_lengths(X, lengths):
    """Each row's first ``length`` ids reversed (batch-major), padding left in place."""
    steps = torch.arange(X.shape[1], device=X.device).unsqueeze(0)
    last = lengths.unsqueeze(1) - 1
    return X.gather(1, torch.where(steps <= last, last - steps, steps))


def encoder_weights(module):
    """The state-dict entries of ``module`` that language-model pretraining trains.

    The embedding and, of a unidirectional LSTM, the whole stack; of a
    bidirectional one, the first layer of each direction.

    Parameters
    ----------
    module : LSTMTextModule

    Returns
    -------
    weights : dict of str to ndarray
        CPU copies, by parameter name.
    """
    prefixes = ("embedding.", "forward_layers.0.", "backward_layers.0.") if (
        module.bidirectional) else ("embedding.", "lstm.")
    return {name: value.detach().cpu().numpy().copy()
            for name, value in module.state_dict().items() if name.startswith(prefixes)}


class LanguageModel(nn.Module):
    """Language-model heads on the embedding and LSTM of an :class:`~sklstm.lstm.LSTMTextModule`.

    The forward LSTM (the whole stack of a unidirectional module, else the
    first forward layer) predicts each next token; the first backward
    layer of a bidirectional module reads each row reversed within its
    length, as the module does, and so predicts each previous token. Each
    direction has its own :class:`torch.nn.AdaptiveLogSoftmaxWithLoss`.

    Parameters
    ----------
    encoder : LSTMTextModule
        The module whose embedding and LSTM are trained (in place). It must
        have no convolutional front-end.
    cutoffs : list of int or None, default=None
        Cutoffs of the adaptive softmax; None: :func:`adaptive_cutoffs` of
        the vocabulary size.
    dropout : float, default=0.1
        Dropout on the LSTM's outputs before the softmax.

    Examples
    --------
    >>> import torch
    >>> from sklstm.lstm import LSTMTextModule
    >>> from sklstm.lstm._pretraining import LanguageModel
    >>> _ = torch.manual_seed(0)
    >>> lm = LanguageModel(LSTMTextModule(num_embeddings=10, num_classes=2, embedding_dim=4,
    ...                                   hidden_size=3))
    >>> nll, n_tokens = lm(torch.tensor([[2, 3, 4], [5, 6, 0]]))
    >>> n_tokens  # 3 next and 3 previous tokens
    6
    """

    def __init__(self, encoder, *, cutoffs=None, dropout=_LM_DROPOUT):
        super().__init__()
        if encoder.conv is not None:
            raise ValueError("a language model cannot be trained through a convolutional "
                             "front-end (its window sees the tokens it would predict); use "
                             "conv_filters=None or pretraining='word2vec'")
        self.encoder = encoder
        n_classes = encoder.num_embeddings
        cutoffs = adaptive_cutoffs(n_classes) if cutoffs is None else list(cutoffs)
        self.directions = ("forward", "backward") if encoder.bidirectional else ("forward",)
        self.dropout = nn.Dropout(dropout)
        # Each cluster's projection is div_value times narrower than the last; at least 1 wide.
        size = encoder.hidden_size
        div_value = min(4.0, max(1.0, 0.99 * size ** (1 / len(cutoffs))))
        self.heads = nn.ModuleDict({
            _HEADS[direction]: nn.AdaptiveLogSoftmaxWithLoss(size, n_classes, cutoffs,
                                                             div_value=div_value)
            for direction in self.directions})

    def _lstm(self, direction):
        encoder = self.encoder
        if not encoder.bidirectional:
            return encoder.lstm
        return (encoder.forward_layers if direction == "forward" else encoder.backward_layers)[0]

    def forward(self, X):
        """Summed negative log-likelihood of the predicted tokens, and their number.

        Parameters
        ----------
        X : tensor of shape (batch, steps)
            Right-padded token ids.

        Returns
        -------
        nll : scalar tensor
            Sum over both directions and all predicted tokens.
        n_tokens : int
        """
        encoder = self.encoder
        X = encoder.known_ids(X)
        lengths = encoder.lengths(X)
        nll = X.new_zeros((), dtype=torch.float32)
        n_tokens = 0
        for direction in self.directions:
            ids = X if direction == "forward" else _reverse_within_lengths(X, lengths)
            ids = ids.t().contiguous()  # time-major, as the module runs its LSTMs
            out = self._lstm(direction)(encoder.embedding_dropout(encoder.embedding(ids)))[0]
            targets = ids[1:]
            real = targets != encoder.padding_idx
            if not bool(real.any()):
                continue
            hidden = self.dropout(out[:-1][real])
            result = self.heads[_HEADS[direction]](hidden, targets[real])
            nll = nll - result.output.sum()
            n_tokens += int(real.sum())
        return nll, n_tokens


def _progress(iterable, *, total, verbose, desc):
    if not verbose:
        return iterable
    from tqdm import tqdm  # a dependency of skorch

    return tqdm(iterable, total=total, desc=desc, leave=False)


def pretrain_language_model(module, X, *, epochs=1, lr=LM_LR, batch_size=LM_BATCH_SIZE,
                            max_steps=LM_MAX_STEPS, seed=0, device="cpu", verbose=0):
    """Train the embedding and LSTM of ``module`` as a language model on ``X``, in place.

    Adam, gradients clipped to norm 1; rows cut into windows of
    ``max_steps`` ids (:func:`lm_windows`), batched by similar length
    (:class:`~sklstm.lstm.BucketIterator`).

    Parameters
    ----------
    module : LSTMTextModule
        Without a convolutional front-end; moved to ``device``.
    X : ndarray of shape (n_samples, n_steps)
        Token ids, right-padded with 0.
    epochs : int, default=1
        Passes over the windows.
    lr : float, default=2e-3
        Adam's learning rate.
    batch_size : int, default=64
        Windows per batch.
    max_steps : int, default=100
        Most ids per window.
    seed : int, default=0
        Seeds the softmax heads, dropout and the batch order.
    device : str, default="cpu"
        Torch device.
    verbose : int, default=0
        1 or more: a progress bar per epoch, then a line with the epoch's
        loss, perplexity and speed.

    Returns
    -------
    history : list of dict
        One dict per epoch: ``epoch``, ``loss`` (mean negative
        log-likelihood per predicted token, both directions, with dropout),
        ``perplexity`` (``exp(loss)``), ``n_tokens`` (tokens predicted) and
        ``seconds``.

    Raises
    ------
    ValueError
        If no row has two tokens (nothing to predict).
    """
    windows = lm_windows(X, max_steps)
    if not len(windows):
        raise ValueError("language-model pretraining needs rows of at least 2 tokens; "
                         "every row of X has fewer")
    devices = [torch.device(device)] if str(device).startswith("cuda") else []
    history = []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        model = LanguageModel(module).to(device)
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.Adam(params, lr=lr)
        batches = BucketIterator(Dataset(windows), batch_size=batch_size, shuffle=True,
                                 random_state=np.random.default_rng(seed))
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            total = torch.zeros((), device=device)
            count = 0
            bar = _progress(batches, total=len(batches), verbose=verbose,
                            desc=f"pretraining epoch {epoch}/{epochs}")
            for Xb, _ in bar:
                nll, n_tokens = model(Xb.to(device))
                if not n_tokens:
                    continue
                optimizer.zero_grad()
                (nll / n_tokens).backward()
                nn.utils.clip_grad_norm_(params, _CLIP_GRAD_NORM)
                optimizer.step()
                total += nll.detach()
                count += n_tokens
                if verbose:
                    bar.set_postfix(loss=f"{float(total) / count:.4f}")
            seconds = time.perf_counter() - start
            loss = float(total) / count
            if not np.isfinite(loss):
                raise FloatingPointError(f"the language model's loss is {loss} in epoch "
                                         f"{epoch}; a lower learning rate may help")
            row = {"epoch": epoch, "loss": loss, "perplexity": float(np.exp(min(loss, 700))),
                   "n_tokens": count, "seconds": round(seconds, 3)}
            history.append(row)
            if verbose:
                print(f"pretraining (language model) epoch {epoch}/{epochs}: loss "
                      f"{loss:.4f}, perplexity {row['perplexity']:.1f}, {count:,} tokens in "
                      f"{seconds:.1f} s ({count / max(seconds, 1e-9):,.0f} tokens/s)",
                      flush=True)
    return history


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


def _pretrain(X, *, method, module_params, epochs, random_state, device="cpu", verbose=0):
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
        module = LSTMTextModule(**dict(module_params, num_classes=1, dropout=_LM_DROPOUT))
    history = pretrain_language_model(module, X, epochs=epochs, seed=seed, device=device,
                                      verbose=verbose)
    return PretrainingResult(weights=encoder_weights(module), embeddings=None, history=history)


def pretrain(X, *, method, module_params, epochs=None, random_state=None, device="cpu",
             verbose=0, memory=None):
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
    verbose : int, default=0
        1 or more: progress and a line per epoch.
    memory : str, joblib.Memory or None, default=None
        Cache of the results (a folder, or a ``joblib.Memory``), keyed by
        ``X``, ``method``, ``module_params``, ``epochs`` and
        ``random_state`` (not ``device`` or ``verbose``). None caches
        nothing.

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
    run = check_memory(memory).cache(_pretrain, ignore=["device", "verbose"])
    return run(np.ascontiguousarray(X), method=method, module_params=dict(module_params),
               epochs=int(epochs), random_state=None if random_state is None else
               int(random_state), device=str(device), verbose=verbose)
