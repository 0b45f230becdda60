"""Learning-rate schedules (sklstm.lstm.callbacks), through LSTMClassifier's lr_schedule."""

import pickle

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklstm import LSTMClassifier
from sklstm.lstm.callbacks import WarmupCosine, lr_scheduler

SMALL = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
FIXED = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=15, lr=1e-2)


class LRPerBatch(Callback):
    """The optimizer's learning rate at the start of each training batch."""

    def initialize(self):
        self.lrs = []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.lrs.append(net.optimizer_.param_groups[0]["lr"])


def _fit_with_lrs(signal_data, **params):
    X, y = signal_data(n=100)
    recorder = LRPerBatch()
    clf = LSTMClassifier(**dict(FIXED, max_epochs=5, batch_size=16, lr=1e-2,
                                callbacks=[("lrs", recorder)], **params)).fit(X, y)
    return clf, np.array(dict(clf.net_.callbacks_)["lrs"].lrs)


def test_no_schedule_keeps_lr(signal_data):
    clf, lrs = _fit_with_lrs(signal_data, lr_schedule=None)
    assert len(lrs) == 7 * 5 and np.all(lrs == 1e-2)
    assert "lr_scheduler" not in dict(clf.net_.callbacks_)


def test_onecycle_schedule_changes_lr_every_batch(signal_data):
    clf, lrs = _fit_with_lrs(signal_data, lr_schedule="onecycle", warmup=0.2)
    assert len(lrs) == 35  # ceil(100 / 16) batches x 5 epochs
    assert lrs[0] == pytest.approx(1e-2 / 25)
    assert lrs.max() == pytest.approx(1e-2) and lrs.argmax() == 6  # peak after 20% of 35
    assert np.all(np.diff(lrs[:7]) > 0) and np.all(np.diff(lrs[7:]) < 0)
    assert lrs[-1] < 1e-4
    # skorch records the learning rate of every batch in the history
    recorded = [b["event_lr"] for epoch in clf.history_ for b in epoch["batches"]]
    np.testing.assert_allclose(recorded, lrs)


def test_cosine_schedule_with_warmup(signal_data):
    clf, lrs = _fit_with_lrs(signal_data, lr_schedule="cosine", warmup=0.2)
    factor = WarmupCosine(35, 7)
    np.testing.assert_allclose(lrs, [1e-2 * factor(step) for step in range(35)])
    assert lrs[0] == pytest.approx(1e-2 / 7) and lrs[6] == pytest.approx(1e-2)
    assert np.all(np.diff(lrs[6:]) < 0) and lrs[-1] < 1e-4
    _, no_warmup = _fit_with_lrs(signal_data, lr_schedule="cosine", warmup=0.0)
    assert 0.99e-2 < no_warmup[0] < 1e-2 and np.all(np.diff(no_warmup) < 0)


def test_schedule_counts_training_batches_only_and_stops_early_safely(signal_data):
    X, y = signal_data(n=200)
    y = np.random.default_rng(0).permutation(y)  # noise: early stopping triggers
    clf = LSTMClassifier(**dict(SMALL, lr=3e-2, max_epochs=30, batch_size=16, patience=1,
                                lr_schedule="onecycle", validation_fraction=0.2)).fit(X, y)
    assert clf.n_iter_ < 30
    callback = dict(clf.net_.callbacks_)["lr_scheduler"]
    assert callback.kwargs["total_steps"] == 10 * 30  # 160 training rows in batches of 16
    assert callback.batch_idx_ == 10 * clf.n_iter_   # stepped once a training batch
    assert callback.lr_scheduler_ is None   # let go of when training ended


def test_schedule_pickles(signal_data):
    clf, _ = _fit_with_lrs(signal_data, lr_schedule="cosine")
    clf.set_params(callbacks=None)
    restored = pickle.loads(pickle.dumps(clf))
    X, _ = signal_data(n=10)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))




def test_lr_scheduler_builds_each_schedule_and_refuses_others():
    assert lr_scheduler(None, lr=0.1, total_steps=10, warmup=0.1) is None
    onecycle = lr_scheduler("onecycle", lr=0.1, total_steps=10, warmup=0.3)
    assert onecycle.kwargs == dict(max_lr=0.1, total_steps=10, pct_start=0.3, last_epoch=-1)
    cosine = lr_scheduler("cosine", lr=0.1, total_steps=10, warmup=0.3)
    assert cosine.kwargs["lr_lambda"].warmup_steps == 3 and cosine.step_every == "batch"
    with pytest.raises(ValueError, match="lr_schedule must be one of"):
        lr_scheduler("linear", lr=0.1, total_steps=10, warmup=0.1)



@pytest.mark.parametrize("total_steps, warmup, pct_start", [
    (10, 0.1, 0.2),    # one warm-up step would make OneCycleLR divide by zero: two
    (2, 0.5, 0.0),     # too short to rise: it only anneals
    (1, 0.1, 0.0),
    (281, 0.1, 28 / 281),
    (10, 0.0, 0.0),
])
def test_onecycle_steps_through_any_length(total_steps, warmup, pct_start):
    callback = lr_scheduler("onecycle", lr=0.1, total_steps=total_steps, warmup=warmup)
    assert callback.kwargs["pct_start"] == pytest.approx(pct_start)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, **callback.kwargs)
    lrs = []
    for _ in range(total_steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert max(lrs) <= 0.1 + 1e-12 and np.isfinite(lrs).all()
