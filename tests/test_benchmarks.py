"""Smoke runs of the benchmark scripts on small IMDB samples (slow: real data).

They check that every section runs and writes its figures, not the figures
themselves: nothing here times anything.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _run(data_home, *args):
    env = {**os.environ, "SKLSTM_DATA": str(data_home)}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_perf_quick_writes_every_figure(imdb_data_home, tmp_path):
    out = tmp_path / "perf.json"
    stdout = _run(imdb_data_home, "benchmarks/perf.py", "--quick", "--sections", "tokenizer", "training",
                  "inference", "--out", str(out))
    figures = json.loads(out.read_text())["figures"]
    # The sections asked for, and the process's own peak memory, which is always given.
    assert set(figures) == {"tokenizer", "training", "inference", "memory"}
    assert set(figures["memory"]) == {"peak RSS of this benchmark process", "RSS now"}
    for name in ("TextTokenizer.fit_transform s", "speed-up vs CountVectorizer (target >= 2)"):
        assert figures["tokenizer"][name] > 0
    assert figures["training"]["LSTMClassifier.fit"] > 0
    assert figures["inference"]["tokenize + predict 25k s (target <= 45)"] > 0
    assert "fit / bare LSTM" in stdout


def test_accuracy_sample_run_and_summary(imdb_data_home, tmp_path):
    stdout = _run(imdb_data_home, "benchmarks/accuracy.py", "--sample", "400", "--results", str(tmp_path),
                  "tfidf_logreg")
    result = json.loads((tmp_path / "tfidf_logreg.json").read_text())
    assert 0.5 < result["test_accuracy"] <= 1.0
    assert "test accuracy" in stdout
    assert "tfidf_logreg" in _run(imdb_data_home, "benchmarks/accuracy.py", "--summary",
                                  "--results", str(tmp_path))
    listed = _run(imdb_data_home, "benchmarks/accuracy.py", "--list").split()
    assert {"lstm_default", "lstm_w2v", "stack", "nbsvm"} <= set(listed)
