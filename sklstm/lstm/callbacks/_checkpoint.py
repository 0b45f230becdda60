"""Checkpoints of a training run: writing them after every epoch, reading and resuming them.

- :class:`TrainingCheckpoint`, a skorch callback, writes the whole training
  state after every epoch (module, optimizer, history, random generators,
  early-stopping and learning-rate-schedule state) to one file, atomically,
  and puts a new net back in that state (:meth:`TrainingCheckpoint.resume`),
  so that a resumed run ends with the same weights as an uninterrupted one.
- :func:`read_checkpoint` reads the file and refuses one written by another
  run (other parameters, data or seed), naming what differs.
- :func:`restore_checkpoint` restores a net's module, optimizer, history
  and random generators from a checkpoint.

Checkpoints hold tensors and JSON only; they are read with
``torch.load(weights_only=True)``, which unpickles no arbitrary objects.
"""

import json
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Callback, LRScheduler
from skorch.history import History

from ..._utils.files import atomic_file, json_default
from ..._utils.torch import cpu_state_dict
from ._progress import early_stopped

__all__ = ["CHECKPOINT_FILE", "TrainingCheckpoint", "read_checkpoint",
           "restore_checkpoint"]

CHECKPOINT_FILE = "checkpoint.pt"
_CHECKPOINT_FORMAT = "sklstm-checkpoint"
_CHECKPOINT_VERSION = 1
# Scalar state of skorch's stock callbacks that a resumed run must carry on with.
_CALLBACK_STATE = ("best_score_", "misses_", "dynamic_threshold_", "best_epoch_")


def _dumps(data):
    return json.dumps(data, default=json_default, sort_keys=True)


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
    (as tensors) and, as JSON, the history, the state of the generator that
    orders the training batches (the net's ``iterator_train__random_state``),
    the stock callbacks' counters, the learning-rate schedules, the epoch,
    the run's seed and a ``fingerprint`` of the run (parameters, data and
    seed). It is replaced atomically, so it is always a complete epoch's
    state.

    Parameters
    ----------
    checkpoint_dir : str or path-like
        Folder of the checkpoint file; created when needed.
    fingerprint : dict
        JSON-able description of the run; a checkpoint is only resumed by a
        run with the same fingerprint.
    seed : int
        The run's seed, stored so that a resumed run splits the data alike.

    Attributes
    ----------
    saved_epoch_ : int
        Number of epochs in the history when the file was last written.
    """

    def __init__(self, checkpoint_dir, *, fingerprint, seed):
        self.checkpoint_dir = checkpoint_dir
        self.fingerprint = fingerprint
        self.seed = seed

    @property
    def path(self):
        return Path(self.checkpoint_dir) / CHECKPOINT_FILE

    def resume(self, net, checkpoint, *, epochs=None):
        """Put an initialized net in a checkpoint's state; return the epochs left to run.

        ``epochs`` is the number of epochs the history should hold at the end
        (``net.max_epochs`` by default).

        The module, optimizer, history and random generators are restored at
        once (:func:`restore_checkpoint`); the other callbacks' counters, the
        best weights and the learning-rate schedules when training begins,
        after those callbacks have reset themselves.
        """
        self.pending_ = checkpoint
        return restore_checkpoint(net, checkpoint, epochs=epochs)

    def on_train_begin(self, net, **kwargs):
        self.saved_epoch_ = len(net.history)
        checkpoint, self.pending_ = getattr(self, "pending_", None), None  # applied once
        if checkpoint is None:
            return
        callbacks = dict(net.callbacks_)
        for name, values in checkpoint["meta"]["callbacks"].items():
            if name in callbacks:
                for attr, value in values.items():
                    setattr(callbacks[name], attr, value)
        stopper = callbacks.get("early_stopping")
        if stopper is not None and checkpoint["best_weights"]:
            stopper.best_model_weights_ = checkpoint["best_weights"]
        schedulers = checkpoint["meta"].get("lr_schedulers", {})
        for name, (batch_idx, state) in schedulers.items():
            callbacks[name].batch_idx_ = batch_idx
            callbacks[name].lr_scheduler_.load_state_dict(state)
        if schedulers:  # a new schedule resets the learning rate: restore it
            net.optimizer_.load_state_dict(checkpoint["optimizer"])

    def on_epoch_end(self, net, **kwargs):
        self._save(net, finished=False)

    def on_train_end(self, net, **kwargs):
        # Early stopping ends an epoch by raising before this callback's
        # on_epoch_end; it has restored the best weights by now.
        if early_stopped(net) and self.saved_epoch_ < len(net.history):
            self._save(net, finished=True)

    def _save(self, net, *, finished):
        stopper = dict(net.callbacks_).get("early_stopping")
        best = getattr(stopper, "best_model_weights_", None) or {}
        meta = {
            "format": _CHECKPOINT_FORMAT, "format_version": _CHECKPOINT_VERSION,
            "fingerprint": self.fingerprint, "seed": self.seed, "epoch": len(net.history),
            "finished": finished, "history": list(net.history),
            "iterator_rng": net.iterator_train__random_state.bit_generator.state,
            "callbacks": _callback_state(net), "lr_schedulers": _scheduler_state(net),
        }
        state = {
            "meta": _dumps(meta),
            "module": cpu_state_dict(net.module_),
            "optimizer": net.optimizer_.state_dict(),
            "best_weights": cpu_state_dict(best),
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


def restore_checkpoint(net, checkpoint, rng=None, *, epochs=None):
    """Put an initialized skorch net and its batch generator in a checkpoint's state.

    Parameters
    ----------
    net : skorch.NeuralNet
        An initialized net of the same configuration.
    checkpoint : dict
        What :func:`read_checkpoint` returned.
    rng : numpy.random.Generator or None, default=None
        The generator that orders the training batches; None takes the
        net's ``iterator_train__random_state``.
    epochs : int or None, default=None
        The number of epochs the history should hold at the end of the run;
        None is ``net.max_epochs``.

    Returns
    -------
    epochs : int
        The number of epochs left to run.
    """
    meta = checkpoint["meta"]
    net.module_.load_state_dict(checkpoint["module"])
    net.optimizer_.load_state_dict(checkpoint["optimizer"])
    net.history = History(meta["history"])
    rng = net.iterator_train__random_state if rng is None else rng
    rng.bit_generator.state = meta["iterator_rng"]
    torch.set_rng_state(checkpoint["torch_rng"])
    epochs = net.max_epochs if epochs is None else epochs
    return 0 if meta["finished"] else max(epochs - meta["epoch"], 0)
