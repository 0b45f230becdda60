"""Length-aware batching of padded id matrices.

An id matrix from :class:`~sklstm.TextTokenizer` is right-padded with ``0``
up to the longest row of the call. Feeding it to an LSTM as is would spend
most of the time on padding, since review lengths vary tenfold. This module
holds the iterator that skorch uses instead of a ``DataLoader``: it groups
rows of similar length into the same batch (bucketing) and trims every batch
to its own longest row, so that nearly every time step computed is a real
token. It also holds the small helpers that measure how well that works.
"""

import numpy as np
import torch

from .._utils.validation import check_positive_int

__all__ = ["BucketIterator", "padding_efficiency", "sequence_lengths"]


def n_batches(n_samples, batch_size):
    """Number of batches of at most ``batch_size`` rows that ``n_samples`` rows make."""
    return -(-n_samples // batch_size)


def sequence_lengths(X):
    """Number of time steps of each row of a right-padded id matrix.

    The length of a row is the position of its last non-padding id plus one,
    so padding ids (``0``) that stand *between* tokens are counted as part of
    the row. Rows of all padding have length ``0``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_steps)
        Integer ids, ``0`` being padding.

    Returns
    -------
    lengths : ndarray of shape (n_samples,), dtype int64

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.lstm import sequence_lengths
    >>> sequence_lengths(np.array([[5, 3, 0, 0], [0, 0, 0, 0], [4, 0, 7, 0]]))
    array([2, 0, 3])
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-D id matrix, got an array of shape {X.shape}")
    if X.shape[1] == 0:
        return np.zeros(X.shape[0], dtype=np.int64)
    nonzero = X != 0
    # Index of the last non-zero entry, found as the first one of the reversed row.
    last = X.shape[1] - np.argmax(nonzero[:, ::-1], axis=1)
    return np.where(nonzero.any(axis=1), last, 0).astype(np.int64)


def padding_efficiency(lengths, batches):
    """Share of computed time steps that are real tokens.

    Each batch is computed up to its own longest row; rows of length ``0``
    still cost one step.

    Parameters
    ----------
    lengths : array-like of shape (n_samples,)
        Row lengths, as returned by :func:`sequence_lengths`.
    batches : iterable of array-like of int
        Row indices of each batch.

    Returns
    -------
    efficiency : float
        ``sum(real steps) / sum(computed steps)``, in ``(0, 1]``.

    Examples
    --------
    >>> from sklstm.lstm import padding_efficiency
    >>> padding_efficiency([3, 1, 2, 2], [[0, 1], [2, 3]])
    0.8
    """
    lengths = np.maximum(np.asarray(lengths, dtype=np.int64), 1)
    real = computed = 0
    for batch in batches:
        batch_lengths = lengths[np.asarray(batch)]
        real += int(batch_lengths.sum())
        computed += int(batch_lengths.max()) * len(batch_lengths)
    return real / computed if computed else 1.0


def _dataset_arrays(dataset):
    """Return the ``(X, y)`` arrays behind a skorch or torch dataset.

    skorch hands its iterators a :class:`skorch.dataset.Dataset`, possibly
    wrapped in a :class:`torch.utils.data.Subset`. Reading the arrays behind
    them lets the iterator slice whole batches at once instead of gathering
    rows one ``__getitem__`` at a time.
    """
    indices = None
    while isinstance(dataset, torch.utils.data.Subset):
        sub = np.asarray(dataset.indices)
        indices = sub if indices is None else sub[indices]
        dataset = dataset.dataset
    X = getattr(dataset, "X", None)
    y = getattr(dataset, "y", None)
    if X is None:
        raise TypeError(
            "BucketIterator needs a dataset holding an id matrix in its `X` attribute "
            f"(such as skorch.dataset.Dataset); got {type(dataset).__name__}"
        )
    X = {k: _as_array(v) for k, v in X.items()} if isinstance(X, dict) else _as_array(X)
    if y is not None:
        y = _as_array(y)
    if indices is not None:
        X = {k: v[indices] for k, v in X.items()} if isinstance(X, dict) else X[indices]
        y = None if y is None else y[indices]
    return X, y


def _as_array(values):
    return values.numpy() if isinstance(values, torch.Tensor) else np.asarray(values)


class BucketIterator:
    """Iterate over an id matrix in batches of similar length, trimmed.

    skorch creates this iterator (as ``iterator_train`` and
    ``iterator_valid``) with a dataset, the batch size and ``shuffle``.

    With ``shuffle=True`` (training) each pass shuffles the rows, cuts the
    shuffled order into pools of ``batch_size * pool_batches`` rows, sorts
    every pool by length, cuts it into batches and shuffles the order of all
    batches. Batches thus hold rows of similar length while staying random
    from one epoch to the next.

    With ``shuffle=False`` (validation and prediction) rows come in their
    original order, which skorch relies on to line predictions up with
    targets; callers that want tight batches sort the rows by length first.

    In both modes each batch is trimmed to its longest row.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch.utils.data.Subset of one
        Holds the id matrix ``X`` and, optionally, the targets ``y``. ``X``
        may also be a dict with the id matrix under ``"X"`` and other
        per-row arrays (such as ``"sample_weight"``), which are batched
        alongside: each batch is then such a dict of tensors.
    batch_size : int, default=64
        Rows per batch.
    shuffle : bool, default=False
        Whether to bucket and shuffle (training) or keep the order.
    pool_batches : int, default=50
        How many batches' worth of rows are sorted together when shuffling.
        Larger pools make batches more uniform in length and less random.
    random_state : int, numpy Generator or None, default=None
        Seeds the shuffling. The iterator keeps its generator between
        passes, so each epoch sees a new order, the same from run to run.

    Attributes
    ----------
    lengths : ndarray of shape (n_samples,)
        Length of each row.

    Examples
    --------
    >>> import numpy as np
    >>> from skorch.dataset import Dataset
    >>> from sklstm.lstm import BucketIterator
    >>> X = np.array([[3, 4, 0], [5, 0, 0], [6, 7, 8], [9, 0, 0]])
    >>> it = BucketIterator(Dataset(X, np.zeros(4)), batch_size=2)
    >>> [tuple(xb.shape) for xb, yb in it]
    [(2, 2), (2, 3)]
    """

    def __init__(self, dataset, batch_size=64, shuffle=False, pool_batches=50,
                 random_state=None):
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.X, self.y = _dataset_arrays(dataset)
        self.ids = self.X["X"] if isinstance(self.X, dict) else self.X
        self.shuffle = shuffle
        self.pool_batches = pool_batches
        self.rng = np.random.default_rng(random_state)
        self.lengths = sequence_lengths(self.ids)

    def __len__(self):
        return n_batches(len(self.ids), self.batch_size)

    def batch_indices(self):
        """Row indices of each batch of the next pass, in order.

        Returns
        -------
        batches : list of ndarray of int
        """
        n, size = len(self.ids), self.batch_size
        if not self.shuffle:
            return [np.arange(start, min(start + size, n)) for start in range(0, n, size)]
        order = self.rng.permutation(n)
        pool = size * max(int(self.pool_batches), 1)
        batches = []
        for start in range(0, n, pool):
            chunk = order[start:start + pool]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches.extend(chunk[i:i + size] for i in range(0, len(chunk), size))
        return [batches[i] for i in self.rng.permutation(len(batches))]

    def __iter__(self):
        for idx in self.batch_indices():
            width = max(int(self.lengths[idx].max()), 1)
            Xb = torch.from_numpy(np.ascontiguousarray(self.ids[idx, :width]))
            if isinstance(self.X, dict):
                Xb = {key: Xb if key == "X" else torch.from_numpy(np.ascontiguousarray(v[idx]))
                      for key, v in self.X.items()}
            if self.y is None:
                yb = torch.zeros(len(idx))
            else:
                yb = torch.from_numpy(np.ascontiguousarray(self.y[idx]))
            yield Xb, yb
