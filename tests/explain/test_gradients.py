"""Integrated gradients and attention weights called directly (sklstm.explain._gradients and
_attention): the named result, completeness, the column names (_model), and what they refuse.
explain() on top of them is tested in test_api.py."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from sklstm import LSTMClassifier, LSTMRegressor, TextTokenizer
from sklstm.explain import INTEGRATIONS, Attributions, attention_weights, integrated_gradients
from sklstm.explain._model import output_columns

TEXTS = ["a great film", "great fun", "a dull film", "dull stuff"] * 8
TINY = dict(embedding_dim=8, hidden_size=8, max_epochs=10, lr=0.02, early_stopping=False,
            validation_fraction=None, random_state=0, device="cpu")


@pytest.fixture(scope="module")
def fitted():
    tok = TextTokenizer(min_frequency=1).fit(TEXTS)
    ids = tok.transform(TEXTS)
    clf = LSTMClassifier(pooling="attention", **TINY).fit(ids, ["pos", "pos", "neg", "neg"] * 8)
    return tok, clf


def test_integrated_gradients_give_a_named_complete_result(fitted):
    tok, clf = fitted
    ids = tok.transform(["a great film", "dull stuff", ""])
    found = integrated_gradients(clf, ids)
    assert isinstance(found, Attributions)
    assert [w.shape for w in found.weights] == [(3, 2), (2, 2), (0, 2)]
    assert found.space == "logit" and found.outputs.shape == found.baselines.shape == (3, 2)
    # completeness: each text's weights add up to its output's change from the baseline
    for w, out, base in zip(found.weights[:2], found.outputs[:2], found.baselines[:2],
                            strict=True):
        np.testing.assert_allclose(w.sum(axis=0), out - base, rtol=0.02, atol=1e-4)
    assert (found.completeness_errors[:2] <= 0.01).all()
    assert (found.n_steps >= 8).all()


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_every_rule_agrees_on_the_class_word(fitted, integration):
    tok, clf = fitted
    found = integrated_gradients(clf, tok.transform(["a great film"]), integration=integration,
                                 n_steps=16)
    assert np.argmax(np.abs(found.weights[0][:, 1])) == 1   # 'great'


def test_attention_weights_sum_to_one_per_text(fitted):
    tok, clf = fitted
    weights = attention_weights(clf, tok.transform(["a great film", "great fun"]), batch_size=1)
    assert [w.shape for w in weights] == [(3,), (2,)]
    np.testing.assert_allclose([w.sum() for w in weights], 1.0)


def test_output_columns_name_classes_or_outputs(fitted):
    _, clf = fitted
    assert output_columns(clf) == ["neg", "pos"]
    reg = LSTMRegressor(**{**TINY, "max_epochs": 1}).fit([[2, 3], [3, 4]] * 4, [0.0, 1.0] * 4)
    assert output_columns(reg) == ["prediction"]
    # Any regressor: the number of outputs is given where it has no n_outputs_.
    ridge = Ridge().fit(np.eye(3), np.eye(3)[:, :2])
    assert output_columns(ridge, n_outputs=2) == ["prediction 0", "prediction 1"]
    assert output_columns(ridge) == ["prediction"]


def test_unfitted_and_unsuitable_estimators_are_refused(fitted):
    tok, _ = fitted
    ids = tok.transform(["a great film"])
    with pytest.raises(NotFittedError):
        integrated_gradients(LSTMClassifier(), ids)
    with pytest.raises(NotFittedError):
        attention_weights(LSTMClassifier(), ids)
    max_pooled = LSTMClassifier(**TINY).fit(tok.transform(TEXTS), [1, 1, 0, 0] * 8)
    with pytest.raises(ValueError, match=r"need pooling='attention'; this model pools with "
                                         r"'max'"):
        attention_weights(max_pooled, ids)


@pytest.mark.parametrize("params, match", [
    ({"n_steps": 0}, r"n_steps must be a positive int, got 0"),
    ({"max_steps": 2.5}, r"max_steps must be a positive int, got 2.5"),
    ({"batch_size": True}, r"batch_size must be a positive int, got True"),
    ({"tolerance": -1}, r"tolerance must be a positive number or None, got -1"),
    ({"integration": "simpson"}, r"integration must be one of 'adaptive', .*got 'simpson'"),
    ({"output": "odds"}, r"output must be 'logit', 'proba' or 'log_proba', got 'odds'"),
])
def test_bad_options_name_the_value(fitted, params, match):
    tok, clf = fitted
    with pytest.raises(ValueError, match=match):
        integrated_gradients(clf, tok.transform(["a great film"]), **params)
