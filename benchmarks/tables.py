"""Data-file benchmark (issue 16): reading speed of each format, and streaming prediction.

Writes the IMDB reviews (train + test + unsup, or ``--rows`` of them) to
temporary CSV, CSV.gz, JSON Lines and Parquet files (deleted afterwards;
no review text is kept), then measures:

- ``read``: :func:`sklstm.datasets.load_table` time and throughput per format;
- ``predict``: ``sklstm predict MODEL DATA.csv --out predictions.csv`` as a
  separate process, its wall time and peak memory, with ``--batch-size``
  2048 (streaming) and with one batch holding the whole file, to show that
  streaming bounds the memory. The model is a small LSTM pipeline fitted on
  2,000 training reviews for one epoch (the speed of prediction, not its
  accuracy, is measured).

Printed and written to ``benchmarks/results/tables.json``::

    SKLSTM_DATA=../shared/datasets .venv/bin/python benchmarks/tables.py
    .venv/bin/python benchmarks/tables.py --rows 2000      # a smoke run
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, write_json  # noqa: E402

import sklstm  # noqa: E402
from sklstm import LSTMClassifier, TextTokenizer  # noqa: E402
from sklstm.datasets import (
    load_imdb,  # noqa: E402
    load_table,  # noqa: E402
)

FORMATS = ("data.csv", "data.csv.gz", "data.jsonl", "data.parquet")


def _reviews(n_rows):
    texts, labels = [], []
    for subset in ("train", "test", "unsup"):
        bunch = load_imdb(subset)
        texts += bunch.data
        labels += [("neg", "pos", "none")[t] for t in bunch.target]
        if n_rows is not None and len(texts) >= n_rows:
            break
    n = len(texts) if n_rows is None else min(n_rows, len(texts))
    return pd.DataFrame({"id": [f"r{i:06d}" for i in range(n)], "text": texts[:n],
                         "label": labels[:n]})


def _write(frame, path):
    name = path.name
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    elif name.endswith(".jsonl"):
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_csv(path, index=False)  # pandas gzips a .gz name


# Runs the command line, then prints its own peak memory (VmHWM, in KiB).
_CHILD = ("import sys\nfrom sklstm.cli import main\nstatus = main(sys.argv[1:])\n"
          "status_file = open('/proc/self/status').read()\n"
          "print('VmHWM', status_file.split('VmHWM:')[1].split()[0], file=sys.stderr)\n"
          "sys.exit(status)\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None,
                        help="use this many reviews (default: all 100,000)")
    parser.add_argument("--out", default="benchmarks/results/tables.json")
    args = parser.parse_args(argv)
    frame = _reviews(args.rows)
    n = len(frame)
    print(f"{n} reviews, {frame['text'].str.len().sum() / 2**20:.0f} MiB of text")
    results = {"n_rows": n, "read": {}, "predict": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in FORMATS:
            path = tmp / name
            _write(frame, path)
            start = time.perf_counter()
            data = load_table(path)
            seconds = time.perf_counter() - start
            assert len(data.data) == n and data.data[0] == frame["text"][0]
            size = path.stat().st_size / 2**20
            results["read"][name] = {"seconds": round(seconds, 2), "file_mib": round(size, 1),
                                     "rows_per_s": round(n / seconds)}
            print(f"read {name:14s} {seconds:6.2f} s  {n / seconds:8.0f} rows/s  "
                  f"file {size:6.1f} MiB", flush=True)

        train = load_imdb("train")
        index = np.random.default_rng(0).choice(len(train.data), min(2000, len(train.data)),
                                                replace=False)
        pipe = make_pipeline(TextTokenizer(), LSTMClassifier(
            embedding_dim=64, hidden_size=64, max_epochs=1, random_state=0,
            validation_fraction=None, early_stopping=False))
        pipe.fit([train.data[i] for i in index], train.target[index])
        model = sklstm.save(pipe, tmp / "model.sklstm")
        for batch_size in (2048, n):
            out = tmp / f"predictions-{batch_size}.csv"
            start = time.perf_counter()
            child = subprocess.run([sys.executable, "-c", _CHILD, "predict", str(model),
                                    str(tmp / "data.csv"), "--batch-size", str(batch_size),
                                    "--out", str(out)], check=True, capture_output=True,
                                   text=True)
            seconds = time.perf_counter() - start
            peak = int(child.stderr.split("VmHWM")[-1].split()[0]) / 1024
            written = pd.read_csv(out, usecols=["id"])
            assert written["id"].tolist() == frame["id"].tolist()
            key = "streaming (2048 rows a batch)" if batch_size == 2048 else "one batch"
            results["predict"][key] = {"seconds": round(seconds, 1),
                                       "rows_per_s": round(n / seconds),
                                       "peak_rss_mib": round(peak)}
            print(f"predict {key:30s} {seconds:6.1f} s  {n / seconds:6.0f} rows/s  "
                  f"peak RSS {peak:6.0f} MiB", flush=True)
    write_json(args.out, {"machine": machine_info(), **results})
    print(f"wrote {args.out}")
    print(json.dumps(results["predict"]))


if __name__ == "__main__":
    main()
