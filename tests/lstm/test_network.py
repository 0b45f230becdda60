"""Tests for sklstm.lstm._network: padding never changes a result."""

import itertools

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from sklstm.lstm import POOLING_OPTIONS


@pytest.mark.parametrize("pooling, bidirectional, num_layers",
                         list(itertools.product(POOLING_OPTIONS, [True, False], [1, 2])))
def test_padded_batch_equals_texts_one_at_a_time(make_module, ragged_batch, pooling,
                                                  bidirectional, num_layers):
    module = make_module(pooling=pooling, bidirectional=bidirectional, num_layers=num_layers)
    lengths = [7, 1, 4, 12, 3]
    X = ragged_batch(lengths, width=15)  # extra padding columns beyond the longest row
    with torch.no_grad():
        batched = module(X)
        single = torch.cat([module(X[i:i + 1, :n]) for i, n in enumerate(lengths)])
    torch.testing.assert_close(batched, single, atol=1e-5, rtol=1e-5)


def test_bidirectional_outputs_match_packed_sequence_reference(make_module, ragged_batch):
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


def test_ids_beyond_vocabulary_read_as_unknown(make_module):
    module = make_module()
    X = torch.tensor([[4, 1, 7]])
    with torch.no_grad():
        torch.testing.assert_close(module(torch.tensor([[4, 1000, 7]])), module(X))


def test_rows_of_padding_give_finite_logits(make_module):
    module = make_module(pooling="attention")
    with torch.no_grad():
        out = module(torch.zeros((3, 5), dtype=torch.long))
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out[0], out[2])


def test_padding_vector_stays_zero_and_untrained(make_module, ragged_batch):
    module = make_module().train()
    module(ragged_batch([3, 2])).sum().backward()
    assert torch.count_nonzero(module.embedding.weight[0]) == 0
    assert torch.count_nonzero(module.embedding.weight.grad[0]) == 0
    assert torch.count_nonzero(module.embedding.weight.grad[2:]) > 0


def test_lengths_and_int32_input(make_module):
    module = make_module()
    X = torch.tensor([[3, 0, 4, 0], [0, 0, 0, 0]], dtype=torch.int32)
    assert module.lengths(X).tolist() == [3, 1]
    assert module(X).shape == (2, 3)


def test_unknown_pooling_rejected(make_module):
    with pytest.raises(ValueError, match="pooling"):
        make_module(pooling="sum")


# ------------------------------------------------ convolutional front-end


@pytest.mark.parametrize("pooling, bidirectional, kernel",
                         list(itertools.product(POOLING_OPTIONS, [True, False], [1, 2, 3, 5])))
def test_conv_front_end_keeps_padding_out(make_module, ragged_batch, pooling, bidirectional,
                                          kernel):
    module = make_module(pooling=pooling, bidirectional=bidirectional, num_layers=2,
                         conv_filters=7, conv_kernel_size=kernel)
    lengths = [7, 1, 4, 12, 3, 2]
    X = ragged_batch(lengths, width=15)
    with torch.no_grad():
        batched = module(X)
        single = torch.cat([module(X[i:i + 1, :n]) for i, n in enumerate(lengths)])
    torch.testing.assert_close(batched, single, atol=1e-5, rtol=1e-5)


def test_conv_front_end_shapes_and_zeroed_padding(make_module, ragged_batch):
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


def test_pretrained_embeddings_loaded_and_padding_zeroed(make_module):
    weights = np.random.default_rng(0).normal(size=(30, 8)).astype(np.float32)
    module = make_module(embeddings=weights)
    table = module.embedding.weight.detach()
    torch.testing.assert_close(table[1:30], torch.from_numpy(weights[1:]))
    assert torch.count_nonzero(table[0]) == 0
    assert torch.count_nonzero(table[30:]) > 0  # rows beyond the matrix keep their random start
    assert module.embedding.weight.requires_grad


def test_frozen_embeddings_get_no_gradient(make_module, ragged_batch):
    weights = np.ones((50, 8), dtype=np.float32)
    module = make_module(embeddings=weights, freeze_embeddings=True).train()
    module(ragged_batch([3, 2])).sum().backward()
    assert not module.embedding.weight.requires_grad
    assert module.embedding.weight.grad is None
    assert module.output.weight.grad is not None


@pytest.mark.parametrize("shape", [(50, 4), (51, 8), (8,)])
def test_pretrained_embeddings_shape_checked(make_module, shape):
    with pytest.raises(ValueError, match=r"embeddings must have shape \(n_rows, 8\) with "
                                         r"n_rows <= 50"):
        make_module(embeddings=np.zeros(shape, dtype=np.float32))
