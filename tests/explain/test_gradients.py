"""Integrated gradients (sklstm.explain._gradients): called directly (the named result,
completeness, the column names of _model, what they refuse) and through explain() with
IntegratedGradients (the class word found, quadrature rules, adaptive points)."""

import copy
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from sklstm import LSTMClassifier, LSTMRegressor, TextTokenizer
from sklstm.explain import (
    INTEGRATIONS,
    Attributions,
    ExplanationList,
    IntegratedGradients,
    attention_weights,
    explain,
    integrated_gradients,
)
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


# ------------------------------------------------ through explain()


def test_integrated_gradients_find_the_class_token_and_are_complete(signal_first, binary, data):
    texts, y = data
    explanations = explain(binary, texts[:12])
    assert isinstance(explanations, ExplanationList) and len(explanations) == 12
    assert all(e.prediction == label for e, label in zip(
        explanations, np.array(["neg", "pos"])[y[:12]], strict=True))
    signal_first(explanations)
    for e in explanations:
        assert e.columns == ["neg", "pos"] and e.method == "integrated_gradients"
        assert e.weights.shape == (len(e.tokens), 2) and e.space == "logit"
        delta = e.output - e.baseline_output
        # Completeness: the weights of each class sum to its logit change, within 1%.
        np.testing.assert_allclose(e.weights.sum(axis=0), delta,
                                   atol=0.01 * np.abs(delta).max())
        assert e.completeness_error <= 0.01
        # Binary: each column is its class's log-odds, so column 0 mirrors column 1.
        np.testing.assert_array_equal(e.weights[:, 0], -e.weights[:, 1])
        np.testing.assert_allclose(e.output[0], -e.output[1], rtol=1e-6)
    # The explained output is the model's: the log-odds of classes_[1] is decision_function.
    scores = binary[-1].decision_function(binary[0].transform(texts[:12]))
    np.testing.assert_allclose([e.output[1] for e in explanations], scores,
                               rtol=1e-4, atol=1e-4)


def test_bag_of_ngrams_gets_its_exact_share(binary, data):
    """With the LSTM's output silenced, the logits are the bag's: a linear part whose
    integrated gradients are each token's share of it, whatever the points."""

    texts, _ = data
    model = copy.deepcopy(binary)
    module = model[-1].module_
    assert module.bag is not None  # the default classifier has one
    with torch.no_grad():
        module.output.weight.zero_()
        module.output.bias.zero_()
        ids = torch.as_tensor(model[0].transform(texts[:4]), dtype=torch.long)
        shares = module.bag.contributions(ids).numpy()
    method = IntegratedGradients(integration="midpoint", n_steps=2, tolerance=None)
    for e, share in zip(explain(model, texts[:4], method), shares, strict=True):
        n = len(e.tokens)
        log_odds = share[:n, 1] - share[:n, 0]
        np.testing.assert_allclose(e.weights[:, 1], log_odds, rtol=1e-4, atol=1e-5)
        assert e.baseline_output[1] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("integration", ["trapezoid", "midpoint"])
def test_other_quadratures_and_the_probability_space_are_complete(binary, data, integration):
    texts, _ = data
    explanations = explain(binary, texts[:6], IntegratedGradients(
        integration=integration, output="proba", max_steps=3200))
    for e in explanations:
        assert e.space == "proba"
        np.testing.assert_allclose(e.output, e.proba, atol=1e-5)
        delta = e.output - e.baseline_output
        np.testing.assert_allclose(e.weights.sum(axis=0), delta,
                                   atol=0.01 * np.abs(delta).max())


def test_without_tolerance_only_n_steps_are_used(binary, data):
    texts, _ = data
    explanations = explain(binary, texts[:4], IntegratedGradients(n_steps=3, tolerance=None))
    assert [e.n_steps for e in explanations] == [3] * 4


def test_a_miss_of_the_tolerance_is_refined_then_warned(binary, data):
    texts, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        explanations = explain(binary, texts[:3], IntegratedGradients(
            n_steps=2, max_steps=8, tolerance=1e-4, integration="gausslegendre"))
    assert {e.n_steps for e in explanations} <= {2, 8} and explanations[0].n_steps == 8
    for integration in ("gausslegendre", "adaptive"):
        with pytest.warns(UserWarning, match=r"of 3 texts miss completeness by more than "
                          r"tolerance=1e-12 with 8 points .* raise max_steps \(now 8\)"):
            explain(binary, texts[:3], IntegratedGradients(
                n_steps=2, max_steps=8, tolerance=1e-12, integration=integration))


def test_adaptive_points_give_the_fine_fixed_rule_weights(binary, data):
    texts, _ = data
    adaptive = explain(binary, texts[:6], IntegratedGradients(tolerance=1e-4, max_steps=400))
    fine = explain(binary, texts[:6], IntegratedGradients(integration="gausslegendre",
                                                          n_steps=400, tolerance=None))
    # (The fixed rule misses completeness by up to 0.3% here: it is the rougher of the two.)
    for a, f in zip(adaptive, fine, strict=True):
        assert a.completeness_error <= 1e-4 and a.n_steps % 2 == 0 and a.n_steps <= 400
        np.testing.assert_allclose(a.weights, f.weights, atol=1e-2 * np.abs(f.weights).max())


def test_adaptive_points_go_where_the_output_changes(multiclass):
    model, texts, _ = multiclass
    # This tiny model is saturated: its output changes abruptly along the path.
    adaptive = explain(model, texts[:9], IntegratedGradients(max_steps=400))
    fixed = explain(model, texts[:9], IntegratedGradients(integration="gausslegendre",
                                                          n_steps=25, max_steps=400))
    assert all(e.completeness_error <= 0.01 for e in adaptive + fixed)
    # The same completeness for fewer gradients: where the fixed rule refines a text,
    # it computes it again at every point; the adaptive rule only cuts where it misses.
    used = np.mean([e.n_steps for e in adaptive]), np.mean([e.n_steps for e in fixed])
    assert used[0] < used[1], used
    # Without a tolerance a text gets its n_steps, as with a fixed rule.
    assert {e.n_steps for e in explain(model, texts[:3],
                                       IntegratedGradients(tolerance=None))} == {8}


def test_integrated_gradients_multiclass(signal_first, multiclass):
    model, texts, y = multiclass
    # a saturated tiny model
    explanations = explain(model, texts[:9], IntegratedGradients(max_steps=400))
    assert [e.prediction for e in explanations] == y[:9].tolist()
    assert all(e.weights.shape == (len(e.tokens), 3) for e in explanations)
    signal_first(explanations)
    assert all(e.completeness_error <= 0.01 for e in explanations)
