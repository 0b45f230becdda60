"""Semi-supervised benchmark (issue 14): IMDB test accuracy against the number of labels.

For each label budget (default 500, 2,000, 5,000 and 25,000 labelled
training reviews, drawn stratified from train; ``--seeds`` draws, 3 by
default, for every budget below all of train) the models are fitted and
scored once on the 25k test reviews. The unlabelled reviews are the rest of
train and the 50k ``unsup`` reviews. Rows:

- ``tfidf_logreg`` and ``nblr`` (:mod:`sklstm.compare`): the labelled
  reviews only;
- ``lstm``: ``make_pipeline(TextTokenizer(), LSTMClassifier())`` with its
  defaults, on the labelled reviews only; ``lstm_no_prior``: the same
  without the bag's naive-Bayes factors (``bag_prior=None``, the default of
  sklstm 0.3.0); ``lstm_no_bag``: without the bag of n-grams at all
  (``bag_ngrams=None``, the default of sklstm 0.2.0);
- ``lstm_lm_labelled``: the same with ``pretraining='lm'``: the language
  model learns from the labelled reviews themselves, nothing else (the
  question of whether the default should pretrain);
- ``lstm_word2vec`` and ``lstm_lm``: ``LSTMClassifier(unlabeled_label=-1,
  pretraining='word2vec' | 'lm')`` with otherwise default parameters, fitted
  on all train and unsup reviews, the unlabelled ones marked -1. Their ids
  come from one ``TextTokenizer`` fitted on all those reviews (no test
  review), so every budget sees the same id matrix, and the pretraining,
  cached in ``--cache``, runs once per seed and method, whatever the budget;
- ``lstm_word2vec_self_training``: the word2vec LSTM (in a pipeline with
  its tokenizer) inside :class:`~sklstm.SelfTrainingClassifier`, with NB-LR
  as a second teacher: the third of the unlabelled reviews both are surest
  of get pseudo-labels, and the LSTM is fitted again.

The LSTMs' ``random_state`` is the draw's seed. Figures per fit: test
accuracy, the LSTMs' best ``valid_acc`` on their own validation split of the
labelled reviews (what a choice of defaults may look at: it is train data),
fit and predict seconds (a cached pretraining counts in the
first fit that ran it), the process's peak RSS so far. Written to
``benchmarks/results/semisupervised.json`` with the mean and standard
deviation per model and budget, and a learning curve (accuracy against
labelled reviews) to ``benchmarks/results/semisupervised.png``::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/semisupervised.py
    .venv/bin/python benchmarks/semisupervised.py --sample 600 --unlabeled-size 500 \\
        --budgets 100 600 --seeds 1 --max-epochs 1          # smoke run

To choose between models without the test set, ``--holdout 5000`` scores
on 5,000 train reviews held out instead (stratified; never labelled, but
among the unlabelled texts, as test reviews are not); the test set is not
read. The ``CANDIDATES`` (``--models``, not run by default) are such
models: the pretrained LSTMs with other fine-tuning parameters
(``*_attention``, ``*_onecycle``, ``*_lr_*``, ...) and the self-training row
with other settings (``*_self_training_*``: two rounds, a half
pseudo-labelled, an attention student, a second LSTM as teacher).

The JSON is rewritten after every fit, so a run cut short keeps what it
measured; ``--resume`` keeps the rows already in ``--out`` (from the same
data: train, unsup and test sizes must match) and fits only the missing
ones, so a run can be extended with more seeds, budgets or models.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, peak_rss_mb, write_json  # noqa: E402

from sklstm import LSTMClassifier, SelfTrainingClassifier, TextTokenizer  # noqa: E402
from sklstm.compare import make_nblr, make_tfidf_logreg  # noqa: E402
from sklstm.datasets import load_imdb  # noqa: E402

UNLABELLED = -1


def _lstm_params(args, seed):
    params = {"random_state": seed, "verbose": args.verbose}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return params


def _supervised(make):
    """A model fitted on the labelled texts only."""
    def fit(data, labelled, seed, args):
        model = make(seed, args)
        texts = [data.texts[i] for i in labelled]
        return model.fit(texts, data.y[labelled]), lambda: model.predict(data.test_texts)
    return fit


def _supervised_lstm(tokenizer=None, **params):
    """The default pipeline, ``params`` changing the classifier's and ``tokenizer`` the
    tokenizer's defaults, fitted on the labelled texts only; a ``pretraining`` among
    ``params`` runs ``--pretraining-epochs`` passes over those texts."""
    def make(seed, args):
        epochs = {"pretraining_epochs": args.pretraining_epochs} if "pretraining" in params else {}
        return make_pipeline(TextTokenizer(**(tokenizer or {})),
                             LSTMClassifier(**params, **epochs, **_lstm_params(args, seed)))
    return _supervised(make)


def _partly_labelled(data, labelled):
    """The labels of ``data.texts``: those of the ``labelled`` rows, -1 for the others."""
    y = np.full(len(data.texts), UNLABELLED)
    y[labelled] = data.y[labelled]
    return y


def _pretraining_lstm(method, params, args, seed):
    """An LSTMClassifier reading -1 as unlabelled, pretraining with ``method`` (cached)."""
    return LSTMClassifier(unlabeled_label=UNLABELLED, pretraining=method, **{
        "pretraining_epochs": args.pretraining_epochs, "memory": args.cache, **params,
        **_lstm_params(args, seed)})


def _pretrained(method, **params):
    """An LSTMClassifier fitted on the shared ids of all texts, the unlabelled marked -1.

    ``params`` change the classifier's defaults: the fine-tuning (the cached
    pretraining serves them all), or ``pretraining_epochs`` (a pretraining
    of its own).
    """
    def fit(data, labelled, seed, args):
        model = _pretraining_lstm(method, params, args, seed)
        model.fit(data.ids, _partly_labelled(data, labelled))
        return model, lambda: model.predict(data.tokenizer.transform(data.test_texts))
    fit.semi_supervised = True   # it reads the unlabelled reviews
    return fit


def _self_trained(method, self_training=None, tokenizer=None, lstm_teacher=False, **params):
    """:class:`~sklstm.SelfTrainingClassifier` around the pretrained LSTM, NB-LR its teacher.

    The pipeline (its tokenizer fitted on all texts, as ``data.tokenizer``
    is, so the cached pretraining serves it) is fitted, the unlabelled train
    and unsup reviews it and NB-LR (on the labelled reviews) are surest of
    get pseudo-labels (``k_best='auto'``: a third of them), and it is
    fitted again. Held-out reviews (``--holdout``) are left out of its fit:
    it would pseudo-label the reviews it is scored on. ``self_training``
    changes the :class:`~sklstm.SelfTrainingClassifier`'s defaults,
    ``tokenizer`` the :class:`~sklstm.TextTokenizer`'s (ids of another
    length pretrain once more); ``lstm_teacher`` adds a second teacher, the
    same pretrained LSTM pipeline with another seed (it reads the unlabelled
    rows too).
    """
    def fit(data, labelled, seed, args):
        rows = np.setdiff1d(np.arange(len(data.texts)), data.held)
        y = _partly_labelled(data, labelled)
        lstm = _pretraining_lstm(method, params, args, seed)
        pipeline = make_pipeline(TextTokenizer(**(tokenizer or {})), lstm)
        teachers = [make_nblr()]
        if lstm_teacher:
            teachers.append(clone(pipeline).set_params(lstmclassifier__random_state=seed + 100))
        model = SelfTrainingClassifier(estimator=pipeline, teachers=teachers,
                                       unlabeled_label=UNLABELLED, verbose=args.verbose,
                                       **(self_training or {}))
        model.fit([data.texts[i] for i in rows], y[rows])
        return model, lambda: model.predict(data.test_texts)
    fit.semi_supervised = True
    return fit


MODELS = {
    "tfidf_logreg": _supervised(lambda seed, args: make_tfidf_logreg()),
    "nblr": _supervised(lambda seed, args: make_nblr()),
    "lstm": _supervised_lstm(),
    # The default LSTM of sklstm 0.3.0: the bag of n-grams without its naive-Bayes factors.
    "lstm_no_prior": _supervised_lstm(bag_prior=None),
    # The default LSTM of sklstm 0.2.0: no bag of n-grams beside the LSTM.
    "lstm_no_bag": _supervised_lstm(bag_ngrams=None),
    "lstm_lm_labelled": _supervised_lstm(pretraining="lm"),
    "lstm_word2vec": _pretrained("word2vec"),
    "lstm_lm": _pretrained("lm"),
    "lstm_word2vec_self_training": _self_trained("word2vec"),
}
# Fine-tuning candidates (not run by default), to be chosen with --holdout, not on test.
CANDIDATES = {
    # The supervised default with trigrams in the bag, or longer texts (LSTM and bag).
    "lstm_trigrams": _supervised_lstm(bag_ngrams=3),
    "lstm_800": _supervised_lstm(tokenizer={"max_length": 800}),
    "lstm_word2vec_no_prior": _pretrained("word2vec", bag_prior=None),  # as in sklstm 0.3.0
    "lstm_word2vec_attention": _pretrained("word2vec", pooling="attention"),
    "lstm_word2vec_frozen": _pretrained("word2vec", freeze_embeddings=True),
    "lstm_word2vec_20ep": _pretrained("word2vec", pretraining_epochs=20),
    "lstm_word2vec_onecycle": _pretrained("word2vec", lr_schedule="onecycle", max_epochs=4,
                                          early_stopping=False, embedding_dropout=0.2),
    "lstm_lm_lr_1e-3": _pretrained("lm", lr=1e-3),
    "lstm_lm_lr_5e-4": _pretrained("lm", lr=5e-4),
    "lstm_lm_attention": _pretrained("lm", pooling="attention"),
    "lstm_word2vec_self_training_2rounds": _self_trained("word2vec", {"max_iter": 2}),
    "lstm_word2vec_self_training_half": _self_trained("word2vec", {"k_best": 0.5}),
    # The student of the best supervised LSTM of issue 5: attention over up to 800 tokens.
    "lstm_word2vec_self_training_attention": _self_trained(
        "word2vec", tokenizer={"max_length": 800}, pooling="attention"),
    # Two word2vec LSTMs (seeds) and NB-LR choose the pseudo-labels.
    "lstm_word2vec_self_training_lstm_teacher": _self_trained("word2vec", lstm_teacher=True),
    # The same with 20 word2vec epochs for both LSTMs.
    "lstm_word2vec_20ep_self_training_lstm_teacher": _self_trained(
        "word2vec", lstm_teacher=True, pretraining_epochs=20),
}
ALL_MODELS = {**MODELS, **CANDIDATES}
SEMI_SUPERVISED = {name for name, fit in ALL_MODELS.items() if hasattr(fit, "semi_supervised")}


class Data:
    """The train texts (labelled first), the unlabelled pool, the test texts and the shared ids."""

    def __init__(self, args):
        train, unsup = load_imdb("train"), load_imdb("unsup")
        train_texts, y_train = _sample(list(train.data), np.asarray(train.target), args.sample)
        self.pool = np.arange(len(train_texts))   # the train rows that may be labelled
        self.held = np.array([], dtype=int)   # held-out train rows (--holdout)
        if args.holdout:   # score on held-out train reviews; they stay unlabelled
            self.pool, self.held = train_test_split(self.pool, test_size=args.holdout,
                                                    stratify=y_train, random_state=0)
            self.pool = np.sort(self.pool)
            test_texts, y_test = [train_texts[i] for i in self.held], y_train[self.held]
        else:
            test = load_imdb("test")
            test_texts, y_test = _sample(list(test.data), np.asarray(test.target), args.sample)
        unsup_texts = list(unsup.data)
        if args.unlabeled_size is not None:
            unsup_texts = unsup_texts[:args.unlabeled_size]
        self.n_train = len(train_texts)
        self.texts = train_texts + unsup_texts   # rows 0 .. n_train - 1 may be labelled
        self.y = np.concatenate([y_train, np.full(len(unsup_texts), UNLABELLED)])
        self.y[np.setdiff1d(np.arange(self.n_train), self.pool)] = UNLABELLED
        self.test_texts, self.y_test = test_texts, y_test
        self.tokenizer = self.ids = None
        if any(name in args.models for name in SEMI_SUPERVISED):
            start = time.perf_counter()
            self.tokenizer = TextTokenizer()
            self.ids = self.tokenizer.fit_transform(self.texts)
            print(f"tokenized {len(self.texts):,} texts in {time.perf_counter() - start:.0f} s "
                  f"(vocabulary {self.tokenizer.vocab_size_:,})", flush=True)

    def draw(self, budget, seed):
        """Indices of ``budget`` labelled train reviews (of the pool), stratified."""
        if budget >= len(self.pool):
            return self.pool
        labelled, _ = train_test_split(self.pool, train_size=budget,
                                       stratify=self.y[self.pool], random_state=seed)
        return np.sort(labelled)


def _sample(texts, y, n):
    """``n`` of the texts and their labels, stratified (all of them if n is None)."""
    if n is None or n >= len(texts):
        return texts, y
    keep, _ = train_test_split(np.arange(len(texts)), train_size=n, stratify=y, random_state=0)
    return [texts[i] for i in keep], y[keep]


def resumed_rows(path, sizes):
    """The rows of an earlier run's JSON at ``path`` (none if it is missing), same data only."""
    path = Path(path)
    if not path.exists():
        return []
    earlier = json.loads(path.read_text())
    found = {key: earlier.get(key) for key in sizes}
    if found != sizes:
        raise SystemExit(f"--resume: {path} was measured on other data ({found}); this run "
                         f"has {sizes}. Pass another --out or leave out --resume.")
    print(f"resuming: {len(earlier['rows'])} rows from {path}", flush=True)
    return earlier["rows"]


def write_results(args, sizes, rows):
    """Write the rows measured so far and their summary to ``args.out``."""
    write_json(args.out, {"machine": machine_info(), **sizes,
                          "budgets": sorted({row["budget"] for row in rows}),
                          "summary": summarize(rows), "rows": rows})


def summarize(rows):
    """Mean, standard deviation and number of seeds of the accuracy per model and budget."""
    summary = {}
    for row in rows:
        summary.setdefault(row["model"], {}).setdefault(str(row["budget"]), []).append(
            row["accuracy"])
    return {model: {budget: {"mean": float(np.mean(values)), "std": float(np.std(values)),
                             "n": len(values)} for budget, values in budgets.items()}
            for model, budgets in summary.items()}


def plot(summary, path):
    """Accuracy against labelled reviews, one line per model (error bars: the seeds' std)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ticks = sorted({int(b) for budgets in summary.values() for b in budgets})
    for model, budgets in summary.items():
        x = sorted(int(b) for b in budgets)
        mean = [budgets[str(b)]["mean"] for b in x]
        std = [budgets[str(b)]["std"] for b in x]
        ax.errorbar(x, mean, yerr=std, marker="o", capsize=3, label=model)
    ax.set_xscale("log")
    ax.set_xticks(ticks, [f"{b:,}" for b in ticks])
    ax.minorticks_off()
    ax.set_xlabel("labelled training reviews")
    ax.set_ylabel("test accuracy")
    ax.set_title("IMDB: accuracy against the number of labels")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS),
                        help=f"models to run, of {', '.join(ALL_MODELS)} (default: "
                             f"{', '.join(MODELS)})")
    parser.add_argument("--budgets", nargs="+", type=int, default=[500, 2000, 5000, 25000],
                        help="numbers of labelled train reviews (default: 500 2000 5000 25000)")
    parser.add_argument("--seeds", type=int, default=3,
                        help="draws per budget below all of train (default: 3)")
    parser.add_argument("--sample", type=int, default=None,
                        help="use this many train and test reviews (a smoke run)")
    parser.add_argument("--unlabeled-size", type=int, default=None,
                        help="use only this many unsup reviews (a smoke run)")
    parser.add_argument("--holdout", type=int, default=0,
                        help="score on this many train reviews held out (stratified; they "
                             "stay unlabelled) instead of the test set: for choosing models")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--pretraining-epochs", type=int, default=None)
    parser.add_argument("--cache", default=None,
                        help="folder caching the pretraining (default: a temporary folder)")
    parser.add_argument("--verbose", type=int, default=1)
    parser.add_argument("--resume", action="store_true",
                        help="keep the rows already in --out and fit only the missing ones")
    parser.add_argument("--out", default="benchmarks/results/semisupervised.json")
    parser.add_argument("--plot", default="benchmarks/results/semisupervised.png")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.models) - set(ALL_MODELS))
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {', '.join(ALL_MODELS)}")
    if min(args.budgets) < 2 or args.seeds < 1:
        parser.error("budgets must be at least 2 and --seeds at least 1")

    with tempfile.TemporaryDirectory(prefix="sklstm-pretraining-") as tmp:
        args.cache = args.cache or tmp
        data = Data(args)
        sizes = {"n_train": data.n_train, "n_unsup": len(data.texts) - data.n_train,
                 "n_test": len(data.test_texts), **({"holdout": args.holdout} if args.holdout
                                                     else {})}
        print(f"{sizes['n_train']:,} train reviews, {sizes['n_unsup']:,} unsup, "
              f"{sizes['n_test']:,} test", flush=True)
        rows = resumed_rows(args.out, sizes) if args.resume else []
        done = {(row["model"], row["budget"], row["seed"]) for row in rows}
        for budget in sorted(set(min(b, len(data.pool)) for b in args.budgets)):
            seeds = range(args.seeds) if budget < len(data.pool) else [0]
            for seed in seeds:
                labelled = data.draw(budget, seed)
                for name in args.models:
                    if (name, int(budget), seed) in done:
                        continue
                    start = time.perf_counter()
                    model, predict = ALL_MODELS[name](data, labelled, seed, args)
                    fit_s = time.perf_counter() - start
                    start = time.perf_counter()
                    predicted = predict()
                    predict_s = time.perf_counter() - start
                    row = {"model": name, "budget": int(budget), "seed": seed,
                           "n_unlabeled": int(len(data.texts) - len(labelled))
                           if name in SEMI_SUPERVISED else 0,
                           "accuracy": float(np.mean(predicted == data.y_test)),
                           "fit_s": round(fit_s, 1), "predict_s": round(predict_s, 1),
                           "peak_rss_mib": round(peak_rss_mb())}
                    if hasattr(model, "labeled_iter_"):   # self-training: its last fit
                        row["n_pseudo_labels"] = int(np.sum(model.labeled_iter_ > 0))
                        model = model.estimator_
                    lstm = model[-1] if hasattr(model, "steps") else model
                    valid = [epoch["valid_acc"] for epoch in getattr(lstm, "history_", [])
                             if "valid_acc" in epoch]
                    if valid:
                        row["best_valid_acc"] = float(max(valid))
                        row["valid_acc"] = [float(v) for v in valid]
                    if getattr(lstm, "pretraining_history_", None):
                        row["pretraining_history"] = lstm.pretraining_history_
                    rows.append(row)
                    valid = (f"  best valid_acc {row['best_valid_acc']:.4f}"
                             if "best_valid_acc" in row else "")
                    print(f"{name:16s} {budget:>6,} labels  seed {seed}  accuracy "
                          f"{row['accuracy']:.4f}{valid}  fit {fit_s:.0f} s  predict "
                          f"{predict_s:.0f} s  peak RSS {row['peak_rss_mib']} MiB", flush=True)
                    write_results(args, sizes, rows)   # after every fit: nothing is lost
    print(f"wrote {args.out}")
    plot(summarize(rows), args.plot)
    print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
