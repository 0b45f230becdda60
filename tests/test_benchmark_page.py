"""docs/benchmarks.rst is generated from benchmarks/results/*.json (benchmarks/page.py): the
committed page is what the committed results make, and each section shows where its figures
came from."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import page  # noqa: E402

RUN = {"command": "python benchmarks/x.py --fast", "date": "2026-12-07", "sklstm": "1.0.0",
       "other_cpu": 0.03}
MACHINE = {"cpu": "Some CPU", "cores": 2, "torch_threads": 2, "torch": "2.13.0+cpu",
           "sklearn": "1.8.0", "skorch": "1.2.0", "cuda": None}


def _write(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**payload, "run": RUN, "machine": MACHINE}))


def test_the_committed_page_is_what_the_committed_results_make():
    assert page.main(["--check"]) == 0, "run: python benchmarks/page.py"


def test_every_section_renders_its_figures_and_their_provenance(tmp_path):
    _write(tmp_path / "perf.json", {"figures": {"training": {
        "_title": "Training speed", "fit / bare LSTM": 0.8754, "fit": 30820.4}},
        "units": {"training": {"fit": "tok/s"}}})
    _write(tmp_path / "accuracy" / "nblr.json", {
        "model": "nblr", "test_accuracy": 0.91732, "fit_s": 83.2, "predict_s": 12.0,
        "peak_rss_mb": 3500.0})
    _write(tmp_path / "regression.json", {"n_train": 25000, "n_test": 25000, "models": {
        "ridge": {"rmse": 2.066, "mae": 1.657, "spearman": 0.799, "r2": 0.65, "fit_s": 83,
                  "predict_s": 13}}})
    _write(tmp_path / "semisupervised.json", {
        "summary": {"nblr": {"2000": {"mean": 0.8722, "std": 0.0014, "n": 3}}},
        "rows": [{"model": "nblr", "budget": 2000, "fit_s": 4.0, "accuracy": 0.8722}]})
    _write(tmp_path / "explain.json", {
        "n_train": 5000, "n_texts": 500, "ks": [5], "ig_speed": None, "methods": {
            "lstm_occlusion": {"drop": {"5": {"top": 0.311, "random": 0.01}},
                               "aopc": {"top": 0.453, "random": 0.01}, "explain_s": 218.0}}})
    _write(tmp_path / "tables.json", {"n_rows": 1000, "read": {"data.csv": {"seconds": 1.5}}})
    fit = {"size": 5000, "config": "bfloat16", "precision": "bfloat16", "fit_s": 100.0,
           "fit_bare_epochs": 4.0, "epochs": 5, "best_epoch": 3}
    _write(tmp_path / "cost-binary.json", {"task": "binary", "holdout": 5000, "fits": [
        dict(fit, seed=0, holdout_accuracy=0.881),
        dict(fit, seed=1, holdout_accuracy=0.885, command="python benchmarks/cost.py --seeds 1")]})
    _write(tmp_path / "grid.json", {"n": 2000, "cv": 3, "max_epochs": 6, "grid": {"a": [1]},
                                    "searches": [{"search": "halving", "seconds": 253.3,
                                                  "tokenizer_fits": 4, "tokenizer_seconds": 1.3,
                                                  "best_params": {"lr": 0.003},
                                                  "best_cv_accuracy": 0.8675}]})
    text = page.build(tmp_path)
    for figure in ("   * - halving\n     - 253.3\n     - 4\n     - 1.3\n     - lr=0.003\n"
                   "     - 86.75%",
"0.8754", "30,820\n     - tok/s", "91.73%", "2.066", "87.22% ± 0.14, 4 s",
                   "0.311 (0.010)", "1,000", "data.csv / seconds", "Cost of LSTM settings, binary",
                   "   * - 5,000\n     - bfloat16\n     - bfloat16\n     - 2\n     - 88.30%",
                   "The fits came from ``python benchmarks/cost.py --seeds 1``."):
        assert figure in text, figure
    assert text.count("Produced by ``python benchmarks/x.py --fast`` on 2026-12-07; Some CPU "
                      "(2 cores, 2 torch threads); sklstm 1.0.0, torch 2.13.0+cpu") == 8
    assert "other processes kept 0.03 cores busy on average" in text
    out = tmp_path / "page.rst"
    assert page.main(["--results", str(tmp_path), "--out", str(out)]) == 0
    assert out.read_text() == text
    assert page.main(["--results", str(tmp_path), "--out", str(out), "--check"]) == 0
    out.write_text(text + "a hand-typed figure: 99.9%\n")
    assert page.main(["--results", str(tmp_path), "--out", str(out), "--check"]) == 1


def test_an_empty_results_folder_says_so(tmp_path):
    assert "No benchmark results yet" in page.build(tmp_path)


@pytest.mark.parametrize("value, shown", [(0.123456, "0.1235"), (1234.5, "1,234"),
                                          (123.45, "123.5"), (7, "7"), (float("nan"), "n/a")])
def test_numbers_are_shown_to_their_precision(value, shown):
    assert page.number(value) == shown
