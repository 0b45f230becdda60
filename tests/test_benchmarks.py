"""Smoke runs of the benchmark scripts on small IMDB samples (slow: real data).

They check that every section runs and writes its figures, not the figures
themselves: nothing here times anything.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sklstm._utils.torch import bf16_missing

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _script(data_home, *args):
    """Run a benchmark script on the IMDB tree in ``data_home``; return the finished process."""
    env = {**os.environ, "SKLSTM_DATA": str(data_home)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env=env)


def _run(data_home, *args):
    done = _script(data_home, *args)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_perf_quick_writes_every_figure(imdb_data_home, tmp_path):
    out = tmp_path / "perf.json"
    stdout = _run(imdb_data_home, "benchmarks/perf.py", "--quick", "--sections", "tokenizer",
                  "training", "inference", "--out", str(out))
    figures = json.loads(out.read_text())["figures"]
    # The sections asked for, and the process's own peak memory, which is always given.
    assert set(figures) == {"tokenizer", "training", "inference", "memory"}
    assert set(figures["memory"]) == {"peak RSS of this benchmark process", "RSS now"}
    for name in ("TextTokenizer.fit_transform s", "speed-up vs CountVectorizer (target >= 2)"):
        assert figures["tokenizer"][name] > 0
    assert figures["training"]["LSTMClassifier.fit"] > 0
    assert figures["inference"]["tokenize + predict 25k s (target <= 45)"] > 0
    assert "fit / bare LSTM" in stdout


def test_perf_cost_section_measures_against_the_bare_layer(imdb_data_home, tmp_path):
    out = tmp_path / "perf.json"
    _run(imdb_data_home, "benchmarks/perf.py", "--quick", "--sections", "cost", "--out", str(out))
    cost = json.loads(out.read_text())["figures"]["cost"]
    assert cost["bare epoch (fwd+bwd, float32) s"] > 0
    rows = [k for k in cost if k.startswith(("default (", "one-cycle recipe"))]
    assert any(k.endswith("fit in bare float32 epochs (target <= 3.0)") and cost[k] > 0
               for k in rows)
    assert "default (float32): predict / bare float32 forward (target <= 0.6)" in cost
    assert "one-cycle recipe at float32 (float32): epochs run (best)" in cost
    for key in (k for k in rows if "test accuracy" in k):
        assert 0.5 < cost[key] <= 1.0
    # predict_stream with and without tokenizing the next batch meanwhile
    assert sum(k.startswith("predict_stream of ") for k in cost) == 2
    if bf16_missing("cpu") is None:   # the recipe trained in bfloat16: its float32 predictions
        assert cost["one-cycle recipe (bfloat16): labels unchanged predicted in float32 "
                    "(target >= 0.995)"] > 0.5


def test_cost_benchmark_fits_settings_on_a_train_holdout(imdb_data_home, tmp_path):
    out = tmp_path / "cost.json"
    args = ("benchmarks/cost.py", "--sample", "600", "--holdout", "200", "--sizes", "300",
            "--seeds", "0", "--max-epochs", "2", "--out", str(out))
    stdout = _run(imdb_data_home, *args, "--configs", "v1.0", "--task", "ratings4")
    result = json.loads(out.read_text())
    (fit,) = result["fits"]
    assert (fit["size"], fit["seed"], fit["config"], fit["precision"]) == (300, 0, "v1.0",
                                                                          "float32")
    assert fit["params"] == {"lr_schedule": None, "lr": 2e-3, "max_epochs": 10,
                             "precision": "float32"}
    assert 0 < fit["holdout_accuracy"] <= 1 and fit["fit_bare_epochs"] > 0
    assert [row["epoch"] for row in fit["history"]] == [1, 2] and fit["best_epoch"] in (1, 2)
    assert result["holdout"] == 200 and "float32" in stdout
    # --resume keeps what was measured and fits only what is missing.
    _run(imdb_data_home, *args, "--configs", "v1.0", "recipe", "--task", "ratings4",
         "--resume")
    fits = json.loads(out.read_text())["fits"]
    assert [f["config"] for f in fits] == ["v1.0", "recipe"]
    assert fits[0] == fit


def test_grid_benchmark_compares_plain_cached_and_halving_searches(imdb_data_home, tmp_path):
    out = tmp_path / "grid.json"
    _run(imdb_data_home, "benchmarks/grid.py", "--n", "200", "--cv", "2", "--max-epochs", "3",
         "--out", str(out))
    rows = {row["search"]: row for row in json.loads(out.read_text())["searches"]}
    assert set(rows) == {"grid", "grid_memory", "halving"}
    # 4 candidates x 2 folds + the refit; the cache fits once per fold + the refit.
    assert rows["grid"]["tokenizer_fits"] == 9 and rows["grid_memory"]["tokenizer_fits"] == 3
    assert rows["halving"]["tokenizer_fits"] <= 3
    for row in rows.values():
        assert set(row["best_params"]) >= {"hidden_size", "lr"}
        assert 0 < row["best_cv_accuracy"] <= 1


def test_accuracy_sample_run_and_summary(imdb_data_home, tmp_path):
    stdout = _run(imdb_data_home, "benchmarks/accuracy.py", "--sample", "400", "--results",
                  str(tmp_path), "tfidf_logreg")
    result = json.loads((tmp_path / "tfidf_logreg.json").read_text())
    assert 0.5 < result["test_accuracy"] <= 1.0
    # Where the figure came from: the command, and what else ran meanwhile.
    run = result["run"]
    assert run["command"].startswith("python benchmarks/accuracy.py --sample 400")
    assert run["sklstm"] and run["date"] and 0 <= run["other_cpu"] <= os.cpu_count()
    assert "test accuracy" in stdout
    assert "tfidf_logreg" in _run(imdb_data_home, "benchmarks/accuracy.py", "--summary",
                                  "--results", str(tmp_path))
    listed = _run(imdb_data_home, "benchmarks/accuracy.py", "--list").split()
    assert {"lstm_default", "lstm_w2v", "stack", "nbsvm"} <= set(listed)


def test_stack_refits_its_bases_and_reports_both_stacks(tmp_path, monkeypatch):
    """The stack's bases are refitted on all of train; the 80% stack is reported beside it."""
    import numpy as np

    from sklstm.compare import make_nblr, make_tfidf_logreg

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import accuracy

    rng = np.random.default_rng(0)
    words = [["bad", "awful", "dull", "bore"], ["great", "loved", "superb", "fine"]]
    y = rng.integers(0, 2, 300)
    noisy = np.where(rng.random(300) < 0.3, 1 - y, y)  # some texts read as the other class
    # Every text has a token of its own ("docN"), so a vocabulary tells which texts it saw.
    X = [" ".join([*rng.choice(words[c] + ["film", "plot"], 6), f"doc{i}"])
         for i, c in enumerate(noisy)]
    X_train, y_train, X_test, y_test = X[:200], y[:200], X[200:], y[200:]

    bases = {"nblr": accuracy._fit(make_nblr), "tfidf_logreg": accuracy._fit(make_tfidf_logreg)}
    stack = accuracy._fit_blend(X_train, y_train, bases)
    refitted, first = stack.bases_["nblr"], stack.holdout_stack_.estimators_[0].estimator
    assert stack.estimators_[0].estimator is refitted and first is not refitted
    seen = {f"doc{i}" for i in range(200)}
    assert seen <= set(refitted["counts"].vocabulary_)
    assert len(seen & set(first["counts"].vocabulary_)) == 160  # the 80% split
    assert stack.blend_features_[0].shape == (40, 2)

    pred, report = accuracy._stack_predict(stack, X_test, y_test, tmp_path / "f.npz")
    np.testing.assert_array_equal(pred, stack.predict(X_test))
    assert report["stack_test_accuracy"] == stack.score(X_test, y_test)
    assert report["holdout_stack_test_accuracy"] == stack.holdout_stack_.score(X_test, y_test)
    for prefix, model in [("", stack), ("holdout_", stack.holdout_stack_)]:
        for (name, accuracy_), frozen in zip(report[f"{prefix}bases_test_accuracy"].items(),
                                             model.estimators_, strict=True):
            assert accuracy_ == frozen.score(X_test, y_test), name
    saved = np.load(tmp_path / "f.npz")
    assert saved["test_X"].shape == saved["holdout_test_X"].shape == (100, 2)
    assert saved["bases"].tolist() == ["nblr", "tfidf_logreg"]


def test_regression_sample_run_writes_every_figure(imdb_data_home, tmp_path):
    out = tmp_path / "regression.json"
    stdout = _run(imdb_data_home, "benchmarks/regression.py", "--sample", "300",
                  "--max-epochs", "1", "--out", str(out))
    models = json.loads(out.read_text())["models"]
    assert set(models) == {"tfidf_ridge", "lstm_regressor"}
    for row in models.values():
        assert {"rmse", "mae", "spearman", "r2", "fit_s", "predict_s"} <= set(row)
        assert row["rmse"] > 0
    assert "alpha" in str(models["tfidf_ridge"]["chosen on the holdout"])
    assert "RMSE" in stdout


def test_semisupervised_smoke_run_writes_every_row_and_the_curve(tmp_path, fake_imdb,
                                                                 monkeypatch):
    fake_imdb.write_tree(tmp_path / "data", fake_imdb.labelled_reviews(n_per_class=30))
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    out, png = tmp_path / "semisupervised.json", tmp_path / "curve.png"
    stdout = _run(tmp_path / "data", "benchmarks/semisupervised.py", "--budgets", "20", "60",
                  "--seeds", "2", "--max-epochs", "1", "--verbose", "0", "--out", str(out),
                  "--plot", str(png))
    result = json.loads(out.read_text())
    models = {"tfidf_logreg", "nblr", "lstm", "lstm_no_prior", "lstm_no_bag", "lstm_lm_labelled",
              "lstm_word2vec", "lstm_lm", "lstm_word2vec_self_training"}
    assert (result["n_train"], result["n_unsup"], result["n_test"]) == (60, 1, 60)
    # Two draws of 20 labels, one of all 60, for each model.
    assert len(result["rows"]) == 3 * len(models)
    assert set(result["summary"]) == models
    for budgets in result["summary"].values():
        assert {b: v["n"] for b, v in budgets.items()} == {"20": 2, "60": 1}
        assert all(0 <= v["mean"] <= 1 for v in budgets.values())
    for row in result["rows"]:
        assert {"accuracy", "fit_s", "predict_s", "peak_rss_mib"} <= set(row)
        if row["model"] == "lstm_lm":
            assert row["n_unlabeled"] == 61 - row["budget"]
            assert row["pretraining_history"][0]["loss"] > 0
        if row["model"] == "lstm_word2vec_self_training":  # a third of the unlabelled
            assert row["n_pseudo_labels"] == round((61 - row["budget"]) / 3)
        if row["model"] == "lstm_lm_labelled":  # pretrained on its labelled reviews only
            assert row["n_unlabeled"] == 0
            assert row["pretraining_history"][0]["n_tokens"] > 0
        if row["model"].startswith("lstm"):
            assert 0 <= row["best_valid_acc"] <= 1 and len(row["valid_acc"]) == 1
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "lstm_lm" in stdout and "accuracy" in stdout

    # --resume keeps those rows and fits only the new seed's.
    stdout = _run(tmp_path / "data", "benchmarks/semisupervised.py", "--budgets", "20",
                  "--seeds", "3", "--max-epochs", "1", "--verbose", "0", "--models", "nblr",
                  "lstm", "--resume", "--out", str(out), "--plot", str(png))
    resumed = json.loads(out.read_text())
    assert resumed["rows"][:len(result["rows"])] == result["rows"]
    assert [(r["model"], r["seed"]) for r in resumed["rows"][len(result["rows"]):]] == [
        ("nblr", 2), ("lstm", 2)]
    assert resumed["summary"]["nblr"]["20"]["n"] == 3
    assert resumed["summary"]["tfidf_logreg"]["20"]["n"] == 2
    assert f"resuming: {len(result['rows'])} rows" in stdout


def test_semisupervised_resume_refuses_results_from_other_data(tmp_path, fake_imdb,
                                                              monkeypatch):
    fake_imdb.write_tree(tmp_path / "data", fake_imdb.labelled_reviews(n_per_class=30))
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "semisupervised.json"
    earlier = {"n_train": 25000, "n_unsup": 50000, "n_test": 25000, "rows": []}
    out.write_text(json.dumps(earlier))
    result = _script(tmp_path / "data", "benchmarks/semisupervised.py", "--budgets", "20",
                     "--seeds", "1", "--models", "nblr", "--resume", "--out", str(out),
                     "--plot", str(tmp_path / "c.png"))
    assert result.returncode != 0
    assert "measured on other data" in result.stderr and "n_unsup" in result.stderr
    assert json.loads(out.read_text()) == earlier   # the earlier results are left as they were


def test_semisupervised_holdout_scores_candidates_on_train_without_reading_test(
        tmp_path, fake_imdb, monkeypatch):
    folder = fake_imdb.write_tree(tmp_path / "data", fake_imdb.labelled_reviews(n_per_class=30))
    shutil.rmtree(folder / "test")   # a run that read the test set would fail
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "semisupervised.json"
    _run(tmp_path / "data", "benchmarks/semisupervised.py", "--holdout", "20", "--budgets", "10",
         "60", "--seeds", "1", "--max-epochs", "1", "--verbose", "0", "--models", "nblr",
         "lstm_word2vec_onecycle", "lstm_lm_lr_5e-4", "lstm_word2vec_self_training_attention",
         "lstm_word2vec_self_training_lstm_teacher", "lstm_trigrams", "lstm_800",
         "--out", str(out),
         "--plot", str(tmp_path / "c.png"))
    result = json.loads(out.read_text())
    assert (result["n_train"], result["n_test"], result["holdout"]) == (60, 20, 20)
    # 60 labels asked for, 40 left in the pool once 20 are held out
    assert sorted({(r["model"], r["budget"]) for r in result["rows"]}) == [
        (m, b) for m in ("lstm_800", "lstm_lm_lr_5e-4", "lstm_trigrams",
                         "lstm_word2vec_onecycle",
                         "lstm_word2vec_self_training_attention",
                         "lstm_word2vec_self_training_lstm_teacher", "nblr") for b in (10, 40)]
    for row in result["rows"]:   # the held-out reviews are among the unlabelled
        supervised = row["model"] in ("nblr", "lstm_trigrams", "lstm_800")
        assert row["n_unlabeled"] == (0 if supervised else 61 - row["budget"])


def test_tables_smoke_run_reads_every_format_and_streams_predictions(tmp_path, fake_imdb):
    fake_imdb.write_tree(tmp_path / "data", fake_imdb.labelled_reviews(n_per_class=30))
    out = tmp_path / "tables.json"
    stdout = _run(tmp_path / "data", "benchmarks/tables.py", "--rows", "100", "--out", str(out))
    result = json.loads(out.read_text())
    assert result["n_rows"] == 100
    assert set(result["read"]) == {"data.csv", "data.csv.gz", "data.jsonl", "data.parquet"}
    assert all(row["rows_per_s"] > 0 and row["file_mib"] >= 0 for row in result["read"].values())
    assert set(result["predict"]) == {"streaming (2048 rows a batch)", "one batch"}
    assert all(row["peak_rss_mib"] > 0 for row in result["predict"].values())
    assert "read data.parquet" in stdout


def test_small_data_smoke_run_scores_every_candidate_on_the_train_holdout(tmp_path, fake_imdb,
                                                                          monkeypatch):
    fake_imdb.write_tree(tmp_path / "data", fake_imdb.labelled_reviews(n_per_class=20))
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "small_data.json"
    # 40 train reviews: 10 held out, draws of 20 and all of the other 30.
    stdout = _run(tmp_path / "data", "benchmarks/small_data.py", "--sizes", "20", "40",
                  "--seeds", "1", "--holdout", "10", "--candidates", "default", "small_64",
                  "--out", str(out))
    result = json.loads(out.read_text())
    assert set(result["candidates"]) == {"default", "small_64"}
    assert {(r["size"], r["model"]) for r in result["rows"]} == {
        (size, model) for size in (20, 40) for model in ("tfidf_logreg", "default", "small_64")}
    for row in result["rows"]:
        assert 0 <= row["accuracy"] <= 1 and row["fit_s"] >= 0
        if row["model"] != "tfidf_logreg":
            assert row["epochs"] >= 1 and row["device"] == "cpu"
    assert "mean holdout accuracy" in stdout
