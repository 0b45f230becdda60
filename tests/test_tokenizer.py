"""Tests for sklstm.TextTokenizer and check_texts."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklstm import TextTokenizer
from sklstm.tokenizer import LEVELS, PAD_ID, UNK_ID, check_texts

TRAIN = ["The film was great, truly great!", "A boring film.", "Great acting; boring plot",
         "I loved the acting", "the plot was thin"] * 3


def fit(**params):
    return TextTokenizer(**params).fit(TRAIN)


def tokens(tok, texts):
    return tok.inverse_transform(tok.transform(texts))


def test_shape_dtype_padding_and_reserved_ids():
    tok = fit()
    X = tok.transform(["great film", "", "the film was great truly"])
    assert X.dtype == np.int32 and X.shape == (3, 5)
    assert (X[0, 2:] == PAD_ID).all() and (X[1] == PAD_ID).all()
    assert tok.vocabulary_["<pad>"] == PAD_ID and tok.vocabulary_["<unk>"] == UNK_ID
    assert TextTokenizer(dtype=np.int64).fit(TRAIN).transform(["film"]).dtype == np.int64


def test_all_empty_texts_give_one_padding_column():
    np.testing.assert_array_equal(fit().transform(["", ""]), [[0], [0]])


def test_words_punctuation_lowercase_and_html():
    tok = fit()
    assert tokens(tok, ["Great<br /><br />FILM!"]) == [["great", "film", "!"]]
    assert tokens(fit(lowercase=False), ["Great film"]) == [["Great", "film"]]
    keep_html = TextTokenizer(strip_html=False, min_frequency=1).fit(["a <b>tag</b>"])
    assert "b" in keep_html.vocabulary_ and "<" in keep_html.vocabulary_


def test_unicode_normalization():
    tok = TextTokenizer().fit(["ﬁlm café"])  # the ligature ﬁ becomes "fi" under NFKC
    assert "film" in tok.vocabulary_
    assert "ﬁlm" in TextTokenizer(normalization=None).fit(["ﬁlm"]).vocabulary_


def test_fit_learns_from_training_texts_only():
    tok = fit()
    assert "zebra" not in tok.vocabulary_
    X = tok.transform(["zebra film"])
    assert X[0, 0] == UNK_ID and X[0, 1] == tok.vocabulary_["film"]


def test_max_features_and_min_frequency():
    tok = fit(max_features=5)
    assert len(tok.vocabulary_) == 5
    assert {"the", "great"} <= set(tok.vocabulary_)  # the most frequent are kept
    assert tok.transform(TRAIN).max() < 5
    rare = TextTokenizer(min_frequency=2).fit(["seen seen once"])
    assert "seen" in rare.vocabulary_ and "once" not in rare.vocabulary_


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_round_trips_known_text(level):
    tok = TextTokenizer(level=level, max_features=300).fit(TRAIN)
    X = tok.transform(["the film was great"])
    assert X.ndim == 2 and (X > UNK_ID).all()
    pieces = tok.inverse_transform(X)[0]
    joined = "".join(p.replace("##", "").replace("▁", "") for p in pieces)
    assert joined == "thefilmwasgreat"


def test_char_level_is_one_token_per_character():
    tok = TextTokenizer(level="char").fit(["ab c"])
    assert tokens(tok, ["cab"]) == [["c", "a", "b"]]


def test_subword_level_splits_unseen_words():
    tok = TextTokenizer(level="unigram", max_features=200).fit(TRAIN)
    ids = tok.transform(["greatfilm"])[0]
    assert UNK_ID not in ids and (ids > 0).sum() >= 2


@pytest.mark.parametrize("text, n", [("我喜欢这部电影", 7), ("この映画が好きです", 9),
                                     ("영화가좋아요", 6)])
def test_cjk_without_spaces_is_split_into_characters(text, n):
    tok = TextTokenizer().fit([text])
    assert len(tok.vocabulary_) > 2
    assert len(tokens(tok, [text])[0]) == n


def test_cjk_subwords_never_span_a_sentence():
    tok = TextTokenizer(level="bpe", max_features=100).fit(["我喜欢这部电影"] * 5)
    assert len(tokens(tok, ["我喜欢这部电影"])[0]) > 1


@pytest.mark.parametrize("truncation, expected", [
    ("head", list("abcdefgh")),
    ("tail", list("mnopqrst")),
    ("head_tail", ["a", "b"] + list("opqrst")),
])
def test_truncation(truncation, expected):
    text = " ".join("abcdefghijklmnopqrst")
    tok = TextTokenizer(max_length=8, truncation=truncation).fit([text])
    assert tokens(tok, [text, "a b"]) == [expected, ["a", "b"]]
    assert tok.transform([text]).shape == (1, 8)
    assert TextTokenizer(max_length=None).fit([text]).transform([text]).shape == (1, 20)


@pytest.mark.parametrize("make", [list, tuple, np.array, "series"])
def test_accepts_sequences_of_str(make):
    if make == "series":
        pd = pytest.importorskip("pandas")
        texts = pd.Series(["a film", "great"], index=[10, 20])
    else:
        texts = make(["a film", "great"])
    tok = TextTokenizer().fit(texts)
    assert tok.transform(texts).shape == (2, 2)


@pytest.mark.parametrize("bad, kind", [
    (None, "NoneType"), (float("nan"), "float"), (b"bytes", "bytes"), (3, "int"),
    (["nested"], "list"), ({"a": 1}, "dict"),
])
@pytest.mark.parametrize("method", ["fit", "transform"])
def test_bad_element_names_index_and_type(bad, kind, method):
    texts = ["fine", "also fine", bad]
    tok = fit()
    with pytest.raises(ValueError, match=rf"index 2 is {kind}\b"):
        getattr(tok, method)(texts)


@pytest.mark.parametrize("X, match", [
    ("a single string", "single str.*wrap it in a list"),
    (b"bytes", "single bytes"),
    ([], "empty"),
    (np.array([["a", "b"], ["c", "d"]]), "one-dimensional"),
    (42, "collection of strings"),
])
def test_bad_collections(X, match):
    with pytest.raises(ValueError, match=match):
        TextTokenizer().fit(X)


def test_check_texts_copies():
    texts = ["a", "b"]
    out = check_texts(texts)
    assert out == texts and out is not texts


@pytest.mark.parametrize("text", [
    "ctrl\x00\x07\x1b chars", "lone \ud800 surrogate", "emoji 🎬🍿👍🏽", "עברית מימין לשמאל",
    "مرحبا بالعالم", "x" * 1_000_000, "word " * 200_000,
])
def test_unusual_unicode_never_crashes(text):
    tok = TextTokenizer().fit(TRAIN + [text])
    X = tok.transform([text, "great film"])
    assert X.shape[0] == 2 and X.shape[1] <= 400 and (X >= 0).all()
    assert X.max() < len(tok.vocabulary_)


def test_not_fitted():
    with pytest.raises(NotFittedError):
        TextTokenizer().transform(["a"])


def test_inverse_transform_rejects_foreign_ids():
    tok = fit()
    with pytest.raises(ValueError, match=r"X\[0, 1\] = 999"):
        tok.inverse_transform([[2, 999]])


def test_pickle_and_clone():
    tok = fit(level="bpe", max_features=100)
    restored = pickle.loads(pickle.dumps(tok))
    np.testing.assert_array_equal(restored.transform(TRAIN), tok.transform(TRAIN))
    assert restored.vocabulary_ == tok.vocabulary_
    twin = clone(tok)
    assert twin.get_params() == tok.get_params() and not hasattr(twin, "vocabulary_")


def test_invalid_parameters_reported_at_fit():
    with pytest.raises(ValueError, match="level"):
        TextTokenizer(level="sentence").fit(TRAIN)
    with pytest.raises(ValueError, match="max_features"):
        TextTokenizer(level="bpe", max_features=None).fit(TRAIN)
    with pytest.raises(TypeError):
        TextTokenizer("word")  # keyword-only


def test_input_not_modified():
    texts = np.array(["Great<br />film", "boring"], dtype=object)
    before = texts.copy()
    TextTokenizer().fit_transform(texts)
    np.testing.assert_array_equal(texts, before)


def test_fit_transform_equals_fit_then_transform():
    tok = TextTokenizer()
    np.testing.assert_array_equal(tok.fit_transform(TRAIN), tok.transform(TRAIN))


@pytest.mark.slow
def test_imdb_vocabulary_and_lengths(imdb_train_texts):
    texts, _ = imdb_train_texts
    tok = TextTokenizer()
    X = tok.fit_transform(texts[:3000])
    assert X.shape == (3000, 400)
    assert len(tok.vocabulary_) == 20000  # 3,000 reviews hold more distinct words
    assert "br" not in tok.vocabulary_  # <br /> tags are stripped
    assert (X[:, 0] > 0).all()
