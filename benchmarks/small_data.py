"""Small-data defaults (issue 14, item 5): which settings help the from-scratch LSTM on 1k-5k texts?

Model selection on *training* data only: ``--holdout`` (default 5,000)
reviews of IMDB train, stratified, are set aside and score every fit; the
training sets of ``--sizes`` (default 1,000, 2,000 and 5,000) reviews are
drawn stratified from the rest of train, ``--seeds`` draws each. The test
set is not read. Rows: TF-IDF + logistic regression, the LSTM with its
defaults, and each candidate of ``CANDIDATES`` (the defaults with a few
parameters changed). Figures: holdout accuracy, epochs run, fit seconds;
mean over the seeds per size. Written to
``benchmarks/results/small_data.json``::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/small_data.py
    .venv/bin/python benchmarks/small_data.py --sizes 300 --seeds 1 --holdout 300 \\
        --candidates default                                  # smoke run
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, write_json  # noqa: E402

from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm.compare import make_tfidf_logreg  # noqa: E402
from sklstm.datasets import load_imdb  # noqa: E402

# name: (tokenizer parameters, classifier parameters) changed from the defaults
CANDIDATES = {
    "default": ({}, {}),
    "no_bag": ({}, {"bag_ngrams": None}),  # the default before the bag of n-grams
    "no_prior": ({}, {"bag_prior": None}),  # the bag without naive-Bayes factors (0.3.0)
    "bag_1": ({}, {"bag_ngrams": 1}),
    "bag_3": ({}, {"bag_ngrams": 3}),
    "dropout_0.5": ({}, {"dropout": 0.5, "embedding_dropout": 0.25}),
    "small_64": ({}, {"embedding_dim": 64, "hidden_size": 64}),
    "mean_pool": ({}, {"pooling": "mean"}),
    "longer_20ep_p3": ({}, {"max_epochs": 20, "patience": 3}),
    "lr_5e-3": ({}, {"lr": 5e-3}),
    "weight_decay_1e-5": ({}, {"weight_decay": 1e-5}),
    "min_freq_2": ({"min_frequency": 2}, {}),  # the default before it became 3
    "embedding_dropout_0.25": ({}, {"embedding_dropout": 0.25}),
    "attention_pool": ({}, {"pooling": "attention"}),
    "max_length_800": ({"max_length": 800}, {}),
    "vocab_50k": ({"max_features": 50000}, {}),
    # item 3: pretraining on the labelled texts themselves, no unlabelled rows
    "word2vec_own": ({}, {"pretraining": "word2vec"}),
    "lm_own": ({}, {"pretraining": "lm"}),
    "lm_own_3ep": ({}, {"pretraining": "lm", "pretraining_epochs": 3}),
}


def _fit_lstm(name, X, y, Xh, yh, seed):
    tok, clf = CANDIDATES[name]
    model = make_pipeline(TextTokenizer(**tok), LSTMClassifier(random_state=seed, **clf))
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    history = model[-1].history_
    return {"accuracy": float(model.score(Xh, yh)), "fit_s": seconds,
            "epochs": len(history), "device": model[-1].device_,
            "best_valid_acc": float(max(h.get("valid_acc", np.nan) for h in history))}


def _fit_tfidf(X, y, Xh, yh):
    model = make_tfidf_logreg()
    start = time.perf_counter()
    model.fit(X, y)
    return {"accuracy": float(model.score(Xh, yh)), "fit_s": time.perf_counter() - start}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--holdout", type=int, default=5000)
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES),
                        choices=list(CANDIDATES))
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="also fit TF-IDF + logistic regression on each draw")
    parser.add_argument("--out", default="benchmarks/results/small_data.json")
    args = parser.parse_args(argv)
    train = load_imdb(subset="train")
    texts, target = np.asarray(train.data, dtype=object), np.asarray(train.target)
    pool, held, y_pool, y_held = train_test_split(
        texts, target, test_size=args.holdout, stratify=target, random_state=0)
    Xh = list(held)
    models = ["tfidf_logreg"] * args.baseline + args.candidates
    rows = []
    for size in args.sizes:
        for seed in range(args.seeds):
            if size >= len(pool):  # all of the rest of train
                X, y = pool, y_pool
            else:
                X, _, y, _ = train_test_split(pool, y_pool, train_size=size, stratify=y_pool,
                                              random_state=1000 + seed)
            X = list(X)
            for name in models:
                r = (_fit_tfidf(X, y, Xh, y_held) if name == "tfidf_logreg"
                     else _fit_lstm(name, X, y, Xh, y_held, seed))
                rows.append({"size": size, "seed": seed, "model": name, **r})
                print(f"size {size} seed {seed} {name:>22}: holdout {r['accuracy']:.4f} "
                      f"fit {r['fit_s']:.0f} s" + (f" epochs {r['epochs']}" if "epochs" in r
                                                   else ""), flush=True)
                write_json(args.out, {"machine": machine_info(), "args": vars(args),
                                      "candidates": {k: CANDIDATES[k] for k in args.candidates},
                                      "rows": rows})
    print("\nmean holdout accuracy (fit s)")
    for size in args.sizes:
        for name in models:
            r = [x for x in rows if x["size"] == size and x["model"] == name]
            print(f"{size:>6} {name:>22}: {np.mean([x['accuracy'] for x in r]):.4f} "
                  f"({np.mean([x['fit_s'] for x in r]):.0f} s)")


if __name__ == "__main__":
    main()
