"""Tests of sklstm.compare._baselines: the TF-IDF pipelines and NBSVMClassifier."""

import pickle
import re
import tarfile

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm.compare import (
    NBSVMClassifier,
    make_nblr,
    make_nbsvm,
    make_tfidf_logreg,
    make_tfidf_svm,
    strip_html,
)

POSITIVE = [
    "a wonderful film with great acting", "i loved every minute of it",
    "brilliant story and a superb cast", "great fun, truly wonderful",
    "an excellent and moving film", "the best movie i have seen this year",
    "superb direction and lovely music", "a delightful, charming comedy",
    "i really enjoyed this great movie", "beautiful images and a brilliant script",
    "loved the acting, loved the story", "an excellent thriller, great pace",
    "wonderful performances all round", "charming and funny, i loved it",
    "a great cast in a superb film", "truly excellent<br /><br />highly recommended",
    "brilliant, moving and beautiful", "such a lovely and delightful story",
    "great film, excellent ending", "enjoyed it, a wonderful watch",
]
NEGATIVE = [
    "a terrible film with awful acting", "i hated every minute of it",
    "boring story and a dreadful cast", "awful, truly a waste of time",
    "a dull and pointless film", "the worst movie i have seen this year",
    "poor direction and annoying music", "a stupid, tedious comedy",
    "i really disliked this bad movie", "ugly images and a terrible script",
    "hated the acting, hated the story", "a boring thriller, awful pace",
    "dreadful performances all round", "tedious and dull, i hated it",
    "a bad cast in a poor film", "truly awful<br /><br />avoid it",
    "pointless, boring and stupid", "such a dull and dreadful story",
    "bad film, terrible ending", "wasted my time, a poor watch",
]
TEXTS = POSITIVE + NEGATIVE
LABELS = np.array(["pos"] * len(POSITIVE) + ["neg"] * len(NEGATIVE))
UNSEEN = ["great and wonderful", "loved it, brilliant", "awful and boring",
          "terrible, i hated it"]
UNSEEN_LABELS = ["pos", "pos", "neg", "neg"]

FACTORIES = [make_tfidf_logreg, make_tfidf_svm, make_nbsvm, make_nblr]


# ---------------------------------------------------------------- strip_html


@pytest.mark.parametrize("text, expected", [
    ("Good.<br /><br />Bad", "good.  bad"),
    ("A<br/>B<BR>c", "a b c"),
    ("no tags HERE", "no tags here"),
    ("", ""),
])
def test_strip_html(text, expected):
    assert strip_html(text) == expected


# ----------------------------------------------------------------- pipelines


@pytest.mark.parametrize("factory", FACTORIES)
def test_pipelines_learn_toy_sentiment(factory):
    model = factory()
    assert isinstance(model, Pipeline)
    model.fit(TEXTS, LABELS)
    # min_df=2 drops words seen once, so a sentence of rare words may be missed.
    assert model.score(TEXTS, LABELS) >= 0.95
    assert model.predict(UNSEEN).tolist() == UNSEEN_LABELS
    assert model.classes_.tolist() == ["neg", "pos"]


@pytest.mark.parametrize("factory", FACTORIES)
def test_pipelines_strip_html_and_pickle(factory):
    model = factory(min_df=1).fit(TEXTS, LABELS)
    vocabulary = model[0].vocabulary_
    assert "br" not in vocabulary
    assert "excellent highly" in vocabulary  # <br /> separated these words
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.decision_function(UNSEEN),
                                  model.decision_function(UNSEEN))


def test_factory_parameters_reach_the_steps():
    logreg = make_tfidf_logreg(ngram_range=(1, 1), min_df=1, max_features=7, C=3.0)
    assert isinstance(logreg[0], TfidfVectorizer) and logreg[0].sublinear_tf
    assert logreg[0].ngram_range == (1, 1) and logreg[0].max_features == 7
    assert isinstance(logreg[-1], LogisticRegression) and logreg[-1].C == 3.0
    logreg.fit(TEXTS, LABELS)
    assert len(logreg[0].vocabulary_) == 7
    assert all(" " not in term for term in logreg[0].vocabulary_)

    svm = make_tfidf_svm(C=0.1, class_weight="balanced", random_state=3)
    assert isinstance(svm[-1], LinearSVC)
    assert (svm[-1].C, svm[-1].class_weight, svm[-1].random_state) == (0.1, "balanced", 3)

    nbsvm = make_nbsvm(alpha=0.5, C=2.0, beta=1.0, loss="log_loss", min_df=2)
    assert isinstance(nbsvm[0], CountVectorizer) and nbsvm[0].binary
    assert nbsvm[0].min_df == 2
    assert nbsvm[-1].get_params() == clone(nbsvm[-1]).get_params()
    assert (nbsvm[-1].alpha, nbsvm[-1].C, nbsvm[-1].beta, nbsvm[-1].loss) == (
        0.5, 2.0, 1.0, "log_loss")


def test_token_patterns():
    words = make_tfidf_logreg(min_df=1).fit(TEXTS, LABELS)[0].vocabulary_
    marks = make_nbsvm().fit(TEXTS + ["i loved it!"], list(LABELS) + ["pos"])[0].vocabulary_
    assert "i" not in words and "i" in marks
    assert "it !" in marks
    custom = make_tfidf_svm(min_df=1, token_pattern=r"\w+").fit(TEXTS, LABELS)[0]
    assert "i" in custom.vocabulary_


def test_nblr_is_nb_weighted_logistic_regression_on_punctuated_trigrams():
    nblr = make_nblr(C=0.5, min_df=1, random_state=0)
    assert nblr[0].binary and nblr[0].ngram_range == (1, 3)
    assert (nblr[-1].loss, nblr[-1].beta, nblr[-1].C) == ("log_loss", 1.0, 0.5)
    texts = TEXTS + ["10/10, i loved it!", "1/10... i hated it!"]
    labels = list(LABELS) + ["pos", "neg"]
    nblr.fit(texts, labels)
    vocabulary = nblr[0].vocabulary_
    assert {"10 / 10", "1 / 10", "it !", ". . ."} <= set(vocabulary)
    # It is NBSVMClassifier with beta=1: the probabilities are a logistic regression's.
    proba = nblr.predict_proba(UNSEEN)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert nblr.predict(UNSEEN).tolist() == UNSEEN_LABELS
    same = make_nbsvm(ngram_range=(1, 3), token_pattern=r"(?u)\w+|[^\w\s]", loss="log_loss",
                      beta=1.0, C=0.5, random_state=0).fit(texts, labels)
    np.testing.assert_allclose(same.predict_proba(UNSEEN), proba)


def test_factories_are_keyword_only():
    for factory in FACTORIES:
        with pytest.raises(TypeError):
            factory((1, 1))


# ------------------------------------------------------------ NBSVMClassifier


def _expected_failed_checks(estimator):
    failures = {}
    if estimator.beta < 1:
        failures["check_classifiers_train"] = (
            "beta < 1 pulls the weights towards naive Bayes, whose log-count ratios "
            "suit count features, not the check's shifted 2-feature Gaussian blobs: "
            "training accuracy is about 0.6-0.75 there, below the 0.83 required")
    if estimator.loss == "log_loss":
        failures["check_decision_proba_consistency"] = (
            "the check fits on blobs with negative values and ignores the "
            "positive_only tag; NBSVMClassifier rejects negative features")
    return failures


@parametrize_with_checks(
    [NBSVMClassifier(random_state=0),
     NBSVMClassifier(loss="log_loss", beta=1.0, random_state=0),
     NBSVMClassifier(loss="log_loss", alpha=0.5, C=10.0, random_state=0)],
    expected_failed_checks=_expected_failed_checks, xfail_strict=True)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_nbsvm_tags():
    tags = NBSVMClassifier().__sklearn_tags__()
    assert tags.input_tags.sparse and tags.input_tags.positive_only
    assert tags.estimator_type == "classifier"


X_SMALL = np.array([[2, 0, 1], [3, 0, 0], [0, 2, 1], [0, 3, 0], [1, 1, 1]], dtype=float)
Y_SMALL = np.array(["a", "a", "b", "b", "b"])


def test_log_count_ratios_match_the_paper():
    clf = NBSVMClassifier(alpha=1.0).fit(X_SMALL, Y_SMALL)
    # Binary case: r is for classes_[1] = "b" against "a".
    p = 1.0 + X_SMALL[Y_SMALL == "b"].sum(axis=0)
    q = 1.0 + X_SMALL[Y_SMALL == "a"].sum(axis=0)
    expected = np.log((p / p.sum()) / (q / q.sum()))
    np.testing.assert_allclose(clf.r_, expected[None, :])
    assert clf.coef_.shape == (1, 3) and clf.intercept_.shape == (1,)
    np.testing.assert_allclose(clf.decision_function(X_SMALL),
                               X_SMALL @ clf.coef_.ravel() + clf.intercept_[0])


@pytest.mark.parametrize("loss, model", [
    ("squared_hinge", LinearSVC(random_state=0)),
    ("log_loss", LogisticRegression(solver="liblinear", random_state=0)),
])
def test_beta_one_is_the_linear_model_on_scaled_features(loss, model):
    clf = NBSVMClassifier(beta=1.0, loss=loss, random_state=0).fit(X_SMALL, Y_SMALL)
    model.fit(X_SMALL * clf.r_[0], Y_SMALL == "b")
    np.testing.assert_allclose(clf.coef_[0], model.coef_[0] * clf.r_[0])
    np.testing.assert_allclose(clf.intercept_, model.intercept_)


def test_beta_interpolates_towards_mean_magnitude():
    full = NBSVMClassifier(beta=1.0, random_state=0).fit(X_SMALL, Y_SMALL)
    none = NBSVMClassifier(beta=0.0, random_state=0).fit(X_SMALL, Y_SMALL)
    w = full.coef_[0] / full.r_[0]
    np.testing.assert_allclose(none.coef_[0], np.abs(w).mean() * full.r_[0])
    quarter = NBSVMClassifier(beta=0.25, random_state=0).fit(X_SMALL, Y_SMALL)
    np.testing.assert_allclose(
        quarter.coef_[0], (0.75 * np.abs(w).mean() + 0.25 * w) * full.r_[0])


@pytest.mark.parametrize("loss", ["squared_hinge", "log_loss"])
def test_sparse_and_dense_input_agree(loss):
    X = CountVectorizer(binary=True).fit_transform(TEXTS)
    assert sp.issparse(X)
    sparse = NBSVMClassifier(loss=loss, random_state=0).fit(X, LABELS)
    dense = NBSVMClassifier(loss=loss, random_state=0).fit(X.toarray(), LABELS)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(sparse.decision_function(X),
                               dense.decision_function(X.toarray()), rtol=1e-6, atol=1e-10)
    assert sparse.score(X, LABELS) == 1.0


def test_multiclass_is_one_vs_rest():
    texts = TEXTS + ["the plot was fine", "an average film", "it was okay, fine",
                     "an average, okay plot"] * 3
    labels = np.concatenate([LABELS, ["mid"] * 12])
    X = CountVectorizer(binary=True).fit_transform(texts)
    clf = NBSVMClassifier(loss="log_loss", beta=1.0, random_state=0).fit(X, labels)
    assert clf.classes_.tolist() == ["mid", "neg", "pos"]
    assert clf.r_.shape == clf.coef_.shape == (3, X.shape[1])
    assert clf.decision_function(X).shape == (len(texts), 3)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.score(X, labels) == 1.0
    # Each row of r is that class against the rest.
    counts = X.toarray()
    p = 1.0 + counts[labels == "mid"].sum(axis=0)
    q = 1.0 + counts[labels != "mid"].sum(axis=0)
    np.testing.assert_allclose(clf.r_[0], np.log((p / p.sum()) / (q / q.sum())))


def test_binary_predict_proba_is_the_logistic_of_the_decision_function():
    clf = NBSVMClassifier(loss="log_loss", random_state=0).fit(X_SMALL, Y_SMALL)
    proba = clf.predict_proba(X_SMALL)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-clf.decision_function(X_SMALL))))
    np.testing.assert_allclose(clf.predict_log_proba(X_SMALL), np.log(proba))


def test_predict_proba_only_for_log_loss():
    clf = NBSVMClassifier().fit(X_SMALL, Y_SMALL)
    assert not hasattr(clf, "predict_proba")
    assert not hasattr(clf, "predict_log_proba")
    assert hasattr(NBSVMClassifier(loss="log_loss"), "predict_proba")


@pytest.mark.parametrize("params, message", [
    ({"alpha": 0.0}, "'alpha' parameter"),
    ({"beta": 1.5}, "'beta' parameter"),
    ({"C": -1.0}, "'C' parameter"),
    ({"loss": "hinge"}, "'loss' parameter"),
])
def test_invalid_parameters(params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        NBSVMClassifier(**params).fit(X_SMALL, Y_SMALL)


def test_rejects_negative_features_and_a_single_class():
    with pytest.raises(ValueError, match="Negative values"):
        NBSVMClassifier().fit(-X_SMALL, Y_SMALL)
    clf = NBSVMClassifier().fit(X_SMALL, Y_SMALL)
    with pytest.raises(ValueError, match="Negative values"):
        clf.predict(-X_SMALL)
    with pytest.raises(ValueError, match="only one class: .*'a'"):
        NBSVMClassifier().fit(X_SMALL, ["a"] * 5)


def test_keyword_only_parameters():
    with pytest.raises(TypeError):
        NBSVMClassifier(1.0)


# ---------------------------------------------------------------- real data


def _read_imdb_train(archive, n_per_class):
    """The first ``n_per_class`` train reviews of each class from the archive."""
    texts = {"neg": [], "pos": []}
    with tarfile.open(archive, "r:gz") as archive:
        for member in archive:
            match = re.fullmatch(r"aclImdb/train/(pos|neg)/\d+_\d+\.txt", member.name)
            if match and len(texts[match[1]]) < n_per_class:
                texts[match[1]].append(archive.extractfile(member).read().decode("utf-8"))
            if all(len(group) == n_per_class for group in texts.values()):
                break
    assert all(len(group) == n_per_class for group in texts.values())
    return texts


@pytest.mark.slow
def test_baselines_on_real_imdb_reviews(imdb_archive):
    texts = _read_imdb_train(imdb_archive, 1000)
    rng = np.random.default_rng(0)
    X = np.array(texts["neg"] + texts["pos"], dtype=object)
    y = np.array(["neg"] * 1000 + ["pos"] * 1000)
    order = rng.permutation(len(X))
    train, test = order[:1500], order[1500:]
    for factory in FACTORIES:
        model = factory().fit(X[train].tolist(), y[train])
        accuracy = model.score(X[test].tolist(), y[test])
        assert accuracy > 0.75, (factory.__name__, accuracy)
