"""Occlusion (sklstm.explain._occlusion): the class word found, probability drops, any model
on raw texts, and what it refuses."""

import numpy as np
import pytest

from sklstm.compare import make_tfidf_svm
from sklstm.explain import (
    Occlusion,
    explain,
)


def test_occlusion_finds_the_class_token(signal_first, signal_position, binary, data):
    texts, _ = data
    explanations = explain(binary, texts[:12], method="occlusion")
    signal_first(explanations)
    for e in explanations:
        # Leaving the class token out lowers the predicted class's probability.
        assert e.column_weights()[signal_position(e)] > 0
        assert e.space == "proba" and np.isclose(e.proba.sum(), 1)
    unk = explain(binary, texts[:12], method=Occlusion(replace="unk"))
    signal_first(unk)


def test_occlusion_weights_are_probability_drops(binary):
    [e] = explain(binary, ["the superb film"], method="occlusion")
    proba = binary.predict_proba(["the superb film", "superb film", "the film", "the superb"])
    np.testing.assert_allclose(e.weights, proba[0] - proba[1:], atol=1e-6)


def test_tfidf_occlusion_explains_raw_texts(tfidf, binary):
    text = "the film <br /> was superb, isn't it"
    [e] = explain(tfidf, [text], method="occlusion")
    assert e.tokens == ["the", "film", "was", "superb", ",", "isn't", "it"]
    assert e.columns == ["neg", "pos"] and e.prediction == "pos"
    assert e.top_tokens(1)[0][0] == "superb"
    # The same call explains both sides of a comparison.
    both = [explain(model, [text], method="occlusion")[0] for model in (tfidf, binary)]
    assert [b.top_tokens(1)[0][0] for b in both] == ["superb", "superb"]


def test_occlusion_needs_predict_proba(signal_texts):
    texts, y = signal_texts(n=20)
    svm = make_tfidf_svm(min_df=1).fit(texts, y)
    with pytest.raises(ValueError, match="occlusion needs a model with predict_proba"):
        explain(svm, ["good"], method="occlusion")
