"""A smoke run of benchmarks/explain.py on a small fake IMDB tree."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_explain_benchmark_smoke_run_writes_every_figure(tmp_path, fake_imdb):
    fake_imdb.write_tree(tmp_path / "data", fake_imdb.labelled_reviews(n_per_class=20))
    out, png = tmp_path / "explain.json", tmp_path / "deletion.png"
    env = {**os.environ, "SKLSTM_DATA": str(tmp_path / "data"),
           "SKLSTM_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "benchmarks/explain.py", "--sample", "12", "--max-epochs", "1",
         "--pooling", "attention", "--n-steps", "4", "--ks", "1", "3", "--out", str(out),
         "--plot", str(png)], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert (result["n_train"], result["n_texts"]) == (12, 12)
    assert set(result["methods"]) == {"lstm_integrated_gradients", "lstm_occlusion",
                                      "lstm_attention", "tfidf_occlusion"}
    for row in result["methods"].values():
        assert set(row["drop"]) == {"1", "3"} and set(row["aopc"]) == {"top", "random"}
        assert len(row["curve"]["top"]) == len(row["curve"]["random"]) == 3
        assert all(-1 <= v <= 1 for v in row["curve"]["top"] + row["curve"]["random"])
    assert result["methods"]["lstm_integrated_gradients"]["completeness_error_max"] <= 0.01
    assert result["ig_speed"]["n_texts"] == 12 and result["ig_speed"]["seconds"] >= 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "AOPC" in done.stdout
