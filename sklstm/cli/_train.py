"""``sklstm train``: fit the LSTM pipeline on a data file (or IMDB) and save it."""

import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from .. import save
from ..compare import history_records
from ._common import (
    META_FILE,
    MODEL_FILE,
    MODEL_SUFFIX,
    CommandError,
    add_data_options,
    check_unlabeled_options,
    environment,
    fitted_pipeline,
    is_model_file,
    learn_from_unlabeled,
    log,
    lstm_pipeline,
    unlabeled_marker,
    write_json,
)
from ._data import training_data, unlabeled_texts


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


def _check_train_out(out, force):
    """Refuse an ``--out`` that is a folder, exists (without ``--force``) or holds no model."""
    if is_model_file(out):
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


def run(args):
    """Fit the LSTM pipeline (in self-training with ``--self-training``) and save it."""
    out = Path(args.out)
    _check_train_out(out, args.force)
    check_unlabeled_options(args)
    data = training_data(args)
    unlabeled = unlabeled_texts(args)
    pipe, texts, labels = lstm_pipeline(args), data.texts, data.labels
    if unlabeled is not None:
        marker = unlabeled_marker(labels)
        pipe = learn_from_unlabeled(pipe, labels, args)
        texts = list(texts) + list(unlabeled)
        labels = np.concatenate([np.asarray(labels, dtype=object),
                                 np.full(len(unlabeled), marker, dtype=object)])
        if np.asarray(data.labels).dtype.kind in "iuf":
            labels = labels.astype(np.asarray(data.labels).dtype)
    log(f"training the LSTM pipeline on {len(data.texts)} texts ...")
    start = time.perf_counter()
    model = fitted_pipeline(pipe.fit(texts, labels))
    seconds = time.perf_counter() - start
    if model[-1].interrupted_:  # skorch ends training quietly on Ctrl-C
        raise KeyboardInterrupt
    meta = {
        "format": "sklstm-model-folder", "format_version": 2,
        "dataset": args.dataset if args.data is None else str(args.data),
        "text_columns": data.text_columns, "label_column": data.label_column,
        "n_train": len(data.texts), "fit_seconds": seconds,
        "classes": model.classes_.tolist(),
        "history": history_records(model), "environment": environment(),
    }
    if hasattr(pipe, "labeled_iter_"):
        meta["n_pseudo_labels"] = int(np.sum(pipe.labeled_iter_ > 0))
    if is_model_file(out):
        save(model, out, metadata=meta)
    else:  # the model folder of sklstm 0.1
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            save(model, tmp_dir / MODEL_FILE)
            write_json(tmp_dir / META_FILE, meta)
            _replace_dir(tmp_dir, out)
        finally:
            if tmp_dir.exists():
                shutil.rmtree(tmp_dir)
    log(f"saved the model to {out} ({seconds:.1f} s to fit)")
    return 0


def add_parser(subparsers):
    """The ``train`` command's options."""
    p = subparsers.add_parser("train", help="train the LSTM pipeline and save it")
    add_data_options(p)
    p.add_argument("--out", required=True,
                   help=f"model file to write (ending in {MODEL_SUFFIX}; any other name is "
                        "written as a model folder)")
    p.add_argument("--force", action="store_true", help="replace an existing model")
    p.set_defaults(func=run)

