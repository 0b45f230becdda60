"""Tests for sklstm.vectors._formats: reading and writing word2vec, GloVe and fastText files."""

import gzip
import struct

import numpy as np
import pytest

from sklstm.vectors import WordVectors, load_word_vectors

# ---------------------------------------------------------- writing fixtures
# Written independently of WordVectors.save, so that reading is checked
# against the formats, not against our own writer.


def _text_lines(words, vectors, trailing=""):
    # repr of the float64 value of a float32 is exact, so reading it back in
    # float32 must give the very same bits.
    return "".join(f"{w} {' '.join(repr(float(v)) for v in vec)}{trailing}\n"
                   for w, vec in zip(words, vectors, strict=True))


def write_text(path, words, vectors, *, header=True, trailing="", encoding="utf-8"):
    text = (f"{len(words)} {vectors.shape[1]}\n" if header else "") + _text_lines(
        words, vectors, trailing)
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def write_binary(path, words, vectors, *, newline=True, header=None):
    out = [header or f"{len(words)} {vectors.shape[1]}\n".encode()]
    for w, vec in zip(words, vectors, strict=True):
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


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("fmt", list(FORMAT_WRITERS))
def test_read_each_format_exactly(tmp_path, vectors, fmt, gz, vector_words):
    path = FORMAT_WRITERS[fmt](tmp_path / (NAMES[fmt] + (".gz" if gz else "")), vector_words,
                               vectors)
    for format in (fmt, "auto"):
        wv = load_word_vectors(path, format=format)
        assert wv.words == vector_words
        assert wv.vectors.dtype == np.float32
        np.testing.assert_array_equal(wv.vectors, vectors)  # bit for bit


def test_auto_detects_binary_without_bin_name(tmp_path, vectors, vector_words):
    path = write_binary(tmp_path / "vectors.w2v", vector_words, vectors, newline=False)
    wv = load_word_vectors(path)
    assert wv.words == vector_words
    np.testing.assert_array_equal(wv.vectors, vectors)


def test_limit_and_vocabulary_filter(tmp_path, vectors, vector_words):
    for fmt in FORMAT_WRITERS:
        path = FORMAT_WRITERS[fmt](tmp_path / NAMES[fmt], vector_words, vectors)
        assert load_word_vectors(path, limit=3).words == vector_words[:3]
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


def test_binary_errors(tmp_path, vectors, vector_words):
    good = write_binary(tmp_path / "ok.bin", vector_words[:3], vectors[:3]).read_bytes()
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


def test_bad_arguments(tmp_path, vectors, vector_words):
    path = write_text(tmp_path / "v.txt", vector_words, vectors)
    with pytest.raises(ValueError, match="format must be one of"):
        load_word_vectors(path, format="bin")
    with pytest.raises(ValueError, match="limit"):
        load_word_vectors(path, limit=-1)
    with pytest.raises(TypeError, match="single string"):
        load_word_vectors(path, vocabulary="film")
    with pytest.raises(FileNotFoundError):
        load_word_vectors(tmp_path / "missing.txt")


# ------------------------------------------------------------------- save


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("fmt", list(FORMAT_WRITERS))
def test_save_round_trip(tmp_path, vectors, fmt, suffix, vector_words):
    wv = WordVectors(vector_words, vectors)
    path = wv.save(tmp_path / ("out" + suffix), format=fmt)
    back = load_word_vectors(path, format=fmt)
    assert back.words == vector_words
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


# ----------------------------------------------------------------- gensim


def test_matches_gensim_files_both_ways(tmp_path, vectors, vector_words):
    KeyedVectors = pytest.importorskip("gensim.models").KeyedVectors
    kv = KeyedVectors(vector_size=5)
    kv.add_vectors(vector_words, vectors)
    for binary in (False, True):
        path = tmp_path / f"gensim-{binary}.{'bin' if binary else 'txt'}"
        kv.save_word2vec_format(str(path), binary=binary)
        wv = load_word_vectors(path)
        assert wv.words == vector_words
        np.testing.assert_allclose(wv.vectors, vectors, rtol=1e-6)
        if binary:
            np.testing.assert_array_equal(wv.vectors, vectors)
        ours = WordVectors(vector_words, vectors).save(tmp_path / f"ours-{binary}",
                                                format="word2vec-binary" if binary else
                                                "word2vec")
        theirs = KeyedVectors.load_word2vec_format(str(ours), binary=binary)
        assert list(theirs.index_to_key) == vector_words
        np.testing.assert_array_equal(theirs.vectors, vectors)
        np.testing.assert_array_equal(WordVectors.from_keyed_vectors(theirs).vectors, vectors)
