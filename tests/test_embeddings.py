"""Tests for sklstm.embeddings: reading vector files, alignment, word2vec training."""

import gzip
import struct
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklstm import (EmbeddingMatrix, LSTMClassifier, TextTokenizer, Word2VecVectors,
                    WordVectors, load_word_vectors)
from sklstm.embeddings import check_embedding_matrix, word_tokens

WORDS = ["the", "film", "Good", "bad", "naïve", "l'été", "</s>", "x_1"]


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    return rng.normal(0, 0.4, (len(WORDS), 5)).astype(np.float32)


# ---------------------------------------------------------- writing fixtures
# Written independently of WordVectors.save, so that reading is checked
# against the formats, not against our own writer.


def _text_lines(words, vectors, trailing=""):
    # repr of the float64 value of a float32 is exact, so reading it back in
    # float32 must give the very same bits.
    return "".join(f"{w} {' '.join(repr(float(v)) for v in vec)}{trailing}\n"
                   for w, vec in zip(words, vectors))


def write_text(path, words, vectors, *, header=True, trailing="", encoding="utf-8"):
    text = (f"{len(words)} {vectors.shape[1]}\n" if header else "") + _text_lines(
        words, vectors, trailing)
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def write_binary(path, words, vectors, *, newline=True, header=None):
    out = [header or f"{len(words)} {vectors.shape[1]}\n".encode()]
    for w, vec in zip(words, vectors):
        out.append(w.encode() + b" " + struct.pack(f"<{len(vec)}f", *vec.tolist()))
        if newline:
            out.append(b"\n")
    data = b"".join(out)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


FORMAT_WRITERS = {
    "word2vec": lambda p, w, v: write_text(p, w, v),
    "fasttext": lambda p, w, v: write_text(p, w, v, trailing=" "),  # .vec lines end in a space
    "glove": lambda p, w, v: write_text(p, w, v, header=False),
    "word2vec-binary": lambda p, w, v: write_binary(p, w, v),
}
NAMES = {"word2vec": "v.txt", "fasttext": "v.vec", "glove": "glove.txt",
         "word2vec-binary": "v.bin"}


# -------------------------------------------------------------- WordVectors


def test_word_vectors_container(vectors):
    wv = WordVectors(WORDS, vectors)
    assert len(wv) == len(WORDS) and wv.dim == 5
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


# -------------------------------------------------------------------- align


def test_align_rows_padding_and_missing(vectors):
    wv = WordVectors(WORDS, vectors)
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


def test_align_counts_by_token_and_by_id(vectors):
    wv = WordVectors(WORDS, vectors)
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


def test_aligned_table_follows_tokenizer_ids(vectors):
    texts = ["the film was good", "a bad film", "the bad the good"]
    tok = TextTokenizer(min_frequency=1).fit(texts)
    wv = WordVectors(WORDS, vectors)
    table = wv.align(tok.vocabulary_, counts=np.bincount(tok.transform(texts).ravel()))
    assert table.shape == (tok.vocab_size_, 5)
    for token, idx in tok.vocabulary_.items():
        if token in ("film", "the", "bad"):
            np.testing.assert_array_equal(table.matrix[idx], wv[token])
    np.testing.assert_array_equal(table.matrix[tok.vocabulary_["good"]], wv["Good"])
    # was, a: missing; 9 of 11 counted tokens covered
    assert table.token_coverage == pytest.approx(9 / 11)


# ----------------------------------------------------------------- reading


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("fmt", list(FORMAT_WRITERS))
def test_read_each_format_exactly(tmp_path, vectors, fmt, gz):
    path = FORMAT_WRITERS[fmt](tmp_path / (NAMES[fmt] + (".gz" if gz else "")), WORDS, vectors)
    for format in (fmt, "auto"):
        wv = load_word_vectors(path, format=format)
        assert wv.words == WORDS
        assert wv.vectors.dtype == np.float32
        np.testing.assert_array_equal(wv.vectors, vectors)  # bit for bit


def test_auto_detects_binary_without_bin_name(tmp_path, vectors):
    path = write_binary(tmp_path / "vectors.w2v", WORDS, vectors, newline=False)
    wv = load_word_vectors(path)
    assert wv.words == WORDS
    np.testing.assert_array_equal(wv.vectors, vectors)


def test_limit_and_vocabulary_filter(tmp_path, vectors):
    for fmt in FORMAT_WRITERS:
        path = FORMAT_WRITERS[fmt](tmp_path / NAMES[fmt], WORDS, vectors)
        assert load_word_vectors(path, limit=3).words == WORDS[:3]
        assert len(load_word_vectors(path, limit=0)) == 0
        kept = load_word_vectors(path, vocabulary={"<pad>": 0, "<unk>": 1, "good": 2,
                                                   "film": 3, "absent": 4})
        assert kept.words == ["film", "Good"]  # "Good" may serve "good" ignoring case
        np.testing.assert_array_equal(kept.vectors, vectors[[1, 2]])
        assert load_word_vectors(path, vocabulary=["nothing"]).vectors.shape == (0, 5)


def test_encoding_and_decode_errors(tmp_path, vectors):
    path = write_text(tmp_path / "latin.txt", ["café", "thé"], vectors[:2], encoding="latin-1")
    with pytest.raises(ValueError, match=r"latin\.txt, line 2: cannot decode .* as utf-8"):
        load_word_vectors(path)
    assert load_word_vectors(path, encoding="latin-1").words == ["café", "thé"]
    assert load_word_vectors(path, errors="replace").words == ["caf\ufffd", "th\ufffd"]


def test_word_with_spaces_in_glove(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("a 1 2\nat . com 3 4\nb 5 6\n")
    wv = load_word_vectors(path, format="glove")
    assert wv.words == ["a", "at . com", "b"]
    np.testing.assert_array_equal(wv.vectors[1], [3, 4])


@pytest.mark.parametrize("content, format, match", [
    ("2 3\na 1 2 3\nb 1 2\n", "auto", r"line 3: expected 3 values after the word 'b', found 2"),
    ("2 3\na 1 2 3\nb 1 2 3 4\n", "auto", r"line 3: expected 3 values .* found 4"),
    ("a 1 2\nb 1 2 3\n", "glove", r"line 2: expected 2 values"),
    ("2 2\na 1 2\nb 1 x2\n", "auto", r"line 3: non-numeric value 'x2' in the vector of 'b'"),
    ("a 1 2\nb 1 nan\n", "glove", r"line 2: the vector of 'b' holds NaN"),
    ("a 1 2\nb 1 1e99\n", "glove", r"line 2: the vector of 'b' holds NaN or infinite"),
    ("", "auto", "the file is empty"),
    ("\n\n  \n", "auto", "the file is empty"),
    ("\na 1 2\n", "glove", "line 1: .* blank line"),
    ("a 1 2\n", "word2vec", r"line 1: expected a header 'n_words dim' .* format='glove'"),
    ("3 x\na 1 2\n", "fasttext", "line 1: expected a header"),
    ("2 0\n", "word2vec", "line 1: expected a header"),
    ("3 2\na 1 2\nb 3 4\n", "auto", r"header \(line 1\) announces 3 words but the file holds 2"),
    ("1 2\na 1 2\nb 3 4\n", "auto", "announces 1 words but the file holds 2"),
    ("2 2\na 1 2\nb 3 4\n", "glove", "line 2: expected 1 values .* looks like a word2vec header"),
    ("a\n", "glove", "line 1: expected a word and its values"),
])
def test_text_errors_name_file_and_line(tmp_path, content, format, match):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as info:
        load_word_vectors(path, format=format)
    assert "bad.txt" in str(info.value)


def test_binary_errors(tmp_path, vectors):
    good = write_binary(tmp_path / "ok.bin", WORDS[:3], vectors[:3]).read_bytes()
    cases = {
        "cut.bin": (good[:-7], r"record 3 \(word 'Good'\) is truncated: expected 20 bytes"),
        "inword.bin": (good.replace(b"3 5", b"4 5", 1) + b"more",
                       "record 4 is truncated: the file ends in its word"),
        "few.bin": (good.replace(b"3 5", b"4 5", 1), "announces 4 words but the file ends "
                    "after 3"),
        "extra.bin": (good.replace(b"3 5", b"2 5", 1), "announces 2 words but more data"),
        "head.bin": (b"three 5\n" + good[4:], "line 1: expected a header"),
    }
    for name, (data, match) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=match) as info:
            load_word_vectors(tmp_path / name, format="word2vec-binary")
        assert name in str(info.value)
    nan = vectors[:2].copy()
    nan[1, 2] = np.inf
    write_binary(tmp_path / "inf.bin", ["a", "b"], nan)
    with pytest.raises(ValueError, match=r"record 2: the vector of 'b' holds NaN or inf"):
        load_word_vectors(tmp_path / "inf.bin")
    write_binary(tmp_path / "dec.bin", ["a", "b"], vectors[:2])
    data = (tmp_path / "dec.bin").read_bytes().replace(b"\nb ", b"\n\xff ", 1)
    (tmp_path / "dec.bin").write_bytes(data)
    with pytest.raises(ValueError, match="record 2: cannot decode"):
        load_word_vectors(tmp_path / "dec.bin")
    assert load_word_vectors(tmp_path / "dec.bin", errors="replace").words == ["a", "\ufffd"]


@pytest.mark.parametrize("fmt", list(FORMAT_WRITERS))
def test_duplicates_keep_first_and_are_counted(tmp_path, vectors, fmt):
    words = ["a", "b", "a", "c", "b", "a"]
    path = FORMAT_WRITERS[fmt](tmp_path / NAMES[fmt], words, vectors[:6])
    with pytest.warns(UserWarning, match=r"3 duplicate words ignored.*'a' at (line|record) "):
        wv = load_word_vectors(path)
    assert wv.words == ["a", "b", "c"]
    np.testing.assert_array_equal(wv.vectors, vectors[[0, 1, 3]])


def test_bad_arguments(tmp_path, vectors):
    path = write_text(tmp_path / "v.txt", WORDS, vectors)
    with pytest.raises(ValueError, match="format must be one of"):
        load_word_vectors(path, format="bin")
    with pytest.raises(ValueError, match="limit"):
        load_word_vectors(path, limit=-1)
    with pytest.raises(TypeError, match="single string"):
        load_word_vectors(path, vocabulary="film")
    with pytest.raises(FileNotFoundError):
        load_word_vectors(tmp_path / "missing.txt")


# -------------------------------------------------------------------- save


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("fmt", list(FORMAT_WRITERS))
def test_save_round_trip(tmp_path, vectors, fmt, suffix):
    wv = WordVectors(WORDS, vectors)
    path = wv.save(tmp_path / ("out" + suffix), format=fmt)
    back = load_word_vectors(path, format=fmt)
    assert back.words == WORDS
    np.testing.assert_array_equal(back.vectors, vectors)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    if suffix:
        assert gzip.decompress(path.read_bytes())


def test_save_rejects_unwritable_words(tmp_path):
    with pytest.raises(ValueError, match="'a b' cannot be written"):
        WordVectors(["a b"], [[1.0]]).save(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="format"):
        WordVectors(["a"], [[1.0]]).save(tmp_path / "x.txt", format="auto")
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------- gensim


def test_matches_gensim_files_both_ways(tmp_path, vectors):
    KeyedVectors = pytest.importorskip("gensim.models").KeyedVectors
    kv = KeyedVectors(vector_size=5)
    kv.add_vectors(WORDS, vectors)
    for binary in (False, True):
        path = tmp_path / f"gensim-{binary}.{'bin' if binary else 'txt'}"
        kv.save_word2vec_format(str(path), binary=binary)
        wv = load_word_vectors(path)
        assert wv.words == WORDS
        np.testing.assert_allclose(wv.vectors, vectors, rtol=1e-6)
        if binary:
            np.testing.assert_array_equal(wv.vectors, vectors)
        ours = WordVectors(WORDS, vectors).save(tmp_path / f"ours-{binary}",
                                                format="word2vec-binary" if binary else
                                                "word2vec")
        theirs = KeyedVectors.load_word2vec_format(str(ours), binary=binary)
        assert list(theirs.index_to_key) == WORDS
        np.testing.assert_array_equal(theirs.vectors, vectors)
        np.testing.assert_array_equal(WordVectors.from_keyed_vectors(theirs).vectors, vectors)


# ------------------------------------------------------------ check matrix


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


# ---------------------------------------------------------------- word2vec


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


# ---------------------------------------------------------------- pipeline


def test_word_vectors_pipeline_frozen_and_fine_tuned(vectors):
    texts = ["the film was good", "a bad film", "good good film", "bad the film"] * 10
    labels = [1, 0, 1, 0] * 10
    tok = TextTokenizer(min_frequency=1).fit(texts)
    table = WordVectors(WORDS, vectors).align(tok.vocabulary_, random_state=0)
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
