"""Tests for sklstm.save / sklstm.load (no pickle) and for pickle/joblib of fitted models."""

import hashlib
import io
import json
import pickle
import warnings
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from skorch.callbacks import Callback

import sklstm
from sklstm import LSTMClassifier, TextTokenizer
from sklstm._persistence import FORMAT_VERSION, ModelFileError

TEXTS = ["a wonderful moving film", "i loved every minute", "great fun", "truly wonderful",
         "dull and far too long", "i hated it", "a boring mess", "truly awful"] * 4
LABELS = ["pos"] * 4 + ["neg"] * 4
LABELS = LABELS * 4
SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=3, random_state=0, device="cpu",
             validation_fraction=0.25, patience=1)


@pytest.fixture(scope="module")
def pipe():
    return make_pipeline(TextTokenizer(min_frequency=1, max_length=50),
                         LSTMClassifier(**SMALL)).fit(TEXTS, LABELS)


@pytest.fixture
def saved(pipe, tmp_path):
    return sklstm.save(pipe, tmp_path / "model.sklstm")


def rewrite(path, change):
    """Rewrite the zip at ``path`` with ``change(members)`` applied to its {name: bytes}."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def rewrite_consistently(path, change):
    """Like ``rewrite``, then fix the manifest's checksums (a deliberate forgery)."""
    def both(members):
        change(members)
        manifest = json.loads(members["manifest.json"])
        manifest["members"] = {name: hashlib.sha256(data).hexdigest()
                               for name, data in members.items() if name != "manifest.json"}
        members["manifest.json"] = json.dumps(manifest).encode()
    rewrite(path, both)


def test_pipeline_round_trip_is_exact(pipe, saved):
    restored = sklstm.load(saved)
    assert isinstance(restored, Pipeline)
    assert [name for name, _ in restored.steps] == [name for name, _ in pipe.steps]
    np.testing.assert_array_equal(restored.predict_proba(TEXTS), pipe.predict_proba(TEXTS))
    new = ["truly wonderful"]
    assert restored.predict(new).tolist() == pipe.predict(new).tolist()
    tok, clf = restored.steps[0][1], restored.steps[1][1]
    assert tok.get_params() == pipe[0].get_params()
    assert tok.vocabulary_ == pipe[0].vocabulary_ and tok.vocab_size_ == pipe[0].vocab_size_
    assert clf.get_params() == pipe[1].get_params()
    np.testing.assert_array_equal(clf.classes_, pipe[1].classes_)
    assert clf.classes_.dtype == pipe[1].classes_.dtype
    assert (clf.vocab_size_, clf.n_features_in_, clf.n_iter_, clf.device_) == (
        pipe[1].vocab_size_, pipe[1].n_features_in_, pipe[1].n_iter_, "cpu")
    assert clf.history_[:, "valid_loss"] == pipe[1].history_[:, "valid_loss"]
    assert clf.module_ is clf.net_.module_
    with zipfile.ZipFile(saved) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert names == {"manifest.json", "config.json", "steps/0/tokenizer.json",
                     "steps/1/weights.safetensors"}
    assert manifest["format"] == "sklstm-model" and manifest["format_version"] == FORMAT_VERSION
    assert manifest["kinds"] == ["Pipeline", "TextTokenizer", "LSTMClassifier"]
    assert set(manifest["members"]) == names - {"manifest.json"}


def test_standalone_estimators_round_trip(tmp_path):
    tok = TextTokenizer(level="bpe", min_frequency=1, max_features=60, dtype=np.int64).fit(TEXTS)
    restored = sklstm.load(sklstm.save(tok, tmp_path / "tok.sklstm"))
    assert restored.dtype is np.int64 and restored.level == "bpe"
    np.testing.assert_array_equal(restored.transform(TEXTS), tok.transform(TEXTS))
    assert restored.inverse_transform(restored.transform(TEXTS[:2])) == \
        tok.inverse_transform(tok.transform(TEXTS[:2]))

    X = tok.transform(TEXTS)
    y = np.array([3, 7] * 16)
    clf = LSTMClassifier(**dict(SMALL, early_stopping=False, validation_fraction=None,
                                class_weight={3: 1.0, 7: 2.0})).fit(X, y)
    loaded = sklstm.load(sklstm.save(clf, tmp_path / "clf.sklstm"))
    assert loaded.class_weight == {3: 1.0, 7: 2.0}
    np.testing.assert_array_equal(loaded.classes_, [3, 7])
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_load_never_unpickles(saved, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("load must not unpickle")

    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    assert sklstm.load(saved).predict(["great fun"]).shape == (1,)


def test_interrupted_save_keeps_the_old_file(pipe, saved, tmp_path, monkeypatch):
    before = saved.read_bytes()
    other = make_pipeline(TextTokenizer(min_frequency=1),
                          LSTMClassifier(**dict(SMALL, hidden_size=4))).fit(TEXTS, LABELS)
    real_writestr = zipfile.ZipFile.writestr

    def interrupted(self, name, data, *args, **kwargs):
        if str(getattr(name, "filename", name)).endswith(".safetensors"):
            raise KeyboardInterrupt
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sklstm.save(other, saved)
    monkeypatch.undo()
    assert saved.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.sklstm"]
    np.testing.assert_array_equal(sklstm.load(saved).predict_proba(TEXTS),
                                  pipe.predict_proba(TEXTS))


def _newer(members):
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = FORMAT_VERSION + 1
    members["manifest.json"] = json.dumps(manifest).encode()


def _other_format(members):
    manifest = json.loads(members["manifest.json"])
    manifest["format"] = "something-else"
    members["manifest.json"] = json.dumps(manifest).encode()


def _tamper_config(members):
    members["config.json"] = members["config.json"].replace(b'"hidden_size": 8',
                                                            b'"hidden_size": 9')


def _tamper_weights(members):
    data = bytearray(members["steps/1/weights.safetensors"])
    data[-1] ^= 1
    members["steps/1/weights.safetensors"] = bytes(data)


def _drop_weights(members):
    del members["steps/1/weights.safetensors"]


def _drop_manifest(members):
    del members["manifest.json"]


@pytest.mark.parametrize("change, match", [
    (_newer, rf"newer sklstm .*format_version {FORMAT_VERSION + 1}.*upgrade"),
    (_other_format, "not an sklstm model file .*something-else"),
    (_tamper_config, "checksum mismatch for 'config.json'.*tampered"),
    (_tamper_weights, "checksum mismatch for 'steps/1/weights.safetensors'"),
    (_drop_weights, "member 'steps/1/weights.safetensors' is missing"),
    (_drop_manifest, "has no manifest.json"),
])
def test_damaged_files_give_clear_errors(saved, change, match):
    rewrite(saved, change)
    with pytest.raises(ModelFileError, match=match):
        sklstm.load(saved)


def test_a_file_from_a_future_version_names_both_versions(saved):
    def future(members):
        manifest = json.loads(members["manifest.json"])
        manifest.update(format_version=FORMAT_VERSION + 1, sklstm_version="2.3.0")
        members["manifest.json"] = json.dumps(manifest).encode()

    rewrite(saved, future)
    with pytest.raises(ModelFileError, match=rf"written by a newer sklstm \(2\.3\.0, "
                       rf"format_version {FORMAT_VERSION + 1}\); this sklstm "
                       rf"{sklstm.__version__} reads format_version up to {FORMAT_VERSION}: "
                       "upgrade sklstm"):
        sklstm.load(saved)


def test_not_a_zip_and_truncated(saved, tmp_path):
    data = saved.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 100):
        saved.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="not a zip archive, or truncated"):
            sklstm.load(saved)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="not an sklstm model file"):
        sklstm.load(text)
    with pytest.raises(FileNotFoundError):
        sklstm.load(tmp_path / "missing.sklstm")


def test_forged_class_outside_the_allow_list_is_refused(saved):
    def forge(members):
        config = json.loads(members["config.json"])
        config["root"]["steps"][1][1]["kind"] = "subprocess.Popen"
        members["config.json"] = json.dumps(config).encode()

    rewrite_consistently(saved, forge)
    with pytest.raises(ModelFileError, match="kind 'subprocess.Popen' is not allowed"):
        sklstm.load(saved)


@pytest.mark.parametrize("old, new, match", [
    (b'"hidden_size": 8', b'"hidden_size": 9', "weights do not fit the configuration"),
    (b'"pooling": "max"', b'"pooling": "sum"', "pooling"),
])
def test_forged_configuration_is_refused(saved, old, new, match):
    def forge(members):
        members["config.json"] = members["config.json"].replace(old, new)

    rewrite_consistently(saved, forge)
    with pytest.raises(ModelFileError, match=match):
        sklstm.load(saved)


def test_what_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        sklstm.save(make_pipeline(TextTokenizer(), LSTMClassifier()), tmp_path / "a")
    X = TextTokenizer(min_frequency=1).fit_transform(TEXTS)
    foreign = LogisticRegression().fit(X, LABELS)
    with pytest.raises(ValueError, match="cannot save a sklearn.linear_model.*LogisticRegression"):
        sklstm.save(foreign, tmp_path / "b")

    class Noop(Callback):
        pass

    clf = LSTMClassifier(**dict(SMALL, max_epochs=1, callbacks=[Noop()])).fit(X, LABELS)
    with pytest.raises(ValueError, match="callbacks cannot be saved"):
        sklstm.save(clf, tmp_path / "c")
    clf.set_params(callbacks=None, random_state=np.random.RandomState(0))
    with pytest.raises(ValueError, match="random_state must be an int or None"):
        sklstm.save(clf, tmp_path / "d")
    assert not list(tmp_path.iterdir())


def test_saved_on_cuda_loads_on_cpu(saved):
    def on_cuda(members):
        members["config.json"] = members["config.json"].replace(b'"device_": "cpu"',
                                                                b'"device_": "cuda:0"')

    rewrite_consistently(saved, on_cuda)
    restored = sklstm.load(saved)
    expected = "cuda:0" if torch.cuda.is_available() else "cpu"
    assert restored[-1].device_ == expected
    assert restored.predict_proba(TEXTS).shape == (len(TEXTS), 2)


# --------------------------------------------------------------- pickle / joblib


@pytest.mark.parametrize("dump, load", [
    (pickle.dumps, pickle.loads),
    (lambda est: (lambda f: (joblib.dump(est, f), f.getvalue())[1])(io.BytesIO()),
     lambda data: joblib.load(io.BytesIO(data))),
])
def test_pickle_and_joblib_still_work(pipe, dump, load):
    restored = load(dump(pipe))
    np.testing.assert_array_equal(restored.predict_proba(TEXTS), pipe.predict_proba(TEXTS))
    assert restored[-1].module_ is restored[-1].net_.module_


def test_a_pickle_holds_the_optimizer_once(pipe):
    # The learning-rate schedule let go of its torch scheduler (which holds the optimizer)
    # when training ended: a pickle is the size of one without a schedule.
    X = pipe[0].transform(TEXTS)
    clf = clone(pipe[-1]).set_params(lr_schedule="onecycle").fit(X, LABELS)
    assert dict(clf.net_.callbacks_)["lr_scheduler"].lr_scheduler_ is None
    plain = clone(clf).set_params(lr_schedule=None).fit(X, LABELS)
    assert abs(len(pickle.dumps(clf)) - len(pickle.dumps(plain))) < 0.05 * len(pickle.dumps(plain))


def test_model_pickled_on_a_gpu_loads_on_a_cpu_only_machine(pipe, monkeypatch):
    """Simulated: storages are tagged 'cuda:0' as a GPU pickle would tag them."""
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    clf = pickle.loads(pickle.dumps(pipe[-1]))
    clf.device_ = clf.net_.device = "cuda"
    monkeypatch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
    data = pickle.dumps(clf)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # skorch: "no CUDA devices"
        restored = pickle.loads(data)
    assert restored.device_ == "cpu" and str(restored.net_.device) == "cpu"
    assert restored.module_ is restored.net_.module_
    X = pipe[0].transform(TEXTS)
    np.testing.assert_array_equal(restored.predict_proba(X), pipe[-1].predict_proba(X))


def test_model_with_word_vectors_conv_and_schedule_round_trips(tmp_path):
    tokenizer = TextTokenizer(min_frequency=1).fit(TEXTS)
    table = np.random.default_rng(0).normal(
        size=(tokenizer.vocab_size_, 6)).astype(np.float32)
    model = make_pipeline(
        TextTokenizer(vocabulary=tokenizer.vocabulary_),
        LSTMClassifier(**dict(SMALL, embeddings=table, freeze_embeddings=True,
                              conv_filters=4, lr_schedule="cosine"))).fit(TEXTS, LABELS)
    loaded = sklstm.load(sklstm.save(model, tmp_path / "vectors.sklstm"))
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), model.predict_proba(TEXTS))
    classifier = loaded[-1]
    # The trained table lives in the weights; the initial one is not kept.
    assert classifier.embeddings is None and classifier.embedding_dim_ == 6
    assert classifier.module_.embedding.weight.shape == (tokenizer.vocab_size_, 6)


MODEL_FILES = sorted((Path(__file__).parent / "data").glob("model-*.sklstm"))


def test_model_files_of_earlier_versions_are_kept():
    assert "model-0.1.0.sklstm" in [path.name for path in MODEL_FILES]


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_model_files_of_earlier_versions_still_load(path, tmp_path):
    """Files written by tests/data/make_model_files.py under an earlier sklstm predict as then."""
    expected = json.loads(path.with_suffix(".json").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loading an old file warns about nothing
        pipe = sklstm.load(path)
    probe = expected["probe"]
    assert pipe.classes_.tolist() == expected["classes"]
    np.testing.assert_array_equal(pipe[0].transform(probe), expected["ids"])
    np.testing.assert_allclose(pipe.predict_proba(probe), expected["predict_proba"], rtol=1e-6)
    clf = pipe[-1]
    assert len(clf.history_) == clf.n_iter_ == expected["n_epochs"]
    assert clf.vocab_size_ == pipe[0].vocab_size_
    # Parameters and attributes newer than the file take the value that does what its sklstm
    # did; pretraining's default became 'auto' in 1.0 (0.x files have None).
    before_1 = expected["sklstm_version"].startswith("0.")
    assert clf.pretraining == (None if before_1 else "auto") and clf.unlabeled_label is None
    assert clf.pretraining_history_ == [] and clf.n_unlabeled_ == 0
    # Saved again by this version, it loads to the same model.
    again = sklstm.load(sklstm.save(pipe, tmp_path / "again.sklstm"))
    np.testing.assert_array_equal(again.predict_proba(probe), pipe.predict_proba(probe))


def test_n_vocab_is_a_deprecated_name_of_vocab_size(pipe):
    clf = pipe[-1]
    with pytest.warns(FutureWarning, match="use vocab_size_"):
        assert clf.n_vocab_ == clf.vocab_size_


def test_pickles_of_0_1_with_n_vocab_load(pipe):
    state = pipe[-1].__getstate__()
    state["n_vocab_"] = state.pop("vocab_size_")  # as sklstm 0.1 pickled it
    clf = LSTMClassifier.__new__(LSTMClassifier)
    clf.__setstate__(state)
    assert clf.vocab_size_ == pipe[-1].vocab_size_ and "n_vocab_" not in vars(clf)


def test_pickles_without_newer_parameters_load_with_their_defaults(pipe):
    state = pipe[-1].__getstate__()
    for name in ("unlabeled_label", "pretraining", "pretraining_epochs", "memory",
                 "pretraining_history_", "n_unlabeled_"):
        state.pop(name)  # as sklstm 0.2 pickled it
    clf = LSTMClassifier.__new__(LSTMClassifier)
    clf.__setstate__(state)
    assert clf.get_params()["pretraining"] is None and clf.memory is None
    assert clf.pretraining_history_ == [] and clf.n_unlabeled_ == 0
    X = pipe[0].transform(TEXTS)
    np.testing.assert_array_equal(clf.predict_proba(X), pipe[-1].predict_proba(X))


def test_multilabel_and_weighted_models_survive_save_load_and_pickle(tmp_path):
    X = TextTokenizer(min_frequency=1).fit_transform(TEXTS)
    sets = [{"good", "film"} if label == "pos" else {"bad"} for label in LABELS]
    clf = LSTMClassifier(**dict(SMALL, threshold=0.4, early_stopping=False,
                                validation_fraction=None)).fit(
        X, sets, sample_weight=np.linspace(0.5, 2.0, len(LABELS)))
    loaded = sklstm.load(sklstm.save(clf, tmp_path / "multi.sklstm"))
    assert loaded.multilabel_ and loaded.classes_.tolist() == ["bad", "film", "good"]
    np.testing.assert_array_equal(loaded.thresholds_, clf.thresholds_)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    np.testing.assert_array_equal(loaded.decision_function(X), clf.decision_function(X))
    unpickled = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(unpickled.predict_proba(X), clf.predict_proba(X))
    # a loaded model trains on: warm_start and partial_fit continue from the saved weights
    loaded.set_params(warm_start=True, max_epochs=1)
    loaded.partial_fit(X, sets)
    assert loaded.n_iter_ == clf.n_iter_ + 1


# ------------------------------------------------------------------ metadata

def test_metadata_is_kept_and_checked(tmp_path):
    from sklstm import load_metadata

    tok = TextTokenizer(min_frequency=1).fit(["a good film", "a bad film"])
    meta = {"text_columns": ["title", "body"], "n_train": 2, "classes": [0, 1]}
    path = sklstm.save(tok, tmp_path / "tok.sklstm", metadata=meta)
    assert load_metadata(path) == meta
    assert sklstm.load(path).transform(["good"]).tolist() == tok.transform(["good"]).tolist()
    assert load_metadata(sklstm.save(tok, tmp_path / "plain.sklstm")) == {}
    with pytest.raises(TypeError, match="metadata must be a dict"):
        sklstm.save(tok, tmp_path / "bad.sklstm", metadata=["x"])
    assert not (tmp_path / "bad.sklstm").exists()
    # The metadata is checksummed like every other member.
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["metadata.json"] = json.dumps({"text_columns": ["evil"]}).encode()
    with zipfile.ZipFile(tmp_path / "altered.sklstm", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="checksum mismatch for 'metadata.json'"):
        load_metadata(tmp_path / "altered.sklstm")


def test_model_saved_by_0_1_has_no_metadata():
    from sklstm import load_metadata

    assert load_metadata(Path(__file__).parent / "data" / "model-0.1.0.sklstm") == {}
