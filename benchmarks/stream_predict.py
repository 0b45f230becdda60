"""Predict 1,000,000 short texts with predict_stream and report memory.

Fits a tiny TextTokenizer + LSTMClassifier pipeline on a few synthetic texts,
then streams N generated short texts (never held in a list) through
:func:`sklstm.streaming.predict_stream` and prints the resident set size
(RSS) at 10%, 50% and 100% of the stream and the peak RSS
(``VmHWM``, see ``benchmarks/_common.py``).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/stream_predict.py [--n 1000000] [--batch-size 4096]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import current_rss_mb as rss_mib  # noqa: E402
from _common import peak_rss_mb as peak_rss_mib  # noqa: E402

from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm.streaming import predict_stream  # noqa: E402

WORDS = ["film", "loved", "boring", "great", "mess", "zebra", "the", "it", "plot", "awful"]


def texts(n):
    for i in range(n):
        yield (f"{WORDS[i % 10]} {WORDS[(i * 7 + 3) % 10]} {WORDS[(i * 3) % 10]} "
               f"review {i % 1009}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=4096)
    args = parser.parse_args()

    train = list(texts(2000))
    labels = ["pos" if "loved" in t or "great" in t else "neg" for t in train]
    pipe = make_pipeline(
        TextTokenizer(min_frequency=1),
        LSTMClassifier(embedding_dim=16, hidden_size=16, max_epochs=2, early_stopping=False,
                       validation_fraction=None, random_state=0, device="cpu"),
    ).fit(train, labels)
    result = {"n_texts": args.n, "rss_after_fit_mb": rss_mib()}
    print(f"after fit: RSS {result['rss_after_fit_mb']:.1f} MiB, peak {peak_rss_mib():.1f} MiB")

    checkpoints = {args.n // 10: "10%", args.n // 2: "50%", args.n: "100%"}
    done = 0
    counts = np.zeros(len(pipe.classes_), dtype=np.int64)
    start = time.perf_counter()
    for labels in predict_stream(pipe, texts(args.n), batch_size=args.batch_size,
                                 method="predict"):
        before = done
        done += len(labels)
        counts += (labels[:, None] == pipe.classes_).sum(axis=0)
        for mark, name in checkpoints.items():
            if before < mark <= done:
                result[f"rss_at_{name}_mb"] = rss_mib()
                print(f"{name:>4} ({done:,} texts, {time.perf_counter() - start:.1f} s): "
                      f"RSS {rss_mib():.1f} MiB")
    seconds = time.perf_counter() - start
    print(f"predicted {done:,} texts in {seconds:.1f} s ({done / seconds:,.0f} texts/s); "
          f"labels {dict(zip(pipe.classes_.tolist(), counts.tolist(), strict=True))}")
    print(f"peak RSS (VmHWM): {peak_rss_mib():.1f} MiB")
    result.update(texts_per_s=done / seconds, peak_rss_mb=peak_rss_mib())
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
