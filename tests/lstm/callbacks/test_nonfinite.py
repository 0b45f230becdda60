"""Non-finite losses stop training loudly; non-finite outputs are never returned."""

import math

import pytest
import torch

from sklstm import LSTMClassifier
from sklstm.lstm.callbacks import NonFiniteLossError, StopOnNonFiniteLoss

SMALL = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
NO_VALID = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=5)


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
