"""Same data and random_state give identical results on CPU with a fixed thread count."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer

POS = ["a wonderful moving film", "i loved every minute", "brilliant acting and story",
       "great fun", "truly wonderful", "loved the cast"]
NEG = ["dull and far too long", "i hated it", "a boring mess", "awful plot",
       "truly awful", "hated the cast"]
TEXTS = (POS + NEG) * 3
LABELS = (["pos"] * 6 + ["neg"] * 6) * 3
LSTM = dict(embedding_dim=8, hidden_size=8, max_epochs=4, random_state=0, device="cpu",
            dropout=0.3, embedding_dropout=0.1)


# Bit-identical results need a fixed number of threads.
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def make_pipe(**params):
    return make_pipeline(TextTokenizer(min_frequency=1), LSTMClassifier(**dict(LSTM, **params)))


@pytest.mark.parametrize("params", [
    {},  # validation split, early stopping, dropout
    dict(early_stopping=False, validation_fraction=None, pooling="attention",
         bidirectional=False, num_layers=2),
])
def test_repeated_fits_give_identical_probabilities(params):
    runs = [make_pipe(**params).fit(TEXTS, LABELS).predict_proba(TEXTS) for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    other = make_pipe(**dict(params, random_state=1)).fit(TEXTS, LABELS).predict_proba(TEXTS)
    assert not np.array_equal(runs[0], other)


def grid_search(n_jobs):
    search = GridSearchCV(
        make_pipe(early_stopping=False, validation_fraction=None),
        {"lstmclassifier__hidden_size": [4, 8]},
        cv=2, n_jobs=n_jobs, error_score="raise",
    )
    search.fit(TEXTS, LABELS)
    scores = {k: v for k, v in search.cv_results_.items() if "time" not in k}
    return scores, search.best_params_, search.best_estimator_.predict_proba(TEXTS)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_is_reproducible(n_jobs):
    (scores1, best1, proba1), (scores2, best2, proba2) = grid_search(n_jobs), grid_search(n_jobs)
    assert scores1.keys() == scores2.keys()
    for key in scores1:
        np.testing.assert_array_equal(np.asarray(scores1[key], dtype=object),
                                      np.asarray(scores2[key], dtype=object), err_msg=key)
    assert best1 == best2
    np.testing.assert_array_equal(proba1, proba2)
