"""Interruption, resumable checkpoints and non-finite losses (sklstm.callbacks)."""

import math
import warnings

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklstm import LSTMClassifier
from sklstm.callbacks import CHECKPOINT_FILE, NonFiniteLossError, StopOnNonFiniteLoss
from test_classifier import SMALL, signal_data

NO_VALID = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=5)


# Bit-identical results need a fixed number of threads.
pytestmark = pytest.mark.usefixtures("one_torch_thread")


class AtTrainingBatch(Callback):
    """Call ``act(net)`` before training batch ``batch`` of epoch ``epoch`` (from 1)."""

    def __init__(self, epoch, batch=1):
        self.epoch = epoch
        self.batch = batch

    def on_epoch_begin(self, net, **kwargs):
        self.seen = 0

    def on_batch_begin(self, net, training=None, **kwargs):
        if training:
            self.seen += 1
            if len(net.history) == self.epoch and self.seen == self.batch:
                self.act(net)


class CtrlC(AtTrainingBatch):
    """Raise KeyboardInterrupt before the given training batch."""

    def act(self, net):
        raise KeyboardInterrupt


class PoisonWeights(AtTrainingBatch):
    """Set the embedding to NaN before the given training batch."""

    def act(self, net):
        with torch.no_grad():
            net.module_.embedding.weight.fill_(math.nan)


def fit_quietly(clf, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return clf.fit(X, y)


def assert_same_weights(a, b):
    sa, sb = a.module_.state_dict(), b.module_.state_dict()
    assert sa.keys() == sb.keys()
    for name in sa:
        assert torch.equal(sa[name], sb[name]), name


# ------------------------------------------------------------------ Ctrl-C


def test_ctrl_c_keeps_best_weights_so_far():
    X, y = signal_data(n=200)
    y = np.random.default_rng(0).permutation(y)  # noise: validation loss soon rises
    clf = LSTMClassifier(**dict(SMALL, lr=3e-2, max_epochs=30, patience=20,
                                callbacks=[CtrlC(epoch=6, batch=2)]))
    with pytest.warns(UserWarning, match=r"interrupted after 5 complete epoch\(s\).*best"):
        clf.fit(X, y)
    assert clf.interrupted_ and clf.n_iter_ == 5 and len(clf.history_) == 5
    assert all("valid_loss" in row for row in clf.history_)
    stopper = dict(clf.net_.callbacks_)["early_stopping"]
    losses = np.array(clf.history_[:, "valid_loss"])
    # skorch counts an improvement only beyond a relative threshold of 1e-4.
    assert losses[stopper.best_epoch_ - 1] <= losses.min() * (1 + 1e-4)
    assert stopper.best_epoch_ < clf.n_iter_  # so the weights were restored
    for name, value in clf.module_.state_dict().items():
        torch.testing.assert_close(value, stopper.best_model_weights_[name])
    proba = clf.predict_proba(X)
    assert proba.shape == (200, 2) and np.isfinite(proba).all()


def test_ctrl_c_in_the_first_batch_still_gives_a_model():
    X, y = signal_data(n=80)
    clf = LSTMClassifier(**dict(NO_VALID, callbacks=[CtrlC(epoch=1, batch=1)]))
    with pytest.warns(UserWarning, match="interrupted after 0 complete"):
        clf.fit(X, y)
    assert clf.interrupted_ and clf.n_iter_ == 0
    assert clf.predict(X).shape == (80,)


def test_normal_fit_is_not_interrupted():
    X, y = signal_data(n=200)
    y = np.random.default_rng(0).permutation(y)
    clf = LSTMClassifier(**dict(SMALL, lr=3e-2, max_epochs=40, patience=2)).fit(X, y)
    assert not clf.interrupted_ and clf.n_iter_ < 40  # early stopping is no interruption


# -------------------------------------------------------------- checkpoints


@pytest.mark.parametrize("params", [
    NO_VALID,
    dict(NO_VALID, lr_schedule="onecycle", embeddings=np.random.default_rng(0).normal(
        size=(40, 8)).astype(np.float32)),
    dict(SMALL, max_epochs=6, patience=3, embedding_dropout=0.2),
    dict(SMALL, lr=3e-2, max_epochs=30, patience=2),  # stops early
], ids=["no-validation", "schedule-and-vectors", "validation", "early-stop"])
@pytest.mark.parametrize("stop", [(3, 2), (2, 1)], ids=["mid-epoch", "epoch-start"])
def test_resumed_run_ends_with_the_same_weights(tmp_path, params, stop):
    X, y = signal_data(n=160)
    if params["max_epochs"] == 30:
        y = np.random.default_rng(0).permutation(y)
    full = LSTMClassifier(**params).fit(X, y)

    folder = tmp_path / "ckpt"
    first = fit_quietly(LSTMClassifier(**dict(params, checkpoint_dir=folder,
                                              callbacks=[CtrlC(*stop)])), X, y)
    assert first.interrupted_ and first.n_iter_ == stop[0] - 1
    assert (folder / CHECKPOINT_FILE).is_file()
    resumed = LSTMClassifier(**dict(params, checkpoint_dir=folder)).fit(X, y)
    assert not resumed.interrupted_
    assert resumed.n_iter_ == full.n_iter_
    assert resumed.history_[:, "train_loss"] == full.history_[:, "train_loss"]
    assert_same_weights(resumed, full)
    np.testing.assert_array_equal(resumed.predict_proba(X), full.predict_proba(X))
    # A finished run's checkpoint resumes to the end at once.
    again = LSTMClassifier(**dict(params, checkpoint_dir=folder)).fit(X, y)
    assert_same_weights(again, full)
    assert again.n_iter_ == full.n_iter_


def test_checkpoint_of_another_run_is_refused_and_kept(tmp_path):
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


def test_damaged_checkpoint_is_reported(tmp_path):
    X, y = signal_data(n=40)
    (tmp_path / CHECKPOINT_FILE).write_bytes(b"garbage")
    with pytest.raises(ValueError, match="not a readable sklstm checkpoint"):
        LSTMClassifier(**dict(NO_VALID, checkpoint_dir=tmp_path)).fit(X, y)


def test_checkpoint_loads_without_pickled_objects(tmp_path):
    X, y = signal_data(n=40)
    LSTMClassifier(**dict(NO_VALID, max_epochs=1, checkpoint_dir=tmp_path)).fit(X, y)
    state = torch.load(tmp_path / CHECKPOINT_FILE, weights_only=True)
    assert set(state) == {"meta", "module", "optimizer", "best_weights", "torch_rng"}
    assert isinstance(state["meta"], str)


# --------------------------------------------------------- non-finite values


def test_nan_loss_stops_training_naming_epoch_and_batch():
    X, y = signal_data(n=200)
    clf = LSTMClassifier(**dict(NO_VALID, batch_size=16, callbacks=[PoisonWeights(2, 3)]))
    with pytest.raises(NonFiniteLossError,
                       match=r"non-finite training loss \(nan\) at epoch 2, batch 3; .*lower lr"):
        clf.fit(X, y)
    assert isinstance(NonFiniteLossError("x"), FloatingPointError)


def test_infinite_loss_is_caught_too():
    class Net:
        history = [{"epoch": 1}]

    cb = StopOnNonFiniteLoss()
    cb.on_epoch_begin(Net())
    with pytest.raises(NonFiniteLossError, match=r"validation loss \(inf\) at epoch 1, batch 1"):
        cb.on_batch_end(Net(), training=False, loss=torch.tensor(math.inf))


def test_predictions_are_never_silently_nan():
    X, y = signal_data(n=60)
    clf = LSTMClassifier(**dict(NO_VALID, max_epochs=1)).fit(X, y)
    with torch.no_grad():
        clf.module_.output.bias[0] = math.nan
    with pytest.raises(FloatingPointError, match=r"60 row\(s\), first at index 0; 1 of the "
                                                 r"model's weights are NaN"):
        clf.predict_proba(X)
    with pytest.raises(FloatingPointError):
        clf.predict(X[:3])
