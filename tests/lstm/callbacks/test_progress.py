"""Interruption and non-finite losses (sklstm.lstm.callbacks._progress)."""

import math

import numpy as np
import pytest
import torch

from sklstm import LSTMClassifier
from sklstm.lstm.callbacks import NonFiniteLossError, StopOnNonFiniteLoss

SMALL = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
NO_VALID = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=5)


# Bit-identical results need a fixed number of threads.
pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ------------------------------------------------------------------ Ctrl-C


def test_ctrl_c_keeps_best_weights_so_far(training_faults, signal_data):
    X, y = signal_data(n=200)
    y = np.random.default_rng(0).permutation(y)  # noise: validation loss soon rises
    clf = LSTMClassifier(**dict(SMALL, lr=3e-2, max_epochs=30, patience=20,
                                callbacks=[training_faults.CtrlC(epoch=6, batch=2)]))
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


def test_ctrl_c_in_the_first_batch_still_gives_a_model(training_faults, signal_data):
    X, y = signal_data(n=80)
    clf = LSTMClassifier(**dict(NO_VALID, callbacks=[training_faults.CtrlC(epoch=1, batch=1)]))
    with pytest.warns(UserWarning, match="interrupted after 0 complete"):
        clf.fit(X, y)
    assert clf.interrupted_ and clf.n_iter_ == 0
    assert clf.predict(X).shape == (80,)


def test_normal_fit_is_not_interrupted(signal_data):
    X, y = signal_data(n=200)
    y = np.random.default_rng(0).permutation(y)
    clf = LSTMClassifier(**dict(SMALL, lr=3e-2, max_epochs=40, patience=2)).fit(X, y)
    assert not clf.interrupted_ and clf.n_iter_ < 40  # early stopping is no interruption


# --------------------------------------------------------- non-finite values


def test_nan_loss_stops_training_naming_epoch_and_batch(training_faults, signal_data):
    X, y = signal_data(n=200)
    poison = training_faults.PoisonWeights(2, 3)
    clf = LSTMClassifier(**dict(NO_VALID, batch_size=16, callbacks=[poison]))
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


def test_predictions_are_never_silently_nan(signal_data):
    X, y = signal_data(n=60)
    clf = LSTMClassifier(**dict(NO_VALID, max_epochs=1)).fit(X, y)
    with torch.no_grad():
        clf.module_.output.bias[0] = math.nan
    with pytest.raises(FloatingPointError, match=r"60 row\(s\), first at index 0; 1 of the "
                                                 r"model's weights are NaN"):
        clf.predict_proba(X)
    with pytest.raises(FloatingPointError):
        clf.predict(X[:3])
