"""Tests for sklstm.lstm._batching: lengths, bucketing, trimming, efficiency."""

import numpy as np
import pytest
import torch
from skorch.dataset import Dataset

from sklstm.lstm import BucketIterator, padding_efficiency, sequence_lengths


def padded(lengths, seed=0):
    rng = np.random.default_rng(seed)
    X = np.zeros((len(lengths), max(max(lengths), 1)), dtype=np.int32)
    for i, n in enumerate(lengths):
        X[i, :n] = rng.integers(2, 100, n)
    return X


def test_sequence_lengths_counts_to_last_token():
    X = np.array([[5, 0, 7, 0], [0, 0, 0, 0], [1, 2, 3, 4], [0, 0, 0, 9]])
    np.testing.assert_array_equal(sequence_lengths(X), [3, 0, 4, 4])


def test_sequence_lengths_zero_width_and_bad_shape():
    np.testing.assert_array_equal(sequence_lengths(np.zeros((3, 0), dtype=int)), [0, 0, 0])
    with pytest.raises(ValueError, match="2-D"):
        sequence_lengths(np.arange(4))


def test_padding_efficiency_counts_empty_rows_as_one_step():
    assert padding_efficiency([2, 2], [[0, 1]]) == 1.0
    assert padding_efficiency([0, 2], [[0, 1]]) == pytest.approx(3 / 4)


def test_sequential_iteration_keeps_order_and_trims():
    lengths = [3, 1, 5, 2, 0]
    X = padded(lengths)
    y = np.arange(5)
    batches = list(BucketIterator(Dataset(X, y), batch_size=2))
    assert [tuple(xb.shape) for xb, _ in batches] == [(2, 3), (2, 5), (1, 1)]
    np.testing.assert_array_equal(torch.cat([yb for _, yb in batches]).numpy(), y)
    np.testing.assert_array_equal(batches[1][0].numpy(), X[2:4, :5])


def test_shuffled_iteration_covers_every_row_once_with_tight_batches():
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 60, 500)
    X = padded(lengths)
    y = np.arange(500)
    it = BucketIterator(Dataset(X, y), batch_size=16, shuffle=True, pool_batches=8,
                        random_state=0)
    assert len(it) == 32
    seen = []
    for xb, yb in it:
        rows = yb.numpy()
        assert xb.shape[1] == lengths[rows].max()
        np.testing.assert_array_equal(xb.numpy(), X[rows, :xb.shape[1]])
        seen.extend(rows)
    assert sorted(seen) == list(range(500))


def test_shuffle_changes_between_passes_and_repeats_with_seed():
    X = padded(np.random.default_rng(2).integers(1, 30, 200))
    ds = Dataset(X, np.arange(200))

    def passes(seed):
        it = BucketIterator(ds, batch_size=8, shuffle=True, random_state=seed)
        return [np.concatenate(it.batch_indices()) for _ in range(2)]

    first, second = passes(0)
    assert not np.array_equal(first, second)
    again = passes(0)
    np.testing.assert_array_equal(first, again[0])
    np.testing.assert_array_equal(second, again[1])


def test_subset_of_dataset_is_unwrapped():
    X = padded([4, 1, 2, 3])
    subset = torch.utils.data.Subset(Dataset(X, np.arange(4)), [3, 1])
    (xb, yb), = BucketIterator(subset, batch_size=4)
    np.testing.assert_array_equal(yb.numpy(), [3, 1])
    np.testing.assert_array_equal(xb.numpy(), X[[3, 1], :3])


def test_missing_targets_give_placeholder():
    (xb, yb), = BucketIterator(Dataset(padded([2, 1]), None), batch_size=4)
    assert xb.shape == (2, 2) and yb.shape == (2,)


def test_rejects_bad_dataset_and_batch_size():
    with pytest.raises(TypeError, match="id matrix"):
        BucketIterator(torch.utils.data.TensorDataset(torch.zeros(2, 2)))
    with pytest.raises(ValueError, match="batch_size"):
        BucketIterator(Dataset(padded([1]), None), batch_size=0)


def test_bucketing_wastes_under_five_percent_on_review_like_lengths():
    # Review lengths are roughly log-normal; capped at 400 tokens like the default tokenizer.
    rng = np.random.default_rng(0)
    lengths = np.clip(rng.lognormal(5.2, 0.7, 25_000).astype(int), 5, 400)
    it = BucketIterator(Dataset(np.zeros((len(lengths), 1)), None), batch_size=64,
                        shuffle=True, random_state=0)
    it.lengths = lengths
    naive = padding_efficiency(lengths, [np.arange(i, min(i + 64, 25_000))
                                         for i in range(0, 25_000, 64)])
    bucketed = padding_efficiency(lengths, it.batch_indices())
    assert naive < 0.8
    assert bucketed >= 0.95


def test_dict_X_batches_the_weights_with_their_rows():
    ids = padded([3, 1, 2, 5])
    weights = np.array([0.5, 1.0, 2.0, 3.0], dtype=np.float32)
    it = BucketIterator(Dataset({"X": ids, "sample_weight": weights}, np.arange(4)),
                        batch_size=2, shuffle=True, random_state=0)
    seen = {}
    for xb, yb in it:
        assert set(xb) == {"X", "sample_weight"}
        assert xb["X"].shape[1] == (xb["X"] != 0).sum(axis=1).max()  # trimmed
        for row, w in zip(yb.tolist(), xb["sample_weight"].tolist(), strict=True):
            seen[row] = w
    assert seen == dict(enumerate(weights.tolist()))
