"""Tests for sklstm.semi_supervised: pseudo-labels for unlabelled texts."""

import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm import LSTMClassifier, SelfTrainingClassifier, TextTokenizer
from sklstm.semi_supervised import most_confident, pseudo_label_count

A_WORDS = {"pos": ["great", "superb"], "neg": ["awful", "dreadful"]}
B_WORDS = {"pos": ["lovely", "charming"], "neg": ["dull", "tedious"]}
FILLER = ["the", "film", "was", "a", "plot", "and", "it", "story"]


def _text(rng, *word_sets, n=5):
    """Filler words and one word of each of ``word_sets``, shuffled."""
    words = rng.choice(FILLER, n).tolist() + [rng.choice(words) for words in word_sets]
    return " ".join(rng.permutation(words).tolist())


def _bridged(seed=0, n_labelled=20, n_bridge=200):
    """A task that only pseudo-labels solve.

    The labelled texts use the ``A`` words of their class, the unlabelled
    ones both ``A`` and ``B`` words, the test texts ``B`` words only: a model
    of the labelled texts is at chance on the test texts, and one fitted
    again on the pseudo-labelled bridge texts learns the ``B`` words.
    """
    rng = np.random.default_rng(seed)
    texts, y = [], []
    for i in range(n_labelled):
        label = ("pos", "neg")[i % 2]
        texts.append(_text(rng, A_WORDS[label]))
        y.append(label)
    for i in range(n_bridge):
        label = ("pos", "neg")[i % 2]
        texts.append(_text(rng, A_WORDS[label], B_WORDS[label]))
        y.append("")
    test_y = [("pos", "neg")[i % 2] for i in range(100)]
    test = [_text(rng, B_WORDS[label]) for label in test_y]
    return texts, np.array(y, dtype=object), test, np.array(test_y)


def _logreg():
    return make_pipeline(CountVectorizer(), LogisticRegression(C=10))


# ---------------------------------------------------------------- helpers


def test_pseudo_label_count():
    assert pseudo_label_count("auto", 73000) == 24333  # a third
    assert pseudo_label_count(7, 100) == 7
    assert pseudo_label_count(700, 100) == 100  # at most the unlabelled rows
    assert pseudo_label_count(0.25, 100) == 25
    assert pseudo_label_count(1.0, 100) == 100


def test_most_confident_keeps_the_class_balance():
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4], [0.45, 0.55],
                      [0.1, 0.9]])
    rows, columns = most_confident(proba, 4, [0.5, 0.5])
    np.testing.assert_array_equal(rows, [0, 1, 4, 5])  # two of each class, the surest
    np.testing.assert_array_equal(columns, [0, 0, 1, 1])
    rows, columns = most_confident(proba, 4, [0.25, 0.75])  # 1 of class 0, 3 of class 1
    np.testing.assert_array_equal(rows, [0, 4, 5])  # only two rows are predicted class 1
    np.testing.assert_array_equal(columns, [0, 1, 1])
    rows, _ = most_confident(proba, 0, [0.5, 0.5])
    assert rows.size == 0
    # Quotas are rounded to add up to k: 5 rows of 3 balanced classes are 2 + 2 + 1.
    three = np.repeat(np.eye(3) * 0.8 + 0.1, 4, axis=0)
    _, columns = most_confident(three, 5, [1, 1, 1])
    assert np.bincount(columns).tolist() == [2, 2, 1]


# ---------------------------------------------------------------- fit


def test_pseudo_labels_carry_the_labels_to_words_never_labelled():
    texts, y, test, test_y = _bridged()
    labelled = [t for t, label in zip(texts, y, strict=True) if label]
    alone = _logreg().fit(labelled, y[y != ""].tolist())
    assert alone.score(test, test_y) < 0.7  # B words were never labelled
    model = SelfTrainingClassifier(estimator=_logreg(), unlabeled_label="", k_best=1.0)
    model.fit(texts, y)
    assert model.score(test, test_y) > 0.95
    assert model.classes_.tolist() == ["neg", "pos"]
    assert set(model.predict(test)) <= {"neg", "pos"}
    # Every bridge text got its true label in round 1.
    truth = np.array([("pos", "neg")[i % 2] for i in range(200)])
    np.testing.assert_array_equal(model.transduction_[20:], truth)
    np.testing.assert_array_equal(model.labeled_iter_, [0] * 20 + [1] * 200)
    assert model.n_iter_ == 1 and model.teachers_ == []


def test_rounds_label_k_best_rows_each():
    texts, y, _, _ = _bridged(n_bridge=100)
    model = SelfTrainingClassifier(estimator=_logreg(), unlabeled_label="", k_best=30,
                                   max_iter=3).fit(texts, y)
    assert model.n_iter_ == 3
    assert [int(np.sum(model.labeled_iter_ == i)) for i in (-1, 0, 1, 2, 3)] == [10, 20, 30,
                                                                                  30, 30]
    assert (model.transduction_[model.labeled_iter_ == -1] == "").all()
    # 'auto': a third of the rows still unlabelled each round (of 100, then of 67).
    model = SelfTrainingClassifier(estimator=_logreg(), unlabeled_label="",
                                   max_iter=2).fit(texts, y)
    assert [int(np.sum(model.labeled_iter_ == i)) for i in (-1, 1, 2)] == [45, 33, 22]
    # Stops early once every row is labelled.
    model = SelfTrainingClassifier(estimator=_logreg(), unlabeled_label="", k_best=60,
                                   max_iter=5).fit(texts, y)
    assert model.n_iter_ == 2 and (model.labeled_iter_ >= 0).all()


def test_teachers_probabilities_are_averaged_with_the_estimators():
    texts, y, _, _ = _bridged(n_bridge=60)
    teacher = make_pipeline(CountVectorizer(), MultinomialNB())
    model = SelfTrainingClassifier(estimator=_logreg(), teachers=[teacher],
                                   unlabeled_label="", k_best=20).fit(texts, y)
    labelled = np.flatnonzero(y != "")
    unlabelled = np.flatnonzero(y == "")
    X_lab, y_lab = [texts[i] for i in labelled], y[labelled].tolist()
    X_unl = [texts[i] for i in unlabelled]
    first = _logreg().fit(X_lab, y_lab)
    nb = clone(teacher).fit(X_lab, y_lab)
    np.testing.assert_allclose(model.teachers_[0].predict_proba(X_unl), nb.predict_proba(X_unl))
    proba = (first.predict_proba(X_unl) + nb.predict_proba(X_unl)) / 2
    rows, columns = most_confident(proba, 20, [0.5, 0.5])
    np.testing.assert_array_equal(np.flatnonzero(model.labeled_iter_ == 1), unlabelled[rows])
    np.testing.assert_array_equal(model.transduction_[unlabelled[rows]],
                                  first.classes_[columns])
    # The NB teacher changed the choice: the estimator alone picks other rows.
    alone = most_confident(first.predict_proba(X_unl), 20, [0.5, 0.5])[0]
    assert set(alone) != set(rows)


def test_numeric_labels_and_a_pandas_series():
    pd = pytest.importorskip("pandas")
    texts, y, test, test_y = _bridged()
    numeric = np.where(y == "pos", 1, np.where(y == "neg", 0, -1))
    model = SelfTrainingClassifier(estimator=_logreg(), k_best=1.0).fit(pd.Series(texts),
                                                                       numeric)
    assert model.classes_.tolist() == [0, 1] and model.transduction_.dtype.kind == "i"
    assert model.score(test, (test_y == "pos").astype(int)) > 0.95


def test_delegates_and_pickles():
    texts, y, test, _ = _bridged(n_bridge=40)
    model = SelfTrainingClassifier(estimator=_logreg(), unlabeled_label="").fit(texts, y)
    np.testing.assert_allclose(model.predict_proba(test), model.estimator_.predict_proba(test))
    np.testing.assert_allclose(model.predict_log_proba(test), np.log(model.predict_proba(test)))
    np.testing.assert_allclose(model.decision_function(test),
                               model.estimator_.decision_function(test))
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(test), model.predict_proba(test))
    assert not hasattr(SelfTrainingClassifier(estimator=make_pipeline(
        CountVectorizer(), MultinomialNB())), "decision_function")


def test_sklstm_save_names_the_model_to_save(tmp_path):
    import sklstm

    texts, y, test, _ = _bridged(n_bridge=40)
    lstm = LSTMClassifier(unlabeled_label="", pretraining=None, embedding_dim=8, hidden_size=8,
                          max_epochs=2, early_stopping=False, validation_fraction=None,
                          device="cpu", random_state=0)
    model = SelfTrainingClassifier(estimator=make_pipeline(TextTokenizer(min_frequency=1),
                                                           lstm), unlabeled_label="")
    with pytest.warns(UserWarning, match="ignored"):   # the LSTM does not pretrain
        model.fit(texts, y)
    with pytest.raises(ValueError, match=r"save the Pipeline that predicts: "
                                         r"sklstm.save\(model.estimator_, path\)"):
        sklstm.save(model, tmp_path / "model.sklstm")
    restored = sklstm.load(sklstm.save(model.estimator_, tmp_path / "model.sklstm"))
    np.testing.assert_array_equal(restored.predict_proba(test), model.predict_proba(test))


def test_no_unlabelled_row_fits_once_and_warns():
    texts, y, test, _ = _bridged(n_bridge=0)
    with pytest.warns(UserWarning, match="no row of y is unlabelled"):
        model = SelfTrainingClassifier(estimator=_logreg(), unlabeled_label="").fit(texts, y)
    assert model.n_iter_ == 0 and (model.labeled_iter_ == 0).all()
    direct = _logreg().fit(texts, y.tolist())
    np.testing.assert_allclose(model.predict_proba(test), direct.predict_proba(test))


# ------------------------------------------------------- the LSTM inside


def test_an_lstm_with_the_marker_reads_the_unlabelled_rows_and_pretrains_once(count_calls):
    texts, y, test, test_y = _bridged(n_labelled=40, n_bridge=160)
    calls = count_calls("sklstm.lstm._pretraining", "word2vec_embeddings")
    lstm = LSTMClassifier(unlabeled_label="", pretraining="word2vec", embedding_dim=8,
                          hidden_size=8, max_epochs=5, early_stopping=False,
                          validation_fraction=None, lr=1e-2, device="cpu", random_state=0)
    model = SelfTrainingClassifier(estimator=make_pipeline(TextTokenizer(min_frequency=1),
                                                           lstm),
                                   unlabeled_label="", k_best=80).fit(texts, y)
    assert len(calls) == 1  # the two fits shared the pretraining
    final = model.estimator_[-1]
    assert final.memory is None  # the temporary cache is not kept
    assert final.n_unlabeled_ == 80  # it was given the rows still unlabelled
    assert final.classes_.tolist() == ["neg", "pos"]
    assert set(model.predict(test)) <= {"neg", "pos"}
    # Its own cache is used as it is.
    lstm_with_memory = clone(lstm).set_params(memory="cache-here")
    step = SelfTrainingClassifier(estimator=lstm_with_memory, unlabeled_label="")
    assert step._shared_cache(lstm_with_memory, True, "tmp") is None


def test_the_lstm_validates_on_labels_and_pseudo_labels_alike(split_sizes):
    texts, y, _, _ = _bridged(n_labelled=40, n_bridge=160)
    lstm = LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=1, early_stopping=False,
                          validation_fraction=0.25, device="cpu", random_state=0)
    model = SelfTrainingClassifier(estimator=make_pipeline(TextTokenizer(min_frequency=1),
                                                           lstm),
                                   unlabeled_label="", k_best=80).fit(texts, y)
    n_rows = 40 + int((model.labeled_iter_ == 1).sum())
    n_valid = int(np.ceil(n_rows / 4))   # validating on the 40 labels only scored lower
    assert split_sizes(model.estimator_[-1].history_) == (n_rows - n_valid, n_valid)


def test_a_teacher_lstm_with_the_marker_reads_the_unlabelled_rows_too(count_calls):
    texts, y, _, _ = _bridged(n_labelled=40, n_bridge=160)
    calls = count_calls("sklstm.lstm._pretraining", "word2vec_embeddings")
    teacher = make_pipeline(TextTokenizer(min_frequency=1), LSTMClassifier(
        unlabeled_label="", pretraining="word2vec", embedding_dim=8, hidden_size=8,
        max_epochs=2, early_stopping=False, validation_fraction=None, device="cpu",
        random_state=1))
    model = SelfTrainingClassifier(estimator=_logreg(), teachers=[teacher, _logreg()],
                                   unlabeled_label="", k_best=80).fit(texts, y)
    tokenizer, lstm = model.teachers_[0][0], model.teachers_[0][-1]
    assert lstm.n_unlabeled_ == 160 and len(calls) == 1   # all rows, before any pseudo-label
    assert lstm.memory is None   # the temporary cache is not kept
    assert "lovely" in tokenizer.vocabulary_   # a B word: only the unlabelled rows have it
    # The other teacher saw the labelled rows only (A words).
    assert "lovely" not in model.teachers_[1][0].vocabulary_
    assert "great" in model.teachers_[1][0].vocabulary_
    assert (model.labeled_iter_ == 1).sum() == 80


@pytest.mark.parametrize("where", ["estimator", "teachers[1]"])
def test_an_lstm_with_another_marker_is_refused(where):
    texts, y, _, _ = _bridged(n_bridge=10)
    lstm = LSTMClassifier(unlabeled_label="?", device="cpu")
    params = ({"estimator": lstm} if where == "estimator" else
              {"estimator": _logreg(), "teachers": [_logreg(), lstm]})
    with pytest.raises(ValueError, match=rf"^the {re.escape(where)}'s unlabeled_label='\?' "
                                         r"is not unlabeled_label='': give both the same"):
        SelfTrainingClassifier(unlabeled_label="", **params).fit(texts, y)


# ------------------------------------------------------- scikit-learn checks

_N_ITER = "n_iter_ counts rounds of pseudo-labels: 0 where y has no unlabelled row"


@parametrize_with_checks(
    [SelfTrainingClassifier(estimator=LogisticRegression())],
    expected_failed_checks=lambda est: {"check_non_transformer_estimators_n_iter": _N_ITER})
@pytest.mark.filterwarnings("ignore:no row of y is unlabelled")
def test_sklearn_compatible(estimator, check):
    check(estimator)
