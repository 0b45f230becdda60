"""explain() (sklstm.explain._api): its registry of methods, other models, display, determinism,
the options of sklstm 0.x, bad input, and confident_predictions."""

import copy

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, LSTMRegressor, TextTokenizer
from sklstm.compare import make_tfidf_logreg
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


def test_multilabel_weights_have_a_column_per_label(signal_texts, fit_pipeline, fast):
    texts, y = signal_texts(n_classes=3, seed=1)
    labels = [["bad"] if c == 0 else ["good"] if c == 1 else ["bad", "good"] for c in y]
    model = fit_pipeline(LSTMClassifier(**fast), texts, labels)
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


def test_regressor_weights_are_in_the_targets_units(fit_pipeline, signal_first, fast, data):
    texts, y = data
    target = 10.0 * y + 3.0
    model = fit_pipeline(LSTMRegressor(**fast), texts, target)
    explanations = explain(model, texts[:8])
    predicted = model.predict(texts[:8])
    for e, p in zip(explanations, predicted, strict=True):
        assert e.columns == ["prediction"] and e.weights.shape == (len(e.tokens), 1)
        assert e.proba is None and e.space == "prediction"
        assert e.output[0] == pytest.approx(p, abs=1e-3) and e.prediction == pytest.approx(p)
        assert e.completeness_error <= 0.01
    signal_first(explanations)
    occluded = explain(model, texts[:8], method="occlusion")
    signal_first(occluded)
    with pytest.raises(ValueError, match="not available for LSTMRegressor"):
        explain(model, texts[:2], IntegratedGradients(output="proba"))


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


def test_gradients_need_an_sklstm_pipeline(tfidf, binary):
    for method in ("integrated_gradients", "attention"):
        with pytest.raises(ValueError, match=r"need a pipeline of a TextTokenizer and an "
                           r"LSTMClassifier or LSTMRegressor .* got a pipeline of "
                           r"TfidfVectorizer and LogisticRegression"):
            explain(tfidf, ["good"], method=method)
    with pytest.raises(ValueError, match="got a LSTMClassifier"):
        explain(binary[-1], ["good"])


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


def test_confident_predictions_bad_input(fit_pipeline, fast, binary, data):
    texts, y = data
    with pytest.raises(ValueError, match="y_true has 3 labels for 240 texts"):
        confident_predictions(binary, texts, y[:3])
    with pytest.raises(ValueError, match="n must be a positive int, got 0"):
        confident_predictions(binary, texts, y, n=0)
    tags = [{"a"} if c else {"b"} for c in y[:40]]
    tagger = fit_pipeline(LSTMClassifier(**fast), texts[:40], tags)
    with pytest.raises(ValueError, match="single-label classifiers; this model is multi-label"):
        confident_predictions(tagger, texts[:40], y[:40])
