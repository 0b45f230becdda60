"""The ``sklstm`` command line: compare, train and predict on your data or IMDB.

``sklstm compare DATA`` fits the TF-IDF baselines and the LSTM pipeline on a
data file (CSV, TSV, JSON Lines, Parquet or a folder of class folders, read
by :mod:`sklstm.datasets`) or on IMDB, scores them on a test file, a held-out
fraction or by cross-validation, prints the table and writes ``report.html``
(:mod:`sklstm.compare`), plots and a JSON of every figure. ``sklstm train``
fits the LSTM pipeline and saves it to a model file; ``sklstm predict``
streams a data file through it and writes the predictions beside the input's
other columns, or reads one text a line and writes the label and its
probability a line. ``sklstm explain`` prints, for a saved model and some
texts, each token with its weight for the predicted class
(:mod:`sklstm.explain`).

Errors a user can fix (missing data, unreadable files, empty input) end the
program with a one-line message and exit status 1; Ctrl-C ends it with
status 130 and leaves no half-written file behind.
"""

import argparse
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._utils.files import atomic_file, json_default
from .._utils.validation import check_positive_int
from ..compare import history_records

__all__ = ["main"]

DATASETS = ("imdb",)
MODEL_FILE = "model.sklstm"
MODEL_SUFFIX = ".sklstm"
META_FILE = "sklstm.json"


class CommandError(Exception):
    """An error the user can fix; reported as one line, without a traceback."""


def _log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------- data

class Data(NamedTuple):
    """Texts and labels read for a command, with where they came from."""

    texts: list
    labels: object
    name: str
    text_columns: list = None
    label_column: str = None


def _subsample(texts, y, n, seed):
    """A stratified random subset of ``n`` samples (all of them when n is None)."""
    if n is None or n >= len(y):
        return list(texts), np.asarray(y)
    if n < 2:
        raise CommandError(f"a subset needs at least 2 texts, got {n}")
    from sklearn.model_selection import train_test_split

    idx, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)
    idx = np.sort(idx)
    return [texts[i] for i in idx], np.asarray(y)[idx]


def _load_imdb(args, subset, size):
    from ..datasets import load_imdb

    if args.dataset not in DATASETS:
        raise CommandError(f"unknown dataset {args.dataset!r}; available: {', '.join(DATASETS)}")
    _log(f"loading {args.dataset} {subset} ...")
    try:
        bunch = load_imdb(subset, data_home=args.data_home, download=not args.no_download)
    except FileNotFoundError as exc:
        raise CommandError(f"{exc}") from None
    except OSError as exc:
        raise CommandError(f"could not get the {args.dataset} data: {exc}; place "
                           "aclImdb_v1.tar.gz in the data folder (--data-home or "
                           "SKLSTM_DATA) and try again") from None
    texts, y = _subsample(bunch.data, bunch.target, size, args.seed)
    names = np.asarray(bunch.target_names)
    return Data(texts, names[y], f"{args.dataset} {subset}")


def _read_table(path, *, text_column, label_column, drop_missing):
    """``tables.load_table``, its errors turned into one-line command errors."""
    from ..datasets import load_table

    _log(f"reading {path} ...")
    try:
        table = load_table(path, text_column=text_column, label_column=label_column,
                           drop_missing=drop_missing)
    except (OSError, ValueError, ImportError) as exc:
        raise CommandError(_message(exc)) from None
    if table.n_dropped:
        _log(f"dropped {table.n_dropped} rows of {path} without a text or label "
             "(--drop-missing)")
    return table


def _message(exc):
    """A one-line message of an exception (a missing file says so plainly)."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{exc.filename}: no such file or folder"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _load_table(args, path, size=None):
    table = _read_table(path, text_column=args.text_column, label_column=args.label_column,
                        drop_missing=args.drop_missing)
    texts, y = _subsample(table.data, table.target, size, args.seed)
    return Data(texts, y, str(path), table.text_columns, table.label_column)


def _check_classes(data):
    classes = np.unique(np.asarray(data.labels))
    if len(classes) < 2:
        raise CommandError(f"{data.name} holds a single class ({classes[0]!r}) in its labels; "
                           "a classifier needs at least 2")
    return classes


def _unlabeled_marker(labels):
    """A label value, of the labels' type, that none of them has: marks unlabelled rows."""
    labels = np.asarray(labels)
    if labels.dtype.kind in "iuf":
        return labels.dtype.type(labels.min() - 1).item()
    marker, taken = "<unlabeled>", {str(v) for v in labels.tolist()}
    while marker in taken:
        marker = f"<{marker}>"
    return marker


def _unlabeled_texts(args):
    """The texts of ``--unlabeled`` (its text columns as for DATA), or None."""
    if args.unlabeled is None:
        return None
    table = _read_table(args.unlabeled, text_column=args.text_column, label_column=None,
                        drop_missing=True)
    _log(f"{len(table.data)} unlabelled texts from {args.unlabeled} for "
         f"{args.pretraining} pretraining")
    return table.data


def _learn_from_unlabeled(pipe, labels, args):
    """``pipe`` set to pretrain on the unlabelled rows; self-training with ``--self-training``."""
    marker = _unlabeled_marker(labels)
    pipe.set_params(lstmclassifier__unlabeled_label=marker,
                    lstmclassifier__pretraining=args.pretraining)
    if not args.self_training:
        return pipe
    from .. import SelfTrainingClassifier
    from ..compare import make_nblr

    return SelfTrainingClassifier(estimator=pipe, teachers=[make_nblr()], unlabeled_label=marker,
                                  verbose=True)


def _check_self_training(args):
    if args.self_training and args.unlabeled is None:
        raise CommandError("--self-training pseudo-labels the --unlabeled texts: give them "
                           "with --unlabeled FILE")


def _fitted_pipeline(model):
    """The pipeline that predicts: ``model``, or the last fit of a self-training one."""
    return getattr(model, "estimator_", model)


def _training_data(args):
    """The training texts and labels: the DATA file, or the named dataset's train part."""
    if args.data is None:
        data = _load_imdb(args, "train", args.train_size)
    else:
        data = _load_table(args, args.data, args.train_size)
    _check_classes(data)
    return data


def _test_split(args, train):
    """Training and test data of ``compare``: a test file, the named dataset's test part,
    or a stratified fraction of the training data."""
    if args.test is not None:
        if args.data is None:
            raise CommandError("--test needs a DATA file to train on")
        test = _load_table(args, args.test, args.test_size)
        unseen = sorted(set(np.unique(test.labels).tolist()) - set(np.unique(train.labels)
                                                                   .tolist()), key=str)
        if unseen:
            _log(f"sklstm: warning: {args.test} has labels not seen in training: "
                 f"{', '.join(map(repr, unseen))}; their rows count as errors")
        return train, test
    if args.data is None and args.test_fraction is None:
        return train, _load_imdb(args, "test", args.test_size)
    from sklearn.model_selection import train_test_split

    fraction = 0.2 if args.test_fraction is None else args.test_fraction
    index = np.arange(len(train.texts))
    labels = np.asarray(train.labels)
    try:
        fit_index, test_index = train_test_split(index, test_size=fraction, stratify=labels,
                                                 random_state=args.seed)
    except ValueError:  # a class too small to stratify, or a fraction too small
        try:
            fit_index, test_index = train_test_split(index, test_size=fraction,
                                                     random_state=args.seed)
        except ValueError as exc:
            raise CommandError(f"cannot hold out --test-fraction {fraction} of "
                               f"{len(index)} texts: {exc}") from None
    fit_index, test_index = np.sort(fit_index), np.sort(test_index)

    def part(rows, what):
        return train._replace(texts=[train.texts[i] for i in rows], labels=labels[rows],
                              name=f"{train.name} ({what})")

    _log(f"holding out {len(test_index)} of {len(index)} texts ({fraction:g}) as the test set")
    fit = part(fit_index, "training part")
    _check_classes(fit)
    return fit, part(test_index, "held-out part")


# ----------------------------------------------------------------- outputs

def _write_json(path, data):
    with atomic_file(path) as f:
        f.write((json.dumps(data, indent=2, default=json_default) + "\n").encode("utf-8"))


def _environment():
    import sklearn
    import skorch
    import tokenizers
    import torch

    from .. import __version__

    return {
        "sklstm": __version__, "python": platform.python_version(), "torch": torch.__version__,
        "sklearn": sklearn.__version__, "skorch": skorch.__version__,
        "tokenizers": tokenizers.__version__, "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(), "machine": platform.machine(),
    }


# ------------------------------------------------------------------ models

def _lstm_pipeline(args, verbose=1):
    from sklearn.pipeline import make_pipeline

    from .. import LSTMClassifier, TextTokenizer

    params = {"verbose": verbose, "random_state": args.seed}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return make_pipeline(TextTokenizer(), LSTMClassifier(**params))


def _models(args):
    from ..compare import make_nblr, make_nbsvm, make_tfidf_logreg, make_tfidf_svm

    models = {
        "tfidf_logreg": make_tfidf_logreg(),
        "tfidf_svm": make_tfidf_svm(),
        "nbsvm": make_nbsvm(),
        "nblr": make_nblr(),
        "lstm": _lstm_pipeline(args),
    }
    if args.models:
        unknown = sorted(set(args.models) - set(models))
        if unknown:
            raise CommandError(f"unknown model(s) {', '.join(unknown)}; "
                               f"available: {', '.join(models)}")
        models = {name: models[name] for name in args.models}
    return models


# ---------------------------------------------------------------- commands

def cmd_compare(args):
    from .. import compare as comparison
    from ..compare import plot_confusion_matrices, plot_scores, plot_training_curves, write_report

    if args.cv is not None and (args.test is not None or args.test_fraction is not None):
        raise CommandError("--cv, --test and --test-fraction are alternatives: give one")
    _check_self_training(args)
    models = _models(args)
    train = _training_data(args)
    unlabeled = _unlabeled_texts(args)
    if unlabeled is not None and "lstm" in models:
        models["lstm"] = _learn_from_unlabeled(models["lstm"], train.labels, args)
    if args.cv is not None:
        if args.data is None:
            raise CommandError("--cv needs a DATA file (IMDB has its own test part)")
        _log(f"cross-validating {', '.join(models)} on {len(train.texts)} texts "
             f"({args.cv} folds)")
        table, fitted, predictions = comparison.cross_compare(
            models, train.texts, train.labels, cv=args.cv, random_state=args.seed,
            verbose=True, return_estimators=True, X_unlabeled=unlabeled)
        test = train._replace(name=f"{train.name} (out-of-fold)")
    else:
        train, test = _test_split(args, train)
        _log(f"comparing {', '.join(models)} on {len(train.texts)} training and "
             f"{len(test.texts)} test texts")
        table, fitted, predictions = comparison.compare(
            models, train.texts, train.labels, test.texts, test.labels,
            verbose=True, return_estimators=True, X_unlabeled=unlabeled)
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    fitted = {name: _fitted_pipeline(model) for name, model in fitted.items()}

    out = Path(args.out)
    figures = {
        "scores.png": lambda path: plot_scores(table, path=path),
        "confusion_matrices.png": lambda path: plot_confusion_matrices(
            test.labels, predictions, path=path),
    }
    if "lstm" in fitted:
        figures["training_curves.png"] = lambda path: plot_training_curves(
            fitted["lstm"], path=path)
    for name, plot in figures.items():
        plot(out / name)
    environment = _environment()
    report = {
        "dataset": args.dataset if args.data is None else str(args.data),
        "text_columns": train.text_columns, "label_column": train.label_column,
        "evaluation": (f"{args.cv}-fold cross-validation" if args.cv is not None
                       else f"test set: {test.name}"),
        "n_train": len(train.texts),
        "n_test": len(test.texts),
        "seed": args.seed,
        "results": table.reset_index().to_dict(orient="records"),
        "lstm_history": history_records(fitted["lstm"]) if "lstm" in fitted else [],
        "environment": environment,
    }
    _write_json(out / "results.json", report)
    explained = _explained_predictions(fitted, test) if args.cv is None else None
    write_report(out / "report.html", table=table, y_test=test.labels,
                 predictions=predictions, estimators=fitted, train_texts=train.texts,
                 train_labels=train.labels, environment=environment, explanations=explained,
                 title=f"sklstm compare: {report['dataset']}",
                 subtitle=f"{len(train.texts)} training texts; {report['evaluation']} "
                          f"({len(test.texts)} texts)")
    _log(f"wrote {', '.join(sorted(figures))}, results.json and report.html to {out}")
    return 0


# The models whose explanations the report shows beside the LSTM's, by occlusion.
_EXPLAINED_BESIDE = ("tfidf_logreg", "nblr")


def _explained_predictions(fitted, test, n=3):
    """The report's explained test texts: the LSTM's most confident right and wrong ones.

    Each is explained by integrated gradients for the LSTM and by occlusion
    for the first TF-IDF model compared beside it; None without an LSTM.
    """
    from ..explain import confident_predictions, explain

    lstm = fitted.get("lstm")
    if lstm is None:
        return None
    right, wrong = confident_predictions(lstm, test.texts, test.labels, n=n)
    rows = [*right, *wrong]
    if not rows:
        return None
    texts = [test.texts[i] for i in rows]
    sides = [("lstm (integrated gradients)", explain(lstm, texts))]
    beside = next((name for name in _EXPLAINED_BESIDE if name in fitted), None)
    if beside is not None:
        sides.append((f"{beside} (occlusion)", explain(fitted[beside], texts,
                                                        method="occlusion")))
    labels = np.asarray(test.labels)
    explained = []
    for k, i in enumerate(rows):
        kind = "most confident right" if k < len(right) else "most confident wrong"
        explained.append((f"{kind}: test text {i} (true label {labels[i]!r})",
                          [(name, explanations[k]) for name, explanations in sides]))
    return explained


def _replace_dir(tmp_dir, target):
    """Move a finished folder into place, keeping the old one until that succeeded."""
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    try:
        os.replace(tmp_dir, target)
    except OSError:
        if backup is not None:
            os.replace(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup)


def _is_model_file(path):
    return Path(path).suffix == MODEL_SUFFIX


def _check_train_out(out, force):
    if _is_model_file(out):
        if out.is_dir():
            raise CommandError(f"{out} is a folder; choose another --out")
        if out.exists() and not force:
            raise CommandError(f"{out} already exists; pass --force to replace it")
        return
    if out.exists():
        if not (out / META_FILE).is_file():
            raise CommandError(f"{out} exists and is not an sklstm model folder; "
                               f"choose another --out (a file ending in {MODEL_SUFFIX})")
        if not force:
            raise CommandError(f"{out} already holds a model; pass --force to replace it")


def cmd_train(args):
    from .. import save

    out = Path(args.out)
    _check_train_out(out, args.force)
    _check_self_training(args)
    data = _training_data(args)
    unlabeled = _unlabeled_texts(args)
    pipe, texts, labels = _lstm_pipeline(args), data.texts, data.labels
    if unlabeled is not None:
        marker = _unlabeled_marker(labels)
        pipe = _learn_from_unlabeled(pipe, labels, args)
        texts = list(texts) + list(unlabeled)
        labels = np.concatenate([np.asarray(labels, dtype=object),
                                 np.full(len(unlabeled), marker, dtype=object)])
        if np.asarray(data.labels).dtype.kind in "iuf":
            labels = labels.astype(np.asarray(data.labels).dtype)
    _log(f"training the LSTM pipeline on {len(data.texts)} texts ...")
    start = time.perf_counter()
    model = _fitted_pipeline(pipe.fit(texts, labels))
    seconds = time.perf_counter() - start
    if model[-1].interrupted_:  # skorch ends training quietly on Ctrl-C
        raise KeyboardInterrupt
    meta = {
        "format": "sklstm-model-folder", "format_version": 2,
        "dataset": args.dataset if args.data is None else str(args.data),
        "text_columns": data.text_columns, "label_column": data.label_column,
        "n_train": len(data.texts), "fit_seconds": seconds,
        "classes": model.classes_.tolist(),
        "history": history_records(model), "environment": _environment(),
    }
    if hasattr(pipe, "labeled_iter_"):
        meta["n_pseudo_labels"] = int(np.sum(pipe.labeled_iter_ > 0))
    if _is_model_file(out):
        save(model, out, metadata=meta)
    else:  # the model folder of sklstm 0.1
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            save(model, tmp_dir / MODEL_FILE)
            _write_json(tmp_dir / META_FILE, meta)
            _replace_dir(tmp_dir, out)
        finally:
            if tmp_dir.exists():
                shutil.rmtree(tmp_dir)
    _log(f"saved the model to {out} ({seconds:.1f} s to fit)")
    return 0


def _read_model(path):
    """The fitted pipeline of a model file or folder, and its metadata."""
    from .. import ModelFileError, load, load_metadata

    path = Path(path)
    if path.is_dir():
        if not (path / META_FILE).is_file() or not (path / MODEL_FILE).is_file():
            raise CommandError(f"{path} is not an sklstm model folder (run `sklstm train "
                               f"--out {path}` first)")
        model_file, meta_file = path / MODEL_FILE, path / META_FILE
    elif path.is_file():
        model_file, meta_file = path, None
    else:
        raise CommandError(f"{path}: no such model file (run `sklstm train DATA --out "
                           f"{path}` first; model files end in {MODEL_SUFFIX})")
    try:
        model = load(model_file)
        meta = (json.loads(meta_file.read_text(encoding="utf-8")) if meta_file
                else load_metadata(model_file))
    except (ModelFileError, OSError, ValueError) as exc:  # damaged, altered or incompatible
        raise CommandError(f"could not read the model in {path}: {exc}") from None
    return model, meta


def _predict_lines(model, stream, batch_size):
    """The output of sklstm 0.1: one ``label<TAB>probability`` line a text."""
    from ..streaming import predict_stream

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
    from ..datasets import default_text_columns, table_texts

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


def cmd_predict(args):
    from ..datasets import TableError, iter_table, table_format

    model, meta = _read_model(args.model)
    source = args.data if args.data is not None else args.input
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
        raise CommandError(_message(exc)) from None
    if dropped:
        _log(f"dropped {dropped} rows of {source} without a text (--drop-missing)")
    _log(f"wrote {n} predictions to {args.out or 'stdout'}")
    return 0


# ------------------------------------------------------------------ parser

def cmd_explain(args):
    from ..explain import explain

    model, _ = _read_model(args.model)
    texts = args.texts
    if not texts or texts == ["-"]:
        texts = [line.rstrip("\r\n") for line in sys.stdin]
        if not texts:
            raise CommandError("no texts to explain: give them as arguments, or one a line "
                               "on stdin")
    try:
        # An unknown --class raises in to_text, before anything is printed.
        print(explain(model, texts, method=args.method).to_text(column=args.column,
                                                                top=args.top))
    except ValueError as exc:
        raise CommandError(_message(exc)) from None
    return 0


def _positive_int(text):
    """argparse type: a whole number >= 1."""
    try:
        return check_positive_int(int(text), "the value")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None


def _fraction(text):
    """argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value


def build_parser():
    """The argument parser of the ``sklstm`` command."""
    parser = argparse.ArgumentParser(prog="sklstm", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def column_options(p, *, labels=True):
        p.add_argument("--text-column", action="append", default=None, metavar="COLUMN",
                       help="column of the texts (default: 'text'); repeat to join several "
                            "columns with a space, e.g. title and body")
        if labels:
            p.add_argument("--label-column", default="label", metavar="COLUMN",
                           help="column of the labels (default: 'label')")
        p.add_argument("--drop-missing", action="store_true",
                       help="drop rows without a text or label instead of stopping")

    def data_options(p):
        p.add_argument("data", nargs="?", default=None, metavar="DATA",
                       help="your data: a .csv, .tsv, .jsonl or .parquet file (.gz too) or a "
                            "folder with one subfolder per class; without it, --dataset")
        column_options(p)
        p.add_argument("--dataset", default="imdb",
                       help="named dataset used when no DATA is given (default: imdb)")
        p.add_argument("--data-home", default=None,
                       help="folder with the named dataset (default: $SKLSTM_DATA, "
                            "../shared/datasets or ~/sklstm_data)")
        p.add_argument("--no-download", action="store_true",
                       help="fail instead of downloading a missing named dataset")
        p.add_argument("--train-size", type=_positive_int, default=None,
                       help="use a stratified random subset of this many training texts")
        p.add_argument("--max-epochs", type=_positive_int, default=None,
                       help="most epochs for the LSTM (default: its own)")
        p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
        p.add_argument("--unlabeled", default=None, metavar="FILE",
                       help="texts without labels (a data file with the same text columns, "
                            "or a .txt file of one text a line) that the LSTM pretrains on")
        p.add_argument("--pretraining", choices=("lm", "word2vec"), default="lm",
                       help="how the LSTM learns from --unlabeled: a language model (lm, the "
                            "default) or word2vec vectors")
        p.add_argument("--self-training", action="store_true",
                       help="then pseudo-label the third of the --unlabeled texts that the "
                            "LSTM and NB-LR are surest of, and fit the LSTM again "
                            "(SelfTrainingClassifier; about twice the fit time or more)")

    p = sub.add_parser("compare", help="compare the LSTM with TF-IDF baselines")
    data_options(p)
    split = p.add_argument_group("evaluation (one of; default: IMDB's test part, or a "
                                 "0.2 held-out fraction of DATA)")
    split.add_argument("--test", default=None, metavar="TEST_FILE",
                       help="score on this file (same columns as DATA)")
    split.add_argument("--test-fraction", type=_fraction, default=None, metavar="F",
                       help="hold out this stratified fraction of DATA as the test set")
    split.add_argument("--cv", type=_positive_int, default=None, metavar="K",
                       help="K-fold cross-validation on DATA (out-of-fold predictions)")
    p.add_argument("--test-size", type=_positive_int, default=None,
                   help="use a stratified random subset of this many test texts")
    p.add_argument("--models", type=lambda s: [m for m in s.split(",") if m], default=None,
                   help="comma-separated subset of tfidf_logreg,tfidf_svm,nbsvm,nblr,lstm")
    p.add_argument("--out", default="sklstm-results",
                   help="output folder for report.html, plots and JSON")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("train", help="train the LSTM pipeline and save it")
    data_options(p)
    p.add_argument("--out", required=True,
                   help=f"model file to write (ending in {MODEL_SUFFIX}; any other name is "
                        "written as a model folder)")
    p.add_argument("--force", action="store_true", help="replace an existing model")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="predict the labels of a data file, or of one text "
                                       "a line from a text file or stdin")
    p.add_argument("model", metavar="MODEL", help="a model file (or folder) written by "
                                                  "`sklstm train`")
    p.add_argument("data", nargs="?", default=None, metavar="DATA",
                   help="a .csv, .tsv, .jsonl, .parquet file or class folder; a .txt file or "
                        "'-' (stdin, the default) holds one text a line")
    column_options(p, labels=False)
    p.add_argument("--input", default="-", help=argparse.SUPPRESS)  # sklstm 0.1's DATA
    p.add_argument("--out", default=None,
                   help="file of predictions (.csv, .tsv or .jsonl): the input's other "
                        "columns, predicted_label and one proba_<class> column a class")
    p.add_argument("--batch-size", type=_positive_int, default=2048,
                   help="texts predicted at a time (default: 2048)")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("explain", help="print each token of a text with its weight for the "
                                       "model's prediction")
    p.add_argument("model", metavar="MODEL", help="a model file (or folder) written by "
                                                  "`sklstm train`")
    p.add_argument("texts", nargs="*", metavar="TEXT",
                   help="texts to explain; none or '-': one text a line from stdin")
    # explain.METHODS, written out: importing sklstm.explain loads torch, and `sklstm --help`
    # should not wait for it (tests/test_cli.py holds the two equal)
    p.add_argument("--method", default="integrated_gradients",
                   choices=("integrated_gradients", "attention", "occlusion"),
                   help="how the weights are computed (default: integrated_gradients; "
                        "attention needs a model trained with attention pooling)")
    p.add_argument("--top", type=_positive_int, default=None, metavar="K",
                   help="only the K tokens of largest absolute weight, largest first "
                        "(default: every token, in order)")
    p.add_argument("--class", dest="column", default=None, metavar="CLASS",
                   help="the class whose weights to print (default: the predicted one)")
    p.set_defaults(func=cmd_explain)
    return parser


def main(argv=None):
    """Run the ``sklstm`` command; return its exit status.

    Parameters
    ----------
    argv : list of str or None
        Arguments; None reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 1 on a user error, 130 on Ctrl-C.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"sklstm: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sklstm: interrupted; no partial output was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
