"""Reading your own labelled texts: CSV, TSV, JSON Lines, Parquet and class folders.

:func:`load_table` reads a whole file into texts and labels for training
and comparison; :func:`iter_table` streams one in batches of rows (as
pandas DataFrames) for prediction, so a file larger than memory can be
scored. Both understand the same sources, chosen by the name's ending:

========================  ==================================================
``.csv`` / ``.csv.gz``    comma-separated, with a header row
``.tsv`` / ``.tsv.gz``    tab-separated, with a header row
``.jsonl`` / ``.jsonl.gz``  one JSON object a line (``.ndjson`` too)
``.parquet``              Apache Parquet (any internal compression; needs
                          ``pip install sklstm[parquet]``)
``.txt`` / ``.txt.gz``    one text a line, no header: one column, ``text``
a folder                  one subfolder per class holding one text a file, as
                          :func:`sklearn.datasets.load_files` reads it
========================  ==================================================

Rules, the same for every source:

- Columns of CSV and TSV files are read as text, exactly as written (ids
  keep their leading zeros). A label column whose values are all whole
  numbers becomes integers; other labels stay strings. JSON and Parquet
  values keep their types.
- Several text columns (a title and a body, say) are joined with a space;
  a row's text is missing when all of them are empty, blank or null.
- Rows are numbered from 1, the first row after the header (or the first
  line of a JSON Lines file); errors name the first bad row.
- Text is UTF-8; undecodable bytes are an error naming the file and line.
"""

import gzip
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._utils.optional import import_optional
from .._utils.validation import check_positive_int, is_missing

__all__ = ["FOLDER_COLUMNS", "FORMATS", "TableError", "default_text_columns", "iter_table",
           "load_table", "table_format", "table_texts"]

#: File endings :func:`load_table` reads, and the format each names.
FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".parquet": "parquet", ".txt": "lines"}
_SEPARATORS = {"csv": ",", "tsv": "\t"}
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
#: Column names of a folder of class folders.
FOLDER_COLUMNS = ("text", "label", "filename")


class TableError(ValueError):
    """A data file that cannot be used as it is; the message names the file and the problem."""

    # Tracebacks and pickles name the error where users import it from.
    __module__ = "sklstm.datasets"


def table_format(path):
    """The format of ``path``: ``'csv'``, ``'tsv'``, ``'jsonl'``, ``'parquet'``, ``'lines'``
    or ``'folder'``.

    Parameters
    ----------
    path : str or path-like
        A file (a ``.gz`` ending after ``.csv``, ``.tsv`` or ``.jsonl`` means
        gzip) or a folder of class folders.

    Returns
    -------
    format : str

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``.
    TableError
        If the ending is not one of :data:`FORMATS`.

    Examples
    --------
    >>> from sklstm.datasets import table_format
    >>> table_format("reviews.csv.gz")  # doctest: +SKIP
    'csv'
    """
    path = Path(path)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1 and suffixes[-2] != ".parquet":
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        endings = ", ".join(sorted(set(FORMATS) | {".csv.gz", ".tsv.gz", ".jsonl.gz",
                                                   ".txt.gz"}))
        raise TableError(f"{path}: unknown file type {''.join(path.suffixes) or '(none)'!r}; "
                         f"sklstm reads {endings} or a folder with one subfolder per class")
    return fmt


def _open_binary(path):
    return gzip.open(path, "rb") if str(path).lower().endswith(".gz") else open(path, "rb")


def _first_undecodable_line(path):
    """(line number, message) of the first line of ``path`` that is not UTF-8, or None."""
    with _open_binary(path) as f:
        for number, line in enumerate(f, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.reason
    return None


def _undecodable(path, exc=None):
    found = _first_undecodable_line(path) if Path(path).is_file() else None
    where = f"line {found[0]}" if found else "somewhere"
    reason = found[1] if found else getattr(exc, "reason", str(exc))
    return TableError(f"{path}: {where} is not valid UTF-8 text ({reason}); save the file "
                      "as UTF-8 and try again")


# ------------------------------------------------------------------ readers
# Each yields DataFrames of at most ``batch_size`` rows, in the file's order.

def _csv_batches(path, fmt, batch_size, pd):
    try:
        reader = pd.read_csv(path, sep=_SEPARATORS[fmt], dtype=str, keep_default_na=False,
                             na_filter=False, encoding="utf-8", chunksize=batch_size,
                             compression="infer")
        with reader:
            yield from reader
    except UnicodeDecodeError as exc:
        raise _undecodable(path, exc) from None
    except pd.errors.EmptyDataError:
        raise TableError(f"{path} is empty: expected a header row naming the columns, "
                         "then one row a text") from None
    except pd.errors.ParserError as exc:
        raise TableError(f"{path} is not a valid {fmt.upper()} file: {exc}") from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise TableError(f"{path}: the gzip stream is damaged or truncated ({exc})") from None


def _jsonl_batches(path, batch_size, pd):
    rows = []
    try:
        with _open_binary(path) as f:
            for number, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise TableError(f"{path}: line {number} is not valid UTF-8 text "
                                     f"({exc.reason}); save the file as UTF-8") from None
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TableError(f"{path}: line {number} is not valid JSON ({exc.msg}, "
                                     f"column {exc.colno})") from None
                if not isinstance(row, dict):
                    raise TableError(f"{path}: line {number} is a JSON "
                                     f"{type(row).__name__}, not an object "
                                     '(expected {"text": ..., "label": ...} a line)')
                rows.append(row)
                if len(rows) == batch_size:
                    yield pd.DataFrame.from_records(rows)
                    rows = []
    except (EOFError, gzip.BadGzipFile) as exc:
        raise TableError(f"{path}: the gzip stream is damaged or truncated ({exc})") from None
    if rows:
        yield pd.DataFrame.from_records(rows)


def _line_batches(path, batch_size, pd):
    texts = []
    try:
        with _open_binary(path) as f:
            for number, raw in enumerate(f, 1):
                try:
                    texts.append(raw.decode("utf-8").rstrip("\r\n"))
                except UnicodeDecodeError as exc:
                    raise TableError(f"{path}: line {number} is not valid UTF-8 text "
                                     f"({exc.reason}); save the file as UTF-8") from None
                if len(texts) == batch_size:
                    yield pd.DataFrame({"text": texts})
                    texts = []
    except (EOFError, gzip.BadGzipFile) as exc:
        raise TableError(f"{path}: the gzip stream is damaged or truncated ({exc})") from None
    if texts:
        yield pd.DataFrame({"text": texts})


def _parquet_batches(path, batch_size):
    pq = import_optional("pyarrow.parquet", extra="parquet", feature="reading Parquet files")
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid, an OSError, ...
        raise TableError(f"{path} is not a readable Parquet file: {exc}") from None
    with parquet:
        for batch in parquet.iter_batches(batch_size=batch_size):
            yield batch.to_pandas()


def _folder_batches(path, batch_size, pd):
    classes = sorted(entry.name for entry in os.scandir(path)
                     if entry.is_dir() and not entry.name.startswith("."))
    if not classes:
        raise TableError(f"{path} is a folder without subfolders: expected one subfolder per "
                         "class, each holding one text a file")
    rows = []
    for label in classes:
        names = sorted(entry.name for entry in os.scandir(Path(path) / label)
                       if entry.is_file() and not entry.name.startswith("."))
        for name in names:
            file = Path(path) / label / name
            raw = file.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _undecodable(file) from None
            rows.append({"text": text, "label": label, "filename": f"{label}/{name}"})
            if len(rows) == batch_size:
                yield pd.DataFrame(rows, columns=list(FOLDER_COLUMNS))
                rows = []
    if rows:
        yield pd.DataFrame(rows, columns=list(FOLDER_COLUMNS))


def iter_table(path, *, batch_size=4096):
    """Read a data file (or class folder) in batches of rows.

    Parameters
    ----------
    path : str or path-like
        The data, see the module docstring for the formats.
    batch_size : int, default=4096
        Most rows a batch.

    Yields
    ------
    frame : pandas.DataFrame
        The next rows with every column of the file, in the file's order;
        the index counts rows from 0 over the whole file.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TableError
        For an unknown ending, an empty, damaged or undecodable file.
    ImportError
        For Parquet without pyarrow (naming the extra to install).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklstm.datasets import iter_table
    >>> path = Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("id,text,label\\n007,great film,pos\\n8,dull,neg\\n9,fun,pos\\n")
    >>> [len(frame) for frame in iter_table(path, batch_size=2)]
    [2, 1]
    >>> next(iter_table(path))["id"].tolist()
    ['007', '8', '9']
    """
    batch_size = check_positive_int(batch_size, "batch_size")
    fmt = table_format(path)
    if fmt in _SEPARATORS:
        batches = _csv_batches(path, fmt, batch_size, pd)
    elif fmt == "jsonl":
        batches = _jsonl_batches(path, batch_size, pd)
    elif fmt == "parquet":
        batches = _parquet_batches(path, batch_size)
    elif fmt == "lines":
        batches = _line_batches(path, batch_size, pd)
    else:
        batches = _folder_batches(path, batch_size, pd)
    start = 0
    for frame in batches:
        frame.index = pd.RangeIndex(start, start + len(frame))
        start += len(frame)
        yield frame


# ------------------------------------------------------------------ columns

def _check_columns(frame, columns, path, what):
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        there = ", ".join(repr(str(c)) for c in frame.columns)
        raise TableError(f"{path} has no {what} column {missing[0]!r}; its columns are: {there}")


def _blank(value):
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def table_texts(frame, text_columns):
    """The texts of a batch of rows: the text columns joined with a space.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows, as :func:`iter_table` yields them.
    text_columns : list of str
        The columns to join, in order; empty, blank and null cells are left
        out.

    Returns
    -------
    texts : list of str
        One text a row; ``''`` where every text column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.datasets import table_texts
    >>> frame = pd.DataFrame({"title": ["Great", None], "body": ["loved it", "dull"]})
    >>> table_texts(frame, ["title", "body"])
    ['Great loved it', 'dull']
    """
    columns = [frame[c].tolist() for c in text_columns]
    return [" ".join(str(v).strip() for v in values if not _blank(v))
            for values in zip(*columns, strict=True)]


def _labels(values):
    """Labels as one array: whole-number strings become integers, the rest stay as they are."""
    values = list(values)
    if values and all(isinstance(v, str) and _WHOLE_NUMBER.match(v.strip()) for v in values):
        return np.array([int(v) for v in values], dtype=np.int64)
    if values and all(isinstance(v, str) for v in values):
        return np.array(values, dtype=object)
    try:
        array = np.asarray(values)
    except ValueError:
        array = np.array(values, dtype=object)
    if array.dtype.kind in "US":
        array = array.astype(object)
    return array


def default_text_columns(columns, text_column, path):
    """The text columns to read: those given, else the column named ``'text'``.

    Parameters
    ----------
    columns : sequence of str
        The columns the data has.
    text_column : str, list of str or None
        What the user asked for.
    path : str or path-like
        The data's name, for the message.

    Returns
    -------
    text_columns : list of str

    Raises
    ------
    TableError
        If ``text_column`` is None and there is no column ``'text'``.

    Examples
    --------
    >>> from sklstm.datasets import default_text_columns
    >>> default_text_columns(["id", "text"], None, "a.csv")
    ['text']
    >>> default_text_columns(["id", "text"], ["title", "body"], "a.csv")
    ['title', 'body']
    """
    if text_column is None:
        if "text" in columns:
            return ["text"]
        there = ", ".join(repr(str(c)) for c in columns)
        raise TableError(f"{path} has no column named 'text'; say which column holds the "
                         f"texts (text_column=..., or --text-column); its columns are: {there}")
    return [text_column] if isinstance(text_column, str) else list(text_column)


def load_table(path, *, text_column=None, label_column="label", drop_missing=False):
    """Read texts and their labels from a CSV, TSV, JSON Lines, Parquet file or class folder.

    Parameters
    ----------
    path : str or path-like
        The data, see the module docstring for the formats.
    text_column : str, list of str or None, default=None
        The column of the texts; several are joined with a space (a title
        and a body, say). None: the column named ``'text'``.
    label_column : str or None, default='label'
        The column of the labels; None reads texts only (``target`` is
        None). A folder of class folders has the columns ``text``,
        ``label`` (the subfolder's name) and ``filename``.
    drop_missing : bool, default=False
        Drop rows whose text or label is missing (empty, blank or null)
        instead of raising; ``n_dropped`` says how many.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        With the fields

        data : list of str
            The texts.
        target : ndarray of shape (n_samples,) or None
            The labels (integers where all are whole numbers, else as read).
        frame : pandas.DataFrame
            Every column of the kept rows, indexed by their row number
            (from 0) in the file.
        text_columns : list of str
            The columns the texts were read from.
        label_column : str or None
            The column the labels were read from.
        n_dropped : int
            Rows dropped by ``drop_missing``.
        filename : str
            The path that was read.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TableError
        A ``ValueError`` naming the file and the problem: an unknown ending,
        an empty, damaged or undecodable file (with the line), a column
        that does not exist (listing those there are), a missing text or
        label (the first such row, counted from 1), or no rows at all.
    ImportError
        For Parquet without pyarrow (naming the extra to install).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklstm.datasets import load_table
    >>> path = Path(tempfile.mkdtemp()) / "tickets.csv"
    >>> _ = path.write_text("title,body,team\\nLogin,cannot sign in,web\\nRefund,,billing\\n")
    >>> data = load_table(path, text_column=["title", "body"], label_column="team")
    >>> data.data, data.target.tolist()
    (['Login cannot sign in', 'Refund'], ['web', 'billing'])
    >>> load_table(path, text_column="subject")
    Traceback (most recent call last):
    ...
    sklstm.datasets.TableError: ...tickets.csv has no text column 'subject'; its columns are: ...
    """
    frames = list(iter_table(path))
    frame = pd.concat(frames) if frames else pd.DataFrame()
    if not len(frame):
        raise TableError(f"{path} holds no rows of data")
    text_columns = default_text_columns(frame.columns, text_column, path)
    _check_columns(frame, text_columns, path, "text")
    if label_column is not None:
        _check_columns(frame, [label_column], path, "label")
    texts = table_texts(frame, text_columns)
    bad_text = np.array([not t for t in texts])
    bad_label = (np.array([_blank(v) for v in frame[label_column].tolist()])
                 if label_column is not None else np.zeros(len(frame), bool))
    bad = bad_text | bad_label
    if bad.any() and not drop_missing:
        row = int(np.flatnonzero(bad)[0])
        what = (f"no text (column {' + '.join(map(repr, text_columns))} is empty)"
                if bad_text[row] else f"no label (column {label_column!r} is empty)")
        raise TableError(f"{path}: row {row + 1} has {what}; {int(bad.sum())} rows in all "
                         "lack a text or label (drop them with drop_missing=True, or "
                         "--drop-missing)")
    keep = ~bad
    frame = frame[keep]
    if not len(frame):
        raise TableError(f"{path}: every row lacks a text or a label")
    target = _labels(frame[label_column].tolist()) if label_column is not None else None
    kept = [t for t, k in zip(texts, keep, strict=True) if k]
    return Bunch(data=kept, target=target, frame=frame,
                 text_columns=text_columns, label_column=label_column,
                 n_dropped=int(bad.sum()), filename=str(path))

