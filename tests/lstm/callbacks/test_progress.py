"""Interruptions: Ctrl-C keeps a usable model, told from a normal end (TrainingProgress)."""

import numpy as np
import pytest
import torch

from sklstm import LSTMClassifier

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
