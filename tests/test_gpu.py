"""device='auto': CUDA when torch sees a GPU, else the CPU; GPU models on CPU machines.

The ``gpu``-marked test is skipped by tests/conftest.py on machines without CUDA.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

import sklstm
from sklstm import LSTMClassifier, LSTMRegressor, TextTokenizer
from sklstm._utils import torch as torch_utils
from sklstm.explain import explain

TEXTS = ["a great film", "loved it", "what a bore", "awful film"] * 8
LABELS = ["pos", "pos", "neg", "neg"] * 8


def _pipe(**params):
    return make_pipeline(
        TextTokenizer(min_frequency=1),
        LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=2, early_stopping=False,
                       validation_fraction=None, random_state=0, **params),
    )


def test_auto_device_is_cpu_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    pipe = _pipe(device="auto").fit(TEXTS, LABELS)
    clf = pipe[-1]
    assert clf.device_ == "cpu"
    assert all(p.device.type == "cpu" for p in clf.module_.parameters())
    assert pipe.predict_proba(TEXTS).shape == (len(TEXTS), 2)


def test_explicit_cuda_without_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA is not available"):
        _pipe(device="cuda").fit(TEXTS, LABELS)


@pytest.mark.gpu
def test_auto_device_trains_on_cuda():
    pipe = _pipe(device="auto").fit(TEXTS, LABELS)
    clf = pipe[-1]
    assert clf.device_ == "cuda"
    assert all(p.device.type == "cuda" for p in clf.module_.parameters())
    proba = pipe.predict_proba(TEXTS)
    assert isinstance(proba, np.ndarray) and proba.shape == (len(TEXTS), 2)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert pipe.predict(["loved it"]).tolist() in (["pos"], ["neg"])


def _on_cpu_machine(monkeypatch):
    """From here on torch reports no CUDA device, as on a CPU-only machine."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def _unpickle_on_cpu_machine(data, monkeypatch):
    _on_cpu_machine(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skorch: "moved from cuda to cpu"
        return pickle.loads(data)


@pytest.mark.gpu
@pytest.mark.parametrize("how", ["pickle", "sklstm.save"])
def test_a_model_fitted_on_cuda_loads_and_predicts_on_a_cpu_only_machine(how, tmp_path,
                                                                         monkeypatch):
    pipe = _pipe(device="cuda", precision="float32").fit(TEXTS, LABELS)
    expected = pipe.predict_proba(TEXTS)
    if how == "pickle":
        loaded = _unpickle_on_cpu_machine(pickle.dumps(pipe), monkeypatch)
    else:
        sklstm.save(pipe, tmp_path / "model.sklstm")
        _on_cpu_machine(monkeypatch)
        loaded = sklstm.load(tmp_path / "model.sklstm")
    clf = loaded[-1]
    assert clf.device_ == "cpu"
    assert all(p.device.type == "cpu" for p in clf.module_.parameters())
    # cuDNN may use TF32 tensor cores; the CPU computes in full float32.
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), expected, atol=2e-3)


@pytest.mark.gpu
@pytest.mark.bfloat16
def test_auto_precision_is_bfloat16_on_a_cuda_gpu_that_has_it(monkeypatch):
    if not torch.cuda.is_bf16_supported(including_emulation=False):
        pytest.skip("this GPU lacks native bfloat16")
    pipe = _pipe(device="cuda").fit(TEXTS, LABELS)
    clf = pipe[-1]
    assert clf.precision_ == "bfloat16"
    assert {p.dtype for p in clf.module_.parameters()} == {torch.float32}
    expected = pipe.predict_proba(TEXTS)
    # On a CPU without bfloat16 the same model predicts in float32.
    loaded = _unpickle_on_cpu_machine(pickle.dumps(pipe), monkeypatch)
    monkeypatch.setattr(torch_utils, "bf16_missing", lambda device: "AMX")
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), expected, atol=0.02)


@pytest.mark.gpu
def test_integrated_gradients_on_cuda_match_the_same_model_on_the_cpu(monkeypatch):
    pipe = _pipe(device="cuda", precision="float32").fit(TEXTS, LABELS)
    texts = ["a great film", "what a bore, awful"]
    on_gpu = explain(pipe, texts, n_steps=16, integration="gausslegendre")
    on_cpu = explain(_unpickle_on_cpu_machine(pickle.dumps(pipe), monkeypatch), texts,
                     n_steps=16, integration="gausslegendre")
    for g, c in zip(on_gpu, on_cpu, strict=True):
        assert g.tokens == c.tokens
        np.testing.assert_allclose(g.weights, c.weights, atol=1e-2 * np.abs(c.weights).max())


@pytest.mark.gpu
@pytest.mark.parametrize("pretraining", ["lm", "word2vec"])
def test_pretraining_with_unlabelled_rows_on_cuda(pretraining):
    if pretraining == "word2vec":
        pytest.importorskip("gensim")
    labels = np.array(LABELS, dtype=object)
    labels[::4] = "unlabelled"
    pipe = _pipe(device="cuda", unlabeled_label="unlabelled", pretraining=pretraining)
    clf = pipe.fit(TEXTS, labels)[-1]
    assert clf.n_unlabeled_ == len(TEXTS) // 4
    assert clf.pretraining_history_
    assert all(p.device.type == "cuda" for p in clf.module_.parameters())
    assert set(pipe.predict(TEXTS)) <= {"pos", "neg"}


@pytest.mark.gpu
def test_the_regressor_trains_on_cuda():
    y = np.tile([9.0, 8.0, 2.0, 1.0], 8)
    pipe = make_pipeline(
        TextTokenizer(min_frequency=1),
        LSTMRegressor(embedding_dim=8, hidden_size=8, max_epochs=20, early_stopping=False,
                      validation_fraction=None, random_state=0, device="auto"),
    ).fit(TEXTS, y)
    assert pipe[-1].device_ == "cuda"
    pred = pipe.predict(TEXTS)
    assert pred.shape == (len(TEXTS),) and np.isfinite(pred).all()
    assert pred[:2].mean() > pred[2:4].mean()  # it learnt the direction
