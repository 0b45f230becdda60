"""Fixtures of the tests of sklstm.lstm."""

import numpy as np
import pytest
import torch

from sklstm.lstm import LSTMTextModule


def _ragged_batch(lengths, width=None, seed=0):
    """Right-padded random ids (2..49), one row of each length."""
    rng = np.random.default_rng(seed)
    width = width or max(lengths)
    X = np.zeros((len(lengths), width), dtype=np.int64)
    for i, n in enumerate(lengths):
        X[i, :n] = rng.integers(2, 50, n)
    return torch.from_numpy(X)


@pytest.fixture
def ragged_batch():
    """``ragged_batch(lengths, width=None, seed=0)``: right-padded random ids, rows of those
    lengths."""
    return _ragged_batch


def _make_module(**kwargs):
    """A small LSTMTextModule in eval mode, its weights seeded."""
    torch.manual_seed(0)
    params = dict(num_embeddings=50, num_classes=3, embedding_dim=8, hidden_size=6)
    params.update(kwargs)
    return LSTMTextModule(**params).eval()


@pytest.fixture
def make_module():
    """``make_module(**kwargs)``: a small seeded LSTMTextModule (50 ids, 3 classes) in eval mode."""
    return _make_module


def _groups_data(n=200, seed=0, width=12, words=range(10)):
    """Rows of one group's words: ids 10-19 (group 0) or 20-29 (group 1), with filler 2-9.

    Each row uses words of one group only (those of ``words``, 0-9, within
    it), so the groups are learnable from co-occurrence alone; the label is
    the group.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = np.zeros((n, width), dtype=np.int64)
    for i in range(n):
        length = rng.integers(4, width + 1)
        row = 10 + 10 * y[i] + rng.choice(np.asarray(words), length)
        filler = rng.random(length) < 0.3
        X[i, :length] = np.where(filler, rng.integers(2, 10, length), row)
    return X, y


@pytest.fixture
def groups_data():
    """``groups_data(n=200, seed=0, width=12, words=range(10))``: id rows of one of two word
    groups each, and the group as label (learnable from co-occurrence alone)."""
    return _groups_data
