"""The estimators' ``precision``: bfloat16 autocast where the hardware has it, float32 weights."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

import sklstm
from sklstm import LSTMClassifier, LSTMRegressor
from sklstm._utils import torch as torch_utils
from sklstm.lstm._language_model import pretrain_language_model

SMALL = dict(embedding_dim=8, hidden_size=8, max_epochs=3, random_state=0, device="cpu")
MISSING = "the CPU instructions avx512_bf16 or AMX"
#: How far a row's bfloat16 prediction may move with the rows batched beside it.
BF16_ATOL = 1e-6


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    """Each test sees the first use of emulated bfloat16: it warns once per process."""
    monkeypatch.setattr(torch_utils, "_WARNED", set())


@pytest.fixture
def hardware(monkeypatch):
    """``hardware(bf16)``: pretend the CPU has native bfloat16 (True) or lacks it (False)."""
    def set_bf16(native):
        monkeypatch.setattr(torch_utils, "bf16_missing",
                            lambda device: None if native else MISSING)
    return set_bf16


class LSTMDtypes:
    """Records the dtype of the LSTM's outputs and whether autograd was off, per forward pass."""

    def __init__(self, module):
        self.seen = []
        layer = module.forward_layers[0] if module.bidirectional else module.lstm
        layer.register_forward_hook(self._hook)

    def _hook(self, layer, inputs, output):
        self.seen.append((output[0].dtype, torch.is_inference_mode_enabled()))

    def dtypes(self):
        return {dtype for dtype, _ in self.seen}


def test_precision_dtype_follows_the_hardware(hardware):
    hardware(True)
    assert torch_utils.precision_dtype("auto", "cpu") is torch.bfloat16
    assert torch_utils.precision_dtype("bfloat16", "cpu", training=False) is torch.bfloat16
    assert torch_utils.precision_dtype("float32", "cpu") is None
    hardware(False)
    assert torch_utils.precision_dtype("auto", "cpu") is None
    # Forced: emulated in training (with a warning), float32 in prediction.
    assert torch_utils.precision_dtype("bfloat16", "cpu", training=False) is None
    with pytest.warns(UserWarning, match="lacks the CPU instructions avx512_bf16 or AMX"):
        assert torch_utils.precision_dtype("bfloat16", "cpu") is torch.bfloat16


def test_emulated_bfloat16_warns_once(hardware, recwarn):
    hardware(False)
    for _ in range(3):
        torch_utils.precision_dtype("bfloat16", "cpu")
    messages = [str(w.message) for w in recwarn.list if "emulated" in str(w.message)]
    assert len(messages) == 1 and "precision='auto'" in messages[0]


@pytest.mark.bfloat16
def test_bf16_missing_reads_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    assert torch_utils.bf16_missing("cpu") == MISSING
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True)
    assert torch_utils.bf16_missing("cpu") is None


@pytest.mark.parametrize("estimator", [LSTMClassifier, LSTMRegressor])
def test_unknown_precision_names_the_choices(estimator, groups_data):
    X, y = groups_data(40)
    with pytest.raises(InvalidParameterError, match="'precision' parameter") as error:
        estimator(precision="float16", **SMALL).fit(X, y)
    assert all(f"'{choice}'" in str(error.value) for choice in ("auto", "bfloat16", "float32"))
    assert "'float16'" in str(error.value)
    with pytest.raises(ValueError, match=r"precision must be one of \('auto', 'float32'"):
        torch_utils.precision_dtype("half", "cpu")


@pytest.mark.parametrize("precision, dtype", [("bfloat16", torch.bfloat16),
                                              ("float32", torch.float32)])
def test_training_and_prediction_run_at_the_precision(precision, dtype, groups_data, hardware):
    hardware(True)
    X, y = groups_data(120)
    clf = LSTMClassifier(precision=precision, **SMALL).fit(X, y)
    assert clf.precision_ == str(dtype).removeprefix("torch.")
    probe = LSTMDtypes(clf.module_)
    proba = clf.predict_proba(X)
    assert probe.dtypes() == {dtype}
    assert all(inference for _, inference in probe.seen)  # no autograd in prediction
    assert np.allclose(proba.sum(axis=1), 1, atol=1e-6)
    # What is trained and saved stays float32.
    assert {p.dtype for p in clf.module_.parameters()} == {torch.float32}
    for group in clf.net_.optimizer_.state.values():
        assert {v.dtype for v in group.values() if v.is_floating_point()} == {torch.float32}
    assert (clf.predict(X) == y).mean() > 0.9


def test_auto_is_float32_without_native_bfloat16(groups_data, hardware, recwarn):
    hardware(False)
    X, y = groups_data(60)
    clf = LSTMClassifier(precision="auto", **SMALL).fit(X, y)
    assert clf.precision_ == "float32"
    probe = LSTMDtypes(clf.module_)
    clf.predict(X)
    assert probe.dtypes() == {torch.float32}
    assert not [w for w in recwarn.list if "bfloat16" in str(w.message)]


def test_bfloat16_fits_are_repeatable(groups_data, hardware, one_torch_thread):
    hardware(True)
    X, y = groups_data(80)
    runs = [LSTMClassifier(precision="bfloat16", dropout=0.3, **SMALL).fit(X, y).predict_proba(X)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    float32 = LSTMClassifier(precision="float32", dropout=0.3, **SMALL).fit(X, y)
    assert not np.array_equal(runs[0], float32.predict_proba(X))


def test_a_bfloat16_model_predicts_in_float32_where_the_hardware_lacks_it(
        groups_data, hardware, tmp_path, recwarn):
    hardware(True)
    X, y = groups_data(150)
    clf = LSTMClassifier(precision="bfloat16", **SMALL).fit(X, y)
    native = clf.predict_proba(X)
    sklstm.save(clf, tmp_path / "model.sklstm")
    pickled = pickle.dumps(clf)
    hardware(False)
    for model in (sklstm.load(tmp_path / "model.sklstm"), pickle.loads(pickled)):
        probe = LSTMDtypes(model.module_)
        proba = model.predict_proba(X)
        assert probe.dtypes() == {torch.float32}
        assert np.abs(proba - native).max() < 0.02
        assert (proba.argmax(axis=1) == native.argmax(axis=1)).mean() >= 0.995
    assert not [w for w in recwarn.list if "emulated" in str(w.message)]


def test_forced_bfloat16_trains_emulated_with_a_warning(groups_data, hardware):
    hardware(False)
    X, y = groups_data(60)
    with pytest.warns(UserWarning, match="precision='bfloat16' on 'cpu', which lacks") as record:
        clf = LSTMRegressor(precision="bfloat16", **SMALL).fit(X, y.astype(float))
    assert clf.precision_ == "bfloat16"
    assert record[0].filename == __file__  # the user's line
    assert np.isfinite(clf.predict(X)).all()


def test_warm_start_follows_a_new_precision(groups_data, hardware):
    hardware(True)
    X, y = groups_data(60)
    clf = LSTMClassifier(precision="float32", warm_start=True, **SMALL).fit(X, y)
    clf.set_params(precision="bfloat16", max_epochs=1).fit(X, y)
    assert clf.precision_ == "bfloat16" and clf.net_.precision == "bfloat16"
    probe = LSTMDtypes(clf.module_)
    clf.predict(X)
    assert probe.dtypes() == {torch.bfloat16}


def test_language_model_pretraining_runs_at_the_precision(make_module, ragged_batch, hardware):
    hardware(True)
    module = make_module(hidden_size=8, bidirectional=True)
    X = ragged_batch([6, 9, 4, 12] * 8).numpy()
    probe = LSTMDtypes(module)
    history = pretrain_language_model(module, X, epochs=2, precision="bfloat16")
    assert probe.dtypes() == {torch.bfloat16}
    assert all(np.isfinite(row["loss"]) for row in history)
    assert history[1]["loss"] < history[0]["loss"]
    assert {p.dtype for p in module.parameters()} == {torch.float32}


def test_models_of_earlier_versions_run_in_float32():
    clf = LSTMClassifier(**SMALL)
    state = {k: v for k, v in clf.__dict__.items() if k != "precision"}
    state["device_"] = "cpu"
    clf2 = LSTMClassifier.__new__(LSTMClassifier)
    clf2.__setstate__(state)
    assert clf2.precision == "float32" and clf2.precision_ == "float32"


def test_integrated_gradients_of_a_bfloat16_model_run_in_float32(groups_data, hardware):
    from sklstm.explain import IntegratedGradients
    from sklstm.explain._gradients import integrated_gradients

    hardware(True)
    X, y = groups_data(80)
    clf = LSTMClassifier(precision="bfloat16", **SMALL).fit(X, y)
    probe = LSTMDtypes(clf.module_)
    found = integrated_gradients(clf, X[:4], n_steps=8)
    assert probe.dtypes() == {torch.float32}
    # Their completeness holds to float32's tolerance: the outputs they explain are float32.
    assert np.all(np.asarray(found.completeness_errors) <= IntegratedGradients().tolerance)


def test_auto_trains_in_bfloat16_where_native_and_float32_stays_the_default(groups_data,
                                                                             hardware):
    X, y = groups_data(60)
    hardware(True)
    assert LSTMClassifier(precision="auto", **SMALL).fit(X, y).precision_ == "bfloat16"
    assert LSTMClassifier(**SMALL).fit(X, y).precision_ == "float32"
    assert LSTMRegressor(**SMALL).fit(X, y.astype(float)).precision_ == "float32"
    hardware(False)
    assert LSTMClassifier(precision="auto", **SMALL).fit(X, y).precision_ == "float32"


def test_bfloat16_predictions_do_not_depend_on_the_batch(groups_data, hardware):
    # On the CPU, predict_stream and prediction text by text give what one call on all rows
    # gives, in bfloat16 as in float32.
    hardware(True)
    X, y = groups_data(200)
    clf = LSTMClassifier(precision="auto", **SMALL).fit(X, y)
    assert clf.precision_ == "bfloat16"
    whole = clf.predict_proba(X)
    parts = np.concatenate([clf.predict_proba(X[i:i + 7]) for i in range(0, len(X), 7)])
    alone = np.concatenate([clf.predict_proba(X[i:i + 1]) for i in range(40)])
    np.testing.assert_allclose(parts, whole, atol=BF16_ATOL)
    np.testing.assert_allclose(alone, whole[:40], atol=BF16_ATOL)
