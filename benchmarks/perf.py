"""Performance benchmark of sklstm (issue 4): every figure and ratio in one run.

Run from the repository root (``make bench`` does it)::

    .venv/bin/python benchmarks/perf.py [--out benchmarks/results/perf.json] [--quick]

Sections, each measured side by side in the same run:

- tokenizer: ``TextTokenizer.fit_transform`` against
  ``CountVectorizer(max_features=20000).fit_transform`` on the 25k IMDB train
  reviews, then ``transform`` of the 25k test reviews;
- training: a bare ``nn.LSTM`` (bidirectional, 128 -> 128) forward + backward
  at batch 64 and the sample's mean length; a hand-written PyTorch loop over
  the same module and length-bucketed batches that ``LSTMClassifier`` uses;
  ``LSTMClassifier.fit`` itself (the LSTM alone, ``bag_ngrams=None``, as the
  loop), and with the default bag of n-grams beside it; a naive loop over
  PackedSequence batches; and, when TensorFlow is installed, the same
  architecture in Keras;
- inference: tokenizing and predicting the 25k test reviews, and the latency
  of one text;
- threads: torch's thread count in the parent and inside
  ``cross_validate(n_jobs=2)`` workers, and the speed-up of ``n_jobs=2``;
- memory: peak RSS of fitting the default pipeline on the full train set
  (one epoch, in a fresh process) and of streaming predictions;
- cost: the default ``LSTMClassifier`` (beside the one-cycle recipe of the
  performance guide, at ``precision='auto'`` and 'float32') fitted on 5,000 train reviews and
  scored on 5,000 test reviews, its fit in bare float32 epochs (one forward +
  backward pass of the bare layer over the same ids,
  :func:`_common.bare_epoch_seconds`) and its prediction against a bare
  float32 forward pass (batches of 256); a bfloat16 model's predictions in
  float32 (as on hardware without bfloat16); ``predict_stream`` with and
  without prefetching; and the bare layer's own speed-up under bfloat16
  autocast.

``--sections training inference`` runs only those. The Keras row needs
TensorFlow: ``pip install -e ".[keras]"`` (the ``keras`` extra), else it is
reported as skipped.

Nothing here asserts a time: the figures are printed and written to JSON.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    Report,
    bare_epoch_seconds,
    best_epoch,
    current_rss_mb,
    peak_rss_mb,
    timed,
)
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.model_selection import cross_validate, train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from skorch.callbacks import Callback  # noqa: E402
from skorch.dataset import Dataset  # noqa: E402

from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm._utils import torch as torch_utils  # noqa: E402
from sklstm.datasets import load_imdb  # noqa: E402
from sklstm.lstm import (  # noqa: E402
    BucketIterator,
    LSTMTextModule,  # noqa: E402
    sequence_lengths,
)
from sklstm.streaming import predict_stream  # noqa: E402

BATCH = 64
WIDTH = 128
SECTIONS = ("tokenizer", "training", "inference", "threads", "streaming", "memory", "cost")


# ------------------------------------------------------------------ tokenizer


def bench_tokenizer(report, X_train, X_test, repeat):
    sec = "tokenizer"
    report.section(sec + " (25k IMDB train reviews, vocabulary 20000)")
    tok_times, cv_times = [], []
    for _ in range(repeat):  # interleaved, so drift hits both alike
        start = time.perf_counter()
        tok = TextTokenizer()
        ids = tok.fit_transform(X_train)
        tok_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        CountVectorizer(max_features=20000).fit_transform(X_train)
        cv_times.append(time.perf_counter() - start)
    t_tok, t_cv = float(np.median(tok_times)), float(np.median(cv_times))
    n_tokens = int(sequence_lengths(ids).sum())
    report.add(sec, "TextTokenizer.fit_transform s", t_tok, "s", "{:.2f}")
    report.add(sec, "CountVectorizer.fit_transform s", t_cv, "s", "{:.2f}")
    report.add(sec, "speed-up vs CountVectorizer (target >= 2)", t_cv / t_tok, "x", "{:.2f}")
    # The pure-Rust path for comparison: Hugging Face's batch encoder (all
    # cores) on the raw texts, which TextTokenizer avoids by tokenizing each
    # distinct whitespace-delimited chunk once.
    t_rust = timed(lambda: tok.tokenizer_.encode_batch_fast(X_train, add_special_tokens=False),
                   repeat=1, warmup=0)
    report.add(sec, "tokenizers encode_batch_fast alone (Rust, all cores) s", t_rust, "s",
               "{:.2f}")
    t_tr = timed(lambda: tok.transform(X_test), repeat=1, warmup=0)
    report.add(sec, "TextTokenizer.transform 25k test s", t_tr, "s", "{:.2f}")
    report.add(sec, "tokens per second (fit_transform)", n_tokens / t_tok, "tok/s", "{:,.0f}")
    return tok, ids


# ------------------------------------------------------------------- training


def _bucketed(X, y, seed):
    return BucketIterator(Dataset(X, y), batch_size=BATCH, shuffle=True, random_state=seed)


def _module(n_vocab, device):
    torch.manual_seed(0)
    return LSTMTextModule(num_embeddings=n_vocab, num_classes=2, embedding_dim=WIDTH,
                          hidden_size=WIDTH, dropout=0.3).to(device)


def hand_loop(module, X, y, device, *, seed=0):
    """One epoch of a plain PyTorch loop: the LSTMClassifier recipe without skorch."""
    optimizer = torch.optim.Adam(module.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    module.train()
    for Xb, yb in _bucketed(X, y, seed):
        Xb, yb = Xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(module(Xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(module.parameters(), 1.0)
        optimizer.step()


def packed_loop(X, y, device, n_batches):
    """The naive recipe: random batches, PackedSequence, bidirectional nn.LSTM."""
    torch.manual_seed(0)
    emb = nn.Embedding(int(X.max()) + 1, WIDTH, padding_idx=0).to(device)
    lstm = nn.LSTM(WIDTH, WIDTH, batch_first=True, bidirectional=True).to(device)
    out = nn.Linear(2 * WIDTH, 2).to(device)
    params = [*emb.parameters(), *lstm.parameters(), *out.parameters()]
    optimizer = torch.optim.Adam(params, lr=2e-3)
    rng = np.random.default_rng(0)
    lengths = np.maximum(sequence_lengths(X), 1)
    tokens = 0
    start = time.perf_counter()
    for _ in range(n_batches):
        idx = rng.choice(len(X), BATCH, replace=False)
        Xb = torch.from_numpy(X[idx].astype(np.int64)).to(device)
        yb = torch.from_numpy(y[idx]).to(device)
        packed = nn.utils.rnn.pack_padded_sequence(
            emb(Xb), torch.from_numpy(lengths[idx]), batch_first=True, enforce_sorted=False)
        h, _ = nn.utils.rnn.pad_packed_sequence(lstm(packed)[0], batch_first=True,
                                                padding_value=float("-inf"))
        loss = nn.functional.cross_entropy(out(h.amax(dim=1)), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        tokens += int(lengths[idx].sum())
    return tokens / (time.perf_counter() - start)


def bare_lstm(n_steps, device, *, input_grad=False):
    """Forward + backward of a bare bidirectional nn.LSTM on random inputs.

    With ``input_grad`` the backward pass also computes the gradient of the
    input, as it must inside a network whose embeddings are trained.
    """
    torch.manual_seed(0)
    lstm = nn.LSTM(WIDTH, WIDTH, batch_first=True, bidirectional=True).to(device)
    x = torch.randn(BATCH, n_steps, WIDTH, device=device, requires_grad=input_grad)

    def step():
        lstm.zero_grad()
        x.grad = None
        lstm(x)[0].sum().backward()
        if device != "cpu":
            torch.cuda.synchronize()

    return step


def keras_throughput(X, y, n_vocab):
    """Same architecture in Keras 3 (TensorFlow), one epoch; None when TF is absent."""
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras
        import tensorflow  # noqa: F401  (Keras must run on TensorFlow here)
    except ImportError:
        return None
    # Keras warns that GlobalMaxPooling1D ignores the mask: its maximum also sees
    # the padded steps, where each direction repeats its last output (zeros for
    # the backward one). That changes a few values, not the cost measured here.
    warnings.filterwarnings("ignore", message=".*does not support masking.*")
    keras.utils.set_random_seed(0)
    width = X.shape[1]
    model = keras.Sequential([
        keras.Input((width,), dtype="int32"),
        keras.layers.Embedding(n_vocab, WIDTH, mask_zero=True),
        keras.layers.Bidirectional(keras.layers.LSTM(WIDTH, return_sequences=True)),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(2),
    ])
    model.compile(optimizer=keras.optimizers.Adam(2e-3, clipnorm=1.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X[:BATCH * 2], y[:BATCH * 2], batch_size=BATCH, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(X, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    real = int(np.maximum(sequence_lengths(X), 1).sum())
    return {"real_tokens_per_s": real / seconds, "padded_tokens_per_s": X.size / seconds,
            "keras": keras.__version__, "backend": keras.backend.backend()}


class _ThreadProbe(Callback):
    """Records torch's thread count where the net is trained."""

    def on_train_begin(self, net, **kwargs):
        self.threads_ = torch.get_num_threads()


def bench_training(report, ids, y, device, n_train, repeat):
    sec = "training"
    rng = np.random.default_rng(0)
    idx = rng.choice(len(ids), n_train, replace=False)
    X, yy = np.ascontiguousarray(ids[idx]), y[idx].astype(np.int64)
    lengths = np.maximum(sequence_lengths(X), 1)
    real = int(lengths.sum())
    mean_len = int(round(lengths.mean()))
    n_vocab = int(ids.max()) + 1
    report.section(f"{sec} ({n_train} IMDB reviews, mean length {mean_len}, batch {BATCH}, "
                   f"BiLSTM {WIDTH}->{WIDTH}, device {device})")

    bare = bare_lstm(mean_len, device)
    bare_dx = bare_lstm(mean_len, device, input_grad=True)
    # The hand-written loop trains the LSTM alone: so does the fit it is compared with.
    clf_kwargs = dict(max_epochs=1, early_stopping=False, validation_fraction=None,
                      random_state=0, device=device, bag_ngrams=None)
    t_bare, t_bare_dx, t_hand, t_fit, t_bag = [], [], [], [], []
    for _ in range(repeat):  # interleaved
        t_bare.append(timed(bare, repeat=3, warmup=1) / (BATCH * mean_len))
        t_bare_dx.append(timed(bare_dx, repeat=3, warmup=1) / (BATCH * mean_len))
        module = _module(n_vocab, device)
        start = time.perf_counter()
        hand_loop(module, X, yy, device)
        t_hand.append((time.perf_counter() - start) / real)
        clf = LSTMClassifier(**clf_kwargs).fit(X, yy)
        t_fit.append(clf.history_[-1, "dur"] / real)
        with_bag = LSTMClassifier(**dict(clf_kwargs, bag_ngrams=2)).fit(X, yy)
        t_bag.append(with_bag.history_[-1, "dur"] / real)
    bare_tps, bare_dx_tps, hand_tps, fit_tps, bag_tps = (
        1 / float(np.median(t)) for t in (t_bare, t_bare_dx, t_hand, t_fit, t_bag))
    report.add(sec, "bare nn.LSTM fwd+bwd (weight gradients only)", bare_tps, "tok/s",
               "{:,.0f}")
    report.add(sec, "bare nn.LSTM fwd+bwd (with input gradient)", bare_dx_tps, "tok/s",
               "{:,.0f}")
    report.add(sec, "hand-written PyTorch loop (same module, batches)", hand_tps, "tok/s",
               "{:,.0f}")
    report.add(sec, "LSTMClassifier.fit", fit_tps, "real tok/s", "{:,.0f}")
    report.add(sec, "LSTMClassifier.fit with the bag of n-grams (the default)", bag_tps,
               "real tok/s", "{:,.0f}")
    report.add(sec, "fit / bare LSTM, weight gradients only (target >= 0.85)",
               fit_tps / bare_tps, "", "{:.3f}")
    report.add(sec, "fit / bare LSTM with input gradient", fit_tps / bare_dx_tps, "", "{:.3f}")
    report.add(sec, "skorch wrapper cost vs hand loop (target <= 5%)",
               100 * (1 - fit_tps / hand_tps), "%", "{:+.1f}")
    packed = packed_loop(X, yy, device, n_batches=8)
    report.add(sec, "naive PackedSequence loop", packed, "real tok/s", "{:,.0f}")
    report.add(sec, "fit / naive PackedSequence loop", fit_tps / packed, "x", "{:.1f}")
    keras = keras_throughput(X, yy, n_vocab) if device == "cpu" else None
    if keras is None:
        report.add(sec, "Keras (TensorFlow) same architecture", "skipped: TensorFlow not installed")
    else:
        report.add(sec, "Keras BiLSTM real tokens/s", keras["real_tokens_per_s"], "tok/s",
                   "{:,.0f}")
        report.add(sec, "Keras BiLSTM padded tokens/s", keras["padded_tokens_per_s"], "tok/s",
                   "{:,.0f}")
        report.add(sec, "fit / Keras (target >= 2)", fit_tps / keras["real_tokens_per_s"], "x",
                   "{:.2f}")
    return clf


# ------------------------------------------------------------------ inference


def bench_inference(report, tok, clf, X_test, n_latency):
    sec = "inference"
    report.section(f"{sec} (25k IMDB test reviews, default-size model, device {clf.device_})")
    pipe = Pipeline([("tokenizer", tok), ("lstm", clf)])
    start = time.perf_counter()
    ids = tok.transform(X_test)
    t_tok = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict(ids)
    t_pred = time.perf_counter() - start
    report.add(sec, "tokenize 25k s", t_tok, "s", "{:.2f}")
    report.add(sec, "predict 25k (ids) s", t_pred, "s", "{:.2f}")
    report.add(sec, "tokenize + predict 25k s (target <= 45)", t_tok + t_pred, "s", "{:.2f}")
    real = int(np.maximum(sequence_lengths(ids), 1).sum())
    report.add(sec, "prediction throughput", real / t_pred, "tok/s", "{:,.0f}")
    rng = np.random.default_rng(1)
    texts = [X_test[i] for i in rng.choice(len(X_test), n_latency, replace=False)]
    pipe.predict(texts[:1])
    times = []
    for text in texts:
        start = time.perf_counter()
        pipe.predict([text])
        times.append(time.perf_counter() - start)
    ms = 1000 * np.asarray(times)
    report.add(sec, f"single text latency p50 over {n_latency} (target <= 10)",
               float(np.percentile(ms, 50)), "ms", "{:.2f}")
    report.add(sec, "single text latency p95", float(np.percentile(ms, 95)), "ms", "{:.2f}")


# -------------------------------------------------------------------- threads


def bench_threads(report, ids, y, n_train):
    sec = "threads"
    report.section(f"{sec} (cross_validate, 2 folds of {n_train} reviews)")
    report.add(sec, "torch threads in this process", torch.get_num_threads(), "", "{:d}")
    keep = np.random.default_rng(2).permutation(len(ids))[:n_train]
    X, yy = ids[keep], y[keep]
    clf = LSTMClassifier(max_epochs=1, early_stopping=False, validation_fraction=None,
                         random_state=0, device="cpu", callbacks=[("probe", _ThreadProbe())])
    # Start the worker processes (and import torch in them) before timing.
    cross_validate(clf, X[:64], yy[:64], cv=2, n_jobs=2)
    wall = {}
    for n_jobs in (1, 2):
        start = time.perf_counter()
        res = cross_validate(clf, X, yy, cv=2, n_jobs=n_jobs, return_estimator=True)
        wall[n_jobs] = time.perf_counter() - start
        threads = [dict(est.net_.callbacks_)["probe"].threads_ for est in res["estimator"]]
        report.add(sec, f"n_jobs={n_jobs}: torch threads per fit", str(threads))
        report.add(sec, f"n_jobs={n_jobs}: wall s", wall[n_jobs], "s", "{:.1f}")
        if n_jobs == 2:
            report.add(sec, "n_jobs=2: torch threads at once / cores",
                       f"{sum(threads)} / {os.cpu_count()}")
    report.add(sec, "speed-up of n_jobs=2 over n_jobs=1 (workers started)", wall[1] / wall[2],
               "x", "{:.2f}")


# --------------------------------------------------------------------- memory


_FIT_FULL = """
import sys, time
sys.path.insert(0, {here!r})
from _common import peak_rss_mb
from sklearn.pipeline import make_pipeline
from sklstm import LSTMClassifier, TextTokenizer
from sklstm.datasets import load_imdb
X, y = load_imdb("train", return_X_y=True)
start = time.perf_counter()
make_pipeline(TextTokenizer(), LSTMClassifier(max_epochs={epochs}, random_state=0)).fit(X, y)
print(time.perf_counter() - start, peak_rss_mb())
"""


def bench_memory(report, epochs):
    sec = "memory"
    report.section(f"{sec} (fresh process: default pipeline on 25k train, {epochs} epoch)")
    out = subprocess.run([sys.executable, "-c", _FIT_FULL.format(
        epochs=epochs, here=str(Path(__file__).resolve().parent))],
                         check=True, capture_output=True, text=True)
    seconds, peak = map(float, out.stdout.split()[-2:])
    report.add(sec, "fit wall s", seconds, "s", "{:.0f}")
    report.add(sec, "peak RSS fitting the default pipeline (target <= 2048)", peak, "MiB",
               "{:,.0f}")


def bench_streaming(report, n_texts):
    sec = "streaming"
    report.section(f"{sec} (fresh process: predict_stream over {n_texts:,} short texts)")
    script = Path(__file__).resolve().parent / "stream_predict.py"
    out = subprocess.run([sys.executable, str(script), "--n", str(n_texts)],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.split("RESULT ", 1)[1])
    for key in ("rss_after_fit_mb", "rss_at_10%_mb", "rss_at_50%_mb", "rss_at_100%_mb",
                "peak_rss_mb"):
        report.add(sec, key, result[key], "MiB", "{:,.1f}")
    report.add(sec, "growth from 10% to 100% of the stream",
               result["rss_at_100%_mb"] - result["rss_at_10%_mb"], "MiB", "{:+.1f}")
    report.add(sec, "texts per second", result["texts_per_s"], "texts/s", "{:,.0f}")


# ----------------------------------------------------------------------- cost


def _stratified(texts, y, n, seed=0):
    index, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)
    return [texts[i] for i in index], np.asarray(y)[index]


@contextlib.contextmanager
def _without_bfloat16():
    """Pretend the hardware lacks bfloat16, as sklstm's tests do."""
    real = torch_utils.bf16_missing
    torch_utils.bf16_missing = lambda device: "bfloat16 (pretended missing)"
    try:
        yield
    finally:
        torch_utils.bf16_missing = real


def bench_cost(report, X_train, y_train, X_test, y_test, device, n):
    """The default fit and prediction in units of the bare layer's work, and their accuracy."""
    sec = "cost"
    report.section(f"{sec} (default LSTMClassifier, {n} IMDB train reviews, scored on {n} "
                   f"test reviews, device {device})")
    texts, y = _stratified(X_train, y_train, n)
    test_texts, y_t = _stratified(X_test, y_test, n)
    tok = TextTokenizer()
    ids = tok.fit_transform(texts)
    test_ids = tok.transform(test_texts)
    bare = {}
    for name, dtype in (("float32", None), ("bfloat16", torch.bfloat16)):
        bare[name] = (bare_epoch_seconds(ids, device=device, dtype=dtype),
                      bare_epoch_seconds(test_ids, device=device, dtype=dtype, training=False,
                                         batch_size=256))
    report.add(sec, "bare epoch (fwd+bwd, float32) s", bare["float32"][0], "s", "{:.2f}")
    report.add(sec, "bare forward pass over the test ids (float32) s", bare["float32"][1], "s",
               "{:.2f}")
    report.add(sec, "bare fwd+bwd speed-up under bfloat16 autocast",
               bare["float32"][0] / bare["bfloat16"][0], "x", "{:.2f}")
    report.add(sec, "bare forward speed-up under bfloat16 autocast",
               bare["float32"][1] / bare["bfloat16"][1], "x", "{:.2f}")
    # the one-cycle recipe of the performance guide
    fast = {"lr_schedule": "onecycle", "lr": 6e-3, "max_epochs": "auto", "precision": "auto"}
    for label, params in (("default", {}), ("one-cycle recipe", fast),
                          ("one-cycle recipe at float32", {**fast, "precision": "float32"})):
        clf = LSTMClassifier(random_state=0, device=device, **params)
        start = time.perf_counter()
        clf.fit(ids, y)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        accuracy = float(np.mean(clf.predict(test_ids) == y_t))
        predict_s = time.perf_counter() - start
        row = f"{label} ({clf.precision_})"
        report.add(sec, f"{row}: test accuracy (target >= 0.880)", accuracy, "", "{:.4f}")
        report.add(sec, f"{row}: fit s", fit_s, "s", "{:.1f}")
        report.add(sec, f"{row}: epochs run (best)",
                   f"{clf.n_iter_} ({best_epoch(clf.history_)})")
        report.add(sec, f"{row}: fit in bare float32 epochs (target <= 3.0)",
                   fit_s / bare["float32"][0], "", "{:.2f}")
        report.add(sec, f"{row}: predict / bare float32 forward (target <= 0.6)",
                   predict_s / bare["float32"][1], "", "{:.2f}")
        if clf.precision_ == "bfloat16":  # as a machine without bfloat16 predicts: float32
            native = clf.predict_proba(test_ids)
            with _without_bfloat16():
                plain = clf.predict_proba(test_ids)
            report.add(sec, f"{row}: labels unchanged predicted in float32 (target >= 0.995)",
                       float(np.mean(native.argmax(1) == plain.argmax(1))), "", "{:.4f}")
            report.add(sec, f"{row}: largest probability change in float32 (target <= 0.02)",
                       float(np.abs(native - plain).max()), "", "{:.4f}")
    # predict_stream from texts, tokenizing the next batch while the network runs, or not
    # (the last model above; runs alternate, the faster of two kept).
    pipe = Pipeline([("tok", tok), ("clf", clf)])
    seconds = {False: [], True: []}
    for prefetch in (False, True, False, True):
        start = time.perf_counter()
        for _ in predict_stream(pipe, test_texts, batch_size=1024, prefetch=prefetch):
            pass
        seconds[prefetch].append(time.perf_counter() - start)
    report.add(sec, f"predict_stream of {n} test texts, batches of 1024, no prefetch s",
               min(seconds[False]), "s", "{:.2f}")
    report.add(sec, f"predict_stream of {n} test texts, batches of 1024, prefetch s",
               min(seconds[True]), "s", "{:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/perf.json")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--n-train", type=int, default=2000,
                        help="reviews in the training-throughput sample")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true",
                        help="small samples, no full-data memory run (a smoke test)")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS),
                        metavar="SECTION", help=f"sections to run, of {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    sections = set(args.sections)
    if args.quick:
        args.n_train, args.repeat = 256, 1

    report = Report("sklstm performance benchmark")
    X_train, y_train = load_imdb("train", return_X_y=True)
    X_test, y_test = load_imdb("test", return_X_y=True)
    if args.quick:  # the archive is ordered by label: sample across it
        keep = np.random.default_rng(0).permutation(len(X_train))[:2000]
        X_train, y_train = [X_train[i] for i in keep], y_train[keep]
        X_test, y_test = X_test[::25], y_test[::25]
    X_train, X_test = list(X_train), list(X_test)

    if "tokenizer" in sections:
        tok, ids = bench_tokenizer(report, X_train, X_test, 1 if args.quick else args.repeat)
    else:
        tok = TextTokenizer()
        ids = tok.fit_transform(X_train)
    if "training" in sections:
        clf = bench_training(report, ids, y_train, args.device, args.n_train, args.repeat)
    elif "inference" in sections:  # the model the training section would have left
        keep = np.random.default_rng(0).choice(len(ids), args.n_train, replace=False)
        clf = LSTMClassifier(max_epochs=1, early_stopping=False, validation_fraction=None,
                             random_state=0, device=args.device).fit(ids[keep], y_train[keep])
    if "inference" in sections:
        bench_inference(report, tok, clf, X_test, 50 if args.quick else 200)
    if "threads" in sections:
        bench_threads(report, ids, y_train, 128 if args.quick else 2000)
    if "streaming" in sections:
        bench_streaming(report, 20_000 if args.quick else 1_000_000)
    if "memory" in sections and not args.quick:
        bench_memory(report, epochs=1)
    if "cost" in sections:
        bench_cost(report, X_train, y_train, X_test, y_test, args.device,
                   400 if args.quick else 5000)
    report.add("memory", "peak RSS of this benchmark process", peak_rss_mb(), "MiB", "{:,.0f}")
    report.add("memory", "RSS now", current_rss_mb(), "MiB", "{:,.0f}")
    report.save(args.out, args=vars(args))


if __name__ == "__main__":
    main()
