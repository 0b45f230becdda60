"""Tests for sklstm.datasets._tables: reading CSV, TSV, JSON Lines, Parquet and class folders."""

import gzip
import json
import sys

import numpy as np
import pandas as pd
import pytest

from sklstm.datasets import TableError, iter_table, load_table, table_format, table_texts

ROWS = [
    {"id": "007", "title": "Great", "body": "loved every minute", "label": "pos"},
    {"id": "8", "title": "Dull", "body": "far too long", "label": "neg"},
    {"id": "9", "title": "", "body": "a fine film", "label": "pos"},
]


def write(path, rows=ROWS, fmt=None):
    """Write ``rows`` (dicts) to ``path`` in the format its name says."""
    fmt = fmt or table_format_of(path)
    frame = pd.DataFrame(rows)
    if fmt == "parquet":
        frame.to_parquet(path)
        return path
    if fmt == "jsonl":
        data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    else:
        data = frame.to_csv(sep="\t" if fmt == "tsv" else ",", index=False).encode()
    if str(path).endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def table_format_of(path):
    name = str(path).removesuffix(".gz")
    return name.rsplit(".", 1)[-1]


@pytest.mark.parametrize("name", ["d.csv", "d.tsv", "d.jsonl", "d.csv.gz", "d.tsv.gz",
                                  "d.jsonl.gz", "d.parquet"])
def test_every_format_reads_the_same_rows(tmp_path, name):
    path = write(tmp_path / name)
    data = load_table(path, text_column=["title", "body"], label_column="label")
    assert data.data == ["Great loved every minute", "Dull far too long", "a fine film"]
    assert data.target.tolist() == ["pos", "neg", "pos"]
    assert data.frame["id"].tolist() == ["007", "8", "9"]  # ids kept as written
    assert data.n_dropped == 0 and data.text_columns == ["title", "body"]


def test_class_folder_as_load_files_reads_it(tmp_path):
    for label, texts in {"neg": ["dull", "boring"], "pos": ["great"]}.items():
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}.txt").write_text(text)
    (tmp_path / ".hidden").mkdir()
    assert table_format(tmp_path) == "folder"
    data = load_table(tmp_path)
    assert data.data == ["dull", "boring", "great"]
    assert data.target.tolist() == ["neg", "neg", "pos"]
    assert data.frame["filename"].tolist() == ["neg/0.txt", "neg/1.txt", "pos/0.txt"]


def test_whole_number_labels_become_integers_and_json_types_stay(tmp_path):
    rows = [{"text": "a", "label": "1"}, {"text": "b", "label": "-2"}]
    assert load_table(write(tmp_path / "n.csv", rows)).target.dtype == np.int64
    rows = [{"text": "a", "label": "1"}, {"text": "b", "label": "x"}]
    assert load_table(write(tmp_path / "s.csv", rows)).target.tolist() == ["1", "x"]
    rows = [{"text": "a", "label": 1}, {"text": "b", "label": 0}]
    target = load_table(write(tmp_path / "n.jsonl", rows)).target
    assert target.tolist() == [1, 0] and target.dtype.kind == "i"


def test_iter_table_streams_batches_with_global_row_numbers(tmp_path):
    rows = [{"text": f"text {i}", "label": i % 2} for i in range(10)]
    for name in ("big.csv", "big.jsonl", "big.parquet"):
        frames = list(iter_table(write(tmp_path / name, rows), batch_size=4))
        assert [len(f) for f in frames] == [4, 4, 2]
        assert frames[-1].index.tolist() == [8, 9]


def test_missing_texts_or_labels_name_the_first_row_and_can_be_dropped(tmp_path):
    rows = [{"text": "ok", "label": "a"}, {"text": "  ", "label": "b"},
            {"text": "fine", "label": ""}, {"text": "good", "label": "b"}]
    path = write(tmp_path / "m.csv", rows)
    with pytest.raises(TableError, match=r"row 2 has no text .*2 rows in all.*drop_missing"):
        load_table(path)
    data = load_table(path, drop_missing=True)
    assert data.data == ["ok", "good"] and data.n_dropped == 2
    assert data.frame.index.tolist() == [0, 3]
    with pytest.raises(TableError, match="row 1 has no label"):
        load_table(write(tmp_path / "n.jsonl", [{"text": "x", "label": None}]))


def test_table_texts_skips_blank_columns():
    frame = pd.DataFrame({"a": ["x", None, " "], "b": ["y", "z", np.nan]})
    assert table_texts(frame, ["a", "b"]) == ["x y", "z", ""]


# ------------------------------------------------------------------ bad input

def test_missing_file_and_unknown_ending(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_table(tmp_path / "nope.csv")
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(TableError, match=r"unknown file type '\.xlsx'.*\.csv"):
        load_table(tmp_path / "data.xlsx")


def test_unknown_column_lists_the_columns(tmp_path):
    path = write(tmp_path / "d.csv")
    with pytest.raises(TableError, match="no text column 'review'; its columns are: 'id', "
                                         "'title', 'body', 'label'"):
        load_table(path, text_column="review")
    with pytest.raises(TableError, match="no label column 'stars'"):
        load_table(path, text_column="body", label_column="stars")
    with pytest.raises(TableError, match="no column named 'text'"):
        load_table(path)


@pytest.mark.parametrize("name", ["bad.csv", "bad.tsv", "bad.jsonl", "bad.csv.gz"])
def test_undecodable_bytes_name_file_and_line(tmp_path, name):
    lines = ["text,label", "fine,a", "also fine,b", "caf\xe9 ok,a"]
    if "jsonl" in name:
        lines = ['{"text": "fine", "label": "a"}'] * 3 + ['{"text": "caf\xe9", "label": "a"}']
    data = "\n".join(lines).encode("latin-1") + b"\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(TableError, match=rf"{name}: line 4 is not valid UTF-8"):
        load_table(path)


def test_folder_with_an_undecodable_file(tmp_path):
    (tmp_path / "pos").mkdir()
    (tmp_path / "pos" / "a.txt").write_bytes(b"line one\nbad \xff byte\n")
    with pytest.raises(TableError, match=r"a\.txt: line 2 is not valid UTF-8"):
        load_table(tmp_path)


@pytest.mark.parametrize("content, match", [
    (b"", "is empty"),
    (b"text,label\n", "holds no rows"),
    (b'{"text": "a"\n', "line 1 is not valid JSON"),
    (b'["a", "b"]\n', "line 1 is a JSON list, not an object"),
])
def test_empty_or_malformed_files(tmp_path, content, match):
    path = tmp_path / ("d.jsonl" if content.startswith((b"{", b"[")) else "d.csv")
    path.write_bytes(content)
    with pytest.raises(TableError, match=match):
        load_table(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "d.csv.gz"
    path.write_bytes(gzip.compress(b"text,label\n" + b"some text,a\n" * 1000)[:60])
    with pytest.raises(TableError, match="gzip stream is damaged or truncated"):
        load_table(path)


def test_empty_folder(tmp_path):
    with pytest.raises(TableError, match="without subfolders"):
        load_table(tmp_path)


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    path = write(tmp_path / "d.parquet")
    for module in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install sklstm\[parquet\]"):
        load_table(path, text_column="body")


def test_damaged_parquet(tmp_path):
    (tmp_path / "d.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(TableError, match="not a readable Parquet file"):
        load_table(tmp_path / "d.parquet")


def test_text_file_is_one_text_a_line(tmp_path):
    path = tmp_path / "unlabelled.txt.gz"
    path.write_bytes(gzip.compress("first text\r\nsecond, with a comma\n\nthird\n".encode()))
    assert table_format(path) == "lines"
    data = load_table(path, label_column=None, drop_missing=True)
    assert data.data == ["first text", "second, with a comma", "third"]
    assert data.target is None and data.n_dropped == 1
    with pytest.raises(TableError, match="row 3 has no text"):
        load_table(path, label_column=None)
    with pytest.raises(TableError, match="no label column 'label'"):
        load_table(path)
