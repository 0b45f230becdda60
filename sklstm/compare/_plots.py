"""Figures for comparing models: scores, LSTM training curves, confusion matrices, data.

The figures are plain :class:`matplotlib.figure.Figure` objects drawn
without pyplot, so nothing depends on (or changes) the interactive backend
and nothing stays in pyplot's figure registry. Each function returns its
figure and, given ``path``, saves it there atomically (written to a
temporary file beside it and then renamed), as PNG unless the suffix names another
format.
"""

from pathlib import Path

import numpy as np

from .._utils.files import atomic_file
from ._history import training_history

__all__ = ["plot_confusion_matrices", "plot_data_summary", "plot_scores", "plot_training_curves"]

_PANEL_INCHES = 4.0


def _figure(n_panels, *, height=_PANEL_INCHES):
    """A pyplot-free figure with ``n_panels`` axes side by side."""
    from matplotlib.figure import Figure  # here, so that `import sklstm` does not load it

    figure = Figure(figsize=(_PANEL_INCHES * n_panels + 0.5, height), layout="constrained")
    axes = figure.subplots(1, n_panels, squeeze=False)[0]
    return figure, axes


def _save(figure, path):
    """Save ``figure`` to ``path`` atomically; return the figure."""
    if path is not None:
        fmt = Path(path).suffix[1:].lower() or "png"
        with atomic_file(path) as f:
            figure.savefig(f, format=fmt, dpi=100)
    return figure


def plot_scores(df, *, metric="accuracy", path=None):
    """Bar chart of one metric of a :func:`~sklstm.compare.compare` table.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per model (the index names the models), e.g. the table
        returned by :func:`sklstm.compare.compare`.
    metric : str, default='accuracy'
        The column to plot. When the table also has ``cv_<metric>_std``,
        its values are drawn as error bars.
    path : str, path-like or None, default=None
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: one horizontal bar per model, labelled with its value.

    Raises
    ------
    ValueError
        If ``metric`` is not a column of ``df`` (the columns are listed) or
        ``df`` has no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"accuracy": [0.91, 0.88]}, index=["nbsvm", "lstm"])
    >>> figure = plot_scores(table)
    >>> figure.axes[0].get_xlabel()
    'accuracy'
    """
    if metric not in df.columns:
        raise ValueError(f"metric {metric!r} is not a column of the table; "
                         f"its columns are {list(df.columns)}")
    if len(df) == 0:
        raise ValueError("the table has no rows to plot")
    values = df[metric].to_numpy(dtype=float)
    std_column = f"cv_{metric}_std"
    errors = df[std_column].to_numpy(dtype=float) if std_column in df.columns else None
    figure, (ax,) = _figure(1, height=1.0 + 0.4 * len(df))
    positions = np.arange(len(df))
    bars = ax.barh(positions, values, xerr=errors, color="tab:blue")
    ax.bar_label(bars, labels=[f"{value:.4g}" for value in values], padding=3)
    ax.set_yticks(positions, [str(name) for name in df.index])
    ax.invert_yaxis()  # first model on top
    ax.set_xlabel(metric)
    ax.margins(x=0.15)
    return _save(figure, path)


def plot_training_curves(estimator, *, path=None):
    """Plot an LSTM's loss and accuracy per epoch from its training history.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~sklstm.LSTMClassifier` (its ``history_``), a
        fitted skorch net (its ``history``), or a pipeline: then the last
        step with such a history is used. The history is a list of dicts,
        one per epoch, with ``'epoch'``, ``'train_loss'`` and, with a
        validation split, ``'valid_loss'`` and ``'valid_acc'``; missing
        keys are left out of the figure.

    path : str, path-like or None, default=None
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        A loss panel (``train_loss``, ``valid_loss``) and, when the history
        has ``valid_acc`` or ``train_acc``, an accuracy panel.

    Raises
    ------
    TypeError
        If no history is found.
    ValueError
        If the history is empty or records no loss or accuracy.

    Examples
    --------
    >>> class Fitted:
    ...     history_ = [{"epoch": 1, "train_loss": 0.7, "valid_loss": 0.6, "valid_acc": 0.7},
    ...                 {"epoch": 2, "train_loss": 0.5, "valid_loss": 0.5, "valid_acc": 0.8}]
    >>> figure = plot_training_curves(Fitted())
    >>> [ax.get_ylabel() for ax in figure.axes]
    ['loss', 'accuracy']
    """
    history = training_history(estimator)
    if len(history) == 0:
        raise ValueError("the training history is empty: no epoch was recorded")
    epochs = [row.get("epoch", i) for i, row in enumerate(history, start=1)]
    panels = {"loss": ["train_loss", "valid_loss"], "accuracy": ["train_acc", "valid_acc"]}
    panels = {label: [key for key in keys if any(key in row for row in history)]
              for label, keys in panels.items()}
    panels = {label: keys for label, keys in panels.items() if keys}
    if not panels:
        raise ValueError("the training history records none of train_loss, valid_loss, "
                         f"train_acc, valid_acc; its keys are {sorted(history[0])}")
    figure, axes = _figure(len(panels))
    for ax, (label, keys) in zip(axes, panels.items(), strict=True):
        for key in keys:
            values = [row.get(key, np.nan) for row in history]
            ax.plot(epochs, np.asarray(values, dtype=float), marker="o", label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.legend()
        ax.grid(alpha=0.3)
    return _save(figure, path)


def plot_confusion_matrices(y_true, predictions, *, labels=None, path=None):
    """One confusion-matrix panel per model.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    predictions : dict of str to array-like of shape (n_samples,)
        Each model's predicted labels, e.g. the predictions of
        ``compare(..., return_estimators=True)``.
    labels : array-like or None, default=None
        Labels to show, in order; None uses every label in ``y_true`` and
        the predictions, sorted.
    path : str, path-like or None, default=None
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per model (rows: true label, columns: predicted label),
        each cell showing its count.

    Raises
    ------
    ValueError
        If ``predictions`` is empty or a model's predictions differ in
        length from ``y_true`` (the model is named).

    Examples
    --------
    >>> figure = plot_confusion_matrices(["a", "b", "b"], {"m1": ["a", "b", "a"],
    ...                                                    "m2": ["a", "b", "b"]})
    >>> [ax.get_title() for ax in figure.axes]
    ['m1', 'm2']
    """
    from sklearn.metrics import confusion_matrix

    if not predictions:
        raise ValueError("predictions is empty: pass at least one {name: y_pred} pair")
    y_true = np.asarray(y_true)
    predictions = {name: np.asarray(y_pred) for name, y_pred in predictions.items()}
    for name, y_pred in predictions.items():
        if len(y_pred) != len(y_true):
            raise ValueError(f"predictions[{name!r}] has {len(y_pred)} labels but y_true "
                             f"has {len(y_true)}")
    if labels is None:
        labels = np.unique(np.concatenate([y_true, *predictions.values()]))
    labels = np.asarray(labels)
    figure, axes = _figure(len(predictions))
    ticks = np.arange(len(labels))
    for ax, (name, y_pred) in zip(axes, predictions.items(), strict=True):
        matrix = confusion_matrix(y_true, y_pred, labels=labels)
        ax.imshow(matrix, cmap="Blues", vmin=0)
        threshold = matrix.max() / 2
        for (i, j), count in np.ndenumerate(matrix):
            ax.text(j, i, str(count), ha="center", va="center",
                    color="white" if count > threshold else "black")
        ax.set_xticks(ticks, [str(label) for label in labels])
        ax.set_yticks(ticks, [str(label) for label in labels])
        ax.set_xlabel("predicted label")
        ax.set_ylabel("true label")
        ax.set_title(str(name))
    return _save(figure, path)


def plot_data_summary(texts, labels, *, path=None):
    """The data at a glance: texts per class, and the distribution of text lengths.

    Parameters
    ----------
    texts : sequence of str
        The texts.
    labels : array-like of shape (n_texts,)
        Their labels.
    path : str, path-like or None, default=None
        Where to save the figure.

    Returns
    -------
    matplotlib.figure.Figure
        A bar panel (texts per class, largest first) and a histogram of
        lengths in words (whitespace-separated), with the median marked.

    Raises
    ------
    ValueError
        If there are no texts, or ``texts`` and ``labels`` differ in length.

    Examples
    --------
    >>> figure = plot_data_summary(["a fine film", "dull", "great fun"], ["pos", "neg", "pos"])
    >>> [ax.get_title() for ax in figure.axes]
    ['texts per class', 'length in words (median 2)']
    """
    labels = np.asarray(labels)
    if len(texts) == 0:
        raise ValueError("there are no texts to summarise")
    if len(texts) != len(labels):
        raise ValueError(f"texts has {len(texts)} entries but labels has {len(labels)}")
    classes, counts = np.unique(labels, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    lengths = np.array([len(str(text).split()) for text in texts])
    figure, (bars, hist) = _figure(2)
    bars.barh(np.arange(len(order)), counts[order], color="tab:blue")
    bars.set_yticks(np.arange(len(order)), [str(c) for c in classes[order]])
    bars.invert_yaxis()
    bars.set_xlabel("texts")
    bars.set_title("texts per class")
    median = float(np.median(lengths))
    hist.hist(lengths, bins=min(50, max(5, len(np.unique(lengths)))), color="tab:gray")
    hist.axvline(median, color="tab:red", linestyle="--")
    hist.set_xlabel("words")
    hist.set_ylabel("texts")
    hist.set_title(f"length in words (median {median:g})")
    return _save(figure, path)
