"""Tests for sklstm.streaming.predict_stream."""

import io

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.streaming import predict_stream

TEXTS = ["a wonderful moving film", "i loved every minute", "great fun",
         "dull and far too long", "i hated it", "a boring mess"] * 4
LABELS = (["pos"] * 3 + ["neg"] * 3) * 4
WORDS = ["film", "loved", "boring", "great", "mess", "zebra", "the", "it"]


@pytest.fixture(scope="module")
def pipe():
    return make_pipeline(
        TextTokenizer(min_frequency=1),
        LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=3, early_stopping=False,
                       validation_fraction=None, random_state=0, device="cpu"),
    ).fit(TEXTS, LABELS)


def short_texts(n):
    for i in range(n):
        yield f"{WORDS[i % 8]} {WORDS[(i * 7 + 3) % 8]} {WORDS[(i * 5) % 8]} number {i % 97}"


def test_generator_of_50k_texts_matches_predict(pipe):
    consumed = []

    def tracked(n):
        for i, text in enumerate(short_texts(n)):
            consumed.append(i)
            yield text

    stream = predict_stream(pipe, tracked(50_000), batch_size=4096, method="predict_proba")
    first = next(stream)
    # Lazy: only the first batch has been read.
    assert first.shape == (4096, 2) and len(consumed) == 4096
    proba = np.concatenate([first, *stream])
    expected = pipe.predict_proba(list(short_texts(50_000)))
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-6)
    labels = np.concatenate(list(predict_stream(pipe, short_texts(50_000), batch_size=5000)))
    np.testing.assert_array_equal(labels, pipe.classes_[expected.argmax(axis=1)])


def test_file_and_uneven_batches(pipe):
    texts = list(short_texts(10))
    f = io.StringIO("".join(t + "\n" for t in texts))
    batches = list(predict_stream(pipe, f, batch_size=3, method="predict"))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    np.testing.assert_array_equal(np.concatenate(batches), pipe.predict(texts))
    assert list(predict_stream(pipe, iter([]))) == []
    ids = np.concatenate(list(predict_stream(pipe[0], texts, batch_size=10, method="transform")))
    np.testing.assert_array_equal(ids, pipe[0].transform(texts))


@pytest.mark.parametrize("texts, kwargs, match", [
    ("one text", {}, "single str"),
    (b"bytes", {}, "single bytes"),
    (42, {}, "got int"),
    (["ok"], {"batch_size": 0}, "batch_size must be an integer >= 1, got 0"),
    (["ok"], {"batch_size": 2.5}, "batch_size"),
    (["ok"], {"method": "fit"}, "method must be one of"),
])
def test_bad_arguments(pipe, texts, kwargs, match):
    with pytest.raises(ValueError, match=match):
        predict_stream(pipe, texts, **kwargs)


def test_method_the_estimator_lacks(pipe):
    with pytest.raises(ValueError, match="TextTokenizer has no method 'predict_proba'"):
        predict_stream(pipe[0], ["ok"], method="predict_proba")


def test_decision_function_streams(pipe):
    texts = list(short_texts(9))
    scores = np.concatenate(list(predict_stream(pipe, texts, batch_size=4,
                                                method="decision_function")))
    assert scores.shape == (9,)
    np.testing.assert_allclose(scores, pipe.decision_function(texts), atol=1e-6)


def test_bad_text_in_the_stream_names_its_index(pipe):
    stream = predict_stream(pipe, ["ok", "fine", "good", None], batch_size=2)
    assert len(next(stream)) == 2
    with pytest.raises(ValueError, match="index 1 is NoneType"):
        next(stream)
