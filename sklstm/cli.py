"""The ``sklstm`` command line: compare, train and predict on IMDB.

``sklstm compare`` fits the TF-IDF baselines and the LSTM pipeline on a
dataset's training part, scores them on its test part, prints the table and
writes plots and a JSON of every figure. ``sklstm train`` fits the LSTM
pipeline and saves it to a folder; ``sklstm predict`` reads one text a line
and writes the label and its probability a line.

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
from pathlib import Path

import numpy as np

from ._utils.files import atomic_file, json_default
from ._utils.validation import check_positive_int
from .history import history_records

__all__ = ["main"]

DATASETS = ("imdb",)
MODEL_FILE = "model.sklstm"
META_FILE = "sklstm.json"


class CommandError(Exception):
    """An error the user can fix; reported as one line, without a traceback."""


def _log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------- data

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


def _load(args, subset, size):
    from .datasets import load_imdb

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
    return texts, names[y]


# ----------------------------------------------------------------- outputs

def _write_json(path, data):
    with atomic_file(path) as f:
        f.write((json.dumps(data, indent=2, default=json_default) + "\n").encode("utf-8"))


def _environment():
    import sklearn
    import skorch
    import tokenizers
    import torch

    from . import __version__

    return {
        "sklstm": __version__, "python": platform.python_version(), "torch": torch.__version__,
        "sklearn": sklearn.__version__, "skorch": skorch.__version__,
        "tokenizers": tokenizers.__version__, "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(), "machine": platform.machine(),
    }


# ------------------------------------------------------------------ models

def _lstm_pipeline(args, verbose=1):
    from sklearn.pipeline import make_pipeline

    from . import LSTMClassifier, TextTokenizer

    params = {"verbose": verbose, "random_state": args.seed}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return make_pipeline(TextTokenizer(), LSTMClassifier(**params))


def _models(args):
    from .baselines import make_nblr, make_nbsvm, make_tfidf_logreg, make_tfidf_svm

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
    from .comparison import compare
    from .plotting import plot_confusion_matrices, plot_scores, plot_training_curves

    models = _models(args)
    X_train, y_train = _load(args, "train", args.train_size)
    X_test, y_test = _load(args, "test", args.test_size)
    _log(f"comparing {', '.join(models)} on {len(y_train)} training and "
         f"{len(y_test)} test texts")
    table, fitted, predictions = compare(models, X_train, y_train, X_test, y_test,
                                         verbose=True, return_estimators=True)
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))

    out = Path(args.out)
    figures = {
        "scores.png": lambda path: plot_scores(table, path=path),
        "confusion_matrices.png": lambda path: plot_confusion_matrices(
            y_test, predictions, path=path),
    }
    if "lstm" in fitted:
        figures["training_curves.png"] = lambda path: plot_training_curves(
            fitted["lstm"], path=path)
    for name, plot in figures.items():
        plot(out / name)
    report = {
        "dataset": args.dataset,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "seed": args.seed,
        "results": table.reset_index().to_dict(orient="records"),
        "lstm_history": history_records(fitted["lstm"]) if "lstm" in fitted else [],
        "environment": _environment(),
    }
    _write_json(out / "results.json", report)
    _log(f"wrote {', '.join(sorted(figures))} and results.json to {out}")
    return 0


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


def cmd_train(args):
    from .persistence import save

    out = Path(args.out)
    if out.exists():
        if not (out / META_FILE).is_file():
            raise CommandError(f"{out} exists and is not an sklstm model folder; "
                               "choose another --out")
        if not args.force:
            raise CommandError(f"{out} already holds a model; pass --force to replace it")
    X, y = _load(args, "train", args.train_size)
    _log(f"training the LSTM pipeline on {len(y)} texts ...")
    start = time.perf_counter()
    model = _lstm_pipeline(args).fit(X, y)
    seconds = time.perf_counter() - start
    if model[-1].interrupted_:  # skorch ends training quietly on Ctrl-C
        raise KeyboardInterrupt
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        save(model, tmp_dir / MODEL_FILE)
        _write_json(tmp_dir / META_FILE, {
            "format": "sklstm-model-folder", "format_version": 2, "dataset": args.dataset,
            "n_train": len(y), "fit_seconds": seconds,
            "classes": model.classes_.tolist(),
            "history": history_records(model), "environment": _environment(),
        })
        _replace_dir(tmp_dir, out)
    finally:
        if tmp_dir.exists():
            shutil.rmtree(tmp_dir)
    _log(f"saved the model to {out} ({seconds:.1f} s to fit)")
    return 0


def _read_model(model_dir):
    from .persistence import ModelFileError, load

    model_dir = Path(model_dir)
    if not (model_dir / META_FILE).is_file() or not (model_dir / MODEL_FILE).is_file():
        raise CommandError(f"{model_dir} is not an sklstm model folder (run `sklstm train "
                           f"--out {model_dir}` first)")
    try:
        return load(model_dir / MODEL_FILE)
    except (ModelFileError, OSError) as exc:  # damaged, altered or incompatible file
        raise CommandError(f"could not read the model in {model_dir}: {exc}") from None


def cmd_predict(args):
    from .streaming import predict_stream

    model = _read_model(args.model_dir)
    if args.input == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    else:
        try:
            stream = open(args.input, encoding="utf-8", errors="replace")
        except OSError as exc:
            raise CommandError(f"cannot read {args.input}: {exc.strerror}") from None
    n = 0
    with stream:
        lines = (line.rstrip("\r\n") for line in stream)
        for proba in predict_stream(model, lines, batch_size=args.batch_size,
                                    method="predict_proba"):
            labels = model.classes_[proba.argmax(axis=1)]
            sys.stdout.write("".join(f"{label}\t{p:.4f}\n"
                                     for label, p in zip(labels, proba.max(axis=1))))
            n += len(proba)
    sys.stdout.flush()
    if n == 0:
        raise CommandError("no texts to predict: the input is empty (give one text a line)")
    return 0


# ------------------------------------------------------------------ parser

def _positive_int(text):
    """argparse type: a whole number >= 1."""
    try:
        return check_positive_int(int(text), "the value")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None


def build_parser():
    """The argument parser of the ``sklstm`` command."""
    parser = argparse.ArgumentParser(prog="sklstm", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def data_options(p):
        p.add_argument("--dataset", default="imdb", help="dataset name (default: imdb)")
        p.add_argument("--data-home", default=None,
                       help="folder with the data (default: $SKLSTM_DATA or ~/sklstm_data)")
        p.add_argument("--no-download", action="store_true",
                       help="fail instead of downloading missing data")
        p.add_argument("--train-size", type=_positive_int, default=None,
                       help="use a stratified random subset of this many training texts")
        p.add_argument("--max-epochs", type=_positive_int, default=None,
                       help="most epochs for the LSTM (default: its own)")
        p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")

    p = sub.add_parser("compare", help="compare the LSTM with TF-IDF baselines")
    data_options(p)
    p.add_argument("--test-size", type=_positive_int, default=None,
                   help="use a stratified random subset of this many test texts")
    p.add_argument("--models", type=lambda s: [m for m in s.split(",") if m], default=None,
                   help="comma-separated subset of tfidf_logreg,tfidf_svm,nbsvm,nblr,lstm")
    p.add_argument("--out", default="sklstm-results", help="output folder for plots and JSON")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("train", help="train the LSTM pipeline and save it")
    data_options(p)
    p.add_argument("--out", required=True, help="model folder to write")
    p.add_argument("--force", action="store_true", help="replace an existing model folder")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="predict one text a line from a file or stdin")
    p.add_argument("model_dir", help="folder written by `sklstm train`")
    p.add_argument("--input", default="-", help="text file, one text a line (default: stdin)")
    p.add_argument("--batch-size", type=_positive_int, default=2048,
                   help="texts predicted at a time (default: 2048)")
    p.set_defaults(func=cmd_predict)
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
