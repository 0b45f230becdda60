"""Resumable checkpoints (sklstm.lstm.callbacks): a resumed run ends as an uninterrupted one."""


import numpy as np
import pytest
import torch

from sklstm import LSTMClassifier, LSTMRegressor
from sklstm.lstm.callbacks import CHECKPOINT_FILE

SMALL = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
NO_VALID = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=5)


# Bit-identical results need a fixed number of threads.
pytestmark = pytest.mark.usefixtures("one_torch_thread")


# -------------------------------------------------------------- checkpoints


@pytest.mark.parametrize("params", [
    NO_VALID,
    dict(NO_VALID, lr_schedule="onecycle", embeddings=np.random.default_rng(0).normal(
        size=(40, 8)).astype(np.float32)),
    dict(SMALL, max_epochs=6, patience=3, embedding_dropout=0.2),
    dict(SMALL, lr=3e-2, max_epochs=30, patience=2),  # stops early
], ids=["no-validation", "schedule-and-vectors", "validation", "early-stop"])
@pytest.mark.parametrize("stop", [(3, 2), (2, 1)], ids=["mid-epoch", "epoch-start"])
def test_resumed_run_ends_with_the_same_weights(tmp_path, params, stop, training_faults,
                                                 signal_data):
    X, y = signal_data(n=160)
    if params["max_epochs"] == 30:
        y = np.random.default_rng(0).permutation(y)
    full = LSTMClassifier(**params).fit(X, y)

    folder = tmp_path / "ckpt"
    first = training_faults.fit_quietly(LSTMClassifier(**dict(params, checkpoint_dir=folder,
                                              callbacks=[training_faults.CtrlC(*stop)])), X, y)
    assert first.interrupted_ and first.n_iter_ == stop[0] - 1
    assert (folder / CHECKPOINT_FILE).is_file()
    resumed = LSTMClassifier(**dict(params, checkpoint_dir=folder)).fit(X, y)
    assert not resumed.interrupted_
    assert resumed.n_iter_ == full.n_iter_
    assert resumed.history_[:, "train_loss"] == full.history_[:, "train_loss"]
    training_faults.assert_same_weights(resumed, full)
    np.testing.assert_array_equal(resumed.predict_proba(X), full.predict_proba(X))
    # A finished run's checkpoint resumes to the end at once.
    again = LSTMClassifier(**dict(params, checkpoint_dir=folder)).fit(X, y)
    training_faults.assert_same_weights(again, full)
    assert again.n_iter_ == full.n_iter_


def test_checkpoint_of_another_run_is_refused_and_kept(tmp_path, signal_data):
    X, y = signal_data(n=80)
    LSTMClassifier(**dict(NO_VALID, max_epochs=1, checkpoint_dir=tmp_path)).fit(X, y)
    before = (tmp_path / CHECKPOINT_FILE).read_bytes()
    with pytest.raises(ValueError, match=r"another run \(hidden_size: 8 in the checkpoint, "
                                         r"9 now\).*not overwritten"):
        LSTMClassifier(**dict(NO_VALID, max_epochs=1, hidden_size=9,
                              checkpoint_dir=tmp_path)).fit(X, y)
    X2 = X.copy()
    X2[0, 0] += 1
    with pytest.raises(ValueError, match="data_sha256"):
        LSTMClassifier(**dict(NO_VALID, max_epochs=1, checkpoint_dir=tmp_path)).fit(X2, y)
    with pytest.raises(ValueError, match="random_state: 0 in the checkpoint, 1 now"):
        LSTMClassifier(**dict(NO_VALID, max_epochs=1, random_state=1,
                              checkpoint_dir=tmp_path)).fit(X, y)
    assert (tmp_path / CHECKPOINT_FILE).read_bytes() == before


def test_damaged_checkpoint_is_reported(tmp_path, signal_data):
    X, y = signal_data(n=40)
    (tmp_path / CHECKPOINT_FILE).write_bytes(b"garbage")
    with pytest.raises(ValueError, match="not a readable sklstm checkpoint"):
        LSTMClassifier(**dict(NO_VALID, checkpoint_dir=tmp_path)).fit(X, y)


def test_checkpoint_loads_without_pickled_objects(tmp_path, signal_data):
    X, y = signal_data(n=40)
    LSTMClassifier(**dict(NO_VALID, max_epochs=1, checkpoint_dir=tmp_path)).fit(X, y)
    state = torch.load(tmp_path / CHECKPOINT_FILE, weights_only=True)
    assert set(state) == {"meta", "module", "optimizer", "best_weights", "torch_rng"}
    assert isinstance(state["meta"], str)




@pytest.mark.parametrize("estimator, targets", [
    (LSTMClassifier, "weighted"), (LSTMRegressor, "ratings"), (LSTMClassifier, "multilabel"),
])
def test_resume_with_sample_weights_regression_and_multilabel(tmp_path, training_faults,
                                                              signal_data, estimator, targets):
    X, y = signal_data(n=120)
    weights = np.linspace(0.2, 2.0, len(y))
    if targets == "ratings":
        y = y * 3.0 + np.arange(len(y)) % 3
    elif targets == "multilabel":
        y = np.column_stack([y, 1 - y, (X[:, 0] > 20).astype(int)])
    params = dict(SMALL, max_epochs=4, patience=3)
    full = estimator(**params).fit(X, y, sample_weight=weights)
    folder = tmp_path / "ckpt"
    first = training_faults.fit_quietly(
        estimator(**dict(params, checkpoint_dir=folder, callbacks=[training_faults.CtrlC(3, 1)])),
        X, y, sample_weight=weights)
    assert first.interrupted_
    resumed = estimator(**dict(params, checkpoint_dir=folder)).fit(X, y, sample_weight=weights)
    training_faults.assert_same_weights(resumed, full)
    # other weights are another run: refused, the checkpoint kept
    with pytest.raises(ValueError, match="data_sha256"):
        estimator(**dict(params, checkpoint_dir=folder)).fit(X, y, sample_weight=weights[::-1])


def test_warm_start_continuation_resumes_too(tmp_path, training_faults, signal_data):
    X, y = signal_data(n=100)
    params = dict(NO_VALID, max_epochs=3, warm_start=True)
    full = LSTMClassifier(**params).fit(X, y).fit(X, y)
    base = LSTMClassifier(**params).fit(X, y)
    base.set_params(checkpoint_dir=tmp_path, callbacks=[training_faults.CtrlC(5, 2)])
    training_faults.fit_quietly(base, X, y)
    assert base.interrupted_ and base.n_iter_ == 4
    again = LSTMClassifier(**params).fit(X, y)
    again.set_params(checkpoint_dir=tmp_path)
    again.fit(X, y)
    assert again.n_iter_ == 6 and not again.interrupted_
    training_faults.assert_same_weights(again, full)
