"""Word vectors in memory: :class:`WordVectors` and the embedding table made from them.

- :class:`WordVectors` holds words and their vectors, one row per word (read
  from a file with :func:`sklstm.vectors.load_word_vectors`, trained with
  :class:`sklstm.vectors.Word2VecVectors`, or copied from gensim with
  :meth:`WordVectors.from_keyed_vectors`).
- :meth:`WordVectors.align` lays the vectors out as an embedding table for a
  tokenizer's vocabulary: an :class:`EmbeddingMatrix`, which reports the
  vocabulary's coverage and can be passed as ``LSTMClassifier(embeddings=...)``.
- :func:`check_embedding_matrix` validates such a table, or any array given
  as ``embeddings``.

The file formats live in ``_formats.py``, word2vec training in
``_word2vec.py``; this module needs neither gensim nor the tokenizer.
"""

from collections.abc import Mapping

import numpy as np
from sklearn.utils import check_random_state

from .._utils.validation import index_distinct_strings, short_repr
from .._utils.vocabulary import PAD_ID, RESERVED_TOKENS, check_vocabulary
from .._utils.warn import warn_caller
from ._formats import write_vectors

__all__ = ["EmbeddingMatrix", "WordVectors", "check_embedding_matrix"]

_N_MISSING_SHOWN = 10


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
        vocab = check_vocabulary(vocabulary, reserved=RESERVED_TOKENS)
        tokens = list(vocab)
        n, first = len(tokens), len(RESERVED_TOKENS)
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
            warn_caller(f"no vocabulary word has a vector among the {len(self)} words; "
                        "all rows are random", UserWarning)
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
        """Write the vectors to a file that :func:`~sklstm.vectors.load_word_vectors` reads.

        Calls :func:`sklstm.vectors.save_word_vectors`: the file is
        written atomically (it appears whole or not at all) and gzipped if
        its name ends in ``.gz``. Text formats keep 9 significant digits,
        enough to read back the very same float32 values.

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
        return write_vectors(self.words, self.vectors, path, format=format)


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
    by_id[: len(RESERVED_TOKENS)] = 0
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
        return len(self.tokens) - len(RESERVED_TOKENS)

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
        missing = np.flatnonzero(~self.found)[len(RESERVED_TOKENS):]
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
