"""Tests for the ``sklstm`` command line, on a small fake IMDB folder."""

import io
import json
import os
import subprocess
import sys

import pytest

from sklstm import cli

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
    status, out_file, _ = run(["predict", str(model), "--input", str(path),
                               "--batch-size", "4"], capsys)
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
    (["predict", "no-such-model"], "not an sklstm model folder"),
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
    status, _, err = run(["predict", str(model), "--input", str(tmp_path / "nope.txt")], capsys)
    assert status == 1 and "cannot read" in err


def test_ctrl_c_leaves_no_output(data_home, tmp_path, capsys, monkeypatch):
    from sklstm import comparison

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(comparison, "compare", interrupted)
    out = tmp_path / "results"
    status, _, err = run(["compare", "--data-home", str(data_home), "--out", str(out)], capsys)
    assert status == 130 and "interrupted" in err
    assert not out.exists() or not any(out.iterdir())


def test_bad_number_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["compare", "--train-size", "zero"])
    assert exc.value.code == 2


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

    real = cli._lstm_pipeline

    def interrupted_pipeline(args, verbose=1):
        pipe = real(args, verbose=0)
        pipe[-1].set_params(callbacks=[CtrlC()])
        return pipe

    monkeypatch.setattr(cli, "_lstm_pipeline", interrupted_pipeline)
    model = tmp_path / "model"
    with pytest.warns(UserWarning, match="interrupted"):
        status, _, err = run(["train", "--data-home", str(data_home), "--out", str(model)],
                             capsys)
    assert status == 130 and "interrupted" in err
    assert not model.exists()
