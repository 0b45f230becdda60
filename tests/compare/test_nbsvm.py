"""Tests of sklstm.compare._nbsvm: NBSVMClassifier, the naive-Bayes-scaled linear model."""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm.compare import (
    NBSVMClassifier,
)


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
def test_sparse_and_dense_input_agree(toy_reviews, loss):
    X = CountVectorizer(binary=True).fit_transform(toy_reviews.texts)
    assert sp.issparse(X)
    sparse = NBSVMClassifier(loss=loss, random_state=0).fit(X, toy_reviews.labels)
    dense = NBSVMClassifier(loss=loss, random_state=0).fit(X.toarray(), toy_reviews.labels)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(sparse.decision_function(X),
                               dense.decision_function(X.toarray()), rtol=1e-6, atol=1e-10)
    assert sparse.score(X, toy_reviews.labels) == 1.0


def test_multiclass_is_one_vs_rest(toy_reviews):
    texts = toy_reviews.texts + ["the plot was fine", "an average film", "it was okay, fine",
                     "an average, okay plot"] * 3
    labels = np.concatenate([toy_reviews.labels, ["mid"] * 12])
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
