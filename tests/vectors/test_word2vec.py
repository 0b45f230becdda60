"""Tests for sklstm.vectors._word2vec: word2vec training and the words it trains on."""

import sys

import numpy as np
import pytest
from sklearn.base import clone

from sklstm import TextTokenizer
from sklstm.vectors import Word2VecVectors, WordVectors, word_tokens

UNLABELLED = ["The film was <b>GREAT</b>, really great!", "A bad, bad film.",
              "Don't watch this film", "great acting; bad plot"] * 15


def test_word_tokens_match_the_tokenizer_vocabulary():
    tokens = word_tokens(UNLABELLED[:4])
    assert tokens[0] == ["the", "film", "was", "great", ",", "really", "great", "!"]
    assert tokens[2] == ["don", "'", "t", "watch", "this", "film"]
    tok = TextTokenizer(min_frequency=1, max_features=None).fit(UNLABELLED)
    assert {t for row in word_tokens(UNLABELLED) for t in row} == set(tok.vocabulary_) - {
        "<pad>", "<unk>"}
    cased = word_tokens(["The <b>film</b>"], lowercase=False, strip_html=False)
    assert cased == [["The", "<", "b", ">", "film", "<", "/", "b", ">"]]


def test_word2vec_trains_vectors_for_tokenizer_words():
    pytest.importorskip("gensim")
    w2v = Word2VecVectors(vector_size=12, min_count=15, epochs=3, random_state=0)
    assert w2v.fit(UNLABELLED) is w2v
    wv = w2v.vectors_
    assert isinstance(wv, WordVectors) and wv.dim == 12
    # Every word seen at least 15 times, in the tokenizer's spelling.
    expected = {w for w, n in TextTokenizer(min_frequency=15, max_features=None)
                .fit(UNLABELLED).vocabulary_.items() if n >= 2}
    assert set(wv.words) == expected and "great" in wv and "GREAT" not in wv
    assert w2v.n_words_seen_ == sum(map(len, word_tokens(UNLABELLED)))
    assert np.isfinite(wv.vectors).all() and wv.vectors.std() > 0


def test_word2vec_reproducible_with_random_state():
    pytest.importorskip("gensim")
    params = dict(vector_size=8, min_count=1, epochs=2, random_state=3)
    a = Word2VecVectors(**params).fit(UNLABELLED).vectors_
    b = clone(Word2VecVectors(**params)).fit(UNLABELLED).vectors_
    c = Word2VecVectors(**dict(params, random_state=4)).fit(UNLABELLED).vectors_
    assert a.words == b.words
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert not np.allclose(a.vectors, c.vectors)


def test_word2vec_options_and_errors():
    pytest.importorskip("gensim")
    sg = Word2VecVectors(vector_size=4, min_count=1, sg=1, window=2, epochs=1, workers=2,
                         lowercase=False, strip_html=False).fit(UNLABELLED)
    assert "GREAT" in sg.vectors_ and "<" in sg.vectors_
    with pytest.raises(ValueError, match="min_count=1000"):
        Word2VecVectors(min_count=1000).fit(UNLABELLED)
    with pytest.raises(ValueError, match="sg"):
        Word2VecVectors(sg=2).fit(UNLABELLED)
    with pytest.raises(ValueError, match="single str"):
        Word2VecVectors().fit("one text")


def test_word2vec_without_gensim_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gensim.models", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install 'sklstm\[vectors\]'"):
        Word2VecVectors().fit(UNLABELLED)
