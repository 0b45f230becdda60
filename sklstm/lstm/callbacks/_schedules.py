"""Learning-rate schedules stepped after every training batch.

:func:`lr_scheduler` turns the ``lr_schedule`` and ``warmup`` settings of an
sklstm estimator into a skorch :class:`~skorch.callbacks.LRScheduler`;
:class:`WarmupCosine` is the picklable factor of the ``'cosine'`` schedule.
"""

import math

import torch
from skorch.callbacks import LRScheduler

__all__ = ["SCHEDULES", "RunLRScheduler", "WarmupCosine", "lr_scheduler"]

SCHEDULES = ("onecycle", "cosine")


class RunLRScheduler(LRScheduler):
    """skorch's ``LRScheduler`` for one training run: it lets go of its PyTorch scheduler
    when training ends.

    That scheduler holds the optimizer, which a fitted net already pickles once (and maps
    to the CPU on a machine without CUDA); kept in the callback, a pickle would hold the
    optimizer's state a second time, on the device it trained on, and a model trained on
    a GPU would not unpickle on a CPU-only machine. Each ``fit`` builds a new schedule.
    """

    def on_train_end(self, net, **kwargs):
        self.lr_scheduler_ = None


class WarmupCosine:
    """Learning-rate factor: linear warm-up, then cosine decay towards zero.

    A picklable ``lr_lambda`` for :class:`torch.optim.lr_scheduler.LambdaLR`,
    stepped once per batch.

    Parameters
    ----------
    total_steps : int
        Number of training batches in all.
    warmup_steps : int
        Batches over which the factor rises linearly to 1.

    Examples
    --------
    >>> from sklstm.lstm.callbacks import WarmupCosine
    >>> [round(WarmupCosine(6, 2)(step), 2) for step in range(6)]
    [0.5, 1.0, 0.9, 0.65, 0.35, 0.1]
    """

    def __init__(self, total_steps, warmup_steps):
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        # Neither the peak nor a zero learning rate is repeated or wasted.
        progress = (step + 1 - self.warmup_steps) / (self.total_steps + 1 - self.warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def _onecycle_warmup(warmup, total_steps):
    """``OneCycleLR``'s ``pct_start`` for a ``warmup`` share: whole steps, never exactly one
    (its rising phase would then have no length: a ZeroDivisionError) nor all of them."""
    steps = min(round(warmup * total_steps), total_steps - 1)
    if steps == 1:
        steps = 2 if total_steps > 2 else 0
    return steps / total_steps


def lr_scheduler(schedule, *, lr, total_steps, warmup):
    """The skorch callback of a per-batch schedule (a :class:`RunLRScheduler`), or None for
    ``schedule=None``.

    Parameters
    ----------
    schedule : {'onecycle', 'cosine'} or None
        'onecycle' rises from ``lr / 25`` to ``lr`` during the first
        ``warmup`` share of the batches, then anneals to nearly zero
        (:class:`torch.optim.lr_scheduler.OneCycleLR`); 'cosine' rises
        linearly to ``lr`` during the ``warmup`` share, then decays to zero
        along a cosine (:class:`WarmupCosine`).
    lr : float
        Peak learning rate.
    total_steps : int
        Training batches in the whole run.
    warmup : float
        Share of ``total_steps`` spent warming up, in [0, 1).

    Examples
    --------
    >>> from sklstm.lstm.callbacks import lr_scheduler
    >>> lr_scheduler(None, lr=0.01, total_steps=10, warmup=0.1) is None
    True
    >>> type(lr_scheduler("cosine", lr=0.01, total_steps=10, warmup=0.1)).__name__
    'RunLRScheduler'
    """
    if schedule is None:
        return None
    # Each run's schedule starts afresh, a warm start's too: skorch would otherwise
    # resume it at the history's epoch (last_epoch), which these schedules cannot do.
    if schedule == "onecycle":
        return RunLRScheduler(torch.optim.lr_scheduler.OneCycleLR, step_every="batch",
                           max_lr=lr, total_steps=total_steps,
                           pct_start=_onecycle_warmup(warmup, total_steps), last_epoch=-1)
    if schedule == "cosine":
        return RunLRScheduler(torch.optim.lr_scheduler.LambdaLR, step_every="batch",
                           lr_lambda=WarmupCosine(total_steps, int(warmup * total_steps)),
                           last_epoch=-1)
    raise ValueError(f"lr_schedule must be one of {SCHEDULES} or None, got {schedule!r}")
