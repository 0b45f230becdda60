"""What the commands share: user errors and messages, options, the LSTM pipeline, model files.

A :class:`CommandError` is an error the user can fix: :func:`~sklstm.cli.main`
prints it as one line and exits with status 1.
"""

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np
import sklearn
import skorch
import tokenizers
import torch
from sklearn.pipeline import make_pipeline

from .. import (
    LSTMClassifier,
    ModelFileError,
    SelfTrainingClassifier,
    TextTokenizer,
    __version__,
    load,
    load_metadata,
)
from .._utils.files import atomic_file, json_default
from .._utils.optional import import_optional
from .._utils.validation import check_positive_int
from ..compare import make_nblr
from ..lstm import PRETRAINING_OPTIONS

MODEL_FILE = "model.sklstm"
MODEL_SUFFIX = ".sklstm"
META_FILE = "sklstm.json"


class CommandError(Exception):
    """An error the user can fix; reported as one line, without a traceback."""


def log(text):
    """Tell the user what is happening: one line on stderr (stdout holds the results)."""
    print(text, file=sys.stderr, flush=True)


def message(exc):
    """A one-line message of an exception (a missing file says so plainly)."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{exc.filename}: no such file or folder"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def positive_int(text):
    """argparse type: a whole number >= 1."""
    try:
        return check_positive_int(int(text), "the value")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None


def fraction(text):
    """argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value


def add_column_options(p, *, labels=True):
    """The options that name a data file's columns."""
    p.add_argument("--text-column", action="append", default=None, metavar="COLUMN",
                   help="column of the texts (default: 'text'); repeat to join several "
                        "columns with a space, e.g. title and body")
    if labels:
        p.add_argument("--label-column", default="label", metavar="COLUMN",
                       help="column of the labels (default: 'label')")
    p.add_argument("--drop-missing", action="store_true",
                   help="drop rows without a text or label instead of stopping")


def add_data_options(p):
    """The options of the commands that fit on data: its file or IMDB, its columns, sizes."""
    p.add_argument("data", nargs="?", default=None, metavar="DATA",
                   help="your data: a .csv, .tsv, .jsonl or .parquet file (.gz too) or a "
                        "folder with one subfolder per class; without it, --dataset")
    add_column_options(p)
    p.add_argument("--dataset", default="imdb",
                   help="named dataset used when no DATA is given (default: imdb)")
    p.add_argument("--data-home", default=None,
                   help="folder with the named dataset (default: $SKLSTM_DATA, "
                        "../shared/datasets or ~/sklstm_data)")
    p.add_argument("--no-download", action="store_true",
                   help="fail instead of downloading a missing named dataset")
    p.add_argument("--train-size", type=positive_int, default=None,
                   help="use a stratified random subset of this many training texts")
    p.add_argument("--max-epochs", type=positive_int, default=None,
                   help="most epochs for the LSTM (default: its own)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--unlabeled", default=None, metavar="FILE",
                   help="texts without labels (a data file with the same text columns, "
                        "or a .txt file of one text a line) that the LSTM pretrains on")
    p.add_argument("--pretraining", choices=PRETRAINING_OPTIONS, default="word2vec",
                   help="how the LSTM learns from --unlabeled: word2vec vectors (the default: "
                        "the better and cheaper; needs pip install 'sklstm[vectors]') or a "
                        "language model (lm)")
    p.add_argument("--self-training", action="store_true",
                   help="then pseudo-label the third of the --unlabeled texts that the "
                        "LSTM and NB-LR are surest of, and fit the LSTM again "
                        "(SelfTrainingClassifier; about twice the fit time or more)")


def unlabeled_marker(labels):
    """A label value, of the labels' type, that none of them has: marks unlabelled rows."""
    labels = np.asarray(labels)
    if labels.dtype.kind in "iuf":
        return labels.dtype.type(labels.min() - 1).item()
    marker, taken = "<unlabeled>", {str(v) for v in labels.tolist()}
    while marker in taken:
        marker = f"<{marker}>"
    return marker


def learn_from_unlabeled(pipe, labels, args):
    """``pipe`` set to pretrain on the unlabelled rows; self-training with ``--self-training``."""
    marker = unlabeled_marker(labels)
    pipe.set_params(lstmclassifier__unlabeled_label=marker,
                    lstmclassifier__pretraining=args.pretraining)
    if not args.self_training:
        return pipe
    return SelfTrainingClassifier(estimator=pipe, teachers=[make_nblr()], unlabeled_label=marker,
                                  verbose=True)


def check_unlabeled_options(args):
    """``--self-training`` needs ``--unlabeled``, and ``--pretraining word2vec`` needs gensim:
    said before any data is read or any model fitted."""
    if args.self_training and args.unlabeled is None:
        raise CommandError("--self-training pseudo-labels the --unlabeled texts: give them "
                           "with --unlabeled FILE")
    if args.unlabeled is not None and args.pretraining == "word2vec":
        try:
            import_optional("gensim.models", extra="vectors",
                            feature="--pretraining word2vec (the default with --unlabeled)",
                            instead="or pass --pretraining lm, which needs no extra")
        except ImportError as exc:
            raise CommandError(str(exc)) from None


def fitted_pipeline(model):
    """The pipeline that predicts: ``model``, or the last fit of a self-training one."""
    return getattr(model, "estimator_", model)


def lstm_pipeline(args, verbose=1):
    """The default TextTokenizer + LSTMClassifier pipeline, with the command's seed and epochs."""
    params = {"verbose": verbose, "random_state": args.seed}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return make_pipeline(TextTokenizer(), LSTMClassifier(**params))


def is_model_file(path):
    """Whether ``path`` names a model file (``.sklstm``), not a model folder of sklstm 0.1."""
    return Path(path).suffix == MODEL_SUFFIX


def read_model(path):
    """The fitted pipeline of a model file or folder, and its metadata."""
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


def write_json(path, data):
    """``data`` as indented JSON in ``path``, written atomically."""
    with atomic_file(path) as f:
        f.write((json.dumps(data, indent=2, default=json_default) + "\n").encode("utf-8"))


def environment():
    """The versions and machine that a result came from, for its JSON and report."""
    return {
        "sklstm": __version__, "python": platform.python_version(), "torch": torch.__version__,
        "sklearn": sklearn.__version__, "skorch": skorch.__version__,
        "tokenizers": tokenizers.__version__, "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(), "machine": platform.machine(),
    }
