"""Fixtures of the tests of sklstm.explain: tiny models fitted on synthetic texts in which one
token carries the class (or label, or target), so that every method must put that token first."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.compare import make_tfidf_logreg

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


def _signal_position(e):
    return next(i for i, t in enumerate(e.tokens) if t in SIGNALS)


def _assert_signal_first(explanations, columns=None):
    """In each explanation the class token has the largest absolute weight."""
    for e in explanations:
        w = e.column_weights(columns)
        assert np.argmax(np.abs(w)) == _signal_position(e), e.to_text()


@pytest.fixture
def fast():
    """The settings of the tiny LSTMs (a copy: tests may change it)."""
    return dict(FAST)


@pytest.fixture
def signal_texts():
    """``signal_texts(n=240, n_classes=2, seed=0)``: texts with one class word each, and the
    classes."""
    return _texts


@pytest.fixture
def fit_pipeline():
    """``fit_pipeline(estimator, texts, y, **tokenizer)``: a fitted TextTokenizer pipeline."""
    return _fit


@pytest.fixture
def signal_position():
    """``signal_position(explanation)``: where its class word is."""
    return _signal_position


@pytest.fixture
def signal_first():
    """``signal_first(explanations, columns=None)``: asserts the class word weighs most."""
    return _assert_signal_first


@pytest.fixture(scope="package")
def data():
    return _texts()


@pytest.fixture(scope="package")
def binary(data):
    texts, y = data
    return _fit(LSTMClassifier(**FAST), texts, np.array(["neg", "pos"])[y])


@pytest.fixture(scope="package")
def attentive(data):
    texts, y = data
    # Without the bag, which alone would find the class word here: the LSTM must look.
    return _fit(LSTMClassifier(pooling="attention", bag_ngrams=None, **FAST), texts, y)


@pytest.fixture(scope="package")
def multiclass():
    texts, y = _texts(n_classes=3)
    return _fit(LSTMClassifier(**FAST), texts, y), texts, y


@pytest.fixture(scope="package")
def tfidf(data):
    texts, y = data
    return make_tfidf_logreg(min_df=1).fit(texts, np.array(["neg", "pos"])[y])
