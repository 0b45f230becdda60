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


@pytest.mark.parametrize("prefetch", [True, False])
def test_generator_of_50k_texts_matches_predict(pipe, prefetch):
    consumed = []

    def tracked(n):
        for i, text in enumerate(short_texts(n)):
            consumed.append(i)
            yield text

    stream = predict_stream(pipe, tracked(50_000), batch_size=4096, method="predict_proba",
                            prefetch=prefetch)
    first = next(stream)
    # Lazy: only the first batch has been read, and with prefetching perhaps the next.
    assert first.shape == (4096, 2)
    assert 4096 <= len(consumed) <= (2 * 4096 if prefetch else 4096)
    proba = np.concatenate([first, *stream])
    assert len(consumed) == 50_000
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
    (["ok"], {"prefetch": "yes"}, "prefetch must be True or False, got str"),
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


@pytest.mark.parametrize("prefetch", [True, False])
def test_bad_text_in_the_stream_names_its_index(pipe, prefetch):
    # With prefetching the bad batch is tokenized early; it raises when it is due.
    stream = predict_stream(pipe, ["ok", "fine", "good", None], batch_size=2, prefetch=prefetch)
    assert len(next(stream)) == 2
    with pytest.raises(ValueError, match="index 1 is NoneType"):
        next(stream)


def test_prefetch_stops_reading_when_the_consumer_stops(pipe):
    consumed = []

    def tracked():
        for i, text in enumerate(short_texts(100)):
            consumed.append(i)
            yield text

    stream = predict_stream(pipe, tracked(), batch_size=10)
    next(stream)
    stream.close()  # waits for the batch being read, then reads no more
    assert len(consumed) <= 20
