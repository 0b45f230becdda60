"""The word-vector file formats: word2vec (text and binary), GloVe and fastText.

:func:`read_vectors` reads a file, gzipped or not, into its words and a
float32 matrix of their vectors; :func:`write_vectors` writes them back in
any of the formats (:data:`FORMATS`). Errors name the file and the line (or
binary record) at fault. The public functions on :class:`~sklstm.vectors.WordVectors`
are in ``_files.py``.
"""

import gzip
import itertools
import os
from numbers import Integral
from pathlib import Path

import numpy as np

from .._utils.files import atomic_file
from .._utils.validation import short_repr
from .._utils.warn import warn_caller

__all__ = ["FORMATS", "read_vectors", "write_vectors"]

FORMATS = ("auto", "word2vec", "word2vec-binary", "glove", "fasttext")
_BLOCK_LINES = 8192  # text lines converted to floats at once
_READ_SIZE = 1 << 20  # bytes read at once from binary files


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
            warn_caller(f"{self.path}: {self.n_duplicates} duplicate words ignored, the "
                        f"first vector of each kept (e.g. {short_repr(word)} at {first} and "
                        f"{again})", UserWarning)
        vectors = np.concatenate(self.blocks) if self.blocks else np.zeros((0, dim), np.float32)
        return self.words, vectors


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


def read_vectors(path, *, format="auto", limit=None, vocabulary=None, encoding="utf-8",
                 errors="strict"):
    """The words and vectors (float32 rows) of a file; see
    :func:`sklstm.vectors.load_word_vectors`."""
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


# ------------------------------------------------------------------- writing


def write_vectors(words, vectors, path, *, format="word2vec"):
    """Write ``words`` and their ``vectors`` (float32 rows) to ``path`` in ``format``; see
    :func:`sklstm.vectors.save_word_vectors`."""
    if format not in FORMATS or format == "auto":
        raise ValueError(f"format must be one of {FORMATS[1:]}, got {format!r}")
    bad = next((w for w in words if not w or any(c.isspace() for c in w)), None)
    if bad is not None:
        raise ValueError(f"word {bad!r} cannot be written: words in these formats must "
                         "be non-empty and hold no whitespace")
    path = Path(path)
    with atomic_file(path) as raw:
        f = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if path.suffix == ".gz" else raw
        try:
            if format != "glove":
                f.write(f"{len(words)} {vectors.shape[1]}\n".encode("ascii"))
            if format == "word2vec-binary":
                little = vectors.astype("<f4", copy=False)
                for word, vector in zip(words, little, strict=True):
                    f.write(word.encode("utf-8") + b" " + vector.tobytes() + b"\n")
            else:
                for word, vector in zip(words, vectors, strict=True):
                    values = " ".join(f"{v:.9g}" for v in vector.tolist())
                    f.write(f"{word} {values}\n".encode("utf-8"))
        finally:
            if f is not raw:
                f.close()
    return path
