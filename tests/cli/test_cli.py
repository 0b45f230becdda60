"""Tests for the ``sklstm`` command line, on a small fake IMDB folder and small data files."""

import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from sklstm import cli
from sklstm.cli import _compare, _train
from sklstm.cli._main import build_parser


@pytest.fixture
def data_home(tmp_path, monkeypatch, fake_imdb):
    home = tmp_path / "data"
    fake_imdb.write_tree(home, fake_imdb.labelled_reviews())
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    return home


def run(argv, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_compare_writes_table_plots_and_json(data_home, tmp_path, capsys):
    out = tmp_path / "results"
    status, stdout, _ = run(["compare", "--data-home", str(data_home), "--no-download",
                             "--models", "tfidf_logreg,nbsvm,lstm", "--max-epochs", "2",
                             "--out", str(out)], capsys)
    assert status == 0
    for name in ("tfidf_logreg", "nbsvm", "lstm", "accuracy"):
        assert name in stdout
    for name in ("scores.png", "confusion_matrices.png", "training_curves.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
    report = json.loads((out / "results.json").read_text())
    assert report["n_train"] == 60 and report["n_test"] == 60
    assert {row["model"] for row in report["results"]} == {"tfidf_logreg", "nbsvm", "lstm"}
    assert all(0 <= row["accuracy"] <= 1 for row in report["results"])
    assert len(report["lstm_history"]) >= 1
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "results.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_train_then_predict(data_home, tmp_path, capsys, monkeypatch):
    model = tmp_path / "model"
    status, _, err = run(["train", "--data-home", str(data_home), "--no-download",
                          "--max-epochs", "2", "--out", str(model)], capsys)
    assert status == 0, err
    texts = "I loved this wonderful film\nawful and boring\n\n"
    status, out, _ = run(["predict", str(model)], capsys, stdin=texts, monkeypatch=monkeypatch)
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 3
    for line in lines:
        label, proba = line.split("\t")
        assert label in {"neg", "pos"} and 0.5 <= float(proba) <= 1.0
    # The same through a file, in small batches.
    path = tmp_path / "texts.txt"
    path.write_text(texts * 5, encoding="utf-8")
    status, out_file, _ = run(["predict", str(model), str(path), "--batch-size", "4"], capsys)
    assert status == 0 and out_file.splitlines() == lines * 5
    # An existing model is only replaced on request.
    status, _, err = run(["train", "--data-home", str(data_home), "--no-download",
                          "--out", str(model)], capsys)
    assert status == 1 and "--force" in err


def test_train_refuses_to_overwrite_a_foreign_folder(data_home, tmp_path, capsys):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    status, _, err = run(["train", "--data-home", str(data_home), "--out", str(folder)], capsys)
    assert status == 1 and "not an sklstm model folder" in err
    assert (folder / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("argv, message", [
    (["compare", "--dataset", "mnist"], "unknown dataset 'mnist'"),
    (["compare", "--models", "lstm,xgboost"], "unknown model(s) xgboost"),
    (["predict", "no-such-model"], "no-such-model: no such model file"),
])
def test_user_errors_are_one_line(argv, message, capsys, tmp_path):
    status, _, err = run(argv + (["--out", str(tmp_path / "o")] if argv[0] == "compare" else []),
                         capsys)
    assert status == 1
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_data_without_download(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    status, _, err = run(["train", "--data-home", str(tmp_path / "empty"), "--no-download",
                          "--out", str(tmp_path / "m")], capsys)
    errors = [line for line in err.splitlines() if line.startswith("sklstm: error:")]
    assert status == 1 and len(errors) == 1 and "SKLSTM_DATA" in errors[0]
    assert "Traceback" not in err


def test_predict_empty_input_and_unreadable_file(data_home, tmp_path, capsys, monkeypatch):
    model = tmp_path / "model"
    assert run(["train", "--data-home", str(data_home), "--max-epochs", "1",
                "--out", str(model)], capsys)[0] == 0
    status, _, err = run(["predict", str(model)], capsys, stdin="", monkeypatch=monkeypatch)
    assert status == 1 and "input is empty" in err
    with pytest.warns(FutureWarning, match=r"--input FILE is deprecated .* use sklstm predict "
                                           r"MODEL FILE instead"):
        status, _, err = run(["predict", str(model), "--input", str(tmp_path / "nope.txt")],
                             capsys)
    assert status == 1 and "cannot read" in err


def test_ctrl_c_leaves_no_output(data_home, tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_compare, "compare", interrupted)
    out = tmp_path / "results"
    status, _, err = run(["compare", "--data-home", str(data_home), "--out", str(out)], capsys)
    assert status == 130 and "interrupted" in err
    assert not out.exists() or not any(out.iterdir())


def test_bad_number_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["compare", "--train-size", "zero"])
    assert exc.value.code == 2


def test_explain_methods_are_those_of_sklstm_explain():
    from sklstm.explain import METHODS

    explain = build_parser()._subparsers._group_actions[0].choices["explain"]
    method = next(action for action in explain._actions if action.dest == "method")
    assert tuple(method.choices) == tuple(METHODS) and method.default in METHODS


def test_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "sklstm", "--help"], capture_output=True,
                            text=True, check=True)
    assert "compare" in result.stdout and "predict" in result.stdout


def test_model_folder_holds_a_safe_model_file(data_home, tmp_path, capsys, monkeypatch):
    import sklstm

    model = tmp_path / "model"
    assert run(["train", "--data-home", str(data_home), "--max-epochs", "1",
                "--out", str(model)], capsys)[0] == 0
    assert sorted(p.name for p in model.iterdir()) == ["model.sklstm", "sklstm.json"]
    assert sklstm.load(model / "model.sklstm").predict(["loved it"]).shape == (1,)
    # An altered model file is refused with one line, not a traceback.
    data = bytearray((model / "model.sklstm").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model / "model.sklstm").write_bytes(bytes(data))
    status, _, err = run(["predict", str(model)], capsys, stdin="loved it\n",
                         monkeypatch=monkeypatch)
    assert status == 1 and err.count("\n") == 1 and "could not read the model" in err
    assert "Traceback" not in err


def test_ctrl_c_during_training_saves_nothing(data_home, tmp_path, capsys, monkeypatch):
    from skorch.callbacks import Callback

    class CtrlC(Callback):
        def on_batch_begin(self, net, **kwargs):
            raise KeyboardInterrupt

    real = _train.lstm_pipeline

    def interrupted_pipeline(args, verbose=1):
        pipe = real(args, verbose=0)
        pipe[-1].set_params(callbacks=[CtrlC()])
        return pipe

    monkeypatch.setattr(_train, "lstm_pipeline", interrupted_pipeline)
    model = tmp_path / "model"
    with pytest.warns(UserWarning, match="interrupted"):
        status, _, err = run(["train", "--data-home", str(data_home), "--out", str(model)],
                             capsys)
    assert status == 130 and "interrupted" in err
    assert not model.exists()


# ------------------------------------------------------------ your own data files


def test_compare_a_csv_writes_a_report(reviews_table, tmp_path, capsys):
    data = reviews_table(tmp_path / "reviews.csv")
    out = tmp_path / "results"
    status, stdout, err = run(["compare", str(data), "--text-column", "text",
                               "--label-column", "label", "--models", "tfidf_logreg,lstm",
                               "--max-epochs", "2", "--out", str(out)], capsys)
    assert status == 0, err
    # Written to a file or a pipe (as here): the LSTM's epoch lines, no progress bar redraws.
    assert "\r" not in stdout + err
    epochs = [line.split()[0] for line in stdout.splitlines() if line.strip()[:1].isdigit()]
    assert epochs[:2] == ["1", "2"]
    assert "holding out 18 of 90 texts (0.2)" in err
    report = json.loads((out / "results.json").read_text())
    assert report["n_train"] == 72 and report["n_test"] == 18
    assert report["text_columns"] == ["text"] and report["label_column"] == "label"
    assert {row["model"] for row in report["results"]} == {"tfidf_logreg", "lstm"}
    page = (out / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<h2>Learning curves</h2>" in page
    assert page.count("data:image/png;base64,") == 4  # scores, confusion, curves, data
    assert "tfidf_logreg" in stdout
    # The LSTM's most confident test predictions, explained beside TF-IDF's.
    assert "<h2>Explained predictions</h2>" in page
    n_explained = page.count("<h3>most confident ")
    assert 1 <= n_explained <= 6
    assert page.count("lstm (integrated gradients)") == n_explained
    assert page.count("tfidf_logreg (occlusion)") == n_explained


def test_compare_with_a_test_file_warns_of_unseen_labels(reviews_table, tmp_path, capsys):
    train = reviews_table(tmp_path / "train.jsonl", classes=("pos", "neg"))
    test = reviews_table(tmp_path / "test.tsv", n_per_class=5, seed=1)
    status, _, err = run(["compare", str(train), "--test", str(test), "--models",
                          "tfidf_logreg", "--out", str(tmp_path / "o")], capsys)
    assert status == 0, err
    assert "warning: " in err and "labels not seen in training: 'meh'" in err
    report = json.loads((tmp_path / "o" / "results.json").read_text())
    assert report["n_train"] == 60 and report["n_test"] == 15
    assert report["evaluation"].startswith("test set: ")


def test_compare_by_cross_validation_joins_text_columns(reviews_table, tmp_path, capsys):
    data = reviews_table(tmp_path / "reviews.parquet")
    status, stdout, err = run(["compare", str(data), "--text-column", "title",
                               "--text-column", "text", "--cv", "3", "--models",
                               "tfidf_logreg,nblr", "--out", str(tmp_path / "o")], capsys)
    assert status == 0, err
    report = json.loads((tmp_path / "o" / "results.json").read_text())
    assert report["evaluation"] == "3-fold cross-validation" and report["n_test"] == 90
    assert report["text_columns"] == ["title", "text"]
    assert all(row["cv_accuracy_mean"] > 0.9 for row in report["results"])
    assert "cv_accuracy_std" in stdout


def test_train_a_model_file_then_predict_a_csv(reviews_table, tmp_path, capsys):
    import pandas as pd

    import sklstm

    data = reviews_table(tmp_path / "reviews.csv")
    model = tmp_path / "model.sklstm"
    status, _, err = run(["train", str(data), "--text-column", "title", "--text-column",
                          "text", "--max-epochs", "2", "--out", str(model)], capsys)
    assert status == 0, err
    assert model.is_file() and sorted(p.name for p in tmp_path.iterdir()) == [
        "model.sklstm", "reviews.csv"]
    # The model remembers its text columns: predict needs no --text-column.
    new = pd.read_csv(data, dtype=str).iloc[::-1].head(20)
    new.to_csv(tmp_path / "new.csv", index=False)
    for batch_size in ("3", "2048"):
        out = tmp_path / f"predictions-{batch_size}.csv"
        status, _, err = run(["predict", str(model), str(tmp_path / "new.csv"),
                              "--batch-size", batch_size, "--out", str(out)], capsys)
        assert status == 0, err
    first = pd.read_csv(tmp_path / "predictions-3.csv", dtype={"id": str})
    pd.testing.assert_frame_equal(first, pd.read_csv(tmp_path / "predictions-2048.csv",
                                                     dtype={"id": str}))
    assert list(first.columns) == ["id", "label", "predicted_label", "proba_meh",
                                   "proba_neg", "proba_pos"]
    assert first["id"].tolist() == new["id"].tolist()  # input order, ids as written
    pipe = sklstm.load(model)
    texts = (new["title"] + " " + new["text"]).tolist()
    assert first["predicted_label"].tolist() == pipe.predict(texts).tolist()
    np.testing.assert_allclose(first[["proba_meh", "proba_neg", "proba_pos"]].to_numpy(),
                               pipe.predict_proba(texts), atol=1e-6)
    # CSV on stdout without --out.
    status, stdout, _ = run(["predict", str(model), str(tmp_path / "new.csv")], capsys)
    assert status == 0 and stdout.splitlines()[0] == ",".join(first.columns)
    assert len(stdout.splitlines()) == 21


@pytest.mark.parametrize("command", ["train", "compare"])
def test_unlabeled_texts_without_gensim_stop_before_any_fit(reviews_table, tmp_path, capsys,
                                                            monkeypatch, command):
    data = reviews_table(tmp_path / "reviews.csv")
    more = tmp_path / "more.txt"
    more.write_text("a wonderful moving film\n" * 5)
    monkeypatch.setitem(sys.modules, "gensim.models", None)  # a plain install
    out = tmp_path / ("model.sklstm" if command == "train" else "results")
    status, _, err = run([command, str(data), "--unlabeled", str(more), "--out", str(out)],
                         capsys)
    assert status == 1 and err.count("\n") == 1
    assert ("--pretraining word2vec (the default with --unlabeled) needs gensim" in err
            and "sklstm[vectors]" in err and "or pass --pretraining lm" in err)
    assert "reading" not in err and not out.exists()  # nothing read, fitted or written


@pytest.mark.parametrize("self_training", [False, True])
def test_train_with_unlabeled_texts(reviews_table, tmp_path, capsys, self_training):
    import sklstm

    data = reviews_table(tmp_path / "reviews.csv")
    more = tmp_path / "more.txt"
    more.write_text("a wonderful moving film\nthe plot drags on and on\n" * 15)
    model = tmp_path / "model.sklstm"
    status, out, err = run(["train", str(data), "--text-column", "text", "--max-epochs", "2",
                            "--unlabeled", str(more), "--out",  # word2vec, the default
                            str(model)] + (["--self-training"] if self_training else []),
                           capsys)
    assert status == 0, err
    assert "30 unlabelled texts" in err
    pipe = sklstm.load(model)   # the pipeline that predicts, whichever way it was fitted
    assert pipe[-1].pretraining == "word2vec" and set(pipe.classes_) == {"meh", "neg", "pos"}
    meta = sklstm.load_metadata(model)
    if self_training:   # at most a third of them (10) got pseudo-labels, in class quotas
        n = meta["n_pseudo_labels"]
        assert 0 < n <= 10 and pipe[-1].n_unlabeled_ == 30 - n
        assert f"round 1: {n} pseudo-labels" in out
    else:
        assert "n_pseudo_labels" not in meta and pipe[-1].n_unlabeled_ == 30


def test_compare_with_self_training(reviews_table, tmp_path, capsys):
    data = reviews_table(tmp_path / "reviews.csv")
    more = tmp_path / "more.txt"
    more.write_text("a wonderful moving film\nthe plot drags on and on\n" * 15)
    out = tmp_path / "results"
    status, stdout, err = run(["compare", str(data), "--text-column", "text", "--models",
                               "nblr,lstm", "--max-epochs", "2", "--unlabeled", str(more),
                               "--pretraining", "word2vec", "--self-training", "--out",
                               str(out)], capsys)
    assert status == 0, err
    assert "round 1: " in stdout and " pseudo-labels" in stdout and "lstm" in stdout
    report = json.loads((out / "results.json").read_text())
    assert len(report["lstm_history"]) == 2   # the last fit's epochs
    assert (out / "report.html").is_file() and (out / "training_curves.png").is_file()


def test_self_training_needs_unlabeled_texts(reviews_table, tmp_path, capsys):
    data = reviews_table(tmp_path / "reviews.csv")
    for command in ("train", "compare"):
        status, _, err = run([command, str(data), "--self-training", "--out",
                              str(tmp_path / command)], capsys)
        assert status == 1 and "--self-training pseudo-labels the --unlabeled texts" in err
        assert not (tmp_path / command).exists()


def test_predict_one_text_a_line_from_stdin_still_works(reviews_table, tmp_path, capsys,
                                                        monkeypatch):
    data = reviews_table(tmp_path / "reviews.csv", classes=("pos", "neg"))
    model = tmp_path / "model.sklstm"
    assert run(["train", str(data), "--max-epochs", "1", "--out", str(model)], capsys)[0] == 0
    status, stdout, _ = run(["predict", str(model)], capsys, stdin="great film\ndull\n",
                            monkeypatch=monkeypatch)
    lines = stdout.splitlines()
    assert status == 0 and len(lines) == 2
    assert all(line.split("\t")[0] in ("pos", "neg") for line in lines)


def test_class_folder_data(tmp_path, capsys):
    for label, words in {"pos": "great loved superb", "neg": "awful dull boring"}.items():
        (tmp_path / "data" / label).mkdir(parents=True)
        for i in range(12):
            (tmp_path / "data" / label / f"{i}.txt").write_text(f"the film {words} {i}")
    status, _, err = run(["compare", str(tmp_path / "data"), "--models", "tfidf_logreg",
                          "--test-fraction", "0.25", "--out", str(tmp_path / "o")], capsys)
    assert status == 0, err
    assert json.loads((tmp_path / "o" / "results.json").read_text())["n_test"] == 6


# ------------------------------------------------------------ bad data files: one line, exit 1

def _bad(argv, capsys, out):
    status, stdout, err = run(argv, capsys)
    errors = [line for line in err.splitlines() if line.startswith("sklstm: error:")]
    assert status == 1, err
    assert len(errors) == 1 and "Traceback" not in err
    assert not out.exists()  # nothing written
    return errors[0]


def test_bad_files_and_columns(reviews_table, tmp_path, capsys):
    data = reviews_table(tmp_path / "reviews.csv")
    compare = ["compare", "--models", "tfidf_logreg", "--out", str(tmp_path / "o")]
    assert "nope.csv: no such file" in _bad(compare + [str(tmp_path / "nope.csv")], capsys,
                                            tmp_path / "o")
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    assert "unknown file type '.xlsx'" in _bad(compare + [str(tmp_path / "data.xlsx")],
                                               capsys, tmp_path / "o")
    error = _bad(compare + [str(data), "--text-column", "body"], capsys, tmp_path / "o")
    assert "no text column 'body'; its columns are: 'id', 'title', 'text', 'label'" in error
    error = _bad(compare + [str(data), "--label-column", "stars"], capsys, tmp_path / "o")
    assert "no label column 'stars'" in error


def test_missing_texts_and_drop_missing(tmp_path, capsys):
    rows = ["text,label"] + [f"good film {i},pos" for i in range(10)] + [
        f"bad film {i},neg" for i in range(10)] + [",neg", "fine film,"]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    compare = ["compare", str(tmp_path / "d.csv"), "--models", "tfidf_logreg",
               "--out", str(tmp_path / "o")]
    error = _bad(compare, capsys, tmp_path / "o")
    assert "row 21 has no text" in error and "--drop-missing" in error
    status, _, err = run(compare + ["--drop-missing"], capsys)
    assert status == 0 and "dropped 2 rows" in err


def test_single_class_and_undecodable_bytes(tmp_path, capsys):
    (tmp_path / "one.csv").write_text("text,label\na,x\nb,x\nc,x\n")
    compare = ["compare", "--models", "tfidf_logreg", "--out", str(tmp_path / "o")]
    assert "a single class ('x')" in _bad(compare + [str(tmp_path / "one.csv")], capsys,
                                         tmp_path / "o")
    (tmp_path / "bad.csv").write_bytes(b"text,label\nfine,a\ncaf\xe9,b\n")
    error = _bad(compare + [str(tmp_path / "bad.csv")], capsys, tmp_path / "o")
    assert "bad.csv: line 3 is not valid UTF-8" in error


def test_parquet_without_pyarrow(reviews_table, tmp_path, capsys, monkeypatch):
    data = reviews_table(tmp_path / "reviews.parquet")
    for module in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    error = _bad(["compare", str(data), "--out", str(tmp_path / "o")], capsys, tmp_path / "o")
    assert "pip install sklstm[parquet]" in error


def test_predict_bad_input_writes_nothing(reviews_table, tmp_path, capsys):
    data = reviews_table(tmp_path / "reviews.csv", classes=("pos", "neg"))
    model = tmp_path / "model.sklstm"
    assert run(["train", str(data), "--max-epochs", "1", "--out", str(model)], capsys)[0] == 0
    rows = ["id,text"] + [f"{i},great film" for i in range(10)] + ["10,"]
    (tmp_path / "new.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "o.csv"
    predict = ["predict", str(model), str(tmp_path / "new.csv"), "--batch-size", "4",
               "--out", str(out)]
    # The empty text is in the third batch: the first two must not be left behind.
    assert "row 11 has no text" in _bad(predict, capsys, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.sklstm", "new.csv",
                                                         "reviews.csv"]
    status, _, err = run(predict + ["--drop-missing"], capsys)
    assert status == 0 and "dropped 1 rows" in err and len(out.read_text().splitlines()) == 11
    out.unlink()
    assert "no text column 'body'" in _bad(predict + ["--text-column", "body"], capsys,
                                           out)
    assert ".csv, .tsv or .jsonl" in _bad(predict[:-1] + [str(tmp_path / "o.xlsx")],
                                          capsys, tmp_path / "o.xlsx")
    model.write_bytes(b"not a model")
    assert "could not read the model" in _bad(predict, capsys, out)


def test_readme_commands_run_as_written(reviews_table, tmp_path, capsys, monkeypatch):
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Your own CSV"):readme.index("## Learn more")]
    commands = re.findall(r"^    sklstm (.+)$", section, flags=re.M)
    assert [c.split()[0] for c in commands] == ["compare", "train", "predict", "explain"]
    monkeypatch.chdir(tmp_path)
    reviews_table(tmp_path / "reviews.csv")
    reviews_table(tmp_path / "new_reviews.csv", n_per_class=4, seed=1)
    for command in commands:
        status, out, err = run(shlex.split(command), capsys)
        assert status == 0, f"{command}: {err}"
    assert out.startswith("integrated_gradients for ") and len(out.splitlines()) == 6
    assert (tmp_path / "sklstm-results" / "report.html").is_file()
    import pandas as pd

    predictions = pd.read_csv(tmp_path / "predictions.csv", dtype=str)
    assert len(predictions) == 12 and predictions["id"].tolist() == [
        f"{i:04d}" for i in range(12)]


def test_explain_prints_tokens_with_weights(reviews_table, tmp_path, capsys, monkeypatch):
    import sklstm
    from sklstm.explain import explain

    data = reviews_table(tmp_path / "reviews.csv", classes=("pos", "neg"))
    model = tmp_path / "model.sklstm"
    assert run(["train", str(data), "--max-epochs", "2", "--out", str(model)], capsys)[0] == 0
    pipe = sklstm.load(model)
    text = "a wonderful film with a dull ending"
    status, out, err = run(["explain", str(model), text], capsys)
    assert status == 0, err
    [expected] = explain(pipe, [text])
    assert out.strip() == expected.to_text()
    lines = out.splitlines()
    assert lines[0].startswith(f"integrated_gradients for {pipe.predict([text])[0]!r}")
    assert [line.split()[1] for line in lines[1:]] == expected.tokens
    # --top, another class, occlusion, stdin
    status, out, _ = run(["explain", str(model), text, "--top", "2", "--class", "neg",
                          "--method", "occlusion"], capsys)
    assert status == 0 and out.splitlines()[0].startswith("occlusion for 'neg'")
    assert len(out.splitlines()) == 3
    status, out, _ = run(["explain", str(model)], capsys, stdin="great\n\nawful film\n",
                         monkeypatch=monkeypatch)
    assert status == 0 and out.count("integrated_gradients for") == 3
    assert "(no tokens)" in out  # the empty line: an explanation without tokens


def test_explain_bad_input(reviews_table, tmp_path, capsys, monkeypatch):
    data = reviews_table(tmp_path / "reviews.csv", classes=("pos", "neg"))
    model = tmp_path / "model.sklstm"
    assert run(["train", str(data), "--max-epochs", "1", "--out", str(model)], capsys)[0] == 0
    nothing = tmp_path / "nothing"
    assert "attention explanations need pooling='attention'" in _bad(
        ["explain", str(model), "good", "--method", "attention"], capsys, nothing)
    assert "column 'meh' is neither one of ['neg', 'pos']" in _bad(
        ["explain", str(model), "good", "--class", "meh"], capsys, nothing)
    assert "no such model file" in _bad(["explain", str(tmp_path / "none.sklstm"), "x"],
                                        capsys, nothing)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert "no texts to explain" in _bad(["explain", str(model)], capsys, nothing)
