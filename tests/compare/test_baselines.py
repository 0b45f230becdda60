"""Tests of sklstm.compare._baselines: the TF-IDF, NB-SVM and NB-LR pipelines."""

import pickle
import re
import tarfile

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from sklstm.compare import (
    make_nblr,
    make_nbsvm,
    make_tfidf_logreg,
    make_tfidf_svm,
    strip_html,
)

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
def test_pipelines_learn_toy_sentiment(toy_reviews, factory):
    model = factory()
    assert isinstance(model, Pipeline)
    model.fit(toy_reviews.texts, toy_reviews.labels)
    # min_df=2 drops words seen once, so a sentence of rare words may be missed.
    assert model.score(toy_reviews.texts, toy_reviews.labels) >= 0.95
    assert model.predict(toy_reviews.unseen).tolist() == toy_reviews.unseen_labels
    assert model.classes_.tolist() == ["neg", "pos"]


@pytest.mark.parametrize("factory", FACTORIES)
def test_pipelines_strip_html_and_pickle(toy_reviews, factory):
    model = factory(min_df=1).fit(toy_reviews.texts, toy_reviews.labels)
    vocabulary = model[0].vocabulary_
    assert "br" not in vocabulary
    assert "excellent highly" in vocabulary  # <br /> separated these words
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.decision_function(toy_reviews.unseen),
                                  model.decision_function(toy_reviews.unseen))


def test_factory_parameters_reach_the_steps(toy_reviews):
    logreg = make_tfidf_logreg(ngram_range=(1, 1), min_df=1, max_features=7, C=3.0)
    assert isinstance(logreg[0], TfidfVectorizer) and logreg[0].sublinear_tf
    assert logreg[0].ngram_range == (1, 1) and logreg[0].max_features == 7
    assert isinstance(logreg[-1], LogisticRegression) and logreg[-1].C == 3.0
    logreg.fit(toy_reviews.texts, toy_reviews.labels)
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


def test_token_patterns(toy_reviews):
    texts, labels = toy_reviews.texts, toy_reviews.labels
    words = make_tfidf_logreg(min_df=1).fit(texts, labels)[0].vocabulary_
    marks = make_nbsvm().fit(texts + ["i loved it!"], list(labels) + ["pos"])[0].vocabulary_
    assert "i" not in words and "i" in marks
    assert "it !" in marks
    custom = make_tfidf_svm(min_df=1, token_pattern=r"\w+").fit(texts, labels)[0]
    assert "i" in custom.vocabulary_


def test_nblr_is_nb_weighted_logistic_regression_on_punctuated_trigrams(toy_reviews):
    nblr = make_nblr(C=0.5, min_df=1, random_state=0)
    assert nblr[0].binary and nblr[0].ngram_range == (1, 3)
    assert (nblr[-1].loss, nblr[-1].beta, nblr[-1].C) == ("log_loss", 1.0, 0.5)
    texts = toy_reviews.texts + ["10/10, i loved it!", "1/10... i hated it!"]
    labels = list(toy_reviews.labels) + ["pos", "neg"]
    nblr.fit(texts, labels)
    vocabulary = nblr[0].vocabulary_
    assert {"10 / 10", "1 / 10", "it !", ". . ."} <= set(vocabulary)
    # It is NBSVMClassifier with beta=1: the probabilities are a logistic regression's.
    proba = nblr.predict_proba(toy_reviews.unseen)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert nblr.predict(toy_reviews.unseen).tolist() == toy_reviews.unseen_labels
    same = make_nbsvm(ngram_range=(1, 3), token_pattern=r"(?u)\w+|[^\w\s]", loss="log_loss",
                      beta=1.0, C=0.5, random_state=0).fit(texts, labels)
    np.testing.assert_allclose(same.predict_proba(toy_reviews.unseen), proba)


def test_factories_are_keyword_only():
    for factory in FACTORIES:
        with pytest.raises(TypeError):
            factory((1, 1))


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
