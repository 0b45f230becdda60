"""How a training run went: completed epochs, interruptions and early stopping.

- :class:`TrainingProgress` records how many epochs were completed, so that
  a training run can tell a Ctrl-C (which skorch swallows) from a normal end.
- :func:`early_stopped` tells whether early stopping ended a net's training.
"""

from skorch.callbacks import Callback

__all__ = ["TrainingProgress", "early_stopped"]

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
