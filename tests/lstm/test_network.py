"""Tests for sklstm.lstm._network: padding never changes a result."""

import itertools
import pickle
import warnings

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from sklstm.lstm import POOLING_OPTIONS, BagOfNgrams, LSTMTextModule


def make_module(**kwargs):
    torch.manual_seed(0)
    params = dict(num_embeddings=50, num_classes=3, embedding_dim=8, hidden_size=6)
    params.update(kwargs)
    return LSTMTextModule(**params).eval()


def ragged_batch(lengths, width=None, seed=0):
    rng = np.random.default_rng(seed)
    width = width or max(lengths)
    X = np.zeros((len(lengths), width), dtype=np.int64)
    for i, n in enumerate(lengths):
        X[i, :n] = rng.integers(2, 50, n)
    return torch.from_numpy(X)


@pytest.mark.parametrize("pooling, bidirectional, num_layers",
                         list(itertools.product(POOLING_OPTIONS, [True, False], [1, 2])))
def test_padded_batch_equals_texts_one_at_a_time(pooling, bidirectional, num_layers):
    module = make_module(pooling=pooling, bidirectional=bidirectional, num_layers=num_layers)
    lengths = [7, 1, 4, 12, 3]
    X = ragged_batch(lengths, width=15)  # extra padding columns beyond the longest row
    with torch.no_grad():
        batched = module(X)
        single = torch.cat([module(X[i:i + 1, :n]) for i, n in enumerate(lengths)])
    torch.testing.assert_close(batched, single, atol=1e-5, rtol=1e-5)


def test_bidirectional_outputs_match_packed_sequence_reference():
    module = make_module(num_layers=2)
    reference = torch.nn.LSTM(8, 6, num_layers=2, bidirectional=True, batch_first=True)
    with torch.no_grad():
        for layer in range(2):
            for suffix, lstm in (("", module.forward_layers[layer]),
                                 ("_reverse", module.backward_layers[layer])):
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    getattr(reference, f"{name}_l{layer}{suffix}").copy_(
                        getattr(lstm, f"{name}_l0"))
    lengths = torch.tensor([9, 2, 5, 1])
    X = ragged_batch(lengths.tolist())
    with torch.no_grad():
        ours = torch.cat(module.encode(X, lengths), dim=-1).transpose(0, 1)
        forward, backward = module.encode(X, lengths, paired=False)
        packed = pack_padded_sequence(module.embedding(X), lengths, batch_first=True,
                                      enforce_sorted=False)
        expected, _ = pad_packed_sequence(reference(packed)[0], batch_first=True)
    mask = torch.arange(9) < lengths.unsqueeze(1)
    torch.testing.assert_close(ours[mask], expected[mask], atol=1e-6, rtol=1e-5)
    # Unpaired, the backward half keeps its own order: each row reversed in its length.
    torch.testing.assert_close(forward.transpose(0, 1)[mask], expected[..., :6][mask],
                               atol=1e-6, rtol=1e-5)
    for row, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(backward[:n, row].flip(0), expected[row, :n, 6:],
                                   atol=1e-6, rtol=1e-5)


def test_ids_beyond_vocabulary_read_as_unknown():
    module = make_module()
    X = torch.tensor([[4, 1, 7]])
    with torch.no_grad():
        torch.testing.assert_close(module(torch.tensor([[4, 1000, 7]])), module(X))


def test_rows_of_padding_give_finite_logits():
    module = make_module(pooling="attention")
    with torch.no_grad():
        out = module(torch.zeros((3, 5), dtype=torch.long))
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out[0], out[2])


def test_padding_vector_stays_zero_and_untrained():
    module = make_module().train()
    module(ragged_batch([3, 2])).sum().backward()
    assert torch.count_nonzero(module.embedding.weight[0]) == 0
    assert torch.count_nonzero(module.embedding.weight.grad[0]) == 0
    assert torch.count_nonzero(module.embedding.weight.grad[2:]) > 0


def test_lengths_and_int32_input():
    module = make_module()
    X = torch.tensor([[3, 0, 4, 0], [0, 0, 0, 0]], dtype=torch.int32)
    assert module.lengths(X).tolist() == [3, 1]
    assert module(X).shape == (2, 3)


def test_unknown_pooling_rejected():
    with pytest.raises(ValueError, match="pooling"):
        make_module(pooling="sum")


# ------------------------------------------------ convolutional front-end


@pytest.mark.parametrize("pooling, bidirectional, kernel",
                         list(itertools.product(POOLING_OPTIONS, [True, False], [1, 2, 3, 5])))
def test_conv_front_end_keeps_padding_out(pooling, bidirectional, kernel):
    module = make_module(pooling=pooling, bidirectional=bidirectional, num_layers=2,
                         conv_filters=7, conv_kernel_size=kernel)
    lengths = [7, 1, 4, 12, 3, 2]
    X = ragged_batch(lengths, width=15)
    with torch.no_grad():
        batched = module(X)
        single = torch.cat([module(X[i:i + 1, :n]) for i, n in enumerate(lengths)])
    torch.testing.assert_close(batched, single, atol=1e-5, rtol=1e-5)


def test_conv_front_end_shapes_and_zeroed_padding():
    module = make_module(conv_filters=5, conv_kernel_size=3)
    assert module.conv.in_channels == 8 and module.conv.out_channels == 5
    assert module.conv_padding == (1, 1) and make_module(conv_filters=2,
                                                         conv_kernel_size=4).conv_padding == (1, 2)
    assert module.forward_layers[0].input_size == 5
    X = ragged_batch([4, 2])
    # Zero-valued padding after the convolution: an LSTM that read the
    # outputs beyond a row's end would still get zeros there.
    captured = {}

    def keep_input(mod, args, out):
        captured["input"] = args[0]

    hook = module.forward_layers[0].register_forward_hook(keep_input)
    with torch.no_grad():
        module(X)
    hook.remove()
    assert captured["input"].shape == (4, 2, 5)  # time-major
    assert torch.count_nonzero(captured["input"][2:, 1]) == 0
    assert torch.count_nonzero(captured["input"][:2, 1]) > 0
    with pytest.raises(ValueError, match="conv_filters"):
        make_module(conv_filters=0)
    assert make_module().conv is None


# ----------------------------------------------------- pretrained vectors


def test_pretrained_embeddings_loaded_and_padding_zeroed():
    weights = np.random.default_rng(0).normal(size=(30, 8)).astype(np.float32)
    module = make_module(embeddings=weights)
    table = module.embedding.weight.detach()
    torch.testing.assert_close(table[1:30], torch.from_numpy(weights[1:]))
    assert torch.count_nonzero(table[0]) == 0
    assert torch.count_nonzero(table[30:]) > 0  # rows beyond the matrix keep their random start
    assert module.embedding.weight.requires_grad


def test_frozen_embeddings_get_no_gradient():
    weights = np.ones((50, 8), dtype=np.float32)
    module = make_module(embeddings=weights, freeze_embeddings=True).train()
    module(ragged_batch([3, 2])).sum().backward()
    assert not module.embedding.weight.requires_grad
    assert module.embedding.weight.grad is None
    assert module.output.weight.grad is not None


@pytest.mark.parametrize("shape", [(50, 4), (51, 8), (8,)])
def test_pretrained_embeddings_shape_checked(shape):
    with pytest.raises(ValueError, match=r"embeddings must have shape \(n_rows, 8\) with "
                                         r"n_rows <= 50"):
        make_module(embeddings=np.zeros(shape, dtype=np.float32))


# ------------------------------------------------------- bag of n-grams


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


def test_bag_starts_at_zero_and_module_logits_include_it():
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
def test_bag_padding_never_counts(max_n):
    bag = make_bag(max_n)
    lengths = [7, 1, 4, 2]
    X = ragged_batch(lengths, width=10)
    with torch.no_grad():
        single = torch.cat([bag(X[i:i + 1, :n]) for i, n in enumerate(lengths)])
        torch.testing.assert_close(bag(X), single)
        torch.testing.assert_close(bag(torch.zeros((2, 4), dtype=torch.long)),
                                   torch.zeros((2, 3)))


@pytest.mark.parametrize("max_n", [1, 2, 3])
def test_bag_contributions_add_up_to_its_logits(max_n):
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
def test_bag_prior_is_the_naive_bayes_log_count_ratio(max_n):
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


def test_bag_prior_starts_neutral_is_saved_and_needs_prior():
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


def test_bag_pickled_before_the_prior_loads_without_one():
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
