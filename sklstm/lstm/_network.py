"""PyTorch modules behind :class:`~sklstm.LSTMClassifier`.

:class:`LSTMTextModule` maps a right-padded batch of token ids to class
logits: embedding, a stack of (bidirectional) LSTM layers, pooling over
time, dropout and a linear layer, and beside them, optionally, the
:class:`~sklstm.lstm.BagOfNgrams` of ``_bag.py``.

Padding never reaches a result. The forward direction reads padding only
after a row's last token, where its outputs are masked out. The backward
direction runs over each row reversed *within its own length*, so that it,
too, starts on the row's last real token and meets padding only at the end.
This gives the exact results of ``PackedSequence`` without packing, whose
backward pass is very slow on the CPU for long sequences.

The optional convolutional front-end keeps this property: the word vectors
beyond a row's end are zero, as the zero padding of a lone text is, and
its outputs there are zeroed again before the LSTM reads them.
"""

import numpy as np
import torch
from torch import nn

from ._bag import BagOfNgrams

__all__ = ["LSTMTextModule", "POOLING_OPTIONS"]

POOLING_OPTIONS = ("last", "max", "mean", "attention")


def _reverse_index(lengths, n_steps):
    """Time-major index that reverses each row's first ``length`` steps, leaving padding.

    Reversing twice is the identity, so the same index maps the outputs of the
    backward direction back to the original order.
    """
    steps = torch.arange(n_steps, device=lengths.device).unsqueeze(1)
    return torch.where(steps < lengths, lengths - 1 - steps, steps)


def _gather_steps(h, index):
    """``h[index[t, b], b]`` for a (steps, batch, features) tensor."""
    return h.gather(0, index.unsqueeze(-1).expand(-1, -1, h.shape[-1]))


class LSTMTextModule(nn.Module):
    """Embedding, LSTM stack, pooling and linear output over padded ids.

    Parameters
    ----------
    num_embeddings : int
        Vocabulary size, padding and unknown included. Ids at or beyond it
        are read as ``unknown_idx``.
    num_classes : int
        Number of output logits.
    embedding_dim : int, default=128
        Width of the word vectors.
    hidden_size : int, default=128
        Width of each LSTM direction.
    num_layers : int, default=1
        Number of stacked LSTM layers.
    bidirectional : bool, default=True
        Whether each layer also reads the text backwards.
    dropout : float, default=0.0
        Dropout between LSTM layers and before the output layer.
    embedding_dropout : float, default=0.0
        Dropout on the word vectors.
    pooling : {'last', 'max', 'mean', 'attention'}, default='max'
        How the per-step outputs become one vector per text: the final states
        of both directions, the maximum or mean over the real steps, or a
        learned attention-weighted mean.
    padding_idx : int, default=0
        Id of padding; its vector is zero and never trained.
    unknown_idx : int, default=1
        Id that replaces ids outside the vocabulary.
    embeddings : array-like of shape (n_rows, embedding_dim) or None, default=None
        Initial word vectors for ids ``0 .. n_rows - 1`` (``n_rows`` at most
        ``num_embeddings``; further rows keep their random start). The
        padding row is set to zero.
    freeze_embeddings : bool, default=False
        Keep the word vectors fixed during training.
    conv_filters : int or None, default=None
        If set, a 1-D convolution with this many filters (same padding, ReLU)
        runs over the word vectors before the LSTM, as in a CNN-LSTM.
    conv_kernel_size : int, default=5
        Width of the convolution's window, in tokens.
    bag_ngrams : int or None, default=None
        If set, a :class:`BagOfNgrams` over the ids' n-grams of up to this
        length adds its linear logits to the LSTM's (a wide-and-deep net).
    bag_buckets : int, default=2**20
        Hash buckets of the bag's n-grams longer than one id.
    bag_prior : bool, default=False
        Whether the bag's rows are scaled by naive-Bayes factors
        (:meth:`fit_bag_prior` sets them; 1 until then).

    Examples
    --------
    >>> import torch
    >>> from sklstm.lstm import LSTMTextModule
    >>> _ = torch.manual_seed(0)
    >>> module = LSTMTextModule(num_embeddings=10, num_classes=2, embedding_dim=4,
    ...                         hidden_size=3)
    >>> module(torch.tensor([[2, 3, 4], [5, 0, 0]])).shape
    torch.Size([2, 2])
    """

    def __init__(self, *, num_embeddings, num_classes, embedding_dim=128,
                 hidden_size=128, num_layers=1, bidirectional=True, dropout=0.0,
                 embedding_dropout=0.0, pooling="max", padding_idx=0, unknown_idx=1,
                 embeddings=None, freeze_embeddings=False, conv_filters=None,
                 conv_kernel_size=5, bag_ngrams=None, bag_buckets=2**20, bag_prior=False):
        super().__init__()
        if pooling not in POOLING_OPTIONS:
            raise ValueError(f"pooling must be one of {POOLING_OPTIONS}, got {pooling!r}")
        if conv_filters is not None and (conv_filters < 1 or conv_kernel_size < 1):
            raise ValueError(f"conv_filters and conv_kernel_size must be >= 1, got "
                             f"{conv_filters} and {conv_kernel_size}")
        self.num_embeddings = num_embeddings
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.padding_idx = padding_idx
        self.unknown_idx = unknown_idx
        self.hidden_size = hidden_size

        self.embedding = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
        if embeddings is not None:
            self._load_embeddings(embeddings)
        self.embedding.weight.requires_grad_(not freeze_embeddings)
        self.embedding_dropout = nn.Dropout(embedding_dropout)
        self.dropout = nn.Dropout(dropout)
        self.conv = None
        lstm_input_size = embedding_dim
        if conv_filters is not None:
            # "Same" padding, the odd one on the right for even kernels (as
            # torch's padding="same", which warns about even kernels).
            self.conv = nn.Conv1d(embedding_dim, conv_filters, conv_kernel_size)
            self.conv_padding = ((conv_kernel_size - 1) // 2, conv_kernel_size // 2)
            lstm_input_size = conv_filters
        if bidirectional:
            # One unidirectional LSTM per direction and layer: the backward one
            # reads rows reversed within their lengths (see module docstring).
            self.forward_layers = nn.ModuleList()
            self.backward_layers = nn.ModuleList()
            input_size = lstm_input_size
            for _ in range(num_layers):
                self.forward_layers.append(nn.LSTM(input_size, hidden_size))
                self.backward_layers.append(nn.LSTM(input_size, hidden_size))
                input_size = 2 * hidden_size
        else:
            self.lstm = nn.LSTM(lstm_input_size, hidden_size, num_layers=num_layers,
                                dropout=dropout if num_layers > 1 else 0.0)
        out_size = hidden_size * (2 if bidirectional else 1)
        if pooling == "attention":
            self.attention = nn.Sequential(
                nn.Linear(out_size, out_size), nn.Tanh(), nn.Linear(out_size, 1, bias=False)
            )
        self.output = nn.Linear(out_size, num_classes)
        self.bag = None if bag_ngrams is None else BagOfNgrams(
            num_embeddings=num_embeddings, num_classes=num_classes, max_n=bag_ngrams,
            n_buckets=bag_buckets, padding_idx=padding_idx, prior=bag_prior)

    def _load_embeddings(self, embeddings):
        weights = torch.as_tensor(np.asarray(embeddings, dtype=np.float32))
        table = self.embedding.weight
        if weights.ndim != 2 or weights.shape[1] != table.shape[1] or (
                weights.shape[0] > table.shape[0]):
            raise ValueError(f"embeddings must have shape (n_rows, {table.shape[1]}) with "
                             f"n_rows <= {table.shape[0]}, got {tuple(weights.shape)}")
        with torch.no_grad():
            table[:len(weights)] = weights
            table[self.padding_idx] = 0.0

    def known_ids(self, X):
        """``X`` as int64 ids, those at or beyond ``num_embeddings`` read as ``unknown_idx``."""
        X = X.long()
        return X.masked_fill(X >= self.num_embeddings, self.unknown_idx)

    def fit_bag_prior(self, X, Y, sample_weight=None):
        """Set the bag's naive-Bayes factors from training texts (:meth:`BagOfNgrams.fit_prior`).

        Does nothing without a bag, or with a bag built without ``prior``.
        ``X`` holds ids (any beyond the vocabulary are read as unknown), ``Y``
        0/1 columns of classes; returns self.
        """
        if self.bag is not None and self.bag.prior:
            if isinstance(X, np.ndarray) and not X.flags.writeable:
                X = X.copy()  # torch warns on a read-only array (as sklearn's checks pass)
            X = self.known_ids(torch.as_tensor(X, device=self.output.weight.device))
            self.bag.fit_prior(X, Y, sample_weight)
        return self

    def lengths(self, X):
        """Length of each row: position of its last non-padding id plus one, at least 1."""
        steps = torch.arange(1, X.shape[1] + 1, device=X.device)
        return ((X != self.padding_idx) * steps).amax(dim=1).clamp_(min=1)

    def encode(self, X, lengths, *, paired=True):
        """Per-step outputs of the LSTM stack, time-major.

        Returns the parts whose concatenation along the last axis is the last
        layer's output, each of shape (steps, batch, hidden_size): the
        forward and, if bidirectional, the backward direction. With
        ``paired=False`` the backward part is left in its own order, each row
        reversed within its length: the real steps still fill
        ``[0, length)``, which is all that order-free pooling (max, mean,
        last) needs, and a gather and its backward scatter are saved.
        Pooling each part on its own also saves concatenating them.
        """
        # Time-major: the layout the LSTM kernels read, so they copy nothing.
        ids = X.t().contiguous()
        h = self.embedding_dropout(self.embedding(ids))
        if self.conv is not None:
            real = (torch.arange(X.shape[1], device=X.device).unsqueeze(1)
                    < lengths).unsqueeze(-1)
            h = h * real  # beyond a row's end the convolution must see zeros
            h = nn.functional.pad(h.permute(1, 2, 0), self.conv_padding)
            h = torch.relu(self.conv(h)).permute(2, 0, 1) * real
        if not self.bidirectional:
            return [self.lstm(h)[0]]
        reverse = _reverse_index(lengths, X.shape[1])
        # Without dropout or convolution on the word vectors, the first backward
        # layer can embed the reversed ids: a cheap lookup instead of a gather.
        reverse_ids = self.conv is None and (
            not self.training or self.embedding_dropout.p == 0)
        n_layers = len(self.forward_layers)
        for i, (fwd, bwd) in enumerate(zip(self.forward_layers, self.backward_layers, strict=True)):
            if i:
                h = self.dropout(h)
            if i == 0 and reverse_ids:
                h_reversed = self.embedding(ids.gather(0, reverse))
            else:
                h_reversed = _gather_steps(h, reverse)
            out_f = fwd(h)[0]
            out_b = bwd(h_reversed)[0]
            if paired or i < n_layers - 1:
                out_b = _gather_steps(out_b, reverse)
            if i < n_layers - 1:
                h = torch.cat([out_f, out_b], dim=-1)
        return [out_f, out_b]

    def pool(self, parts, lengths, *, paired=True):
        """One vector per row from the outputs at its real steps.

        ``parts`` and ``paired`` are as :meth:`encode` returns and was given.
        """
        n_steps = parts[0].shape[0]
        mask = torch.arange(n_steps, device=lengths.device).unsqueeze(1) < lengths
        if self.pooling == "attention":
            out = torch.cat(parts, dim=-1) if len(parts) > 1 else parts[0]
            scores = self.attention(out).squeeze(-1).masked_fill(~mask, float("-inf"))
            weights = torch.softmax(scores, dim=0).unsqueeze(-1)
            return (weights * out).sum(dim=0)
        rows = torch.arange(len(lengths), device=lengths.device)
        pooled = []
        for i, out in enumerate(parts):
            if self.pooling == "last":
                # The backward direction, in the original order, ends at the first step.
                pooled.append(out[0] if i and paired else out[lengths - 1, rows])
            elif self.pooling == "max":
                if torch.is_grad_enabled():
                    # Adding -inf at padding costs one pass, and its backward none;
                    # max's indices make the backward a cheap scatter.
                    bias = torch.zeros(mask.shape, dtype=out.dtype, device=out.device)
                    bias.masked_fill_(~mask, float("-inf"))
                    pooled.append((out + bias.unsqueeze(-1)).max(dim=0).values)
                else:  # in place, and amax: ten times faster than max with indices
                    pooled.append(out.masked_fill_(~mask.unsqueeze(-1), float("-inf"))
                                  .amax(dim=0))
            else:
                total = (out * mask.unsqueeze(-1)).sum(dim=0)
                pooled.append(total / lengths.unsqueeze(1).to(out.dtype))
        return torch.cat(pooled, dim=-1) if len(pooled) > 1 else pooled[0]

    def forward(self, X):
        """Class logits, shape (batch, num_classes), for a batch of ids."""
        X = self.known_ids(X)
        lengths = self.lengths(X)
        paired = self.pooling == "attention"  # the others do not depend on step order
        pooled = self.pool(self.encode(X, lengths, paired=paired), lengths, paired=paired)
        logits = self.output(self.dropout(pooled))
        return logits if self.bag is None else logits + self.bag(X)

    def __setstate__(self, state):
        super().__setstate__(state)
        if "bag" not in self._modules and "bag" not in self.__dict__:
            self.bag = None  # pickled by sklstm 0.2.0, before the bag existed
