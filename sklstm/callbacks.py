"""skorch callbacks that make :class:`~sklstm.LSTMClassifier` training safe to stop and resume.

- :class:`StopOnNonFiniteLoss` ends training with :class:`NonFiniteLossError`
  as soon as a batch's loss is NaN or infinite, naming the epoch and batch.
- :class:`TrainingProgress` records how many epochs were completed, so that
  the classifier can tell a Ctrl-C (which skorch swallows) from a normal end.
- :class:`TrainingCheckpoint` writes the whole training state after every
  epoch (module, optimizer, history, random generators, early-stopping state)
  to one file, atomically, and restores it so that a resumed run ends with
  the same weights as an uninterrupted one.

Checkpoints hold tensors and JSON only; they are read with
``torch.load(weights_only=True)``, which unpickles no arbitrary objects.
"""

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Callback, LRScheduler
from skorch.history import History

from ._files import atomic_file, json_default

__all__ = [
    "CHECKPOINT_FILE", "NonFiniteLossError", "StopOnNonFiniteLoss", "TrainingCheckpoint",
    "TrainingProgress", "data_fingerprint", "read_checkpoint", "restore_checkpoint",
]

CHECKPOINT_FILE = "checkpoint.pt"
_CHECKPOINT_FORMAT = "sklstm-checkpoint"
_CHECKPOINT_VERSION = 1
# Scalar state of skorch's stock callbacks that a resumed run must carry on with.
_CALLBACK_STATE = ("best_score_", "misses_", "dynamic_threshold_", "best_epoch_")


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite."""


class StopOnNonFiniteLoss(Callback):
    """Stop training with a clear error when a batch's loss is not finite.

    Raises :class:`NonFiniteLossError` naming the epoch and the batch (both
    counted from 1) right after the first NaN or infinite loss.

    Examples
    --------
    >>> import math
    >>> import torch
    >>> from sklstm.callbacks import StopOnNonFiniteLoss
    >>> class Net:  # the little a callback reads from a skorch net
    ...     history = [{"epoch": 3}]
    >>> cb = StopOnNonFiniteLoss()
    >>> cb.on_epoch_begin(Net())
    >>> cb.on_batch_end(Net(), training=True, loss=torch.tensor(0.7))
    >>> cb.on_batch_end(Net(), training=True, loss=torch.tensor(math.nan))
    Traceback (most recent call last):
    ...
    sklstm.callbacks.NonFiniteLossError: non-finite training loss (nan) at epoch 3, batch 2; ...
    """

    def on_epoch_begin(self, net, **kwargs):
        self.batches_ = {True: 0, False: 0}

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        self.batches_[bool(training)] += 1
        if loss is None:
            return
        value = float(loss.detach()) if isinstance(loss, torch.Tensor) else float(loss)
        if math.isfinite(value):
            return
        kind = "training" if training else "validation"
        raise NonFiniteLossError(
            f"non-finite {kind} loss ({value}) at epoch {net.history[-1]['epoch']}, batch "
            f"{self.batches_[bool(training)]}; the weights diverged: try a lower lr, "
            "gradient clipping (clip_grad_norm) or check the input"
        )


class TrainingProgress(Callback):
    """Count completed epochs; tell an interruption from a normal end.

    skorch ends training quietly on ``KeyboardInterrupt`` (Ctrl-C, or early
    stopping, which raises it). After training, ``interrupted_`` is True when
    fewer than ``max_epochs`` epochs were completed and early stopping did
    not stop the run, and ``partial_epoch_`` when the history ends with an
    epoch that did not finish.
    """

    def on_train_begin(self, net, **kwargs):
        self.epochs_done_ = sum(1 for row in net.history if "train_loss" in row)
        self.interrupted_ = self.partial_epoch_ = False

    def on_epoch_end(self, net, **kwargs):
        self.epochs_done_ = len(net.history)

    def on_train_end(self, net, **kwargs):
        self.partial_epoch_ = len(net.history) > self.epochs_done_
        self.interrupted_ = self.partial_epoch_ or (
            not _early_stopped(net) and self.epochs_done_ < net.max_epochs)


def _early_stopped(net):
    """Whether the net's early-stopping callback ended its training."""
    stopper = dict(net.callbacks_).get("early_stopping")
    return stopper is not None and stopper.misses_ >= stopper.patience


def _dumps(data):
    return json.dumps(data, default=json_default, sort_keys=True)


def data_fingerprint(*arrays):
    """sha256 of arrays' shapes, dtypes and bytes (a short hex string)."""
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes() if array.dtype.kind != "O" else repr(array.tolist()).encode())
    return digest.hexdigest()


def _callback_state(net):
    state = {}
    for name, cb in net.callbacks_:
        values = {attr: getattr(cb, attr) for attr in _CALLBACK_STATE if hasattr(cb, attr)}
        values = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()
                  if isinstance(v, (int, float, np.generic))}
        if values:
            state[name] = values
    return state


def _scheduler_state(net):
    """Position and state of every learning-rate schedule (JSON-able numbers)."""
    return {name: [cb.batch_idx_, cb.lr_scheduler_.state_dict()]
            for name, cb in net.callbacks_
            if isinstance(cb, LRScheduler) and getattr(cb, "lr_scheduler_", None) is not None}


class TrainingCheckpoint(Callback):
    """Write the full training state after each epoch; restore it to resume.

    The file ``checkpoint_dir/checkpoint.pt`` holds the module and optimizer
    state, the best weights kept by early stopping, the torch random state
    (as tensors) and, as JSON, the history, the batch-order generator's
    state, the stock callbacks' counters, the learning-rate schedules, the epoch and a ``fingerprint`` of
    the run (parameters, data and seed). It is replaced atomically, so it is
    always a complete epoch's state.

    Parameters
    ----------
    checkpoint_dir : str or path-like
        Folder of the checkpoint file; created when needed.
    fingerprint : dict
        JSON-able description of the run; a checkpoint is only resumed by a
        run with the same fingerprint.
    seed : int
        The run's seed, stored so that a resumed run splits the data alike.
    rng : numpy.random.Generator
        The generator that orders the training batches.
    resume : dict or None, default=None
        A checkpoint read by :func:`read_checkpoint`: its callback counters
        and best weights are restored when training begins.
    """

    def __init__(self, checkpoint_dir, *, fingerprint, seed, rng, resume=None):
        self.checkpoint_dir = checkpoint_dir
        self.fingerprint = fingerprint
        self.seed = seed
        self.rng = rng
        self.resume = resume

    @property
    def path(self):
        return Path(self.checkpoint_dir) / CHECKPOINT_FILE

    def on_train_begin(self, net, **kwargs):
        self.saved_epoch_ = len(net.history)
        resume, self.resume = self.resume, None  # applied once
        if resume is None:
            return
        callbacks = dict(net.callbacks_)
        for name, values in resume["meta"]["callbacks"].items():
            if name in callbacks:
                for attr, value in values.items():
                    setattr(callbacks[name], attr, value)
        stopper = callbacks.get("early_stopping")
        if stopper is not None and resume["best_weights"]:
            stopper.best_model_weights_ = resume["best_weights"]
        schedulers = resume["meta"].get("lr_schedulers", {})
        for name, (batch_idx, state) in schedulers.items():
            callbacks[name].batch_idx_ = batch_idx
            callbacks[name].lr_scheduler_.load_state_dict(state)
        if schedulers:  # a new schedule resets the learning rate: restore it
            net.optimizer_.load_state_dict(resume["optimizer"])

    def on_epoch_end(self, net, **kwargs):
        self._save(net, finished=False)

    def on_train_end(self, net, **kwargs):
        # Early stopping ends an epoch by raising before this callback's
        # on_epoch_end; it has restored the best weights by now.
        if _early_stopped(net) and self.saved_epoch_ < len(net.history):
            self._save(net, finished=True)

    def _save(self, net, *, finished):
        stopper = dict(net.callbacks_).get("early_stopping")
        best = getattr(stopper, "best_model_weights_", None) or {}
        meta = {
            "format": _CHECKPOINT_FORMAT, "format_version": _CHECKPOINT_VERSION,
            "fingerprint": self.fingerprint, "seed": self.seed, "epoch": len(net.history),
            "finished": finished, "history": list(net.history),
            "iterator_rng": self.rng.bit_generator.state, "callbacks": _callback_state(net),
            "lr_schedulers": _scheduler_state(net),
        }
        state = {
            "meta": _dumps(meta),
            "module": {k: v.detach().cpu() for k, v in net.module_.state_dict().items()},
            "optimizer": net.optimizer_.state_dict(),
            "best_weights": {k: v.detach().cpu() for k, v in best.items()},
            "torch_rng": torch.get_rng_state(),
        }
        with atomic_file(self.path) as f:
            torch.save(state, f)
        self.saved_epoch_ = len(net.history)


def read_checkpoint(checkpoint_dir, fingerprint):
    """Read the checkpoint in ``checkpoint_dir`` if there is one.

    Returns
    -------
    checkpoint : dict or None
        None when there is no checkpoint file.

    Raises
    ------
    ValueError
        If the file is not a readable sklstm checkpoint, or was written by a
        run with another fingerprint (other parameters, data or seed); the
        message names what differs.
    """
    path = Path(checkpoint_dir) / CHECKPOINT_FILE
    if not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        meta = json.loads(state["meta"])
        if meta.get("format") != _CHECKPOINT_FORMAT:
            raise ValueError("unknown format")
    except Exception as exc:
        raise ValueError(f"{path} is not a readable sklstm checkpoint ({exc}); remove it "
                         "or choose another checkpoint_dir") from None
    if meta.get("format_version", 0) > _CHECKPOINT_VERSION:
        raise ValueError(f"{path} was written by a newer sklstm (checkpoint format "
                         f"{meta['format_version']}); upgrade sklstm or remove it")
    saved = meta["fingerprint"]  # read from JSON already
    wanted = json.loads(_dumps(fingerprint))
    if saved != wanted:
        keys = sorted(set(saved) | set(wanted))
        diff = [f"{k}: {saved.get(k)!r} in the checkpoint, {wanted.get(k)!r} now"
                for k in keys if saved.get(k) != wanted.get(k)]
        raise ValueError(
            f"checkpoint_dir {str(checkpoint_dir)!r} holds the checkpoint of another run "
            f"({'; '.join(diff)}); it is not overwritten: remove {path} or choose another "
            "checkpoint_dir"
        )
    state["meta"] = meta
    return state


def restore_checkpoint(net, checkpoint, rng):
    """Put an initialized skorch net and the batch generator in a checkpoint's state.

    Returns the number of epochs left to run.
    """
    meta = checkpoint["meta"]
    net.module_.load_state_dict(checkpoint["module"])
    net.optimizer_.load_state_dict(checkpoint["optimizer"])
    net.history = History(meta["history"])
    rng.bit_generator.state = meta["iterator_rng"]
    torch.set_rng_state(checkpoint["torch_rng"])
    return 0 if meta["finished"] else max(net.max_epochs - meta["epoch"], 0)
