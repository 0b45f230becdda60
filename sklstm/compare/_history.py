"""Training histories: the per-epoch records of an LSTM, found inside any pipeline.

:func:`training_history` finds the records of a fitted
:class:`~sklstm.LSTMClassifier` (its ``history_``), a fitted skorch net (its
``history``) or the last such step of a pipeline; :func:`history_records`
gives their JSON-ready figures, as the command line and the benchmarks
write them.
"""

__all__ = ["HISTORY_KEYS", "history_records", "training_history"]

# The per-epoch figures worth reporting, in their order.
HISTORY_KEYS = ("epoch", "train_loss", "valid_loss", "valid_acc", "dur")


def _find_history(estimator):
    steps = [step for _, step in getattr(estimator, "steps", [])] or [estimator]
    for step in reversed(steps):
        for attribute in ("history_", "history"):
            history = getattr(step, attribute, None)
            if isinstance(history, list):
                return history
    return None


def training_history(estimator):
    """The per-epoch records of a fitted LSTMClassifier, skorch net or pipeline.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~sklstm.LSTMClassifier`, a fitted skorch net, or a
        pipeline: then its last step with a history.

    Returns
    -------
    history : list of dict
        One dict per epoch (a :class:`skorch.history.History` for sklstm's
        estimators).

    Raises
    ------
    TypeError
        If no history is found.

    Examples
    --------
    >>> from sklstm.compare import training_history
    >>> class Fitted:
    ...     history_ = [{"epoch": 1, "train_loss": 0.7}]
    >>> training_history(Fitted())
    [{'epoch': 1, 'train_loss': 0.7}]
    """
    history = _find_history(estimator)
    if history is None:
        raise TypeError(
            f"{type(estimator).__name__} has no training history: pass a fitted "
            "sklstm.LSTMClassifier (attribute history_), a fitted skorch net "
            "(attribute history) or a pipeline ending in one")
    return history


def history_records(estimator, keys=HISTORY_KEYS):
    """The ``keys`` of every epoch's record, or an empty list for a model without history.

    Examples
    --------
    >>> from sklstm.compare import history_records
    >>> class Fitted:
    ...     history_ = [{"epoch": 1, "train_loss": 0.7, "batches": [{"train_loss": 0.7}]}]
    >>> history_records(Fitted())
    [{'epoch': 1, 'train_loss': 0.7}]
    >>> history_records(object())
    []
    """
    history = _find_history(estimator) or []
    return [{key: row[key] for key in keys if key in row} for row in history]
