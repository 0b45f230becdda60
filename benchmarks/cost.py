"""Cost benchmark (issue 35): accuracy, fit cost and epochs of LSTM settings, on train data only.

Chooses defaults without the test set. A stratified holdout of ``--holdout``
(5,000) IMDB train reviews scores every fit; the training rows are drawn
stratified from the other train reviews at each of ``--sizes`` (2,000,
5,000 and 20,000: all that is left). ``--task ratings4`` bins IMDB's star
ratings into four classes (1-2, 3-4, 7-8, 9-10) instead of the two labels.

For each size and seed, one ``TextTokenizer`` (default parameters) is
fitted on the training rows and its ids serve every setting, so the
figures are the classifier's own. Each setting of ``--configs`` (see
``CONFIGS``) is ``LSTMClassifier(**setting, random_state=seed)``. Figures
per fit: holdout accuracy, fit seconds, epochs run, the best epoch (by
validation loss, the one early stopping keeps), the precision it ran at,
and its per-epoch history (train and validation loss, validation
accuracy, seconds), where the epochs go. Fit cost is also given in bare
epochs: the seconds of one float32 forward + backward pass of the bare
layer (embedding, bidirectional ``nn.LSTM`` 128/128, max pooling, batches
of 64 sorted by length) over the same training rows, measured in the
same run (:func:`_common.bare_epoch_seconds`)::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/cost.py \\
        --configs v1.0 recipe --sizes 2000 5000 20000 --seeds 0 1
    .venv/bin/python benchmarks/cost.py --sample 800 --holdout 200 --sizes 300 \\
        --configs default --max-epochs 1                   # smoke run

Results go to ``benchmarks/results/cost-<task>.json`` (``--out``), rewritten
after every fit; ``--resume`` keeps the fits already there (each fit records
the command that made it and ``other_cpu``).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    bare_epoch_seconds,
    best_epoch,
    machine_info,
    run_info,
    write_json,
)

from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm.datasets import load_imdb  # noqa: E402

#: The settings compared, as LSTMClassifier parameters. "default" is this version's
#: defaults (1.1's are 1.0's, "v1.0"); the others are spelled out whole, so that they mean
#: the same in every version.
V1_0 = {"lr_schedule": None, "lr": 2e-3, "max_epochs": 10,   # the defaults of sklstm 1.0
        "precision": "float32"}


def _onecycle(epochs, lr, precision="float32"):
    return {"lr_schedule": "onecycle", "max_epochs": epochs, "lr": lr, "precision": precision}


#: The one-cycle recipe of the performance guide.
RECIPE = {"lr_schedule": "onecycle", "lr": 6e-3, "max_epochs": "auto", "precision": "auto"}

CONFIGS = {
    "default": {},
    "recipe": RECIPE,
    "auto_precision": {"precision": "auto"},
    "v1.0": V1_0,
    "v1.0_bf16": {**V1_0, "precision": "bfloat16"},
    "v1.0_patience1": {**V1_0, "patience": 1},
    # Schedules sized to fewer epochs.
    "onecycle3": _onecycle(3, 2e-3),
    "onecycle4": _onecycle(4, 2e-3),
    "onecycle3_lr4e-3": _onecycle(3, 4e-3),
    "onecycle3_lr6e-3": _onecycle(3, 6e-3),
    "onecycle2_lr4e-3": _onecycle(2, 4e-3),
    "onecycle4_lr4e-3": _onecycle(4, 4e-3),
    "onecycle2_lr6e-3": _onecycle(2, 6e-3),
    "onecycle3_lr6e-3_bf16": _onecycle(3, 6e-3, precision="bfloat16"),
    "onecycle2_lr6e-3_bf16": _onecycle(2, 6e-3, precision="bfloat16"),
    "onecycle3_lr3e-3_bf16": _onecycle(3, 3e-3, precision="bfloat16"),
    "onecycle3_lr4e-3_bf16": _onecycle(3, 4e-3, precision="bfloat16"),
    "cosine3": {"lr_schedule": "cosine", "max_epochs": 3, "lr": 2e-3, "precision": "float32"},
    "cosine4": {"lr_schedule": "cosine", "max_epochs": 4, "lr": 2e-3, "precision": "float32"},
}
#: Star ratings to the four classes of ``--task ratings4``.
RATING_CLASSES = {1: 0, 2: 0, 3: 1, 4: 1, 7: 2, 8: 2, 9: 3, 10: 3}


def load(task, sample, seed=0):
    """IMDB train texts and targets of ``task``, optionally a stratified sample."""
    bunch = load_imdb("train")
    texts = bunch.data
    if task == "ratings4":
        y = np.array([RATING_CLASSES[int(r)] for r in bunch.ratings])
    else:
        y = np.asarray(bunch.target)
    if sample:
        index, _ = train_test_split(np.arange(len(y)), train_size=sample, stratify=y,
                                    random_state=seed)
        texts, y = [texts[i] for i in index], y[index]
    return texts, y


def epoch_records(history):
    """The per-epoch figures of a skorch history that tell where the epochs went."""
    keys = ("epoch", "train_loss", "valid_loss", "valid_acc", "dur")
    return [{k: row[k] for k in keys if k in row} for row in history]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=("binary", "ratings4"), default="binary")
    parser.add_argument("--configs", nargs="+", default=["v1.0", "recipe"],
                        choices=sorted(CONFIGS))
    parser.add_argument("--sizes", nargs="+", type=int, default=[2000, 5000, 20000])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--holdout", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=None,
                        help="only N train reviews (a smoke run)")
    parser.add_argument("--max-epochs", type=int, default=None,
                        help="overrides every setting's max_epochs (a smoke run)")
    parser.add_argument("--out", default=None)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args(argv)
    out = Path(args.out or f"benchmarks/results/cost-{args.task}.json")

    texts, y = load(args.task, args.sample)
    rest, held = train_test_split(np.arange(len(y)), test_size=args.holdout, stratify=y,
                                  random_state=0)
    held_texts, y_held = [texts[i] for i in held], y[held]
    fits = []
    if args.resume and out.exists():
        fits = json.loads(out.read_text())["fits"]
    done = {(f["size"], f["seed"], f["config"]) for f in fits}
    for size in args.sizes:
        size = min(size, len(rest))
        for seed in args.seeds:
            todo = [c for c in args.configs if (size, seed, c) not in done]
            if not todo:
                continue
            index = rest if size == len(rest) else train_test_split(
                rest, train_size=size, stratify=y[rest], random_state=seed)[0]
            start = time.perf_counter()
            tok = TextTokenizer()
            ids = tok.fit_transform([texts[i] for i in index])
            tokenize_s = time.perf_counter() - start
            held_ids = tok.transform(held_texts)
            bare_s = bare_epoch_seconds(ids)
            print(f"\n== {args.task}, {size} rows, seed {seed}: tokenized in {tokenize_s:.1f} s, "
                  f"bare float32 epoch {bare_s:.1f} s", flush=True)
            for name in todo:
                params = dict(CONFIGS[name], random_state=seed)
                if args.max_epochs:
                    params["max_epochs"] = args.max_epochs
                clf = LSTMClassifier(**params)
                start = time.perf_counter()
                clf.fit(ids, y[index])
                fit_s = time.perf_counter() - start
                start = time.perf_counter()
                accuracy = float(np.mean(clf.predict(held_ids) == y_held))
                predict_s = time.perf_counter() - start
                fit = {"size": size, "seed": seed, "config": name, "params": CONFIGS[name],
                       "holdout_accuracy": accuracy, "fit_s": fit_s,
                       "bare_epoch_s": bare_s, "fit_bare_epochs": fit_s / bare_s,
                       "predict_s": predict_s, "tokenize_s": tokenize_s,
                       "epochs": clf.n_iter_, "best_epoch": best_epoch(clf.history_),
                       "precision": clf.precision_, "history": epoch_records(clf.history_)}
                # Runs extended with --resume: each fit keeps its own command and load.
                fit.update({k: v for k, v in run_info().items()
                            if k in ("command", "other_cpu")})
                fits.append(fit)
                print(f"  {name:<12} holdout {accuracy:.4f}  fit {fit_s:6.1f} s "
                      f"({fit['fit_bare_epochs']:.1f} bare epochs)  epochs {clf.n_iter_} "
                      f"(best {fit['best_epoch']})  {clf.precision_}", flush=True)
                write_json(out, {"title": f"cost of LSTM settings, IMDB train holdout "
                                          f"({args.task})", "machine": machine_info(),
                                 "task": args.task, "holdout": len(held), "fits": fits})
    summary(fits)


def summary(fits):
    """Mean holdout accuracy, fit seconds and epochs per setting and size."""
    print("\nsetting       size   accuracy   fit s   bare epochs   epochs")
    keys = sorted({(f["config"], f["size"]) for f in fits}, key=lambda k: (k[1], k[0]))
    for name, size in keys:
        rows = [f for f in fits if f["config"] == name and f["size"] == size]
        mean = {k: float(np.mean([r[k] for r in rows]))
                for k in ("holdout_accuracy", "fit_s", "fit_bare_epochs", "epochs")}
        print(f"{name:<12} {size:>6}   {mean['holdout_accuracy']:.4f}   {mean['fit_s']:6.1f}   "
              f"{mean['fit_bare_epochs']:8.1f}   {mean['epochs']:5.1f}   (n={len(rows)})")


if __name__ == "__main__":
    main()
