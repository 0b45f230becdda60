"""device='auto': CUDA when torch sees a GPU, else the CPU.

The ``gpu``-marked test is skipped by tests/conftest.py on machines without CUDA.
"""

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer

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
