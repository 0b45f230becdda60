"""The result of :func:`sklstm.explain.explain`, and how it shows.

:class:`Explanation` holds one text's tokens and a weight per token and
class; it shows itself in a notebook (tokens highlighted red for, blue
against the class), as text and as a bar chart (:func:`plot_explanation`).
:class:`ExplanationList` holds several, and :func:`explanations_html` makes
an HTML fragment of them for a report. Nothing here runs a model.
"""

import html
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import numpy as np

from .._utils.files import atomic_file

__all__ = ["Explanation", "ExplanationList", "explanations_html", "plot_explanation"]

_POSITIVE_RGB = (214, 39, 40)  # red: the token supports the class
_NEGATIVE_RGB = (31, 119, 180)  # blue: the token speaks against it


@dataclass(eq=False)
class Explanation:
    """The tokens of one text and how much each pushed the model towards each class.

    Attributes
    ----------
    text : str
        The explained text.
    tokens : list of str
        Its tokens, in order, as the model saw them: for an sklstm pipeline
        the tokenizer's tokens after normalization and ``max_length``
        truncation (``TextTokenizer.tokenize``), one per id of the row the
        network reads; for other pipelines the words of :data:`WORD_PATTERN`.
    weights : ndarray of shape (n_tokens, n_columns)
        One row per token, one column per entry of ``columns``; positive
        weights push towards the column's class. A text without tokens has
        shape ``(0, n_columns)``.
    method : str
        The method that computed the weights.
    columns : list of str
        What each column explains: the classes (``classes_``, as str), the
        labels of a multi-label model, or the outputs of a regressor.
    prediction : object
        The model's prediction: a class, a list of labels (multi-label), or
        a number (an array for several regression targets).
    proba : ndarray of shape (n_columns,) or None
        The class (or label) probabilities; None for a regressor.
    column : int
        The column shown by default: the predicted class (multi-label: the
        most probable label; regressor: 0).
    output : ndarray of shape (n_columns,) or None
        Integrated gradients: the explained output for the text (logits,
        probabilities or predictions, as ``output`` of :func:`explain` says);
        None for a text without tokens.
    baseline_output : ndarray of shape (n_columns,) or None
        Integrated gradients: the same output for the baseline. The weights of
        each column sum to ``output - baseline_output`` (completeness), up to
        the error of the numerical integration.
    completeness_error : float or None
        Integrated gradients: how far the weights' sums miss
        ``output - baseline_output``, the largest miss over the columns
        divided by the largest absolute output change (0 for a text without
        tokens).
    n_steps : int or None
        Integrated gradients: the points of the path integral used for this
        text (more than asked where the first try missed ``tolerance``).
    space : str
        The quantity the weights are in: ``'logit'``, ``'log_proba'``, ``'proba'`` (a
        probability), ``'prediction'`` (a regressor's units) or
        ``'attention'`` (attention weights, the same for every column).
    model_name : str
        The class name of the model's final estimator, for titles.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.explain import Explanation
    >>> e = Explanation(text="a great film", tokens=["a", "great", "film"],
    ...                 weights=np.array([[0.0], [0.8], [-0.1]]), method="occlusion",
    ...                 columns=["pos"], prediction="pos", proba=np.array([0.9]))
    >>> e.top_tokens(2)
    [('great', 0.8), ('film', -0.1)]
    >>> print(e.to_text())
    occlusion for 'pos' (prediction 'pos', p=0.900)
          0  a                  +0.0000
          1  great              +0.8000
          2  film               -0.1000
    """

    text: str
    tokens: list
    weights: np.ndarray
    method: str
    columns: list
    prediction: object = None
    proba: np.ndarray = None
    column: int = 0
    output: np.ndarray = None
    baseline_output: np.ndarray = None
    space: str = "proba"
    completeness_error: float = None
    n_steps: int = None
    model_name: str = field(default="", repr=False)

    # ------------------------------------------------------------ lookups

    def _column_index(self, column):
        if column is None:
            return self.column
        if isinstance(column, Integral) and not isinstance(column, bool) and (
                -len(self.columns) <= column < len(self.columns)):
            return int(column) % len(self.columns)
        names = [str(c) for c in self.columns]
        if str(column) in names:
            return names.index(str(column))
        raise ValueError(f"column {column!r} is neither one of {names} nor an index below "
                         f"{len(names)}")

    def column_weights(self, column=None):
        """The weights of one column, shape (n_tokens,).

        Parameters
        ----------
        column : int, str or None, default=None
            A class name (or label) or column index; None: :attr:`column`.
        """
        return self.weights[:, self._column_index(column)]

    def top_tokens(self, k=10, column=None):
        """The ``k`` tokens of largest absolute weight, with their weights, largest first.

        Parameters
        ----------
        k : int, default=10
            How many.
        column : int, str or None, default=None
            The class (or its index); None: :attr:`column`.

        Returns
        -------
        list of (str, float)
        """
        w = self.column_weights(column)
        order = np.argsort(-np.abs(w), kind="stable")[:k]
        return [(self.tokens[i], float(w[i])) for i in order]

    def _title(self, j):
        title = f"{self.method} for {self.columns[j]!r}"
        if self.prediction is not None:
            predicted = self.prediction
            if isinstance(predicted, np.ndarray):
                predicted = predicted.tolist()
            title += f" (prediction {predicted!r}"
            if self.proba is not None:
                title += f", p={float(self.proba[j]):.3f}"
            title += ")"
        return title

    # ------------------------------------------------------------ display

    def to_text(self, column=None, top=None):
        """The tokens and their weights as plain text, one token a line.

        Parameters
        ----------
        column : int, str or None, default=None
            The class (or its index) whose weights to show; None:
            :attr:`column`, the predicted class.
        top : int or None, default=None
            Show only the ``top`` tokens of largest absolute weight, largest
            first; None shows every token in order.

        Returns
        -------
        str
        """
        j = self._column_index(column)
        w = self.weights[:, j]
        order = (np.arange(len(w)) if top is None
                 else np.argsort(-np.abs(w), kind="stable")[:top])
        lines = [self._title(j)]
        lines += [f"  {i:5d}  {self.tokens[i]:<18.18s} {w[i]:+.4f}" for i in order]
        if not len(w):
            lines.append("  (no tokens)")
        return "\n".join(lines)

    def to_html(self, column=None):
        """The text with each token highlighted by its weight, as an HTML fragment.

        Red marks tokens that push towards the class, blue ones that push
        away, stronger colours larger weights (relative to the text's largest
        absolute weight); hovering a token shows its weight. Tokens are
        HTML-escaped.

        Parameters
        ----------
        column : int, str or None, default=None
            The class (or its index); None: the predicted class.

        Returns
        -------
        str
        """
        j = self._column_index(column)
        return (f'<div class="sklstm-explanation" style="margin:0.5em 0">'
                f'<div style="font-size:90%;margin-bottom:0.3em">'
                f'{html.escape(self._title(j))}. {_legend()}</div>'
                f'{_highlighted(self.tokens, self.weights[:, j])}</div>')

    def _repr_html_(self):
        return self.to_html()

    def plot(self, column=None, *, top=20, path=None):
        """Bar chart of the ``top`` tokens of largest weight: see :func:`plot_explanation`."""
        return plot_explanation(self, column=column, top=top, path=path)

    def to_png(self, path, column=None, *, top=20):
        """Save :meth:`plot`'s figure as a PNG at ``path``; return the figure."""
        return plot_explanation(self, column=column, top=top, path=path, format="png")


class ExplanationList(list):
    """A list of :class:`Explanation` that shows itself in a notebook and as text.

    Examples
    --------
    >>> from sklstm.explain import ExplanationList
    >>> ExplanationList().to_text()
    ''
    """

    def to_html(self, column=None, titles=None):
        """All explanations as one HTML fragment: see :func:`explanations_html`."""
        return explanations_html(self, column=column, titles=titles)

    def _repr_html_(self):
        return self.to_html()

    def to_text(self, column=None, top=None):
        """Each explanation's :meth:`Explanation.to_text`, separated by blank lines."""
        return "\n\n".join(e.to_text(column=column, top=top) for e in self)


def _rgba(weight, scale):
    rgb = _POSITIVE_RGB if weight >= 0 else _NEGATIVE_RGB
    alpha = 0.0 if scale <= 0 else min(1.0, abs(weight) / scale) * 0.8
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha:.2f})"


def _highlighted(tokens, weights):
    """The tokens as highlighted HTML spans, separated by spaces."""
    if not len(tokens):
        return '<span style="color:#888">(no tokens)</span>'
    finite = np.abs(weights[np.isfinite(weights)])
    scale = float(finite.max()) if finite.size else 0.0
    spans = [f'<span title="{w:+.4f}" style="background:{_rgba(w, scale)};'
             f'padding:0 1px;border-radius:2px">{html.escape(token)}</span>'
             for token, w in zip(tokens, weights, strict=True)]
    return '<div style="line-height:1.8;font-family:sans-serif">' + " ".join(spans) + "</div>"


def _legend():
    box = ('<span style="background:{};padding:0 4px;border-radius:2px">{}</span>')
    return (box.format(_rgba(1, 1), "for the class") + " "
            + box.format(_rgba(-1, 1), "against"))


def explanations_html(explanations, *, column=None, titles=None):
    """Several explanations as one self-contained HTML fragment (inline styles only).

    Parameters
    ----------
    explanations : iterable of Explanation
        What :func:`explain` returned (or some of it).
    column : int, str or None, default=None
        The class to show for every explanation; None: each one's predicted
        class.
    titles : iterable of str or None, default=None
        A heading for each explanation (such as "true: neg"), HTML-escaped.

    Returns
    -------
    str
        A ``<div class="sklstm-explanations">`` holding one block per
        explanation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.explain import Explanation, explanations_html
    >>> e = Explanation(text="<b>", tokens=["<b>"], weights=np.ones((1, 1)),
    ...                 method="occlusion", columns=["pos"])
    >>> "&lt;b&gt;" in explanations_html([e], titles=["one"])
    True
    """
    explanations = list(explanations)
    titles = [None] * len(explanations) if titles is None else list(titles)
    if len(titles) != len(explanations):
        raise ValueError(f"got {len(titles)} titles for {len(explanations)} explanations")
    parts = ['<div class="sklstm-explanations">']
    for e, title in zip(explanations, titles, strict=True):
        if title is not None:
            parts.append(f'<div style="font-weight:bold;margin-top:0.8em">'
                         f'{html.escape(str(title))}</div>')
        parts.append(e.to_html(column=column))
    parts.append("</div>")
    return "".join(parts)


def plot_explanation(explanation, column=None, *, top=20, path=None, format=None):
    """Horizontal bar chart of the tokens of largest absolute weight.

    The figure is a pyplot-free :class:`matplotlib.figure.Figure` (as those
    of :mod:`sklstm.compare`).

    Parameters
    ----------
    explanation : Explanation
        What to draw.
    column : int, str or None, default=None
        The class (or its index); None: the predicted class.
    top : int, default=20
        How many tokens to draw, largest absolute weight at the top. Each
        bar is labelled with the token and its position in the text.
    path : str, path-like or None, default=None
        Where to save the figure (written atomically), as PNG unless
        ``format`` or the suffix says otherwise.
    format : str or None, default=None
        The file format; None: from the suffix of ``path``, else PNG.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.explain import Explanation, plot_explanation
    >>> e = Explanation(text="good film", tokens=["good", "film"],
    ...                 weights=np.array([[0.5], [-0.1]]), method="occlusion",
    ...                 columns=["pos"])
    >>> figure = plot_explanation(e)
    >>> [t.get_text() for t in figure.axes[0].get_yticklabels()]
    ['film (1)', 'good (0)']
    """

    from matplotlib.figure import Figure  # here, so that `import sklstm` does not load it

    j = explanation._column_index(column)
    w = explanation.weights[:, j]
    order = np.argsort(-np.abs(w), kind="stable")[:top][::-1]
    height = 1.0 + 0.28 * max(len(order), 1)
    figure = Figure(figsize=(6.0, height), layout="constrained")
    ax = figure.subplots()
    colors = [tuple(c / 255 for c in (_POSITIVE_RGB if w[i] >= 0 else _NEGATIVE_RGB))
              for i in order]
    ax.barh(np.arange(len(order)), w[order], color=colors)
    ax.set_yticks(np.arange(len(order)),
                  [f"{explanation.tokens[i]} ({i})" for i in order])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"weight ({explanation.space})")
    ax.set_title(explanation._title(j), fontsize=9)
    if not len(order):
        ax.text(0.5, 0.5, "no tokens", ha="center", va="center", transform=ax.transAxes)
    if path is not None:
        fmt = format or Path(path).suffix[1:].lower() or "png"
        with atomic_file(path) as f:
            figure.savefig(f, format=fmt, dpi=100)
    return figure

