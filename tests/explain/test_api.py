"""Token attributions (sklstm.explain._api): the signal token dominates, completeness, shapes,
TF-IDF occlusion, display, determinism, and bad input.

Every model is tiny and fitted on synthetic texts in which one token carries
the class (or label, or target), so each method must put that token first.
"""

import copy
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, LSTMRegressor, TextTokenizer
from sklstm.compare import make_tfidf_logreg, make_tfidf_svm
from sklstm.explain import (
    METHODS,
    WORD_PATTERN,
    Attention,
    ExplanationList,
    IntegratedGradients,
    Occlusion,
    confident_predictions,
    explain,
    explanations_html,
)

FILLER = "the film plot actors story was and a it very quite".split()
SIGNALS = ["awful", "superb", "middling"]
FAST = dict(embedding_dim=8, hidden_size=8, max_epochs=15, lr=0.02, dropout=0.0,
            early_stopping=False, validation_fraction=None, random_state=0, device="cpu")


def _texts(n=240, n_classes=2, seed=0):
    """Texts of filler words with one class word each; the class indices."""
    rng = np.random.default_rng(seed)
    texts, y = [], []
    for i in range(n):
        c = i % n_classes
        words = list(rng.choice(FILLER, rng.integers(3, 9)))
        words.insert(int(rng.integers(0, len(words) + 1)), SIGNALS[c])
        texts.append(" ".join(words))
        y.append(c)
    return texts, np.array(y)


def _fit(estimator, texts, y, **tokenizer):
    return make_pipeline(TextTokenizer(min_frequency=1, **tokenizer), estimator).fit(texts, y)


@pytest.fixture(scope="module")
def data():
    return _texts()


@pytest.fixture(scope="module")
def binary(data):
    texts, y = data
    return _fit(LSTMClassifier(**FAST), texts, np.array(["neg", "pos"])[y])


@pytest.fixture(scope="module")
def attentive(data):
    texts, y = data
    # Without the bag, which alone would find the class word here: the LSTM must look.
    return _fit(LSTMClassifier(pooling="attention", bag_ngrams=None, **FAST), texts, y)


@pytest.fixture(scope="module")
def multiclass():
    texts, y = _texts(n_classes=3)
    return _fit(LSTMClassifier(**FAST), texts, y), texts, y


@pytest.fixture(scope="module")
def tfidf(data):
    texts, y = data
    return make_tfidf_logreg(min_df=1).fit(texts, np.array(["neg", "pos"])[y])


def _signal_position(e):
    return next(i for i, t in enumerate(e.tokens) if t in SIGNALS)


def _assert_signal_first(explanations, columns=None):
    """In each explanation the class token has the largest absolute weight."""
    for e in explanations:
        w = e.column_weights(columns)
        assert np.argmax(np.abs(w)) == _signal_position(e), e.to_text()


# ------------------------------------------------------------ the signal token


def test_integrated_gradients_find_the_class_token_and_are_complete(binary, data):
    texts, y = data
    explanations = explain(binary, texts[:12])
    assert isinstance(explanations, ExplanationList) and len(explanations) == 12
    assert all(e.prediction == label for e, label in zip(
        explanations, np.array(["neg", "pos"])[y[:12]], strict=True))
    _assert_signal_first(explanations)
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
    import torch

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


def test_integrated_gradients_multiclass(multiclass):
    model, texts, y = multiclass
    # a saturated tiny model
    explanations = explain(model, texts[:9], IntegratedGradients(max_steps=400))
    assert [e.prediction for e in explanations] == y[:9].tolist()
    assert all(e.weights.shape == (len(e.tokens), 3) for e in explanations)
    _assert_signal_first(explanations)
    assert all(e.completeness_error <= 0.01 for e in explanations)


def test_occlusion_finds_the_class_token(binary, data):
    texts, _ = data
    explanations = explain(binary, texts[:12], method="occlusion")
    _assert_signal_first(explanations)
    for e in explanations:
        # Leaving the class token out lowers the predicted class's probability.
        assert e.column_weights()[_signal_position(e)] > 0
        assert e.space == "proba" and np.isclose(e.proba.sum(), 1)
    unk = explain(binary, texts[:12], method=Occlusion(replace="unk"))
    _assert_signal_first(unk)


def test_occlusion_weights_are_probability_drops(binary):
    [e] = explain(binary, ["the superb film"], method="occlusion")
    proba = binary.predict_proba(["the superb film", "superb film", "the film", "the superb"])
    np.testing.assert_allclose(e.weights, proba[0] - proba[1:], atol=1e-6)


def test_attention_finds_the_class_token(attentive, data):
    texts, _ = data
    explanations = explain(attentive, texts[:12], method="attention")
    _assert_signal_first(explanations)
    for e in explanations:
        assert e.space == "attention" and e.weights.shape == (len(e.tokens), 2)
        np.testing.assert_allclose(e.weights.sum(axis=0), [1, 1], rtol=1e-5)
        np.testing.assert_array_equal(e.weights[:, 0], e.weights[:, 1])
    # Integrated gradients also work through attention pooling.
    _assert_signal_first(explain(attentive, texts[:4]))


# ------------------------------------------------------------- other models


def test_multilabel_weights_have_a_column_per_label():
    texts, y = _texts(n_classes=3, seed=1)
    labels = [["bad"] if c == 0 else ["good"] if c == 1 else ["bad", "good"] for c in y]
    model = _fit(LSTMClassifier(**FAST), texts, labels)
    # This tiny model is saturated: some texts need more points than the default 200.
    found = {method.name: explain(model, texts[:4], method=method)
             for method in (IntegratedGradients(max_steps=3200), Occlusion())}
    for explanations in found.values():
        for e in explanations:
            assert e.columns == ["bad", "good"] and e.weights.shape == (len(e.tokens), 2)
            assert isinstance(e.prediction, list) and e.proba.shape == (2,)
    ig = found["integrated_gradients"]
    assert all(e.completeness_error <= 0.01 for e in ig)
    assert ig[0].space == "logit"


def test_regressor_weights_are_in_the_targets_units(data):
    texts, y = data
    target = 10.0 * y + 3.0
    model = _fit(LSTMRegressor(**FAST), texts, target)
    explanations = explain(model, texts[:8])
    predicted = model.predict(texts[:8])
    for e, p in zip(explanations, predicted, strict=True):
        assert e.columns == ["prediction"] and e.weights.shape == (len(e.tokens), 1)
        assert e.proba is None and e.space == "prediction"
        assert e.output[0] == pytest.approx(p, abs=1e-3) and e.prediction == pytest.approx(p)
        assert e.completeness_error <= 0.01
    _assert_signal_first(explanations)
    occluded = explain(model, texts[:8], method="occlusion")
    _assert_signal_first(occluded)
    with pytest.raises(ValueError, match="not available for LSTMRegressor"):
        explain(model, texts[:2], IntegratedGradients(output="proba"))


def test_tfidf_occlusion_explains_raw_texts(tfidf, binary):
    text = "the film <br /> was superb, isn't it"
    [e] = explain(tfidf, [text], method="occlusion")
    assert e.tokens == ["the", "film", "was", "superb", ",", "isn't", "it"]
    assert e.columns == ["neg", "pos"] and e.prediction == "pos"
    assert e.top_tokens(1)[0][0] == "superb"
    # The same call explains both sides of a comparison.
    both = [explain(model, [text], method="occlusion")[0] for model in (tfidf, binary)]
    assert [b.top_tokens(1)[0][0] for b in both] == ["superb", "superb"]


def test_tokens_follow_the_tokenizer_with_truncation(binary):
    # The tokenizer truncates when it transforms: the fitted model reads any width.
    model = copy.deepcopy(binary)
    model[0].set_params(max_length=4, truncation="head_tail")
    long = "one two three four five six seven eight superb"
    tokenizer = model[0]
    for method in ("integrated_gradients", "occlusion"):
        [e] = explain(model, [long], method=method)
        assert e.tokens == tokenizer.tokenize([long])[0] == ["one", "seven", "eight", "superb"]
        assert len(e.tokens) == (tokenizer.transform([long]) != 0).sum() == len(e.weights)


def test_empty_texts_have_no_tokens(binary, tfidf):
    for model, method in ((binary, "integrated_gradients"), (binary, "occlusion"),
                          (tfidf, "occlusion")):
        explanations = explain(model, ["", "the superb film", "   "], method=method)
        for e in (explanations[0], explanations[2]):
            assert e.tokens == [] and e.weights.shape == (0, 2)
            assert e.prediction in ("neg", "pos")
            assert "no tokens" in e.to_text() and "no tokens" in e.to_html()
        assert len(explanations[1].tokens) == 3
    assert explain(binary, []) == []


def test_explanations_are_deterministic(binary, data):
    texts, _ = data
    for method in ("integrated_gradients", "occlusion"):
        first = explain(binary, texts[:3], method=method)
        again = explain(binary, texts[:3], method=method)
        for a, b in zip(first, again, strict=True):
            np.testing.assert_array_equal(a.weights, b.weights)
    # Batching does not change the result beyond float rounding.
    small = explain(binary, texts[:3], IntegratedGradients(batch_size=70))
    for a, b in zip(explain(binary, texts[:3]), small, strict=True):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------- display


def test_html_escapes_tokens_and_shows_the_prediction(tfidf):
    [e] = explain(tfidf, ["<script>superb & 'x' film</script> a<b"], method="occlusion")
    html = e._repr_html_()
    assert "<script>" not in html and "&amp;" in html and "&lt;" in html
    assert "prediction &#x27;pos&#x27;" in html and "for the class" in html
    assert "rgba(214,39,40" in html  # red for the predicted class
    fragment = explanations_html([e, e], titles=["right <1>", "wrong"])
    assert fragment.count('class="sklstm-explanation"') == 2 and "right &lt;1&gt;" in fragment
    assert ExplanationList([e, e])._repr_html_().count('class="sklstm-explanation"') == 2
    with pytest.raises(ValueError, match="got 1 titles for 2 explanations"):
        explanations_html([e, e], titles=["one"])


def test_to_text_and_columns(binary):
    [e] = explain(binary, ["the superb film"], method="occlusion")
    text = e.to_text()
    assert text.splitlines()[0].startswith("occlusion for 'pos' (prediction 'pos', p=")
    assert len(text.splitlines()) == 4 and "superb" in text
    assert e.to_text(top=1).splitlines()[1].split()[1] == "superb"
    np.testing.assert_array_equal(e.column_weights("neg"), e.column_weights(0))
    with pytest.raises(ValueError, match="column 'meh' is neither"):
        e.column_weights("meh")
    assert ExplanationList([e, e]).to_text().count("occlusion for") == 2


def test_png_is_written(binary, tmp_path):
    pytest.importorskip("matplotlib")
    [e] = explain(binary, ["the superb film was quite awful"])
    figure = e.to_png(tmp_path / "e.png")
    assert (tmp_path / "e.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(figure.axes[0].patches) == 6
    figure = e.plot(column="neg", top=2, path=tmp_path / "e.svg")
    assert len(figure.axes[0].patches) == 2 and (tmp_path / "e.svg").stat().st_size > 0


# --------------------------------------------------------------- bad input


def test_gradients_need_an_sklstm_pipeline(tfidf, binary):
    for method in ("integrated_gradients", "attention"):
        with pytest.raises(ValueError, match=r"need a pipeline of a TextTokenizer and an "
                           r"LSTMClassifier or LSTMRegressor .* got a pipeline of "
                           r"TfidfVectorizer and LogisticRegression"):
            explain(tfidf, ["good"], method=method)
    with pytest.raises(ValueError, match="got a LSTMClassifier"):
        explain(binary[-1], ["good"])


def test_attention_needs_attention_pooling(binary):
    with pytest.raises(ValueError, match=r"^attention explanations need pooling='attention'; "
                       r"this model pools with 'max'$"):
        explain(binary, ["good"], method="attention")


def test_unknown_method_and_bad_options(binary):
    with pytest.raises(ValueError, match="unknown method 'lime'; choose one of "
                       "integrated_gradients, attention, occlusion"):
        explain(binary, ["good"], method="lime")
    bad = [IntegratedGradients(n_steps=0), IntegratedGradients(max_steps=0),
           IntegratedGradients(tolerance=-1), IntegratedGradients(batch_size=0),
           IntegratedGradients(integration="simpson"), IntegratedGradients(output="odds"),
           Occlusion(replace="mask"), Occlusion(batch_size=0), Attention(batch_size=1.5),
           IntegratedGradients(n_steps=1, integration="trapezoid")]
    for method in bad:
        with pytest.raises(ValueError, match="must|needs"):
            explain(binary, ["good"], method)


def test_the_options_of_sklstm_0x_still_work_and_warn(binary):
    """explain(..., n_steps=...) of 0.x: each option goes to its method, with a FutureWarning."""
    with pytest.warns(FutureWarning, match=r"explain\(\.\.\., n_steps=\.\.\.\) is deprecated .* "
                                           r"use explain\(\.\.\., method=IntegratedGradients"
                                           r"\(n_steps=3\)\) instead"):
        old = explain(binary, ["good film"], n_steps=3, tolerance=None)
    new = explain(binary, ["good film"], IntegratedGradients(n_steps=3, tolerance=None))
    np.testing.assert_array_equal(old[0].weights, new[0].weights)
    assert old[0].n_steps == 3
    with pytest.warns(FutureWarning, match=r"method=Occlusion\(replace='unk'\)"):
        [e] = explain(binary, ["good film"], method="occlusion", replace="unk")
    assert e.method == "occlusion"
    # Bad values are refused by name, as they were.
    for options in (dict(n_steps=0), dict(replace="mask"), dict(batch_size=0)):
        with pytest.raises(ValueError, match="must"):
            explain(binary, ["good"], **options)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['n_step'\]"):
        explain(binary, ["good"], n_step=3)
    with pytest.raises(TypeError, match=r"give them to it: IntegratedGradients\(\.\.\.\)"):
        explain(binary, ["good"], IntegratedGradients(), n_steps=3)


def test_methods_are_objects_of_their_own_options_reachable_by_name():
    assert METHODS == {"integrated_gradients": IntegratedGradients, "attention": Attention,
                       "occlusion": Occlusion}
    assert repr(IntegratedGradients(n_steps=16)) == "IntegratedGradients(n_steps=16)"
    assert Occlusion().get_params() == {"batch_size": None, "replace": "remove",
                                        "token_pattern": WORD_PATTERN}
    assert set(Attention().get_params()) == {"batch_size"}
    assert clone(IntegratedGradients(n_steps=4)).n_steps == 4


def test_occlusion_needs_predict_proba():
    texts, y = _texts(n=20)
    svm = make_tfidf_svm(min_df=1).fit(texts, y)
    with pytest.raises(ValueError, match="occlusion needs a model with predict_proba"):
        explain(svm, ["good"], method="occlusion")


def test_unfitted_models_are_refused(tfidf):
    unfitted = make_pipeline(TextTokenizer(), LSTMClassifier())
    for method in ("integrated_gradients", "occlusion"):
        with pytest.raises(NotFittedError):
            explain(unfitted, ["good"], method=method)
    with pytest.raises(NotFittedError):
        explain(make_tfidf_logreg(), ["good"], method="occlusion")


BAD_TEXTS = [
    pytest.param(["ok", None], r"index 1 is NoneType \(None\)\. Missing values", id="None"),
    pytest.param([3.5, "ok"], r"index 0 is float \(3\.5\)", id="float"),
    pytest.param("a bare string", r"got a single str; wrap it in a list", id="bare-string"),
    pytest.param({"a": 1}, r"got dict", id="dict"),
    pytest.param(None, r"got NoneType", id="X-None"),
    pytest.param(7, r"got int", id="int"),
]


@pytest.mark.parametrize("method", ["integrated_gradients", "occlusion"])
@pytest.mark.parametrize("X, match", BAD_TEXTS)
def test_bad_texts_are_refused(binary, tfidf, X, match, method):
    with pytest.raises(ValueError, match=match):
        explain(binary, X, method=method)
    if method == "occlusion":
        with pytest.raises(ValueError, match=match):
            explain(tfidf, X, method=method)


def test_confident_predictions_are_the_surest_right_and_wrong(binary, data):
    texts, y = data
    labels = np.array(["neg", "pos"])[y]
    labels[:5] = np.where(labels[:5] == "neg", "pos", "neg")  # five wrong labels
    right, wrong = confident_predictions(binary, texts, labels, n=4)
    proba = binary.predict_proba(texts)
    predicted, confidence = binary.classes_[proba.argmax(1)], proba.max(1)
    assert len(right) == 4 and (predicted[right] == labels[right]).all()
    assert 1 <= len(wrong) <= 4 and (predicted[wrong] != labels[wrong]).all()
    assert (np.diff(confidence[right]) <= 0).all() and (np.diff(confidence[wrong]) <= 0).all()
    others = np.setdiff1d(np.flatnonzero(predicted == labels), right)
    assert confidence[right].min() >= confidence[others].max()
    assert [len(a) for a in confident_predictions(binary, [], [])] == [0, 0]


def test_confident_predictions_bad_input(binary, data):
    texts, y = data
    with pytest.raises(ValueError, match="y_true has 3 labels for 240 texts"):
        confident_predictions(binary, texts, y[:3])
    with pytest.raises(ValueError, match="n must be a positive int, got 0"):
        confident_predictions(binary, texts, y, n=0)
    tagger = _fit(LSTMClassifier(**FAST), texts[:40], [{"a"} if c else {"b"} for c in y[:40]])
    with pytest.raises(ValueError, match="single-label classifiers; this model is multi-label"):
        confident_predictions(tagger, texts[:40], y[:40])
