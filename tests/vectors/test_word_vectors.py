"""Tests for sklstm.vectors._word_vectors: the WordVectors container, alignment to a vocabulary
and the embedding table's checks."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.vectors import EmbeddingMatrix, WordVectors, check_embedding_matrix

# ------------------------------------------------------------ WordVectors


def test_word_vectors_container(vectors, vector_words):
    wv = WordVectors(vector_words, vectors)
    assert len(wv) == len(vector_words) and wv.dim == 5
    assert "film" in wv and "Film" not in wv
    assert wv.index("bad") == 3
    np.testing.assert_array_equal(wv["bad"], vectors[3])
    assert wv.vectors.dtype == np.float32 and repr(wv) == "WordVectors(n_words=8, dim=5)"
    with pytest.raises(KeyError, match="no vector for 'nope'"):
        wv.index("nope")


@pytest.mark.parametrize("words, vecs, error, match", [
    (["a", "a"], np.zeros((2, 3)), ValueError, "'a' appears twice, at positions 0 and 1"),
    (["a", 3], np.zeros((2, 3)), TypeError, "position 1 holds int"),
    (["a"], np.zeros((2, 3)), ValueError, "1 words but 2 vectors"),
    (["a"], np.zeros(3), ValueError, "2-D"),
    (["a", "b"], [[0.0, 1.0], [np.nan, 0.0]], ValueError, r"'b' \(row 1\) holds NaN"),
])
def test_word_vectors_validation(words, vecs, error, match):
    with pytest.raises(error, match=match):
        WordVectors(words, vecs)


# ------------------------------------------------------------------ align


def test_align_rows_padding_and_missing(vectors, vector_words):
    wv = WordVectors(vector_words, vectors)
    vocab = {"<pad>": 0, "<unk>": 1, "film": 2, "zzz": 3, "the": 4, "qqq": 5}
    table = wv.align(vocab, random_state=0)
    assert isinstance(table, EmbeddingMatrix)
    m = table.matrix
    assert m.shape == (6, 5) and m.dtype == np.float32
    np.testing.assert_array_equal(m[0], 0)
    np.testing.assert_array_equal(m[2], vectors[1])
    np.testing.assert_array_equal(m[4], vectors[0])
    assert table.found.tolist() == [False, False, True, False, True, False]
    assert (table.n_words, table.n_found, table.type_coverage) == (4, 2, 0.5)
    assert table.token_coverage is None
    assert table.missing_words == ["zzz", "qqq"]
    # Missing words and <unk> get distinct small random vectors, reproducibly.
    assert np.all(m[[1, 3, 5]] != 0)
    np.testing.assert_array_equal(wv.align(vocab, random_state=0).matrix, m)
    assert not np.array_equal(wv.align(vocab, random_state=1).matrix[3], m[3])
    np.testing.assert_array_equal(np.asarray(table), m)
    assert len(table) == 6 and table.shape == (6, 5)


def test_align_random_scale_follows_found_vectors():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    wv = WordVectors(words, rng.normal(0, 3.0, (200, 50)))
    vocab = words[:100] + [f"missing{i}" for i in range(400)]
    table = wv.align(vocab, random_state=0)
    found_std = wv.vectors[:100].std()
    assert table.matrix[102:].std() == pytest.approx(found_std, rel=0.05)
    small = wv.align(vocab, scale=0.01, random_state=0)
    assert small.matrix[102:].std() == pytest.approx(0.01, rel=0.05)
    np.testing.assert_array_equal(small.matrix[2:102], table.matrix[2:102])


def test_align_lowercase_fallback(vectors):
    wv = WordVectors(["Paris", "PARIS", "good", "The"], np.eye(4))
    table = wv.align(["paris", "Good", "the", "good"], random_state=0)
    # "paris" takes the first case-insensitive match, "Good" the vector of "good".
    np.testing.assert_array_equal(table.matrix[2:], np.eye(4)[[0, 2, 3, 2]])
    assert table.n_case_matches == 3 and table.type_coverage == 1.0
    assert "3 of them ignoring case" in table.report()
    strict = wv.align(["paris", "Good", "the", "good"], lowercase_fallback=False)
    assert strict.found.tolist() == [False, False, False, False, False, True]


def test_align_counts_by_token_and_by_id(vectors, vector_words):
    wv = WordVectors(vector_words, vectors)
    vocab = ["film", "zzz", "the", "qqq"]  # ids 2..5
    by_token = wv.align(vocab, counts={"film": 6, "zzz": 1, "the": 2, "qqq": 3, "other": 50})
    assert by_token.token_coverage == pytest.approx(8 / 12)
    assert by_token.missing_words == ["qqq", "zzz"]  # most frequent first
    ids = np.array([[2, 2, 2, 2, 2, 2, 4, 4, 3, 5, 5, 5, 0, 0, 1, 1, 1]])
    by_id = wv.align(vocab, counts=np.bincount(ids.ravel()))  # reserved ids not counted
    assert by_id.token_coverage == pytest.approx(8 / 12)
    short = wv.align(vocab, counts=[0, 0, 6])  # a bincount that stops early
    assert short.token_coverage == 1.0
    with pytest.raises(ValueError, match="finite and >= 0"):
        wv.align(vocab, counts=[0, 0, -1])


def test_align_report_and_repr():
    wv = WordVectors(["a", "b"], np.ones((2, 3)))
    vocab = ["a", "b"] + [f"m{i:02d}" for i in range(12)]
    table = wv.align(vocab, counts={"a": 10, "m05": 7}, random_state=0)
    assert table.report() == (
        "embedding matrix 16 x 3: 2 of 14 words found (14.3%)\n"
        "tokens covered: 58.8%\n"
        "missing words: 'm05', 'm00', 'm01', 'm02', 'm03', 'm04', 'm06', 'm07', 'm08', "
        "'m09' and 2 more")
    assert repr(table) == "EmbeddingMatrix(shape=(16, 3), found 2 of 14 words)"


def test_align_nothing_found_and_bad_input():
    wv = WordVectors(["a", "b"], [[1.0, -1.0], [2.0, -2.0]])
    with pytest.warns(UserWarning, match="no vocabulary word"):
        table = wv.align(["x", "y"], random_state=0)
    assert table.type_coverage == 0.0 and table.matrix[2:].std() > 0
    with pytest.raises(ValueError, match="appears twice"):
        wv.align(["x", "x"])
    with pytest.raises(ValueError, match="scale"):
        wv.align(["a"], scale=-1.0)


def test_aligned_table_follows_tokenizer_ids(vectors, vector_words):
    texts = ["the film was good", "a bad film", "the bad the good"]
    tok = TextTokenizer(min_frequency=1).fit(texts)
    wv = WordVectors(vector_words, vectors)
    table = wv.align(tok.vocabulary_, counts=np.bincount(tok.transform(texts).ravel()))
    assert table.shape == (tok.vocab_size_, 5)
    for token, idx in tok.vocabulary_.items():
        if token in ("film", "the", "bad"):
            np.testing.assert_array_equal(table.matrix[idx], wv[token])
    np.testing.assert_array_equal(table.matrix[tok.vocabulary_["good"]], wv["Good"])
    # was, a: missing; 9 of 11 counted tokens covered
    assert table.token_coverage == pytest.approx(9 / 11)


# ----------------------------------------------------------- check matrix


def test_check_embedding_matrix():
    m = check_embedding_matrix([[0, 0], [1, 2], [3, 4]])
    assert m.dtype == np.float32 and m.shape == (3, 2)
    assert check_embedding_matrix(torch.ones(2, 3)).shape == (2, 3)
    with pytest.raises(TypeError, match="aligned"):
        check_embedding_matrix(WordVectors(["a"], [[1.0]]))
    with pytest.raises(ValueError, match=r"at least 2 rows .* got shape \(1, 2\)"):
        check_embedding_matrix([[1.0, 2.0]])
    with pytest.raises(ValueError, match="2-D"):
        check_embedding_matrix(np.zeros(4))
    with pytest.raises(ValueError, match="row 1 holds NaN"):
        check_embedding_matrix([[0.0], [np.nan]])
    with pytest.raises(TypeError, match="numbers"):
        check_embedding_matrix([["a"], ["b"]])


# --------------------------------------------------------------- pipeline


def test_word_vectors_pipeline_frozen_and_fine_tuned(vectors, vector_words):
    texts = ["the film was good", "a bad film", "good good film", "bad the film"] * 10
    labels = [1, 0, 1, 0] * 10
    tok = TextTokenizer(min_frequency=1).fit(texts)
    table = WordVectors(vector_words, vectors).align(tok.vocabulary_, random_state=0)
    fixed = dict(hidden_size=8, max_epochs=3, early_stopping=False, validation_fraction=None,
                 random_state=0, device="cpu", lr=1e-2)
    for freeze in (True, False):
        pipe = make_pipeline(TextTokenizer(vocabulary=tok.vocabulary_),
                             LSTMClassifier(embeddings=table, freeze_embeddings=freeze,
                                            **fixed))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the table matches the ids: no warning
            pipe.fit(texts, labels)
        weight = pipe[-1].module_.embedding.weight.detach().numpy()
        assert pipe[0].vocabulary_ == tok.vocabulary_
        assert weight.shape == table.shape
        if freeze:
            np.testing.assert_array_equal(weight, table.matrix)
        else:
            changed = ~np.isclose(weight, table.matrix).all(axis=1)
            assert changed[2:].all() and not changed[0]  # padding stays zero
        assert set(pipe.predict(texts)) <= {0, 1}
