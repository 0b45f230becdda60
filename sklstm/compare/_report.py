"""The comparison report: one self-contained HTML page to look at.

:func:`write_report` turns the results of :func:`~sklstm.compare.compare`
(or :func:`~sklstm.compare.cross_compare`) into ``report.html``: the
score table with fit and predict times, each model's precision, recall and
F1 per class, the confusion matrices, the LSTM's learning curves, the
data's class balance and length distribution, and the environment. Images
are PNGs inlined as ``data:`` URIs, so the page is one file that opens
anywhere, offline.
"""

import base64
import html
import io
from datetime import datetime, timezone

import numpy as np

from .._utils.files import atomic_file

__all__ = ["build_report", "write_report"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f3f3f3; }
tr.best td { font-weight: bold; }
img { max-width: 100%; display: block; margin: 0.6em 0; }
.note { color: #666; font-size: 0.9em; }
.models { display: flex; flex-wrap: wrap; gap: 1.5em; }
.side { display: flex; flex-wrap: wrap; gap: 1.5em; }
.side > div { flex: 1 1 28em; min-width: 0; }
"""


def _figure_html(figure, alt):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _cell(value):
    if isinstance(value, (float, np.floating)):
        return f"{value:.4f}"
    return html.escape(str(value))


def _table_html(header, rows, *, best=None):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        f'<tr{" class=best" if i == best else ""}>'
        + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
        for i, row in enumerate(rows))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _scores_html(table):
    header = ["model", *table.columns]
    rows = [[name, *values] for name, values in zip(table.index, table.to_numpy(), strict=True)]
    best = int(np.argmax(table["accuracy"].to_numpy())) if "accuracy" in table else None
    return _table_html(header, rows, best=best)


def _per_class_html(y_true, predictions):
    from sklearn.metrics import precision_recall_fscore_support

    labels = np.unique(np.asarray(y_true))
    parts = []
    for name, y_pred in predictions.items():
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, zero_division=0)
        rows = [[label, p, r, f, int(n)]
                for label, p, r, f, n in zip(labels, precision, recall, f1, support, strict=True)]
        parts.append(f"<div><h3>{html.escape(str(name))}</h3>"
                     + _table_html(["class", "precision", "recall", "F1", "support"], rows)
                     + "</div>")
    return '<div class="models">' + "".join(parts) + "</div>"


def _curves_html(estimators):
    from ._history import training_history
    from ._plots import plot_training_curves

    parts = []
    for name, estimator in estimators.items():
        try:
            if not len(training_history(estimator)):
                continue
            figure = plot_training_curves(estimator)
        except (TypeError, ValueError):  # a model without a training history
            continue
        parts.append(f"<h3>{html.escape(str(name))}</h3>"
                     + _figure_html(figure, f"learning curves of {name}"))
    return "".join(parts) or '<p class="note">No model recorded a training history.</p>'


def _explanations_html(explanations):
    parts = ['<p class="note">Red tokens pushed the model towards the class it predicted, '
             "blue ones away from it; stronger colours, larger weights. Hover a token for "
             "its weight.</p>"]
    for heading, sides in explanations:
        parts.append(f"<h3>{html.escape(str(heading))}</h3><div class=side>")
        parts.extend(f"<div><b>{html.escape(str(name))}</b>{explanation.to_html()}</div>"
                     for name, explanation in sides)
        parts.append("</div>")
    return "".join(parts)


def build_report(*, table, y_test, predictions, estimators=None, train_texts=None,
                 train_labels=None, environment=None, title="sklstm comparison",
                 subtitle="", explanations=None):
    """The HTML text of a comparison report.

    Parameters
    ----------
    table : pandas.DataFrame
        The scores, as :func:`~sklstm.compare.compare` returns them.
    y_test : array-like of shape (n_test,)
        The true labels the predictions are scored against.
    predictions : dict of str to array-like of shape (n_test,)
        Each model's predicted labels.
    estimators : dict of str to estimator or None, default=None
        The fitted models; those with a training history (the LSTM) get
        learning curves.
    train_texts, train_labels : sequence or None, default=None
        The training data, for the class balance and length distribution.
    environment : dict or None, default=None
        Versions and machine, shown as a table.
    title, subtitle : str
        The page's heading and the line under it.
    explanations : list of (str, list of (str, Explanation)) or None, default=None
        Explained test predictions, shown side by side: for each text a
        heading (such as "most confident wrong: ..."), then each model's
        name and its :class:`~sklstm.explain.Explanation` (anything with
        ``to_html()``) of that text.

    Returns
    -------
    html : str
        A complete, self-contained HTML page.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.compare import build_report
    >>> table = pd.DataFrame({"accuracy": [0.5]}, index=pd.Index(["m"], name="model"))
    >>> page = build_report(table=table, y_test=["a", "b"], predictions={"m": ["a", "a"]})
    >>> page.startswith("<!DOCTYPE html>"), "data:image/png;base64," in page
    (True, True)
    """
    from ._plots import plot_confusion_matrices, plot_data_summary, plot_scores

    y_test = np.asarray(y_test)
    sections = [
        ("Scores", _scores_html(table)
         + _figure_html(plot_scores(table), "accuracy of each model")
         + '<p class="note">Times are in seconds on this machine (fit: the whole training '
           "data; predict: the whole test data).</p>"),
        ("Per class", _per_class_html(y_test, predictions)),
        ("Confusion matrices", _figure_html(plot_confusion_matrices(y_test, predictions),
                                            "confusion matrices")),
        ("Learning curves", _curves_html(estimators or {})),
    ]
    if train_texts is not None and train_labels is not None and len(train_texts):
        classes, counts = np.unique(np.asarray(train_labels), return_counts=True)
        rows = [[c, int(n), n / counts.sum()] for c, n in zip(classes, counts, strict=True)]
        sections.append(("Data", _figure_html(plot_data_summary(train_texts, train_labels),
                                              "class balance and text lengths")
                         + _table_html(["class", "training texts", "share"], rows)))
    if explanations:
        sections.append(("Explained predictions", _explanations_html(explanations)))
    if environment:
        sections.append(("Environment", _table_html(["", "value"], list(environment.items()))))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(f"<h2>{html.escape(name)}</h2>{content}" for name, content in sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>"
            f'<p class="note">Written by sklstm on {stamp}.</p>{body}</body></html>\n')


def write_report(path, **kwargs):
    """Write :func:`build_report`'s page to ``path`` atomically; return the path.

    Parameters
    ----------
    path : str or path-like
        The HTML file to write (replaced whole, or left as it was on error).
    **kwargs
        The arguments of :func:`build_report`.

    Returns
    -------
    path : str or path-like
    """
    page = build_report(**kwargs)
    with atomic_file(path) as f:
        f.write(page.encode("utf-8"))
    return path
