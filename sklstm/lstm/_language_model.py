"""Language-model pretraining: the embedding and LSTM of a network learn to predict words.

:func:`pretrain_language_model` trains the embedding and the LSTM of an
:class:`~sklstm.lstm.LSTMTextModule` as a language model
(:class:`LanguageModel`): the forward direction predicts the next token, the
backward direction of a bidirectional LSTM the previous one, each through an
adaptive softmax (:func:`adaptive_cutoffs`). Rows are cut into windows of at
most ``max_steps`` tokens (:func:`lm_windows`) and batched by length. The
trained weights (:func:`encoder_weights`) start the classifier.

The language model uses the module's own LSTM, so the weights transfer as
they are. Only what cannot see the word it predicts is pretrained: the
embedding and the whole stack of a unidirectional LSTM, but only the first
layer of a bidirectional stack (each further layer reads both directions of
the layer below), and no convolutional front-end (its window reaches ahead).
"""

import time

import numpy as np
import torch
from skorch.dataset import Dataset
from torch import nn

from .._utils.progress import interactive, progress_bar
from .._utils.torch import autocast, precision_dtype
from ._batching import BucketIterator, sequence_lengths

__all__ = ["LM_BATCH_SIZE", "LM_DROPOUT", "LM_LR", "LM_MAX_STEPS", "LanguageModel",
           "adaptive_cutoffs", "encoder_weights", "lm_windows", "pretrain_language_model"]

#: Most tokens of one language-model window (truncated back-propagation).
LM_MAX_STEPS = 100
#: Windows per language-model batch.
LM_BATCH_SIZE = 64
#: Adam's learning rate for the language model.
LM_LR = 2e-3
#: Dropout on the LSTM's outputs before the language model's softmax.
LM_DROPOUT = 0.1
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
    >>> from sklstm.lstm._language_model import adaptive_cutoffs
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
    >>> from sklstm.lstm._language_model import lm_windows
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
    >>> from sklstm.lstm._language_model import LanguageModel
    >>> _ = torch.manual_seed(0)
    >>> lm = LanguageModel(LSTMTextModule(num_embeddings=10, num_classes=2, embedding_dim=4,
    ...                                   hidden_size=3))
    >>> nll, n_tokens = lm(torch.tensor([[2, 3, 4], [5, 6, 0]]))
    >>> n_tokens  # 3 next and 3 previous tokens
    6
    """

    def __init__(self, encoder, *, cutoffs=None, dropout=LM_DROPOUT):
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
            nll = nll - result.output.float().sum()
            n_tokens += int(real.sum())
        return nll, n_tokens


def _progress(iterable, *, total, verbose, desc):
    """The batches, behind a progress bar where one belongs (verbose, watched live)."""
    if not (verbose and interactive()):
        return iterable
    return progress_bar(iterable, total=total, desc=desc, leave=False)


def pretrain_language_model(module, X, *, epochs=1, lr=LM_LR, batch_size=LM_BATCH_SIZE,
                            max_steps=LM_MAX_STEPS, seed=0, device="cpu", precision="float32",
                            verbose=0):
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
    precision : {'auto', 'float32', 'bfloat16'}, default='float32'
        Precision of the forward passes (bfloat16 autocast or float32, see
        :func:`~sklstm._utils.torch.precision_dtype`); the loss and the
        weights stay float32.
    verbose : int, default=0
        1 or more: a line with each epoch's loss, perplexity and speed, and
        in a terminal or a notebook a progress bar during the epoch.

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
    dtype = precision_dtype(precision, device)
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
                with autocast(device, dtype):
                    nll, n_tokens = model(Xb.to(device))
                nll = nll.float()
                if not n_tokens:
                    continue
                optimizer.zero_grad()
                (nll / n_tokens).backward()
                nn.utils.clip_grad_norm_(params, _CLIP_GRAD_NORM)
                optimizer.step()
                total += nll.detach()
                count += n_tokens
                if hasattr(bar, "set_postfix"):
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
