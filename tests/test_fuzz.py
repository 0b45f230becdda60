"""Property-based tests (hypothesis): arbitrary Unicode texts never break the tokenizer or pipeline.

The test marked ``fuzz`` tries 10,000 examples (each a batch of texts); it is
part of the normal test run.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer

TRAIN = ["a wonderful moving film", "i loved every minute", "great fun 好 🎬",
         "dull and far too long", "i hated it", "a boring mess שלום"] * 3
LABELS = (["pos"] * 3 + ["neg"] * 3) * 3
MAX_LENGTH = 12

# Any code point, surrogates and control characters included.
texts = st.lists(st.text(st.characters(codec=None), max_size=60), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def tokenizers():
    return {level: TextTokenizer(level=level, min_frequency=1, max_features=300,
                                 max_length=MAX_LENGTH).fit(TRAIN)
            for level in ("word", "bpe", "char")}


@pytest.fixture(scope="module")
def pipe():
    return make_pipeline(
        TextTokenizer(min_frequency=1, max_length=MAX_LENGTH),
        LSTMClassifier(embedding_dim=4, hidden_size=4, max_epochs=1, early_stopping=False,
                       validation_fraction=None, random_state=0, device="cpu"),
    ).fit(TRAIN, LABELS)


def check_ids(tok, batch):
    ids = tok.transform(batch)
    assert ids.dtype == np.int32
    assert ids.shape[0] == len(batch) and 1 <= ids.shape[1] <= MAX_LENGTH
    assert ids.min() >= 0 and ids.max() < tok.vocab_size_
    tokens = tok.inverse_transform(ids)
    assert len(tokens) == len(batch)
    # Padding only at the right end of each row.
    for row in ids:
        nonzero = np.flatnonzero(row)
        assert len(nonzero) == 0 or nonzero[-1] + 1 == len(nonzero)
    return ids


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(batch=texts)
def test_word_tokenizer_on_arbitrary_unicode(tokenizers, batch):
    check_ids(tokenizers["word"], batch)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=texts, level=st.sampled_from(["bpe", "char"]))
def test_subword_and_char_tokenizers_on_arbitrary_unicode(tokenizers, batch, level):
    check_ids(tokenizers[level], batch)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=texts)
def test_fit_on_arbitrary_unicode(batch):
    tok = TextTokenizer(min_frequency=1, max_length=MAX_LENGTH)
    ids = tok.fit_transform(batch)
    np.testing.assert_array_equal(ids, tok.transform(batch))
    assert ids.max() < tok.vocab_size_


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=texts)
def test_pipeline_predicts_arbitrary_unicode(pipe, batch):
    proba = pipe.predict_proba(batch)
    assert proba.shape == (len(batch), 2) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(pipe.predict(batch)) <= {"neg", "pos"}
