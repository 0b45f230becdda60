"""The skorch callbacks of an LSTM estimator's training, each a small object of settings.

- :class:`StopOnNonFiniteLoss` ends training with :class:`NonFiniteLossError`
  at the first NaN or infinite loss;
- :class:`TrainingProgress` counts completed epochs, so that a Ctrl-C (which
  skorch swallows) is told from a normal end; :func:`early_stopped`;
- :class:`TrainingCheckpoint` writes the whole training state after every
  epoch and resumes it (:func:`read_checkpoint`, :func:`restore_checkpoint`);
- :func:`lr_scheduler`, :class:`RunLRScheduler` and :class:`WarmupCosine`: the
  learning-rate schedules.
"""

from ._checkpoint import CHECKPOINT_FILE, TrainingCheckpoint, read_checkpoint, restore_checkpoint
from ._nonfinite import NonFiniteLossError, StopOnNonFiniteLoss
from ._progress import TrainingProgress, early_stopped
from ._schedules import SCHEDULES, RunLRScheduler, WarmupCosine, lr_scheduler

__all__ = ["CHECKPOINT_FILE", "SCHEDULES", "NonFiniteLossError", "RunLRScheduler",
           "StopOnNonFiniteLoss", "TrainingCheckpoint", "TrainingProgress", "WarmupCosine",
           "early_stopped",
           "lr_scheduler", "read_checkpoint", "restore_checkpoint"]
