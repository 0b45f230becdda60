"""Attention explanations (sklstm.explain._attention) of a model that pools by attention."""

import numpy as np
import pytest

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.explain import Attention, attention_weights, explain

TEXTS = ["a great film", "great fun", "a dull film", "dull stuff"] * 8


def test_attention_finds_the_class_token(signal_first, attentive, data):
    texts, _ = data
    explanations = explain(attentive, texts[:12], method="attention")
    signal_first(explanations)
    for e in explanations:
        assert e.space == "attention" and e.weights.shape == (len(e.tokens), 2)
        np.testing.assert_allclose(e.weights.sum(axis=0), [1, 1], rtol=1e-5)
        np.testing.assert_array_equal(e.weights[:, 0], e.weights[:, 1])
    # Integrated gradients also work through attention pooling.
    signal_first(explain(attentive, texts[:4]))


def test_attention_needs_attention_pooling(binary):
    with pytest.raises(ValueError, match=r"^attention explanations need pooling='attention'; "
                       r"this model pools with 'max'$"):
        explain(binary, ["good"], method="attention")
    with pytest.raises(ValueError, match="batch_size must be a positive int or None, got 0"):
        explain(binary, ["good"], method=Attention(batch_size=0))



def test_attention_weights_sum_to_one_per_text():
    tok = TextTokenizer(min_frequency=1).fit(TEXTS)
    clf = LSTMClassifier(pooling="attention", embedding_dim=8, hidden_size=8, max_epochs=2,
                         random_state=0, device="cpu")
    clf.fit(tok.transform(TEXTS), [1, 1, 0, 0] * 8)
    weights = attention_weights(clf, tok.transform(["a great film", "great fun"]), batch_size=1)
    assert [w.shape for w in weights] == [(3,), (2,)]
    np.testing.assert_allclose([w.sum() for w in weights], 1.0)
