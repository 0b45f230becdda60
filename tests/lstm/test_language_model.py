"""Tests for sklstm.lstm._language_model: the language model and its pretraining loop."""

import numpy as np
import pytest
import torch

from sklstm.lstm import LSTMTextModule
from sklstm.lstm._language_model import (
    LanguageModel,
    adaptive_cutoffs,
    encoder_weights,
    lm_windows,
    pretrain_language_model,
)

ENCODER = dict(num_embeddings=50, embedding_dim=8, hidden_size=8, num_layers=1,
               bidirectional=True)


@pytest.mark.parametrize("n_classes", [2, 3, 10, 100, 2001, 20000, 200_000])
def test_adaptive_cutoffs_suit_torch(n_classes):
    cutoffs = adaptive_cutoffs(n_classes)
    assert cutoffs == sorted(set(cutoffs)) and 0 < cutoffs[0] and cutoffs[-1] <= n_classes - 1
    module = LSTMTextModule(num_classes=2, **dict(ENCODER, num_embeddings=n_classes,
                                                  hidden_size=2, embedding_dim=2))
    for head in LanguageModel(module).heads.values():
        assert all(layer[0].out_features >= 1 for layer in head.tail)


def test_lm_windows_keep_every_predictable_token():
    X = np.array([[2, 3, 4, 5, 6, 7, 8], [9, 10, 0, 0, 0, 0, 0], [11, 0, 0, 0, 0, 0, 0]])
    windows = lm_windows(X, max_steps=3)
    np.testing.assert_array_equal(windows, [[2, 3, 4], [5, 6, 7], [9, 10, 0]])
    # the lone 8 and the one-token row have nothing to predict within their window
    assert lm_windows(np.zeros((2, 4), dtype=int), max_steps=3).shape == (0, 3)


def test_language_model_counts_next_and_previous_tokens():
    torch.manual_seed(0)
    X = torch.tensor([[2, 3, 4, 5], [6, 7, 0, 0]])
    bi = LanguageModel(LSTMTextModule(num_classes=2, **dict(ENCODER, num_embeddings=10)))
    uni = LanguageModel(LSTMTextModule(num_classes=2, **dict(ENCODER, num_embeddings=10,
                                                            bidirectional=False)))
    nll_bi, n_bi = bi(X)
    nll_uni, n_uni = uni(X)
    assert (n_bi, n_uni) == (8, 4)
    assert nll_bi.item() > 0 and nll_uni.item() > 0
    # A random model's loss per token is about log(vocabulary size).
    assert np.log(10) / 2 < nll_uni.item() / n_uni < 2 * np.log(10)


def test_forward_language_model_never_sees_the_token_it_predicts():
    """Changing the last token changes no forward prediction of the earlier ones."""
    torch.manual_seed(0)
    lm = LanguageModel(LSTMTextModule(num_classes=2, **dict(ENCODER, bidirectional=False)))
    lm.eval()
    a, b = torch.tensor([[2, 3, 4, 5, 6]]), torch.tensor([[2, 3, 4, 5, 9]])
    with torch.no_grad():
        out_a = lm._lstm("forward")(lm.encoder.embedding(a.t()))[0][:-1]
        out_b = lm._lstm("forward")(lm.encoder.embedding(b.t()))[0][:-1]
    assert torch.equal(out_a, out_b)


def test_language_model_refuses_a_convolution():
    module = LSTMTextModule(num_classes=2, conv_filters=4, **ENCODER)
    with pytest.raises(ValueError, match="convolutional front-end"):
        LanguageModel(module)


def test_lm_pretraining_lowers_the_loss_and_changes_the_encoder(groups_data, capsys):
    X, _ = groups_data(n=400)
    torch.manual_seed(0)
    module = LSTMTextModule(num_classes=2, **ENCODER)
    before = encoder_weights(module)
    output_before = module.output.weight.detach().clone()
    history = pretrain_language_model(module, X, epochs=4, lr=1e-2, seed=0, verbose=1)
    assert [row["epoch"] for row in history] == [1, 2, 3, 4]
    losses = [row["loss"] for row in history]
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0] - 0.5, losses
    assert history[0]["perplexity"] == pytest.approx(np.exp(losses[0]))
    n_real = int((X != 0).sum())
    assert history[0]["n_tokens"] == 2 * (n_real - len(X))  # both directions
    after = encoder_weights(module)
    assert sorted(after) == sorted(before)
    assert all(not np.allclose(before[k], after[k]) for k in after)
    assert torch.equal(module.output.weight, output_before)  # the head is not trained
    out = capsys.readouterr().out
    assert "pretraining (language model) epoch 4/4" in out and "perplexity" in out


def test_encoder_weights_of_each_architecture():
    bi_two = LSTMTextModule(num_classes=2, **dict(ENCODER, num_layers=2))
    names = set(encoder_weights(bi_two))
    assert "embedding.weight" in names and "forward_layers.0.weight_ih_l0" in names
    assert not any(n.startswith(("forward_layers.1", "backward_layers.1", "output")) for n in names)
    uni_two = LSTMTextModule(num_classes=2, **dict(ENCODER, num_layers=2, bidirectional=False))
    assert "lstm.weight_ih_l1" in encoder_weights(uni_two)
