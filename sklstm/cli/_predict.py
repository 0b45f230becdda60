"""``sklstm predict``: a saved model's predictions for a data file, or for one text a line."""

import argparse
import io
import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from .._compat import deprecated
from .._utils.files import atomic_file
from ..datasets import TableError, default_text_columns, iter_table, table_format, table_texts
from ..streaming import predict_stream
from ._common import CommandError, add_column_options, log, message, positive_int, read_model


def _predict_lines(model, stream, batch_size):
    """The output of sklstm 0.1: one ``label<TAB>probability`` line a text."""
    n = 0
    lines = (line.rstrip("\r\n") for line in stream)
    for proba in predict_stream(model, lines, batch_size=batch_size, method="predict_proba"):
        labels = model.classes_[proba.argmax(axis=1)]
        sys.stdout.write("".join(f"{label}\t{p:.4f}\n"
                                 for label, p in zip(labels, proba.max(axis=1), strict=True)))
        n += len(proba)
    sys.stdout.flush()
    if n == 0:
        raise CommandError("no texts to predict: the input is empty (give one text a line)")
    return 0


def _output_writer(path):
    """A function writing one DataFrame batch after another to ``path``'s format."""
    fmt = Path(path).suffix.lower()
    if fmt not in (".csv", ".tsv", ".jsonl"):
        raise CommandError(f"--out {path}: predictions are written as .csv, .tsv or .jsonl")

    def write(f, frame, first):
        if fmt == ".jsonl":
            f.write(frame.to_json(orient="records", lines=True, force_ascii=False)
                    .rstrip("\n") + "\n")
        else:
            frame.to_csv(f, sep="," if fmt == ".csv" else "\t", index=False, header=first)
    return write


def _prediction_frame(model, frame, texts, text_columns):
    out = frame.drop(columns=[c for c in text_columns if c in frame.columns])
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(texts)
        classes = model.classes_
        columns = {"predicted_label": classes[proba.argmax(axis=1)]}
        columns.update({f"proba_{c}": proba[:, j] for j, c in enumerate(classes)})
    else:
        columns = {"prediction": model.predict(texts)}
    clash = sorted(set(columns) & set(out.columns))
    if clash:
        raise CommandError(f"the input already has a column {clash[0]!r}, which the "
                           "predictions would overwrite; rename it")
    return out.assign(**columns)


def _write_predictions(model, batches, f, write, source, text_column, drop_missing):
    """Predict batch after batch of rows and write them; return (written, dropped)."""

    n = dropped = 0
    for frame in batches:
        columns = default_text_columns(frame.columns, text_column, source)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            there = ", ".join(repr(str(c)) for c in frame.columns)
            raise CommandError(f"{source} has no text column {missing[0]!r}; its "
                               f"columns are: {there}")
        texts = table_texts(frame, columns)
        empty = [i for i, text in enumerate(texts) if not text]
        if empty and not drop_missing:
            raise CommandError(f"{source}: row {frame.index[empty[0]] + 1} has no text; "
                               "pass --drop-missing to leave such rows out")
        if empty:
            keep = np.ones(len(texts), bool)
            keep[empty] = False
            frame, texts = frame[keep], [t for t, k in zip(texts, keep, strict=True) if k]
            dropped += len(empty)
        if texts:
            write(f, _prediction_frame(model, frame, texts, columns), n == 0)
        n += len(texts)
    if n == 0:
        raise CommandError(f"{source}: no texts to predict")
    return n, dropped


def run(args):
    """Predict a data file (to ``--out`` or stdout as CSV), or one text a line."""
    model, meta = read_model(args.model)
    if args.input is not None:
        deprecated("sklstm predict --input FILE", "sklstm predict MODEL FILE")
    source = args.data if args.data is not None else args.input or "-"
    lines = args.data is None or (Path(source).suffix.lower() == ".txt" and args.out is None)
    if source == "-" or lines:
        if source == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        else:
            try:
                stream = open(source, encoding="utf-8", errors="replace")
            except OSError as exc:
                raise CommandError(f"cannot read {source}: {exc.strerror}") from None
        with stream:
            return _predict_lines(model, stream, args.batch_size)
    text_column = args.text_column or meta.get("text_columns")
    if args.out is None:  # CSV to stdout
        target, write = nullcontext(sys.stdout.buffer), _output_writer("stdout.csv")
    else:
        target, write = atomic_file(args.out), _output_writer(args.out)
    try:
        if table_format(source) == "lines":
            text_column = ["text"]
        batches = iter_table(source, batch_size=args.batch_size)
        with target as raw:
            f = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            try:
                n, dropped = _write_predictions(model, batches, f, write, source,
                                                text_column, args.drop_missing)
            finally:
                f.flush()
                f.detach()  # leave the file (or stdout) to its owner
    except (OSError, TableError, ImportError) as exc:
        raise CommandError(message(exc)) from None
    if dropped:
        log(f"dropped {dropped} rows of {source} without a text (--drop-missing)")
    log(f"wrote {n} predictions to {args.out or 'stdout'}")
    return 0


def add_parser(subparsers):
    """The ``predict`` command's options."""
    p = subparsers.add_parser("predict", help="predict the labels of a data file, or of one "
                                              "text a line from a text file or stdin")
    p.add_argument("model", metavar="MODEL", help="a model file (or folder) written by "
                                                  "`sklstm train`")
    p.add_argument("data", nargs="?", default=None, metavar="DATA",
                   help="a .csv, .tsv, .jsonl, .parquet file or class folder; a .txt file or "
                        "'-' (stdin, the default) holds one text a line")
    add_column_options(p, labels=False)
    p.add_argument("--input", default=None, help=argparse.SUPPRESS)  # sklstm 0.1's DATA
    p.add_argument("--out", default=None,
                   help="file of predictions (.csv, .tsv or .jsonl): the input's other "
                        "columns, predicted_label and one proba_<class> column a class")
    p.add_argument("--batch-size", type=positive_int, default=2048,
                   help="texts predicted at a time (default: 2048)")
    p.set_defaults(func=run)

