"""Tests for sklstm.lstm._training: the TrainingRun that LSTMClassifier.fit hands its ids to."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklstm import LSTMClassifier
from sklstm.lstm import _training
from sklstm.lstm._training import EVAL_BATCH_FACTOR, TrainingRun, validation_split

pytestmark = pytest.mark.usefixtures("one_torch_thread")

X = np.array([[2, 3, 0], [4, 0, 0], [5, 6, 7], [8, 0, 0]] * 10)
Y = np.array([0, 1, 0, 1] * 10)
MODULE = dict(num_embeddings=9, num_classes=2, embedding_dim=4)


def run_for(**params):
    clf = LSTMClassifier(**dict(dict(hidden_size=4, embedding_dim=4, random_state=0,
                                     device="cpu"), **params))
    clf.classes_ = np.array([0, 1])
    return TrainingRun(clf, module_params=dict(MODULE), device="cpu")


def test_validation_split_is_stratified_disjoint_and_rounds_up():
    y = np.array([0] * 30 + [1] * 10)
    train, valid = validation_split(y, 0.1, seed=0)
    assert len(valid) == 4 and len(train) == 36
    assert not set(train) & set(valid) and set(train) | set(valid) == set(range(40))
    assert np.bincount(y[valid]).tolist() == [3, 1]
    again = validation_split(y, 0.1, seed=0)
    assert [a.tolist() for a in again] == [train.tolist(), valid.tolist()]


def test_validation_split_falls_back_when_a_class_is_too_small_and_refuses_empty_parts():
    y = np.array([0] * 9 + [1])  # one row of class 1: cannot stratify
    train, valid = validation_split(y, 0.2, seed=0)
    assert len(valid) == 2 and len(train) == 8
    with pytest.raises(ValueError, match="leaves no samples for training"):
        validation_split(np.array([0, 1]), 0.9, seed=0)


def test_split_sorts_the_validation_rows_by_length():
    weights = np.arange(len(Y), dtype=np.float32)
    X_train, y_train, valid = run_for(validation_fraction=0.5).split(X, Y, 0, weights)
    lengths = (valid.X["X"] != 0).sum(axis=1)
    assert (np.diff(lengths) >= 0).all() and len(X_train["X"]) + len(valid) == len(X)
    # the weights travel with their rows
    assert sorted(X_train["sample_weight"].tolist() + valid.X["sample_weight"].tolist()) == \
        weights.tolist()
    whole, _, none = run_for(validation_fraction=None).split(X, Y, seed=0)
    assert none is None and (whole["sample_weight"] == 1).all()  # no weights: all alike


def test_split_never_holds_out_train_only_rows():
    train_only = np.arange(len(Y)) < 30   # 10 rows left to validate on
    X_ids = np.column_stack([np.arange(len(Y)) + 1, X[:, 1:]])   # the first id names the row
    X_train, y_train, valid = run_for(validation_fraction=0.2).split(X_ids, Y, 0,
                                                                     train_only=train_only)
    held = valid.X["X"][:, 0] - 1
    assert len(held) == 2 and (held >= 30).all()   # 20% of the 10 others
    assert sorted(X_train["X"][:, 0].tolist() + valid.X["X"][:, 0].tolist()) == \
        list(range(1, len(Y) + 1))
    assert (Y[held] == valid.y).all()
    same = run_for(validation_fraction=0.2).split(X_ids, Y, 0, train_only=np.zeros(40, bool))
    plain = run_for(validation_fraction=0.2).split(X_ids, Y, 0)
    assert (same[2].X["X"] == plain[2].X["X"]).all()   # no train_only row: the usual split
    with pytest.raises(ValueError, match="every labelled row is train_only"):
        run_for(validation_fraction=0.2).split(X_ids, Y, 0, train_only=np.ones(40, bool))


def test_callbacks_come_in_order_and_follow_the_settings(monkeypatch):
    class Extra(Callback):
        pass

    run = run_for(lr_schedule="cosine", verbose=1, callbacks=[("extra", Extra())])
    monkeypatch.setattr(_training, "interactive", lambda: True)  # watched: a bar
    names = [name for name, _ in run.callbacks(n_train=40)]
    assert names == ["non_finite_loss", "progress", "lr_scheduler", "clip_grad",
                     "early_stopping", "progress_bar", "extra"]
    monkeypatch.setattr(_training, "interactive", lambda: False)  # a log: no bar
    assert "progress_bar" not in [name for name, _ in run.callbacks(n_train=40)]
    bare = run_for(clip_grad_norm=None, early_stopping=False, validation_fraction=None)
    assert [name for name, _ in bare.callbacks()] == ["non_finite_loss", "progress"]


def test_build_net_carries_the_estimators_settings():
    net = run_for(lr=0.05, batch_size=7, optimizer="sgd", pooling="mean").build_net()
    assert (net.lr, net.batch_size, net.optimizer) == (0.05, 7, torch.optim.SGD)
    assert net.iterator_valid__batch_size == 7 * EVAL_BATCH_FACTOR
    assert net.module__pooling == "mean" and net.module__num_embeddings == 9
    assert net.criterion__reduction == "none"  # the net weighs its rows


def test_fit_is_repeatable_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    first = run_for(max_epochs=2).fit(X, Y)
    assert torch.equal(torch.get_rng_state(), before)
    second = run_for(max_epochs=2).fit(X, Y)
    for a, b in zip(first.net.module_.parameters(), second.net.module_.parameters(), strict=True):
        assert torch.equal(a, b)
    assert first.n_iter == len(first.history) == 2 and not first.interrupted


def test_report_drops_an_unfinished_epoch_and_warns_on_ctrl_c():
    class CtrlC(Callback):
        def on_batch_begin(self, net, training=False, **kwargs):
            if training and len(net.history) == 2:
                raise KeyboardInterrupt

    run = run_for(max_epochs=5, early_stopping=False, validation_fraction=None,
                  callbacks=[("ctrl_c", CtrlC())])
    with pytest.warns(UserWarning, match="interrupted after 1 complete epoch"):
        result = run.fit(X, Y)
    assert result.interrupted and result.n_iter == 1 and len(result.history) == 1


def test_fingerprint_names_what_identifies_the_run():
    run = run_for()
    fingerprint = run.fingerprint(X, Y)
    assert fingerprint["device"] == "cpu" and fingerprint["X_shape"] == [40, 3]
    assert "verbose" not in fingerprint and "checkpoint_dir" not in fingerprint
    other = run.fingerprint(X, 1 - Y)
    assert other["data_sha256"] != fingerprint["data_sha256"]


def test_auto_epochs_fall_with_the_training_rows_within_their_bounds():
    sizes = [1, 64, 500, 1_000, 1_300, 1_800, 4_500, 22_500, 10**6]
    epochs = [_training.auto_epochs(n, 64) for n in sizes]
    assert epochs == [10, 10, 10, 5, 4, 3, 3, 3, 3]
    assert all(a >= b for a, b in zip(epochs[:-1], epochs[1:], strict=True))
    # Enough epochs for AUTO_STEPS batches, wherever the bounds allow.
    for n in (1_000, 1_300):
        steps = -(-n // 64)
        e = _training.auto_epochs(n, 64)
        assert e * steps >= _training.AUTO_STEPS and (e - 1) * steps < _training.AUTO_STEPS
    # Larger batches: fewer batches an epoch, so more epochs.
    assert _training.auto_epochs(4_500, 256) == 5 and _training.auto_epochs(4_500, 64) == 3


def test_auto_epochs_size_the_run_and_its_schedule():
    run = run_for(max_epochs="auto", early_stopping=False, validation_fraction=None,
                  batch_size=4, lr_schedule="onecycle")
    assert run.epochs(40) == _training.auto_epochs(40, 4) == 8
    result = run.fit(X, Y)
    assert result.n_iter == result.net.max_epochs == 8 and not result.interrupted
    scheduler = dict(result.net.callbacks_)["lr_scheduler"]
    assert scheduler.kwargs["total_steps"] == 8 * 10   # 10 batches of 4, 8 epochs
    assert scheduler.lr_scheduler_ is None   # let go of when training ended
    # At the end of a one-cycle schedule the rate is nearly zero.
    assert result.net.optimizer_.param_groups[0]["lr"] < 1e-4
    assert run_for(max_epochs=5).epochs(40) == 5   # an int is taken as given


def test_partial_fit_and_warm_start_resolve_auto_epochs():
    clf = LSTMClassifier(hidden_size=4, embedding_dim=4, random_state=0, device="cpu",
                         batch_size=8, max_epochs="auto", lr_schedule="onecycle")
    clf.partial_fit(X, Y, classes=[0, 1])
    assert clf.n_iter_ == 1 and isinstance(clf.net_.max_epochs, int)
    clf.set_params(warm_start=True, early_stopping=False, validation_fraction=None)
    clf.fit(X, Y)
    assert clf.n_iter_ == 1 + _training.auto_epochs(len(Y), 8)
