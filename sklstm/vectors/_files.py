"""Reading and writing :class:`~sklstm.vectors.WordVectors`: word2vec, GloVe and fastText files.

- :func:`load_word_vectors` reads word2vec (text and binary), GloVe and
  fastText ``.vec`` files, gzipped or not, into a :class:`WordVectors`;
- :func:`save_word_vectors` (also :meth:`WordVectors.save`) writes them back
  in any of these formats.

The formats themselves (parsing, writing, their errors) live in ``_formats.py``.
"""

from ._formats import read_vectors, write_vectors
from ._word_vectors import WordVectors

__all__ = ["load_word_vectors", "save_word_vectors"]


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
    return WordVectors(*read_vectors(path, format=format, limit=limit, vocabulary=vocabulary,
                                     encoding=encoding, errors=errors))


def save_word_vectors(vectors, path, *, format="word2vec"):
    """Write word vectors to a file that :func:`load_word_vectors` reads.

    What :meth:`WordVectors.save <sklstm.vectors.WordVectors.save>`
    does; see there.

    Parameters
    ----------
    vectors : WordVectors
        The words and vectors to write.
    path : str or path-like
        The file; gzipped if its name ends in ``.gz``.
    format : {"word2vec", "word2vec-binary", "glove", "fasttext"}, default="word2vec"
        One of :data:`FORMATS` but "auto".

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        For an unknown format, or a word that is empty or holds whitespace
        (nothing is written then).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklstm.vectors import WordVectors
    >>> from sklstm.vectors import load_word_vectors, save_word_vectors
    >>> wv = WordVectors(["good", "bad"], [[0.5, 1.0], [-0.5, 1.0]])
    >>> path = save_word_vectors(wv, pathlib.Path(tempfile.mkdtemp()) / "tiny.txt")
    >>> print(path.read_text(), end="")
    2 2
    good 0.5 1
    bad -0.5 1
    >>> load_word_vectors(path).words
    ['good', 'bad']
    """
    return write_vectors(vectors.words, vectors.vectors, path, format=format)
