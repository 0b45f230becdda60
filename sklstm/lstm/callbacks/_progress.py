"""skorch callbacks that make sklstm training fail loudly and report interruptions.

- :class:`StopOnNonFiniteLoss` ends training with :class:`NonFiniteLossError`
  as soon as a batch's loss is NaN or infinite, naming the epoch and batch.
- :class:`TrainingProgress` records how many epochs were completed, so that
  a training run can tell a Ctrl-C (which skorch swallows) from a normal end.
- :func:`early_stopped` tells whether early stopping ended a net's training.

Writing and resuming checkpoints lives in :mod:`sklstm.lstm.callbacks`; its
names are still importable from here, as in earlier versions.
"""

import math

import torch
from skorch.callbacks import Callback

__all__ = ["NonFiniteLossError", "StopOnNonFiniteLoss", "TrainingProgress", "early_stopped"]

class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite."""

    # Tracebacks and pickles name the error where users import it from.
    __module__ = "sklstm.lstm.callbacks"


class StopOnNonFiniteLoss(Callback):
    """Stop training with a clear error when a batch's loss is not finite.

    Raises :class:`NonFiniteLossError` naming the epoch and the batch (both
    counted from 1) right after the first NaN or infinite loss.

    Examples
    --------
    >>> import math
    >>> import torch
    >>> from sklstm.lstm.callbacks import StopOnNonFiniteLoss
    >>> class Net:  # the little a callback reads from a skorch net
    ...     history = [{"epoch": 3}]
    >>> cb = StopOnNonFiniteLoss()
    >>> cb.on_epoch_begin(Net())
    >>> cb.on_batch_end(Net(), training=True, loss=torch.tensor(0.7))
    >>> cb.on_batch_end(Net(), training=True, loss=torch.tensor(math.nan))
    Traceback (most recent call last):
    ...
    sklstm.lstm.callbacks.NonFiniteLossError: non-finite training loss (nan) at epoch 3, batch 2;...
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
            not early_stopped(net) and self.epochs_done_ < net.max_epochs)


def early_stopped(net):
    """Whether the net's early-stopping callback (named ``'early_stopping'``) ended its training.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from sklstm.lstm.callbacks import early_stopped
    >>> stopper = SimpleNamespace(misses_=2, patience=2)
    >>> early_stopped(SimpleNamespace(callbacks_=[("early_stopping", stopper)]))
    True
    >>> early_stopped(SimpleNamespace(callbacks_=[]))
    False
    """
    stopper = dict(net.callbacks_).get("early_stopping")
    return stopper is not None and stopper.misses_ >= stopper.patience
