"""A training that fails loudly: :class:`StopOnNonFiniteLoss` and :class:`NonFiniteLossError`.

:class:`StopOnNonFiniteLoss` ends training with :class:`NonFiniteLossError` as
soon as a batch's loss is NaN or infinite, naming the epoch and batch.
"""

import math

import torch
from skorch.callbacks import Callback

__all__ = ["NonFiniteLossError", "StopOnNonFiniteLoss"]


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
