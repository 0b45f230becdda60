"""Tests for sklstm.LSTMRegressor, the classifier's twin for continuous targets."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklstm
from sklstm import LSTMRegressor, TextTokenizer

SMALL = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
FIXED = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=15, lr=1e-2)

WIDTH_VARIES = ("id matrices are padded to each call's longest text, so their width "
                "legitimately differs between fit and predict")


def _expected_failures(estimator):
    return {
        "check_n_features_in_after_fitting": WIDTH_VARIES,
        "check_estimators_partial_fit_n_features": WIDTH_VARIES,
        "check_regressors_train": WIDTH_VARIES + " (its accuracy part is covered by "
                                  "test_learns_a_score_from_its_tokens)",
        "check_sample_weight_equivalence_on_dense_data": (
            "training is stochastic over shuffled mini-batches: a weight of 2 is not the "
            "same as a repeated row (weights: test_sample_weight_moves_the_fit)"),
    }


@parametrize_with_checks([LSTMRegressor(**dict(FIXED, max_epochs=20))],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def score_data(n=300, seed=0, width=15):
    """Ids whose target is the sum of 'score tokens' (ids 40-43 worth 0-3) in the row."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, width), dtype=np.int64)
    y = np.zeros(n)
    for i in range(n):
        length = rng.integers(3, width + 1)
        X[i, :length] = rng.integers(2, 40, length)
        k = rng.integers(0, 4)
        X[i, rng.integers(0, length)] = 40 + k
        y[i] = 10.0 + 5.0 * k
    return X, y


def test_learns_a_score_from_its_tokens():
    X, y = score_data()
    reg = LSTMRegressor(**dict(FIXED, max_epochs=30)).fit(X[:200], y[:200])
    assert reg.score(X[200:], y[200:]) > 0.8
    # standardised inside, answered in the targets' units
    assert reg.target_mean_ == pytest.approx(y[:200].mean())
    assert abs(reg.predict(X[200:]).mean() - y[200:].mean()) < 2.0
    assert reg.predict(X[:3]).shape == (3,) and reg.n_outputs_ == 1


def test_bag_of_ngrams_is_off_by_default_and_learns_when_on():
    X, y = score_data()
    assert LSTMRegressor().bag_ngrams is None
    # The score is a sum of token values: what a bag of unigrams models exactly.
    reg = LSTMRegressor(**dict(FIXED, max_epochs=30, bag_ngrams=1)).fit(X[:200], y[:200])
    assert reg.module_.bag is not None and reg.module_.bag.max_n == 1
    assert reg.score(X[200:], y[200:]) > 0.8


def test_several_targets_at_once():
    X, y = score_data(n=200)
    Y = np.column_stack([y, -2 * y + 1])
    reg = LSTMRegressor(**dict(FIXED, max_epochs=30)).fit(X, Y)
    assert reg.predict(X[:5]).shape == (5, 2) and reg.n_outputs_ == 2
    assert reg.score(X, Y) > 0.7
    column = LSTMRegressor(**FIXED).fit(X, y.reshape(-1, 1))
    assert column.predict(X[:5]).shape == (5, 1)  # a 2-D y gives 2-D predictions


def test_huber_loss_and_sample_weight_moves_the_fit():
    X, y = score_data(n=200)
    huber = LSTMRegressor(**dict(FIXED, loss="huber", max_epochs=3)).fit(X, y)
    mse = LSTMRegressor(**dict(FIXED, max_epochs=3)).fit(X, y)
    assert not np.allclose(huber.predict(X), mse.predict(X))
    assert huber.net_.criterion_.__class__.__name__ == "HuberLoss"


def test_sample_weight_moves_the_fit():
    X, y = score_data(n=200)
    weights = np.where(y > 15, 5.0, 0.2)  # the high scores count most
    plain = LSTMRegressor(**dict(FIXED, max_epochs=4)).fit(X, y)
    weighted = LSTMRegressor(**dict(FIXED, max_epochs=4)).fit(X, y, sample_weight=weights)
    high = y > 15
    error = lambda model: np.abs(model.predict(X[high]) - y[high]).mean()  # noqa: E731
    assert error(weighted) < error(plain)
    ones = LSTMRegressor(**dict(FIXED, max_epochs=4)).fit(X, y, sample_weight=np.ones(200))
    np.testing.assert_array_equal(ones.predict(X), plain.predict(X))


@pytest.mark.parametrize("y, match", [
    (["a", "b", "c", "d"], r"numeric targets; y\[0\] is str .*LSTMClassifier"),
    ([1.0, np.nan, 2.0, 3.0], r"missing target \(nan\) at index 1"),
    (np.array([1.0, np.nan, 2.0, 3.0]), r"finite; row 1 holds nan"),
    ([1.0, 2.0, np.inf, 3.0], r"finite; row 2 holds inf"),
    ([1.0, None, 2.0, 3.0], r"missing target \(None\) at index 1"),
])
def test_bad_targets(y, match):
    X = np.array([[2, 3], [4, 0], [5, 6], [7, 0]])
    with pytest.raises(ValueError, match=match):
        LSTMRegressor(**FIXED).fit(X, y)


def test_save_load_pickle_clone_and_grid_search(tmp_path):
    texts = ["a great film", "loved it", "what a bore", "awful film", "fine", "so so"] * 6
    ratings = [9.0, 8.0, 2.0, 1.0, 6.0, 5.0] * 6
    pipe = make_pipeline(TextTokenizer(min_frequency=1),
                         LSTMRegressor(**dict(FIXED, max_epochs=5))).fit(texts, ratings)
    expected = pipe.predict(texts)
    loaded = sklstm.load(sklstm.save(pipe, tmp_path / "reg.sklstm"))
    np.testing.assert_array_equal(loaded.predict(texts), expected)
    assert loaded[-1].target_ndim_ == 1
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(pipe)).predict(texts), expected)
    assert clone(pipe[-1]).get_params() == pipe[-1].get_params()
    search = GridSearchCV(pipe, {"lstmregressor__loss": ["squared_error", "huber"]}, cv=2)
    search.fit(texts, ratings)
    assert search.best_params_["lstmregressor__loss"] in ("squared_error", "huber")
