"""Pretrained word vectors for :class:`~sklstm.LSTMClassifier`.

- :func:`load_word_vectors` reads word2vec (text and binary), GloVe and
  fastText ``.vec`` files, gzipped or not, into a :class:`WordVectors`.
- :class:`Word2VecVectors` trains word2vec vectors (with gensim, the
  optional extra ``sklstm[vectors]``) on unlabelled texts, such as IMDB's
  50,000 ``unsup`` reviews, splitting them into words exactly as
  :class:`~sklstm.TextTokenizer` does.
- :meth:`WordVectors.align` lays the vectors out as an embedding table for
  a tokenizer's vocabulary: an :class:`EmbeddingMatrix`, which reports the
  vocabulary's coverage and can be passed as
  ``LSTMClassifier(embeddings=...)``.

Recipe
------
Pretrain vectors (or load them with :func:`load_word_vectors`), fit the
tokenizer, align the vectors to its vocabulary and fit a pipeline whose
tokenizer keeps that vocabulary, so that the rows of the table stay aligned
however often the pipeline is refitted (in a grid search, say). With large
pretrained vectors, ``freeze_embeddings=True`` keeps them as they are;
vectors trained on as little text as here are better fine-tuned:

>>> from sklearn.pipeline import make_pipeline
>>> from sklstm import LSTMClassifier, TextTokenizer, Word2VecVectors
>>> unlabelled = ["a great film , loved it", "what a bore , an awful film",
...               "loved the acting", "awful acting , a bore"] * 20
>>> w2v = Word2VecVectors(vector_size=16, min_count=1, epochs=20, random_state=0)
>>> vectors = w2v.fit(unlabelled).vectors_
>>> vectors
WordVectors(n_words=12, dim=16)
>>> texts = ["a great film", "loved it", "what a bore", "awful film", "superb"] * 8
>>> labels = ["pos", "pos", "neg", "neg", "pos"] * 8
>>> tokenizer = TextTokenizer(min_frequency=1).fit(texts)
>>> table = vectors.align(tokenizer.vocabulary_, random_state=0)
>>> print(table.report())
embedding matrix 11 x 16: 8 of 9 words found (88.9%)
missing words: 'superb'
>>> pipe = make_pipeline(
...     TextTokenizer(vocabulary=tokenizer.vocabulary_),
...     LSTMClassifier(embeddings=table, hidden_size=16, lr=1e-2, max_epochs=20,
...                    early_stopping=False, validation_fraction=None,
...                    random_state=0, device="cpu"))
>>> pipe.fit(texts, labels).predict(["loved it", "awful film"]).tolist()
['pos', 'neg']
"""

import gzip
import itertools
import os
import warnings
from collections.abc import Mapping
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._files import atomic_file
from ._vocabulary import check_vocabulary, index_distinct_strings, short_repr
from .tokenizer import PAD_ID, PAD_TOKEN, UNK_TOKEN, TextTokenizer, check_texts

__all__ = ["FORMATS", "EmbeddingMatrix", "WordVectors", "Word2VecVectors",
           "check_embedding_matrix", "load_word_vectors"]

FORMATS = ("auto", "word2vec", "word2vec-binary", "glove", "fasttext")
_RESERVED = (PAD_TOKEN, UNK_TOKEN)
_BLOCK_LINES = 8192  # text lines converted to floats at once
_READ_SIZE = 1 << 20  # bytes read at once from binary files
_N_MISSING_SHOWN = 10


# ---------------------------------------------------------------- containers


class WordVectors:
    """Words and their vectors, one row per word.

    Parameters
    ----------
    words : sequence of str
        Distinct words.
    vectors : array-like of shape (n_words, dim)
        Finite values; stored as float32.

    Attributes
    ----------
    words : list of str
        The words, in the order of the rows.
    vectors : ndarray of shape (n_words, dim), dtype float32
        The vectors.

    Examples
    --------
    >>> from sklstm import WordVectors
    >>> wv = WordVectors(["good", "bad"], [[1.0, 0.0], [0.0, 1.0]])
    >>> len(wv), wv.dim, "good" in wv, wv.index("bad")
    (2, 2, True, 1)
    >>> wv["bad"]
    array([0., 1.], dtype=float32)
    """

    def __init__(self, words, vectors):
        words = list(words)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] < 1:
            raise ValueError(f"vectors must be a 2-D array of shape (n_words, dim) with "
                             f"dim >= 1, got shape {vectors.shape}")
        if len(words) != len(vectors):
            raise ValueError(f"got {len(words)} words but {len(vectors)} vectors")
        index = index_distinct_strings(words, what="words", kind="word")
        bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
        if len(bad):
            raise ValueError(f"the vector of {short_repr(words[bad[0]])} (row {bad[0]}) holds "
                             "NaN or infinite values")
        self.words = [str(word) for word in words]
        self.vectors = vectors
        self._index = index
        self._lower_index = None

    @classmethod
    def from_keyed_vectors(cls, keyed_vectors):
        """Copy the words and vectors of a gensim ``KeyedVectors``.

        Parameters
        ----------
        keyed_vectors : gensim.models.KeyedVectors
            For instance ``Word2Vec(...).wv``.

        Returns
        -------
        vectors : WordVectors
        """
        return cls(list(keyed_vectors.index_to_key), np.array(keyed_vectors.vectors))

    @property
    def dim(self):
        """Width of the vectors."""
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self._index

    def __getitem__(self, word):
        return self.vectors[self.index(word)]

    def __repr__(self):
        return f"{type(self).__name__}(n_words={len(self)}, dim={self.dim})"

    def index(self, word):
        """Row of ``word``; KeyError if it has no vector."""
        try:
            return self._index[word]
        except KeyError:
            raise KeyError(f"no vector for {short_repr(word)}") from None

    def _row_ignoring_case(self, word):
        """Row of the first word equal to ``word`` ignoring case, or -1."""
        if self._lower_index is None:
            lower = {}
            for i, w in enumerate(self.words):
                lower.setdefault(w.lower(), i)
            self._lower_index = lower
        return self._lower_index.get(word.lower(), -1)

    # ------------------------------------------------------------------ align

    def align(self, vocabulary, *, counts=None, lowercase_fallback=True, scale=None,
              random_state=None):
        """Embedding table for a vocabulary: row ``i`` is the vector of token id ``i``.

        Parameters
        ----------
        vocabulary : mapping of str to int or sequence of str
            Token to id, such as :attr:`TextTokenizer.vocabulary_
            <sklstm.TextTokenizer>`, in any form ``TextTokenizer(vocabulary=...)``
            accepts (ids ``0`` and ``1`` are ``"<pad>"`` and ``"<unk>"``).
        counts : mapping of str to int, array-like of shape (n_ids,) or None, default=None
            How often each token occurs, by token or by id (for instance
            ``np.bincount(ids.ravel())`` of a training id matrix), for the
            share of tokens covered and to list the most frequent missing
            words first. The reserved ids are not counted.
        lowercase_fallback : bool, default=True
            A word without a vector of its own takes the vector of the first
            word (in the file's order, usually the most frequent) that equals
            it ignoring case, so a lowercase vocabulary can use cased vectors
            and the other way round.
        scale : float or None, default=None
            Standard deviation of the random vectors of missing words (and of
            ``"<unk>"``); None: the standard deviation of the values of the
            vectors found (of all vectors, if none is found).
        random_state : int, RandomState instance or None, default=None
            Seeds the random vectors.

        Returns
        -------
        table : EmbeddingMatrix
            The float32 matrix of shape ``(len(vocabulary), dim)``, with a zero
            row 0 (padding), and its coverage report.

        Examples
        --------
        >>> from sklstm import WordVectors
        >>> wv = WordVectors(["Good", "bad"], [[1.0, 0.0], [0.0, 1.0]])
        >>> table = wv.align(["good", "bad", "meh"], counts={"good": 5, "bad": 3, "meh": 2},
        ...                  random_state=0)
        >>> table.matrix[[0, 2, 3]]
        array([[0., 0.],
               [1., 0.],
               [0., 1.]], dtype=float32)
        >>> table.type_coverage, table.token_coverage, table.missing_words
        (0.6666666666666666, 0.8, ['meh'])
        """
        vocab = check_vocabulary(vocabulary, reserved=_RESERVED)
        tokens = list(vocab)
        n, first = len(tokens), len(_RESERVED)
        rows = np.full(n, -1, dtype=np.int64)
        n_case = 0
        for i in range(first, n):
            row = self._index.get(tokens[i], -1)
            if row < 0 and lowercase_fallback:
                row = self._row_ignoring_case(tokens[i])
                n_case += row >= 0
            rows[i] = row
        found = rows >= 0
        if not found.any():
            warnings.warn(f"no vocabulary word has a vector among the {len(self)} words; "
                          "all rows are random", UserWarning, stacklevel=2)
        if scale is None:
            source = self.vectors[rows[found]] if found.any() else self.vectors
            scale = float(source.std()) if source.size else 1.0
        elif not np.isfinite(scale) or scale < 0:
            raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
        rng = check_random_state(random_state)
        matrix = rng.normal(0.0, scale, size=(n, self.dim)).astype(np.float32)
        matrix[found] = self.vectors[rows[found]]
        matrix[PAD_ID] = 0.0
        return EmbeddingMatrix(matrix, tokens=tokens, found=found,
                               counts=_counts_by_id(counts, vocab), n_case_matches=int(n_case))

    # ------------------------------------------------------------------- save

    def save(self, path, *, format="word2vec"):
        """Write the vectors to a file that :func:`load_word_vectors` reads.

        The file is written atomically (it appears whole or not at all) and
        gzipped if its name ends in ``.gz``. Text formats keep 9 significant
        digits, enough to read back the very same float32 values.

        Parameters
        ----------
        path : str or path-like
            The file.
        format : {"word2vec", "word2vec-binary", "glove", "fasttext"}, default="word2vec"
            Text with a header line ``"n_words dim"`` ("word2vec" and
            "fasttext"), binary with that header, or text without it ("glove").

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        if format not in FORMATS or format == "auto":
            raise ValueError(f"format must be one of {FORMATS[1:]}, got {format!r}")
        bad = next((w for w in self.words if not w or any(c.isspace() for c in w)), None)
        if bad is not None:
            raise ValueError(f"word {bad!r} cannot be written: words in these formats must "
                             "be non-empty and hold no whitespace")
        path = Path(path)
        with atomic_file(path) as raw:
            f = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if path.suffix == ".gz" else raw
            try:
                if format != "glove":
                    f.write(f"{len(self)} {self.dim}\n".encode("ascii"))
                if format == "word2vec-binary":
                    little = self.vectors.astype("<f4", copy=False)
                    for word, vector in zip(self.words, little):
                        f.write(word.encode("utf-8") + b" " + vector.tobytes() + b"\n")
                else:
                    for word, vector in zip(self.words, self.vectors):
                        values = " ".join(f"{v:.9g}" for v in vector.tolist())
                        f.write(f"{word} {values}\n".encode("utf-8"))
            finally:
                if f is not raw:
                    f.close()
        return path


def _counts_by_id(counts, vocab):
    """Counts as a float array indexed by id (reserved ids zeroed), or None."""
    if counts is None:
        return None
    n = len(vocab)
    if isinstance(counts, Mapping):
        by_id = np.zeros(n)
        for token, count in counts.items():
            if token in vocab:
                by_id[vocab[token]] = count
    else:
        by_id = np.asarray(counts, dtype=np.float64)
        if by_id.ndim != 1:
            raise ValueError(f"counts by id must be one-dimensional, got shape {by_id.shape}")
        if len(by_id) < n:  # e.g. a bincount that stops at the largest id seen
            by_id = np.concatenate([by_id, np.zeros(n - len(by_id))])
        by_id = by_id[:n].copy()
    if not np.isfinite(by_id).all() or (by_id < 0).any():
        raise ValueError("counts must be finite and >= 0")
    by_id[: len(_RESERVED)] = 0
    return by_id


class EmbeddingMatrix:
    """An embedding table aligned to a vocabulary, with its coverage.

    Made by :meth:`WordVectors.align`. It converts to its matrix with
    ``np.asarray`` and can be passed as ``LSTMClassifier(embeddings=...)``.

    Parameters
    ----------
    matrix : ndarray of shape (n_ids, dim), dtype float32
        Row ``i`` is the vector of token id ``i``.
    tokens : list of str
        The token of each id.
    found : ndarray of shape (n_ids,), dtype bool
        Whether a token's row is a pretrained vector (False for the reserved ids).
    counts : ndarray of shape (n_ids,) or None, default=None
        Token counts by id, reserved ids zero.
    n_case_matches : int, default=0
        Words found only by ignoring case.

    Attributes
    ----------
    matrix, tokens, found, counts, n_case_matches
        As given.
    """

    def __init__(self, matrix, *, tokens, found, counts=None, n_case_matches=0):
        self.matrix = matrix
        self.tokens = tokens
        self.found = found
        self.counts = counts
        self.n_case_matches = n_case_matches

    def __array__(self, dtype=None, copy=None):
        if dtype is None or np.dtype(dtype) == self.matrix.dtype:
            return self.matrix.copy() if copy else self.matrix
        if copy is False:
            raise ValueError(f"cannot convert the float32 matrix to {dtype} without a copy")
        return self.matrix.astype(dtype)

    def __len__(self):
        return len(self.matrix)

    @property
    def shape(self):
        """Shape of the matrix, ``(n_ids, dim)``."""
        return self.matrix.shape

    @property
    def n_words(self):
        """Number of vocabulary words, the reserved tokens left out."""
        return len(self.tokens) - len(_RESERVED)

    @property
    def n_found(self):
        """Number of vocabulary words with a pretrained vector."""
        return int(self.found.sum())

    @property
    def type_coverage(self):
        """Share of the vocabulary words with a pretrained vector."""
        return self.n_found / self.n_words

    @property
    def token_coverage(self):
        """Share of the counted tokens with a pretrained vector; None without counts."""
        if self.counts is None or not self.counts.sum():
            return None
        return float(self.counts[self.found].sum() / self.counts.sum())

    @property
    def missing_words(self):
        """Words without a pretrained vector, the most frequent first (else by id)."""
        missing = np.flatnonzero(~self.found)[len(_RESERVED):]
        if self.counts is not None:
            missing = missing[np.argsort(-self.counts[missing], kind="stable")]
        return [self.tokens[i] for i in missing]

    def report(self):
        """A short text: the table's size, the coverage and some missing words."""
        lines = [f"embedding matrix {self.shape[0]} x {self.shape[1]}: {self.n_found} of "
                 f"{self.n_words} words found ({self.type_coverage:.1%})"]
        if self.n_case_matches:
            lines[0] += f", {self.n_case_matches} of them ignoring case"
        if self.token_coverage is not None:
            lines.append(f"tokens covered: {self.token_coverage:.1%}")
        missing = self.missing_words
        if missing:
            shown = ", ".join(map(short_repr, missing[:_N_MISSING_SHOWN]))
            more = f" and {len(missing) - _N_MISSING_SHOWN} more" if (
                len(missing) > _N_MISSING_SHOWN) else ""
            lines.append(f"missing words: {shown}{more}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"{type(self).__name__}(shape={self.shape}, found {self.n_found} of "
                f"{self.n_words} words)")


def check_embedding_matrix(embeddings, *, name="embeddings"):
    """Validate an embedding table; return it as a float32 array.

    Parameters
    ----------
    embeddings : array-like of shape (n_ids, dim) or EmbeddingMatrix
        The table, at least two rows (padding and unknown).
    name : str, default="embeddings"
        Name used in error messages.

    Returns
    -------
    matrix : ndarray of shape (n_ids, dim), dtype float32

    Raises
    ------
    TypeError
        For :class:`WordVectors`, which must be aligned first, and for
        values that are not numbers.
    ValueError
        If the table is not 2-D, has fewer than two rows or holds NaN or
        infinite values (the first such row is named).
    """
    if isinstance(embeddings, WordVectors):
        raise TypeError(f"{name} must be aligned to the tokenizer's vocabulary first: "
                        "vectors.align(tokenizer.vocabulary_)")
    if hasattr(embeddings, "detach"):  # a torch tensor
        embeddings = embeddings.detach().cpu().numpy()
    try:
        matrix = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 2-D array of numbers: {exc}") from None
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 1:
        raise ValueError(f"{name} must be a 2-D array with at least 2 rows (padding and "
                         f"unknown) and 1 column, got shape {matrix.shape}")
    bad = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
    if len(bad):
        raise ValueError(f"{name} row {bad[0]} holds NaN or infinite values")
    return matrix


# ------------------------------------------------------------------- reading


def _open(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _parse_header(line):
    """``(n_words, dim)`` of a header line, or None if it is not one."""
    try:
        fields = line.decode("ascii").split()
        n, dim = (int(v) for v in fields)
    except (UnicodeDecodeError, ValueError):
        return None
    return (n, dim) if n >= 0 and dim >= 1 else None


def _looks_binary(sample):
    """Whether the bytes after a header hold raw floats rather than text."""
    return any(b < 0x20 and b not in b"\t\r\n" for b in sample)


def _decoder(path, encoding, errors):
    def decode(raw, where):
        try:
            return raw.decode(encoding, errors)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}, {where}: cannot decode {short_repr(raw)} as {encoding} "
                             f"({exc.reason}); pass encoding=... or errors='replace'") from None
    return decode


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Collector:
    """Kept words, their vectors, duplicates and the vocabulary filter."""

    def __init__(self, path, keep):
        self.path = path
        self.keep = keep
        self.words = []
        self.blocks = []
        self.seen = {}
        self.n_duplicates = 0
        self.first_duplicate = None

    def wants(self, word, where):
        if self.keep is not None and word.lower() not in self.keep:
            return False
        if word in self.seen:
            self.n_duplicates += 1
            if self.first_duplicate is None:
                self.first_duplicate = (word, self.seen[word], where)
            return False
        self.seen[word] = where
        self.words.append(word)
        return True

    def check_finite(self, block, wheres):
        bad = np.flatnonzero(~np.isfinite(block).all(axis=1))
        if len(bad):
            raise ValueError(f"{self.path}, {wheres[bad[0]]}: the vector of "
                             f"{short_repr(self.words[len(self.words) - len(wheres) + bad[0]])} "
                             "holds NaN or infinite values")

    def result(self, dim):
        if self.n_duplicates:
            word, first, again = self.first_duplicate
            warnings.warn(f"{self.path}: {self.n_duplicates} duplicate words ignored, the "
                          f"first vector of each kept (e.g. {short_repr(word)} at {first} and "
                          f"{again})", UserWarning, stacklevel=3)
        vectors = np.concatenate(self.blocks) if self.blocks else np.zeros((0, dim), np.float32)
        return WordVectors(self.words, vectors)


def _read_text(f, path, *, first_line, header, limit, collector, decode):
    start = 1
    if header is not None:
        lines, start = f, 2
        dim = header[1]
    else:
        lines = itertools.chain([first_line], f)
        fields = decode(first_line, "line 1").rstrip("\r\n").rstrip(" ").split(" ")
        dim = len(fields) - 1
        if dim < 1:
            raise ValueError(f"{path}, line 1: expected a word and its values, got "
                             f"{short_repr(first_line)}")
    n_read = 0
    values, wheres = [], []

    def flush():
        if not wheres:
            return
        try:
            with np.errstate(over="ignore"):  # too large for float32: inf, refused below
                block = np.array(values, dtype=np.float32).reshape(len(wheres), dim)
        except ValueError:
            for k, where in enumerate(wheres):
                for value in values[k * dim:(k + 1) * dim]:
                    if not _is_number(value):
                        word = collector.words[len(collector.words) - len(wheres) + k]
                        raise ValueError(f"{path}, {where}: non-numeric value {short_repr(value)} "
                                         f"in the vector of {short_repr(word)}") from None
            raise  # pragma: no cover - every value parsed one by one
        collector.check_finite(block, wheres)
        collector.blocks.append(block)
        values.clear()
        wheres.clear()

    for number, raw in enumerate(lines, start):
        if limit is not None and n_read >= limit:
            break
        line = decode(raw, f"line {number}").rstrip("\r\n").rstrip(" ")
        if not line.strip():
            continue
        n_read += 1
        fields = line.split(" ")
        if len(fields) != dim + 1:
            if len(fields) > dim + 1 and not _is_number(fields[1]):
                fields = [" ".join(fields[:-dim]), *fields[-dim:]]  # a word with spaces
            else:
                hint = ""
                if number == 2 and header is None and _parse_header(first_line):
                    hint = ("; line 1 looks like a word2vec header, pass format='word2vec'")
                raise ValueError(f"{path}, line {number}: expected {dim} values after the "
                                 f"word {short_repr(fields[0])}, found {len(fields) - 1}{hint}")
        if collector.wants(fields[0], f"line {number}"):
            values.extend(fields[1:])
            wheres.append(f"line {number}")
            if len(wheres) >= _BLOCK_LINES:
                flush()
    flush()
    if header is not None and limit is None and n_read != header[0]:
        raise ValueError(f"{path}: the header (line 1) announces {header[0]} words but the "
                         f"file holds {n_read}")
    return collector.result(dim)


def _read_binary(f, path, *, header, limit, collector, decode):
    n, dim = header
    size = 4 * dim
    buf, pos, eof = b"", 0, False
    chunks, wheres = [], []

    def fill(need):
        """Make ``need`` bytes available from ``pos`` if the file has them."""
        nonlocal buf, pos, eof
        while len(buf) - pos < need and not eof:
            more = f.read(max(_READ_SIZE, need))
            eof = not more
            buf, pos = buf[pos:] + more, 0
        return len(buf) - pos >= need

    def skip_newlines():
        nonlocal pos
        while fill(1) and buf[pos] in b"\r\n":
            pos += 1

    for i in range(n if limit is None else min(n, limit)):
        where = f"record {i + 1}"
        skip_newlines()  # word2vec ends each record with a newline
        if not fill(1):
            raise ValueError(f"{path}: the header announces {n} words but the file ends "
                             f"after {i}")
        while (space := buf.find(b" ", pos)) < 0 and not eof:
            fill(len(buf) - pos + 1)
        if space < 0:
            raise ValueError(f"{path}, {where} is truncated: the file ends in its word "
                             f"{short_repr(buf[pos:pos + 40])}")
        word = decode(buf[pos:space], where)
        pos = space + 1
        if not fill(size):
            raise ValueError(f"{path}, {where} (word {short_repr(word)}) is truncated: expected "
                             f"{size} bytes of vector, found {len(buf) - pos}")
        if collector.wants(word, where):
            chunks.append(buf[pos:pos + size])
            wheres.append(where)
        pos += size
    if limit is None or limit >= n:
        skip_newlines()
        if fill(1):
            raise ValueError(f"{path}: the header announces {n} words but more data "
                             "follows the last of them")
    if chunks:
        block = np.frombuffer(b"".join(chunks), dtype="<f4").astype(np.float32).reshape(-1, dim)
        collector.check_finite(block, wheres)
        collector.blocks.append(block)
    return collector.result(dim)


def load_word_vectors(path, *, format="auto", limit=None, vocabulary=None, encoding="utf-8",
                      errors="strict"):
    """Read word vectors from a word2vec, GloVe or fastText file.

    Parameters
    ----------
    path : str or path-like
        The file, gzipped or not.
    format : {"auto", "word2vec", "word2vec-binary", "glove", "fasttext"}, default="auto"
        - "word2vec" and "fasttext" (``.vec``): text; a header line
          ``"n_words dim"``, then one line per word: the word and its values,
          separated by spaces.
        - "word2vec-binary": the same header, then per word the word, a space
          and ``dim`` little-endian float32 values (a newline may follow).
        - "glove": text lines without a header.
        - "auto": binary if the name ends in ``.bin`` (or ``.bin.gz``) or the
          bytes after a header are not text; text with a header if the first
          line is two integers; else GloVe.
    limit : int or None, default=None
        Read only the first ``limit`` words of the file (those files list
        the most frequent words first).
    vocabulary : iterable of str, mapping with str keys or None, default=None
        Keep only the words that :meth:`WordVectors.align` may use for these
        tokens: the tokens themselves and the words equal to one of them
        ignoring case. Saves memory for large files.
    encoding : str, default="utf-8"
        Encoding of the words (and of text files).
    errors : {"strict", "replace", "ignore"}, default="strict"
        What to do with bytes that cannot be decoded, as in :meth:`bytes.decode`.

    Returns
    -------
    vectors : WordVectors

    Raises
    ------
    ValueError
        Naming the file and the line (or record): for an empty file, a bad
        header, a line with the wrong number of values, a non-numeric, NaN
        or infinite value, a truncated binary record, undecodable bytes, or
        a word count that differs from the header's.

    Warns
    -----
    UserWarning
        When words repeat: the first vector of each is kept and the others
        counted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklstm import load_word_vectors
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.txt"
    >>> _ = path.write_text("good 0.5 1.0\\nbad -0.5 1.0\\n")
    >>> wv = load_word_vectors(path)
    >>> wv.words, wv.vectors.tolist()
    (['good', 'bad'], [[0.5, 1.0], [-0.5, 1.0]])
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, Integral)
                              or limit < 0):
        raise ValueError(f"limit must be None or an integer >= 0, got {limit!r}")
    keep = None
    if vocabulary is not None:
        if isinstance(vocabulary, (str, bytes)):
            raise TypeError("vocabulary must be an iterable of tokens, not a single string")
        keep = {str(token).lower() for token in vocabulary}
    path = Path(os.fspath(path))
    decode = _decoder(path, encoding, errors)
    with _open(path) as f:
        first = f.readline()
        if not first.strip():
            if not first or not f.read(4096).strip():
                raise ValueError(f"{path}: the file is empty")
            raise ValueError(f"{path}, line 1: expected a header or a word and its values, "
                             "got a blank line")
        header = _parse_header(first)
        if format == "auto":
            if header is None:
                format = "glove"
            elif path.name.endswith((".bin", ".bin.gz")) or _looks_binary(f.peek(512)[:512]):
                format = "word2vec-binary"
            else:
                format = "word2vec"
        if format != "glove" and header is None:
            raise ValueError(f"{path}, line 1: expected a header 'n_words dim' (two integers, "
                             f"dim >= 1) for format {format!r}, got {short_repr(first)}; GloVe "
                             "files have no header: pass format='glove'")
        collector = _Collector(path, keep)
        if format == "word2vec-binary":
            return _read_binary(f, path, header=header, limit=limit, collector=collector,
                                decode=decode)
        return _read_text(f, path, first_line=first, header=None if format == "glove" else
                          header, limit=limit, collector=collector, decode=decode)


# ------------------------------------------------------------------ training


def _import_gensim():
    try:
        from gensim.models import Word2Vec
    except ImportError as exc:
        raise ImportError(
            "Word2VecVectors needs gensim, an optional dependency: pip install "
            "'sklstm[vectors]' (or pip install gensim)"
        ) from exc
    return Word2Vec


def word_tokens(texts, *, lowercase=True, normalization="NFKC", strip_html=True):
    """Split texts into the words :class:`~sklstm.TextTokenizer` would see.

    Uses a word-level ``TextTokenizer`` with these options (and no
    vocabulary cap), so the words match such a tokenizer's vocabulary
    exactly.

    Parameters
    ----------
    texts : iterable of str
        The texts.
    lowercase, normalization, strip_html
        As for :class:`~sklstm.TextTokenizer`.

    Returns
    -------
    tokens : list of list of str
        The words of each text.

    Examples
    --------
    >>> from sklstm.embeddings import word_tokens
    >>> word_tokens(["Don't<br />stop!", ""])
    [['don', "'", 't', 'stop', '!'], []]
    """
    texts = check_texts(texts, name="word_tokens")
    tokenizer = TextTokenizer(level="word", max_features=None, min_frequency=1,
                              max_length=None, lowercase=lowercase,
                              normalization=normalization, strip_html=strip_html)
    # Fitting a word-level tokenizer already gives every text's ids (the
    # vocabulary holds every word), so one pass gives the words.
    _, flat, lengths, _ = tokenizer._fit(texts)
    words = tokenizer._tokens[flat].tolist()
    ends = np.cumsum(lengths)
    return [words[start:end] for start, end in zip((ends - lengths).tolist(), ends.tolist())]


class Word2VecVectors(BaseEstimator):
    """Train word2vec vectors on unlabelled texts (gensim, offline).

    The texts are split into words as a word-level
    :class:`~sklstm.TextTokenizer` with the same ``lowercase``,
    ``normalization`` and ``strip_html`` splits them, so the words match its
    vocabulary. Needs gensim: ``pip install 'sklstm[vectors]'``.

    Parameters
    ----------
    vector_size : int, default=100
        Width of the vectors.
    window : int, default=5
        Largest distance between a word and its context words.
    min_count : int, default=2
        Words seen fewer times are left out.
    sg : {0, 1}, default=0
        0: CBOW; 1: skip-gram.
    epochs : int, default=5
        Passes over the texts.
    workers : int or None, default=None
        Training threads. None: one when ``random_state`` is set (gensim is
        reproducible only with one thread), else up to 4.
    random_state : int, RandomState instance or None, default=None
        Seeds gensim.
    lowercase : bool, default=True
        As for :class:`~sklstm.TextTokenizer`.
    normalization : {"NFKC", "NFC", "NFKD", "NFD"} or None, default="NFKC"
        As for :class:`~sklstm.TextTokenizer`.
    strip_html : bool, default=True
        As for :class:`~sklstm.TextTokenizer`.

    Attributes
    ----------
    vectors_ : WordVectors
        The trained vectors, the most frequent words first.
    n_words_seen_ : int
        Number of words (tokens) in the training texts.

    Examples
    --------
    >>> from sklstm import Word2VecVectors
    >>> texts = ["a good film", "a bad film", "good acting"] * 10
    >>> w2v = Word2VecVectors(vector_size=8, min_count=5, random_state=0).fit(texts)
    >>> w2v.vectors_
    WordVectors(n_words=5, dim=8)
    >>> sorted(w2v.vectors_.words)
    ['a', 'acting', 'bad', 'film', 'good']
    """

    _parameter_constraints = {
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "sg": [Options(Integral, {0, 1})],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "workers": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "lowercase": ["boolean"],
        "normalization": [StrOptions({"NFKC", "NFC", "NFKD", "NFD"}), None],
        "strip_html": ["boolean"],
    }

    def __init__(self, *, vector_size=100, window=5, min_count=2, sg=0, epochs=5,
                 workers=None, random_state=None, lowercase=True, normalization="NFKC",
                 strip_html=True):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.sg = sg
        self.epochs = epochs
        self.workers = workers
        self.random_state = random_state
        self.lowercase = lowercase
        self.normalization = normalization
        self.strip_html = strip_html

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the vectors.

        Parameters
        ----------
        X : iterable of str
            Unlabelled texts.
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecVectors
        """
        Word2Vec = _import_gensim()
        sentences = word_tokens(check_texts(X, name=type(self).__name__),
                                lowercase=self.lowercase, normalization=self.normalization,
                                strip_html=self.strip_html)
        if self.workers is not None:
            workers = self.workers
        elif self.random_state is not None:
            workers = 1
        else:
            workers = min(4, os.cpu_count() or 1)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        model = Word2Vec(vector_size=self.vector_size, window=self.window,
                         min_count=self.min_count, sg=self.sg, epochs=self.epochs,
                         workers=workers, seed=seed)
        model.build_vocab(sentences)
        if not len(model.wv):
            raise ValueError(f"no word occurs min_count={self.min_count} times in the texts")
        model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
        self.vectors_ = WordVectors.from_keyed_vectors(model.wv)
        self.n_words_seen_ = int(sum(map(len, sentences)))
        return self
