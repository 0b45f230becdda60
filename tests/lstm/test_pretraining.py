"""Tests for sklstm.lstm._pretraining: learning from unlabelled rows before supervised training."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

import sklstm
from sklstm import LSTMClassifier
from sklstm.lstm._pretraining import (
    pretrain,
    word2vec_embeddings,
)

TINY = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
FIXED = dict(TINY, early_stopping=False, validation_fraction=None, max_epochs=3, lr=1e-2)
ENCODER = dict(num_embeddings=50, embedding_dim=8, hidden_size=8, num_layers=1,
               bidirectional=True)


def _cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _group_similarity(table):
    """Mean cosine similarity of words of one group, minus that of words of both groups."""
    within = [_cosine(table[i], table[j]) for g in (10, 20) for i in range(g, g + 10)
              for j in range(g, g + 10) if i < j]
    across = [_cosine(table[i], table[j]) for i in range(10, 20) for j in range(20, 30)]
    return np.mean(within) - np.mean(across)


# -------------------------------------------------------- language model


def test_pretrained_weights_start_the_classifier(groups_data):
    X, y = groups_data()
    # A learning rate this small leaves the weights where the pretraining put them.
    params = dict(FIXED, max_epochs=1, lr=1e-12, vocab_size=50)
    clf = LSTMClassifier(**params, pretraining="lm", pretraining_epochs=2).fit(X, y)
    plain = LSTMClassifier(**params).fit(X, y)
    expected = pretrain(X, method="lm", epochs=2, random_state=0, module_params=ENCODER)
    state = clf.module_.state_dict()
    for name, value in expected.weights.items():
        np.testing.assert_allclose(state[name].numpy(), value, atol=1e-6, err_msg=name)
    assert not np.allclose(plain.module_.embedding.weight.detach().numpy(),
                           expected.weights["embedding.weight"])
    assert [row["epoch"] for row in clf.pretraining_history_] == [1, 2]
    assert plain.pretraining_history_ == []


@pytest.mark.parametrize("params", [
    dict(num_layers=2), dict(num_layers=2, bidirectional=False), dict(pooling="attention"),
    dict(embeddings=np.random.default_rng(0).normal(size=(50, 6)), freeze_embeddings=True),
], ids=["bi-2-layers", "uni-2-layers", "attention", "frozen-embeddings"])
def test_lm_pretraining_for_each_architecture(groups_data, params):
    X, y = groups_data(n=80)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, lr=1e-12, vocab_size=50), **params,
                         pretraining="lm").fit(X, y)
    encoder = {k: v for k, v in ENCODER.items() if k not in params}
    encoder.update({k: v for k, v in params.items() if k in ENCODER})
    if "embeddings" in params:
        encoder.update(embedding_dim=6, embeddings=params["embeddings"].astype(np.float32),
                       freeze_embeddings=True)
    expected = pretrain(X, method="lm", random_state=0, module_params=encoder).weights
    state = clf.module_.state_dict()
    for name, value in expected.items():
        np.testing.assert_allclose(state[name].numpy(), value, atol=1e-6, err_msg=name)
    if "embeddings" in params:  # frozen: the language model leaves them as given
        np.testing.assert_allclose(state["embedding.weight"][1:].numpy(),
                                   params["embeddings"][1:], atol=1e-6)


def test_lm_pretraining_is_deterministic_with_a_random_state(groups_data):
    X, y = groups_data(n=120)
    a = LSTMClassifier(**FIXED, pretraining="lm").fit(X, y)
    b = LSTMClassifier(**FIXED, pretraining="lm").fit(X, y)
    assert a.pretraining_history_[0]["loss"] == b.pretraining_history_[0]["loss"]
    for name, value in a.module_.state_dict().items():
        assert torch.equal(value, b.module_.state_dict()[name]), name


def test_unlabelled_co_occurrence_does_not_break_the_classifier(groups_data):
    """Labelled rows use half of each group's words, test rows only the other half.

    The language model sees all words in the unlabelled rows; the classifier
    pretrained on them must still learn the labelled task.
    """
    X_seen, y_seen = groups_data(n=160, seed=1, words=range(5))
    X_all, _ = groups_data(n=400, seed=2)
    X_unseen, y_unseen = groups_data(n=100, seed=3, words=range(5, 10))
    X = np.vstack([X_seen[:80], X_all])
    y = np.concatenate([y_seen[:80], np.full(len(X_all), -1)])
    clf = LSTMClassifier(**dict(FIXED, max_epochs=15, vocab_size=30), unlabeled_label=-1,
                         pretraining="lm", pretraining_epochs=3).fit(X, y)
    assert clf.classes_.tolist() == [0, 1] and clf.n_unlabeled_ == len(X_all)
    assert clf.score(X_seen[80:], y_seen[80:]) > 0.9
    assert set(clf.predict(X_unseen).tolist()) <= {0, 1}
    assert clf.pretraining_history_[-1]["loss"] < clf.pretraining_history_[0]["loss"]


# -------------------------------------------------------------- word2vec


def test_word2vec_embeddings_learn_co_occurrence(groups_data):
    pytest.importorskip("gensim")
    X, _ = groups_data(n=1000)
    table, history = word2vec_embeddings(X, num_embeddings=40, dim=8, epochs=10, seed=0)
    assert table.shape == (40, 8) and table.dtype == np.float32
    assert not table[0].any() and np.isfinite(table).all()
    # Words of one group are closer to each other than to the other group's.
    assert _group_similarity(table) > 0.3
    assert history[0]["epochs"] == 10 and history[0]["n_tokens"] == int((X != 0).sum())
    again, _ = word2vec_embeddings(X, num_embeddings=40, dim=8, epochs=10, seed=0)
    np.testing.assert_array_equal(table, again)


def test_word2vec_pretraining_carries_the_labels_to_words_seen_only_unlabelled(groups_data):
    """The signal of the test rows' words is learnable from unlabelled co-occurrence only."""
    pytest.importorskip("gensim")
    X_seen, y_seen = groups_data(n=160, seed=1, words=range(5))
    X_all, _ = groups_data(n=1000, seed=2)
    X_unseen, y_unseen = groups_data(n=200, seed=3, words=range(5, 10))
    X = np.vstack([X_seen[:80], X_all])
    y = np.concatenate([y_seen[:80], np.full(len(X_all), -1)])
    # The LSTM alone: only its word vectors can carry labels to unseen words.
    params = dict(FIXED, max_epochs=15, vocab_size=30, unlabeled_label=-1, bag_ngrams=None,
                  pretraining=None)
    with pytest.warns(UserWarning, match="1000 unlabelled rows are ignored"):
        supervised = LSTMClassifier(**params).fit(X, y)
    pretrained = LSTMClassifier(**dict(params, pretraining="word2vec"),
                                pretraining_epochs=10).fit(X, y)
    assert supervised.score(X_seen[80:], y_seen[80:]) > 0.9
    assert pretrained.score(X_seen[80:], y_seen[80:]) > 0.9
    # Words 15-19 and 25-29 never occur in a labelled row.
    assert supervised.score(X_unseen, y_unseen) < 0.8
    assert pretrained.score(X_unseen, y_unseen) > 0.9
    # With the default bag of n-grams, which knows labelled n-grams only, the
    # LSTM learns less from the labelled words, but still carries most of it.
    params.pop("bag_ngrams")
    params.pop("pretraining")  # "auto": word2vec, as there are unlabelled rows
    default = LSTMClassifier(**params, pretraining_epochs=10).fit(X, y)
    assert default.score(X_unseen, y_unseen) > 0.8


def test_word2vec_pretraining_starts_the_embedding(groups_data):
    pytest.importorskip("gensim")
    X, y = groups_data()
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, lr=1e-12, vocab_size=50),
                         pretraining="word2vec").fit(X, y)
    expected = pretrain(X, method="word2vec", random_state=0, module_params=ENCODER)
    np.testing.assert_allclose(clf.module_.embedding.weight.detach().numpy(),
                               expected.embeddings, atol=1e-6)
    assert clf.pretraining_history_[0]["epochs"] == 5


def test_word2vec_without_gensim_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gensim.models", None)
    with pytest.raises(ImportError,
                       match=r"pretraining='word2vec' needs gensim.*sklstm\[vectors\]"):
        word2vec_embeddings(np.array([[2, 3]]), num_embeddings=4, dim=2)


# ------------------------------------------------------------ the default


def _partly_labelled(groups_data, n_labelled=60, n_unlabelled=300):
    X, y = groups_data(n=n_labelled + n_unlabelled)
    return X, np.where(np.arange(len(y)) < n_labelled, y, -1)


def test_auto_pretrains_word2vec_given_unlabelled_rows(groups_data, count_calls):
    pytest.importorskip("gensim")
    X, y = _partly_labelled(groups_data)
    calls = count_calls("sklstm.lstm._pretraining", "word2vec_embeddings")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is left out: no warning
        clf = LSTMClassifier(**FIXED, unlabeled_label=-1).fit(X, y)
    assert clf.pretraining == "auto" and len(calls) == 1
    assert clf.n_unlabeled_ == 300 and list(clf.pretraining_history_[0]) == [
        "epochs", "n_tokens", "seconds"]
    # The same fit as asking for word2vec by name.
    named = LSTMClassifier(**FIXED, unlabeled_label=-1, pretraining="word2vec").fit(X, y)
    np.testing.assert_array_equal(named.predict_proba(X), clf.predict_proba(X))


def test_auto_pretrains_nothing_without_unlabelled_rows(groups_data, count_calls):
    X, y = groups_data(n=60)
    calls = count_calls("sklstm.lstm._classifier", "pretrain")
    for params in (dict(), dict(unlabeled_label=-1)):  # no marker, or no row marked
        clf = LSTMClassifier(**FIXED, **params).fit(X, y)
        assert clf.pretraining_history_ == [] and clf.n_unlabeled_ == 0
    assert calls == []


def test_auto_keeps_given_embeddings_and_says_the_rows_are_left_out(groups_data):
    X, y = _partly_labelled(groups_data)
    with pytest.warns(UserWarning, match=r"300 unlabelled rows are ignored: pretraining='auto' "
                                         r"keeps the given embeddings .* pretraining='lm'"):
        clf = LSTMClassifier(**FIXED, unlabeled_label=-1, embeddings=np.ones((40, 8))).fit(X, y)
    assert clf.pretraining_history_ == []


def test_auto_without_gensim_names_the_extra_and_the_alternatives(groups_data, monkeypatch):
    import sys

    X, y = _partly_labelled(groups_data)
    monkeypatch.setitem(sys.modules, "gensim.models", None)
    with pytest.raises(ImportError, match=r"pretraining='auto' \(word2vec vectors learnt from "
                                          r"the 300 unlabelled rows\) needs gensim.*"
                                          r"sklstm\[vectors\].*; or pass pretraining='lm' "
                                          r"\(no extra\) or None"):
        LSTMClassifier(**FIXED, unlabeled_label=-1).fit(X, y)


# ---------------------------------------------------------------- memory


@pytest.mark.parametrize("memory", [None, "folder"])
def test_grid_search_pretrains_once_per_fold_with_memory(groups_data, memory, tmp_path,
                                                         count_calls):
    calls = count_calls("sklstm.lstm._pretraining", "pretrain_language_model")
    X, y = groups_data(n=120)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1), pretraining="lm",
                         memory=None if memory is None else tmp_path / "cache")
    search = GridSearchCV(clf, {"dropout": [0.0, 0.5], "lr": [1e-2, 3e-3]}, cv=2,
                          refit=False).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert len(calls) == (8 if memory is None else 2)
    if memory is not None:
        # The folder holds one result per fold.
        results = [p for p in (tmp_path / "cache").rglob("output.pkl")]
        assert len(results) == 2
        # The head's parameters are not in the key; what shapes the encoder is.
        clone(clf).fit(X, y)
        clone(clf).set_params(dropout=0.2, pooling="mean").fit(X, y)
        assert len(calls) == 3
        clone(clf).set_params(hidden_size=4).fit(X, y)
        assert len(calls) == 4


def test_memory_hit_gives_the_same_model(groups_data, tmp_path, count_calls):
    X, y = groups_data(n=100)
    first = LSTMClassifier(**FIXED, pretraining="lm", memory=str(tmp_path)).fit(X, y)
    calls = count_calls("sklstm.lstm._pretraining", "pretrain_language_model")
    second = LSTMClassifier(**FIXED, pretraining="lm", memory=str(tmp_path)).fit(X, y)
    assert calls == []
    assert second.pretraining_history_ == first.pretraining_history_
    np.testing.assert_array_equal(second.predict_proba(X), first.predict_proba(X))


# ----------------------------------------------------------- persistence


def test_pretrained_model_saves_pickles_and_clones(groups_data, tmp_path):
    X, y = groups_data(n=100)
    y_semi = np.where(np.arange(len(y)) % 3 == 0, -1, y)
    clf = LSTMClassifier(**FIXED, unlabeled_label=-1, pretraining="lm",
                         memory=tmp_path / "cache").fit(X, y_semi)
    loaded = sklstm.load(sklstm.save(clf, tmp_path / "model.sklstm"))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.pretraining == "lm" and loaded.unlabeled_label == -1
    assert loaded.memory is None  # a cache of fit is not saved
    assert loaded.pretraining_history_ == clf.pretraining_history_
    assert loaded.n_unlabeled_ == clf.n_unlabeled_ == int((y_semi == -1).sum())
    unpickled = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(unpickled.predict_proba(X), clf.predict_proba(X))
    cloned = clone(clf)
    assert cloned.get_params()["pretraining"] == "lm" and not hasattr(cloned, "net_")


def test_warm_start_and_partial_fit_do_not_pretrain(groups_data, count_calls):
    X, y = groups_data(n=80)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1), pretraining="lm", warm_start=True).fit(X, y)
    calls = count_calls("sklstm.lstm._pretraining", "pretrain_language_model")
    clf.fit(X, y)
    clf.partial_fit(X, y)
    LSTMClassifier(**FIXED, pretraining="lm").partial_fit(X, y, classes=[0, 1])
    assert calls == [] and len(clf.pretraining_history_) == 1


def test_pretraining_errors(groups_data):
    X, y = groups_data(n=40)
    with pytest.raises(ValueError, match="convolutional front-end"):
        LSTMClassifier(**FIXED, pretraining="lm", conv_filters=4).fit(X, y)
    with pytest.raises(ValueError, match="trains the embedding table itself"):
        LSTMClassifier(**FIXED, pretraining="word2vec",
                       embeddings=np.zeros((50, 8))).fit(X, y)
    with pytest.raises(ValueError, match="method must be one of"):
        pretrain(X, method="bert", module_params=ENCODER)
