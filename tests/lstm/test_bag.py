"""Tests for sklstm.lstm._bag: the bag of hashed n-grams and its naive-Bayes prior."""

import pickle
import warnings

import numpy as np
import pytest
import torch

from sklstm.lstm import BagOfNgrams


def make_bag(max_n=2, seed=0, **kwargs):
    """A bag with random (not zero) weights, so that every n-gram counts."""
    bag = BagOfNgrams(num_embeddings=50, num_classes=3, max_n=max_n, n_buckets=97, **kwargs)
    torch.manual_seed(seed)
    with torch.no_grad():
        for table in bag.parameters():
            table.normal_()
        if bag.ngrams is not None:
            bag.ngrams.weight[0] = 0.0
    return bag


def test_bag_starts_at_zero_and_module_logits_include_it(make_module, ragged_batch):
    bag = BagOfNgrams(num_embeddings=50, num_classes=3)
    X = ragged_batch([5, 2])
    assert torch.count_nonzero(bag(X)) == 0
    module = make_module(bag_ngrams=2)
    assert isinstance(module.bag, BagOfNgrams) and make_module().bag is None
    with torch.no_grad():
        plain = module(X)
        module.bag.unigrams.weight[X[0, 0]] += 1.0
        moved = module(X)
    # Only the row holding that id moves, by scale / sqrt(5 unigrams + 4 bigrams).
    torch.testing.assert_close(moved[0] - plain[0], torch.full((3,), 10.0 / 3.0))
    torch.testing.assert_close(moved[1], plain[1])


@pytest.mark.parametrize("max_n", [1, 2, 3])
def test_bag_padding_never_counts(ragged_batch, max_n):
    bag = make_bag(max_n)
    lengths = [7, 1, 4, 2]
    X = ragged_batch(lengths, width=10)
    with torch.no_grad():
        single = torch.cat([bag(X[i:i + 1, :n]) for i, n in enumerate(lengths)])
        torch.testing.assert_close(bag(X), single)
        torch.testing.assert_close(bag(torch.zeros((2, 4), dtype=torch.long)),
                                   torch.zeros((2, 3)))


@pytest.mark.parametrize("max_n", [1, 2, 3])
def test_bag_contributions_add_up_to_its_logits(ragged_batch, max_n):
    bag = make_bag(max_n)
    X = ragged_batch([6, 1, 3], width=8)
    with torch.no_grad():
        shares = bag.contributions(X)
        torch.testing.assert_close(shares.sum(dim=1), bag(X))
    assert torch.count_nonzero(shares[1, 1:]) == 0  # padding gets no share


def test_bag_reads_word_order_only_with_ngrams():
    X = torch.tensor([[5, 6, 7, 8], [8, 7, 6, 5]])
    with torch.no_grad():
        unigrams = make_bag(1)(X)
        bigrams = make_bag(2)(X)
    torch.testing.assert_close(unigrams[0], unigrams[1])
    assert not torch.allclose(bigrams[0], bigrams[1])


def naive_bayes_ratios(texts, Y, weights, n_uni, n_buckets, alpha=1.0):
    """Wang and Manning's r per class, one text at a time, from sets of n-gram rows."""
    n_rows = n_uni + n_buckets
    with_class, total = np.zeros((n_rows, Y.shape[1])), np.zeros(n_rows)
    for grams, labels, w in zip(texts, Y, weights, strict=True):
        for row in set(grams):
            with_class[row] += w * labels
            total[row] += w
    p = with_class + alpha
    q = total[:, None] - with_class + alpha
    return np.log(p / p.sum(0)) - np.log(q / q.sum(0))


@pytest.mark.parametrize("max_n", [1, 2, 3])
def test_bag_prior_is_the_naive_bayes_log_count_ratio(ragged_batch, max_n):
    X = ragged_batch([6, 1, 4, 6, 3], width=8, seed=3)
    X[3, :6] = X[0, :6]  # a repeated text, and n-grams repeated inside one
    X[0, 4] = X[0, 1]
    Y = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 1]],
                     dtype=torch.float32)
    weights = torch.tensor([1.0, 2.0, 0.5, 1.0, 0.0])
    bag = BagOfNgrams(num_embeddings=50, num_classes=3, max_n=max_n, n_buckets=97, prior=True,
                      scale=1.0)
    bag.fit_prior(X, Y, weights, batch_size=2)  # counted in batches all the same
    # The n-grams' rows, by hand: an n-gram's polynomial hash of its ids.
    texts = []
    for row in X.tolist():
        ids = [i for i in row if i != 0]
        grams = list(ids)
        for n in range(2, max_n + 1):
            for start in range(len(ids) - n + 1):
                code = 0
                for i in ids[start:start + n]:
                    code = (code * BagOfNgrams._BASE + i) % BagOfNgrams._MODULUS
                grams.append(50 + code % 97)
        texts.append(grams)
    expected = naive_bayes_ratios(texts, Y.numpy(), weights.numpy(), 50,
                                  97 if max_n > 1 else 0)
    np.testing.assert_allclose(bag.unigram_prior.numpy(), expected[:50], rtol=1e-5, atol=1e-6)
    if max_n > 1:
        np.testing.assert_allclose(bag.ngram_prior[1:].numpy(), expected[50:], rtol=1e-5,
                                   atol=1e-6)
        assert torch.count_nonzero(bag.ngram_prior[0]) == 0
    # The factors scale the rows: the bag equals a plain one with the products as weights.
    bag = make_bag(max_n, prior=True)
    bag.fit_prior(X, Y, weights)
    plain = make_bag(max_n)
    with torch.no_grad():
        plain.unigrams.weight.mul_(bag.unigram_prior)
        if max_n > 1:
            plain.ngrams.weight.mul_(bag.ngram_prior)
        torch.testing.assert_close(bag(X), plain(X))
        torch.testing.assert_close(bag.contributions(X), plain.contributions(X))


def test_bag_prior_starts_neutral_is_saved_and_needs_prior(make_module, ragged_batch):
    bag = make_bag(2, prior=True)
    X = ragged_batch([5, 3])
    with torch.no_grad():
        torch.testing.assert_close(bag(X), make_bag(2)(X))  # factors of 1 until fitted
    assert {"unigram_prior", "ngram_prior"} <= set(bag.state_dict())
    assert not {"unigram_prior", "ngram_prior"} & set(make_bag(2).state_dict())
    with pytest.raises(ValueError, match="built with prior=False"):
        make_bag(2).fit_prior(X, torch.eye(2, 3))
    with pytest.raises(ValueError, match=r"Y of shape \(n_samples, 3\).*got \(2, 5\), \(2, 2\)"):
        bag.fit_prior(X, torch.eye(2))
    with pytest.raises(ValueError, match=r"sample_weight .*\(3,\)$"):
        bag.fit_prior(X, torch.eye(2, 3), torch.ones(3))
    module = make_module(bag_ngrams=2, bag_prior=True)
    module.fit_bag_prior(torch.tensor([[2, 3, 70]]), torch.tensor([[1.0, 0.0, 0.0]]))
    # An id beyond the vocabulary is counted as the unknown id 1, as forward reads it.
    assert module.bag.unigram_prior[1, 0] == module.bag.unigram_prior[2, 0] > 0
    make_module(bag_ngrams=2).fit_bag_prior(X, torch.eye(2, 3))  # no prior: nothing to do
    # A read-only array (as sklearn's checks pass) is read without torch's warning.
    frozen = np.array([[2, 3, 70]])
    frozen.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = make_module(bag_ngrams=2, bag_prior=True).fit_bag_prior(
            frozen, torch.tensor([[1.0, 0.0, 0.0]]))
    torch.testing.assert_close(again.bag.unigram_prior, module.bag.unigram_prior)


def test_bag_pickled_before_the_prior_loads_without_one(ragged_batch):
    bag = make_bag(2)
    del bag.prior, bag._buffers["unigram_prior"], bag._buffers["ngram_prior"]  # sklstm 0.3.0
    restored = pickle.loads(pickle.dumps(bag))
    X = ragged_batch([4, 2])
    assert restored.prior is False
    with torch.no_grad():
        torch.testing.assert_close(restored(X), make_bag(2)(X))


def test_bag_rejects_bad_sizes():
    with pytest.raises(ValueError, match="max_n and n_buckets must be >= 1, got 0"):
        BagOfNgrams(num_embeddings=5, num_classes=2, max_n=0)
