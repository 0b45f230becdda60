"""Why did a model predict that? Token attributions for text pipelines.

:func:`explain` gives one :class:`Explanation` per text: the text's tokens,
in order, and a weight per token and class (per label for a multi-label
model, one column for a regressor) that says how much the token pushed the
model towards that class. Three methods:

- ``'integrated_gradients'`` (Sundararajan et al., 2017, "Axiomatic
  Attribution for Deep Networks"): the gradients of the model's output with
  respect to the word vectors, averaged along the straight path from a
  baseline to the text, times the word vectors. Only for a fitted pipeline
  of a :class:`~sklstm.TextTokenizer` and an sklstm estimator.
- ``'attention'``: the attention weights of a model fitted with
  ``pooling='attention'``.
- ``'occlusion'``: the drop in ``predict_proba`` (``predict`` for a
  regressor) when each token is left out. It works for any pipeline on raw
  texts, such as the TF-IDF baselines of :mod:`sklstm.baselines`, so that
  one call explains both sides of a comparison.

An :class:`Explanation` shows itself in a notebook (tokens highlighted red
for, blue against the class), as text (:meth:`Explanation.to_text`) and as a
bar chart (:func:`plot_explanation`); :func:`explanations_html` makes an
HTML fragment of several, for a report. :func:`confident_predictions` picks
the texts worth explaining in a test set: the most confident right and wrong
predictions.
"""

import html
import re
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import torch
from sklearn.base import is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._utils.files import atomic_file
from ._utils.optional import import_optional
from ._utils.validation import check_iterable
from .batching import sequence_lengths
from .classifier import LSTMClassifier
from .regressor import LSTMRegressor
from .tokenizer import PAD_ID, UNK_ID, TextTokenizer, check_texts

__all__ = ["METHODS", "WORD_PATTERN", "Explanation", "ExplanationList", "confident_predictions",
           "explain", "explanations_html", "plot_explanation"]

#: The explanation methods :func:`explain` knows.
METHODS = ("integrated_gradients", "attention", "occlusion")

#: How raw texts are split into words for occlusion when a pipeline has no
#: :class:`~sklstm.TextTokenizer`: words (with an inner apostrophe) and single
#: punctuation marks; HTML tags are skipped.
WORD_PATTERN = r"\w+(?:'\w+)?|[^\w\s]"

_TAG = re.compile(r"<[^<>]{0,200}>")
_POSITIVE_RGB = (214, 39, 40)  # red: the token supports the class
_NEGATIVE_RGB = (31, 119, 180)  # blue: the token speaks against it


# --------------------------------------------------------------- the result


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
             for token, w in zip(tokens, weights)]
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
    for e, title in zip(explanations, titles):
        if title is not None:
            parts.append(f'<div style="font-weight:bold;margin-top:0.8em">'
                         f'{html.escape(str(title))}</div>')
        parts.append(e.to_html(column=column))
    parts.append("</div>")
    return "".join(parts)


def plot_explanation(explanation, column=None, *, top=20, path=None, format=None):
    """Horizontal bar chart of the tokens of largest absolute weight.

    The figure is a pyplot-free :class:`matplotlib.figure.Figure` (as those
    of :mod:`sklstm.plotting`); matplotlib comes with
    ``pip install sklstm[compare]``.

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
    from pathlib import Path

    figure_module = import_optional("matplotlib.figure", extra="compare",
                                    feature="plot_explanation")
    j = explanation._column_index(column)
    w = explanation.weights[:, j]
    order = np.argsort(-np.abs(w), kind="stable")[:top][::-1]
    height = 1.0 + 0.28 * max(len(order), 1)
    figure = figure_module.Figure(figsize=(6.0, height), layout="constrained")
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


# ------------------------------------------------------------ the pipeline


def _sklstm_parts(model):
    """(tokenizer, estimator) of a TextTokenizer + sklstm estimator pipeline, else None."""
    if isinstance(model, Pipeline) and len(model.steps) == 2:
        tokenizer, estimator = model.steps[0][1], model.steps[1][1]
        if isinstance(tokenizer, TextTokenizer) and isinstance(
                estimator, (LSTMClassifier, LSTMRegressor)):
            return tokenizer, estimator
    return None


def _describe(model):
    if isinstance(model, Pipeline):
        return "a pipeline of " + " and ".join(type(s).__name__ for _, s in model.steps)
    return f"a {type(model).__name__}"


def _columns(estimator):
    if is_regressor(estimator):
        n = getattr(estimator, "n_outputs_", 1)
        return ["prediction"] if n == 1 else [f"prediction {i}" for i in range(n)]
    return [str(c) for c in estimator.classes_]


def _predictions(estimator, outputs):
    """(predictions, proba or None, default columns) from raw outputs of an sklstm estimator,
    or from predict_proba / predict of another (``outputs`` is then what they gave)."""
    if is_regressor(estimator):
        values = np.asarray(outputs, dtype=np.float64)
        values = values.reshape(len(values), -1)
        preds = [v[0] if len(v) == 1 else v for v in values]
        return preds, None, np.zeros(len(values), dtype=int)
    proba = np.asarray(outputs, dtype=np.float64)
    if getattr(estimator, "multilabel_", False):
        chosen = proba >= estimator.thresholds_
        preds = [[c for c, keep in zip(estimator.classes_.tolist(), row) if keep]
                 for row in chosen]
    else:
        preds = [c for c in np.asarray(estimator.classes_)[np.argmax(proba, axis=1)].tolist()]
    return preds, proba, np.argmax(proba, axis=1)


def _model_outputs(estimator, X):
    """What occlusion compares: predict_proba, or predict for a regressor, as 2-D float64."""
    values = estimator.predict(X) if is_regressor(estimator) else estimator.predict_proba(X)
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1)


# ----------------------------------------------------- running the network


class _Embedded:
    """Run an :class:`~sklstm.modules.LSTMTextModule` on given word vectors.

    The module is fed *position ids* (``row * width + step + 1``, 0 for
    padding) and a forward hook on its embedding replaces the looked-up
    vectors by the rows of ``table`` at those positions, so that every path
    through the module (the backward direction reads reversed ids) sees the
    given vectors and gradients flow back to them.

    A module with a bag of n-grams (:class:`~sklstm.modules.BagOfNgrams`)
    gets, after each word vector, the token's share of the bag's logits
    (:func:`_token_inputs`): scaled along the path with the vector, they add
    the bag's part of the output and its attributions.
    """

    def __init__(self, module):
        self.module = module
        self.table = None

    def __enter__(self):
        embedding = self.module.embedding
        self._handles = [embedding.register_forward_pre_hook(self._pre_hook),
                         embedding.register_forward_hook(self._hook)]
        self._positions = []
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()

    def _pre_hook(self, embedding, inputs):
        if self.table is None:
            return None
        # The lookup itself gets padding ids (always valid); _hook replaces its result.
        self._positions.append(inputs[0])
        return (torch.zeros_like(inputs[0]),)

    def _hook(self, embedding, inputs, output):
        if self.table is None:
            return output
        return torch.nn.functional.embedding(self._positions.pop(), self.table)

    def __call__(self, vectors, real):
        """Outputs for ``vectors`` (rows, width, dim); ``real`` (rows, width) marks the tokens."""
        module = self.module
        dim = module.embedding.embedding_dim
        vectors, bag_shares = vectors[..., :dim], vectors[..., dim:]
        rows, width = real.shape
        positions = torch.arange(1, rows * width + 1, device=vectors.device).reshape(rows, width)
        positions = positions * real
        self.table = torch.cat([vectors.new_zeros(1, dim), vectors.reshape(-1, dim)])
        try:
            lengths = module.lengths(positions)
            paired = module.pooling == "attention"
            parts = module.encode(positions, lengths, paired=paired)
            pooled = module.pool(parts, lengths, paired=paired)
            logits = module.output(module.dropout(pooled))
        finally:
            self.table = None
        return logits + bag_shares.sum(dim=1) if bag_shares.shape[-1] else logits


def _token_inputs(module, X, real):
    """What integrated gradients scales along its path: each token's vector and bag share.

    Parameters
    ----------
    module : LSTMTextModule
    X : torch.Tensor of shape (batch, width)
        Ids within the vocabulary, 0 for padding.
    real : torch.Tensor of shape (batch, width)
        Where ``X`` holds a token (not padding).

    Returns
    -------
    inputs : torch.Tensor of shape (batch, width, embedding_dim [+ num_classes])
        The word vectors (zero at padding), followed, where the module has a
        bag of n-grams, by each token's share of the bag's logits.
    """
    vectors = module.embedding.weight[X].detach() * real.unsqueeze(-1)
    if module.bag is None:
        return vectors
    with torch.no_grad():
        return torch.cat([vectors, module.bag.contributions(X)], dim=-1)


class _FrozenEval:
    """The module in eval mode with its parameters not requiring gradients, restored on exit.

    With ``differentiable=True`` (gradients with respect to the inputs), the
    recurrent layers on CUDA run in training mode with their dropout set to
    zero: cuDNN computes an RNN's backward pass only in training mode, and
    without dropout that mode computes the same function as eval mode.
    """

    def __init__(self, module, *, differentiable=False):
        self.module = module
        self.differentiable = differentiable

    def __enter__(self):
        self.training = self.module.training
        self.flags = [p.requires_grad for p in self.module.parameters()]
        self.module.eval()
        for p in self.module.parameters():
            p.requires_grad_(False)
        self.dropouts = []
        if self.differentiable:
            for layer in self.module.modules():
                if isinstance(layer, torch.nn.RNNBase) and any(
                        p.is_cuda for p in layer.parameters()):
                    self.dropouts.append((layer, layer.dropout))
                    layer.dropout = 0.0
                    layer.train()
        return self.module

    def __exit__(self, *exc):
        for layer, dropout in self.dropouts:
            layer.dropout = dropout
        for p, flag in zip(self.module.parameters(), self.flags):
            p.requires_grad_(flag)
        self.module.train(self.training)


def _device(module):
    return next(module.parameters()).device


def _rows_by_length(lengths, rows_per_batch):
    """Batches of row indices of similar length (longest first), ``rows_per_batch`` at most."""
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    return [order[i:i + rows_per_batch] for i in range(0, len(order), rows_per_batch)]


#: The quadrature rules of integrated gradients; 'adaptive' is the default.
INTEGRATIONS = ("adaptive", "gausslegendre", "trapezoid", "midpoint")


def _quadrature(n_steps, rule):
    """Points in [0, 1] and their weights (summing to 1) of a fixed rule."""
    if rule == "gausslegendre":
        x, w = np.polynomial.legendre.leggauss(n_steps)
        return (x + 1) / 2, w / 2
    if rule == "trapezoid":
        if n_steps < 2:
            raise ValueError(f"integration='trapezoid' needs n_steps >= 2, got {n_steps}")
        x = np.linspace(0.0, 1.0, n_steps)
        w = np.full(n_steps, 1.0 / (n_steps - 1))
        w[[0, -1]] /= 2
        return x, w
    if rule in ("midpoint", "adaptive"):
        return (np.arange(n_steps) + 0.5) / n_steps, np.full(n_steps, 1.0 / n_steps)
    raise ValueError(f"integration must be one of {', '.join(map(repr, INTEGRATIONS))}, "
                     f"got {rule!r}")


class _Output:
    """What integrated gradients explain: a function of the network's raw outputs.

    ``mirrored`` is True where the output has two columns whose sum does not
    depend on the input (a binary classifier's log-odds or probabilities):
    the gradients of column 0 are then those of column 1 negated, and one
    backward pass serves both.
    """

    def __init__(self, transform, space, mirrored=False):
        self.transform, self.space, self.mirrored = transform, space, mirrored


def _output_transform(estimator, output):
    """The :class:`_Output` that ``output`` of :func:`explain` names for ``estimator``."""
    if isinstance(estimator, LSTMRegressor):
        if output not in ("logit", "prediction", None):
            raise ValueError(f"output={output!r} is not available for LSTMRegressor, whose "
                             "explanations are in its predictions' units (output=None)")
        scale = torch.as_tensor(np.asarray(estimator.target_scale_, dtype=np.float32))
        mean = torch.as_tensor(np.asarray(estimator.target_mean_, dtype=np.float32))
        return _Output(lambda z: z * scale.to(z.device) + mean.to(z.device), "prediction")
    binary = not estimator.multilabel_ and len(estimator.classes_) == 2
    if output in (None, "logit"):
        if binary:  # each class's log-odds: what decision_function gives for classes_[1]
            return _Output(lambda z: z - z.flip(1), "logit", mirrored=True)
        return _Output(lambda z: z, "logit")
    if output == "proba":
        if estimator.multilabel_:
            return _Output(torch.sigmoid, "proba")
        return _Output(lambda z: torch.softmax(z, dim=1), "proba", mirrored=binary)
    if output == "log_proba":
        if estimator.multilabel_:
            return _Output(torch.nn.functional.logsigmoid, "log_proba")
        return _Output(lambda z: torch.log_softmax(z, dim=1), "log_proba")
    raise ValueError(f"output must be 'logit', 'proba' or 'log_proba', got {output!r}")


def _completeness_error(attribution, delta):
    """The largest miss of ``attribution.sum(0)`` over the columns, relative to ``delta``."""
    miss = np.abs(attribution.sum(axis=0) - delta).max()
    return miss / max(np.abs(delta).max(), 1e-6)


class _Path:
    """The straight paths from the zero baseline to a group of texts of similar length.

    ``outputs(texts, alphas)`` runs the network on ``alphas[i]`` times the
    word vectors of text ``texts[i]``, without gradients;
    ``attributions(texts, alphas)`` also gives, for each such point, the
    gradient of each explained column with respect to the word vectors times
    the word vectors, summed over the vectors' dimensions: one row of token
    weights per point. Both run ``batch_size`` points at a time.
    """

    def __init__(self, run, vectors, real, explained, n_columns, batch_size):
        self.run, self.vectors, self.real = run, vectors, real
        self.explained, self.n_columns, self.batch_size = explained, n_columns, batch_size

    def _chunks(self, texts, alphas):
        for start in range(0, len(texts), self.batch_size):
            t = torch.as_tensor(np.asarray(texts[start:start + self.batch_size]),
                                device=self.vectors.device)
            a = torch.as_tensor(np.asarray(alphas[start:start + self.batch_size]),
                                dtype=self.vectors.dtype, device=self.vectors.device)
            yield t, a.view(-1, 1, 1) * self.vectors[t]

    def outputs(self, texts, alphas):
        with torch.no_grad():
            parts = [self.explained.transform(self.run(path, self.real[t])).double().cpu()
                     for t, path in self._chunks(texts, alphas)]
        return torch.cat(parts).numpy()

    def attributions(self, texts, alphas):
        first = 1 if self.explained.mirrored else 0
        parts = []
        for t, path in self._chunks(texts, alphas):
            path.requires_grad_(True)
            vectors = self.vectors[t]
            result = torch.zeros(path.shape[:2] + (self.n_columns,), dtype=torch.float64,
                                 device=path.device)
            with torch.enable_grad():
                out = self.explained.transform(self.run(path, self.real[t]))
                for c in range(first, self.n_columns):
                    g = torch.autograd.grad(out[:, c].sum(), path,
                                            retain_graph=c < self.n_columns - 1)[0]
                    result[:, :, c] = (g * vectors).sum(dim=-1).double()
            if first:
                result[:, :, 0] = -result[:, :, 1]
            parts.append(result.cpu())
        return torch.cat(parts).numpy()


def _fixed_rule(path, n_texts, quadrature):
    """Token weights (n_texts, width, n_columns) by one fixed quadrature rule."""
    alphas, alpha_weights = quadrature
    texts = np.repeat(np.arange(n_texts), len(alphas))
    points = path.attributions(texts, np.tile(alphas, n_texts))
    points = points.reshape((n_texts, len(alphas)) + points.shape[1:])
    return np.tensordot(alpha_weights, points, axes=([0], [1]))


def _adaptive(path, n_texts, ends, *, n_steps, tolerance, max_steps):
    """Token weights (list of (width, n_columns)) and points used, by adaptive midpoints.

    Each text's path starts cut into ``n_steps`` equal intervals, each given
    the gradient at its midpoint. The network's outputs at the intervals'
    ends (forward passes only, a fraction of a gradient's cost) tell how
    much each interval's weights should sum to, so each interval's own
    completeness error is known: the intervals that miss the most are cut in
    three (the middle third keeps its midpoint, the outer thirds get one
    gradient each), until the text is within ``tolerance`` or has used
    ``max_steps`` points. Where the output changes abruptly along the path,
    the points go there. ``ends`` are the outputs at the baseline and at the
    texts.
    """
    edges = np.linspace(0.0, 1.0, n_steps + 1)
    inner = edges[1:-1]
    texts = np.repeat(np.arange(n_texts), len(inner))
    values = path.outputs(texts, np.tile(inner, n_texts)).reshape(n_texts, len(inner), -1)
    values = np.concatenate([ends[0][:, None], values, ends[1][:, None]], axis=1)
    texts = np.repeat(np.arange(n_texts), n_steps)
    points = path.attributions(texts, np.tile(_quadrature(n_steps, "midpoint")[0], n_texts))
    points = points.reshape((n_texts, n_steps) + points.shape[1:]) / n_steps
    # Per text: a list of intervals [start, end, output at start, output at end, weights].
    intervals = [[[edges[i], edges[i + 1], values[j, i], values[j, i + 1], points[j, i]]
                  for i in range(n_steps)] for j in range(n_texts)]
    used = np.full(n_texts, n_steps)
    scale = np.maximum(np.abs(ends[1] - ends[0]).max(axis=1), 1e-6)
    while tolerance is not None:
        cuts = []
        for j in range(n_texts):
            misses = np.array([w.sum(axis=0) - (hi - lo) for _, _, lo, hi, w in intervals[j]])
            if np.abs(misses.sum(axis=0)).max() <= tolerance * scale[j]:
                continue
            room = (max_steps - used[j]) // 2
            if room < 1:
                continue
            worst = np.abs(misses).max(axis=1)
            k = min(room, int((worst >= worst.max() / 4).sum()))
            cuts += [(j, i) for i in np.argsort(-worst, kind="stable")[:k]]
            used[j] += 2 * k
        if not cuts:
            break
        spans = np.array([intervals[j][i][:2] for j, i in cuts])
        width = (spans[:, 1] - spans[:, 0])[:, None]
        texts = np.repeat([j for j, _ in cuts], 2)
        thirds = (spans[:, :1] + width * np.array([1 / 3, 2 / 3])).ravel()
        sixths = (spans[:, :1] + width * np.array([1 / 6, 5 / 6])).ravel()
        new_values = path.outputs(texts, thirds)
        new_points = path.attributions(texts, sixths)
        pieces = {}
        for n, (j, i) in enumerate(cuts):
            a, b, fa, fb, w = intervals[j][i]
            m1, m2 = thirds[2 * n], thirds[2 * n + 1]
            f1, f2 = new_values[2 * n], new_values[2 * n + 1]
            h = (b - a) / 3
            pieces[j, i] = [[a, m1, fa, f1, new_points[2 * n] * h], [m1, m2, f1, f2, w / 3],
                            [m2, b, f2, fb, new_points[2 * n + 1] * h]]
        for j in {j for j, _ in cuts}:
            intervals[j] = [piece for i, interval in enumerate(intervals[j])
                            for piece in pieces.get((j, i), [interval])]
    return [sum(interval[4] for interval in text) for text in intervals], used


def _integrated_gradients(estimator, ids, *, n_steps, integration, output, batch_size,
                          tolerance, max_steps):
    """Per-token attributions (list of (length, n_columns) arrays), outputs, baselines,
    the output space, the completeness errors and the points used, per text.

    With a fixed rule, texts whose weights miss completeness by more than
    ``tolerance`` are computed again with four times the points, up to
    ``max_steps``; with ``'adaptive'``, the intervals that miss are cut.
    """
    for name, value in (("n_steps", n_steps), ("max_steps", max_steps),
                        ("batch_size", batch_size)):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if tolerance is not None and not (isinstance(tolerance, (int, float)) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number or None, got {tolerance!r}")
    _quadrature(int(n_steps), integration)  # check the rule before any work
    explained = _output_transform(estimator, output)
    lengths = sequence_lengths(ids)
    n_columns = len(_columns(estimator))
    weights = [np.zeros((n, n_columns)) for n in lengths]
    outputs = np.zeros((len(ids), n_columns))
    baselines = np.zeros((len(ids), n_columns))
    errors = np.zeros(len(ids))
    steps_used = np.full(len(ids), int(n_steps))
    module = estimator.module_
    device = _device(module)
    with _FrozenEval(module, differentiable=True), _Embedded(module) as run:
        for rows in _rows_by_length(lengths, max(1, batch_size // int(n_steps))):
            width = int(lengths[rows].max())
            X = module.known_ids(torch.as_tensor(np.asarray(ids[rows, :width], dtype=np.int64),
                                                 device=device))
            real = X != module.padding_idx
            vectors = _token_inputs(module, X, real)  # (k, width, dim [+ classes])
            path = _Path(run, vectors, real, explained, n_columns, batch_size)
            k = len(rows)
            ends = path.outputs(np.tile(np.arange(k), 2), np.repeat([0.0, 1.0], k))
            ends = ends[:k], ends[k:]  # at the baseline, at the texts
            baselines[rows], outputs[rows] = ends
            deltas = ends[1] - ends[0]
            if integration == "adaptive":
                found, steps_used[rows] = _adaptive(
                    path, k, ends, n_steps=int(n_steps), tolerance=tolerance,
                    max_steps=max_steps)
            else:
                found, todo, steps = [None] * k, np.arange(k), int(n_steps)
                while len(todo):
                    sub = _Path(run, vectors[todo], real[todo], explained, n_columns,
                                batch_size)
                    for j, w in zip(todo, _fixed_rule(sub, len(todo),
                                                      _quadrature(steps, integration))):
                        found[j] = w
                    steps_used[rows[todo]] = steps
                    if tolerance is None or steps * 4 > max_steps:
                        break
                    todo = np.array([j for j in todo if _completeness_error(
                        found[j], deltas[j]) > tolerance], dtype=int)
                    steps *= 4
            for j, row in enumerate(rows):
                weights[row] = found[j][:lengths[row]]
                errors[row] = _completeness_error(weights[row], deltas[j])
    missed = errors > tolerance if tolerance is not None else np.zeros(len(errors), bool)
    if missed.any():
        warnings.warn(f"the integrated gradients of {missed.sum()} of {len(errors)} texts "
                      f"miss completeness by more than tolerance={tolerance} with "
                      f"{steps_used[missed].max()} points (largest miss {errors.max():.1%}); "
                      f"raise max_steps (now {max_steps}) for more points",
                      UserWarning, stacklevel=3)
    return weights, outputs, baselines, explained.space, errors, steps_used


def _attention(estimator, ids, *, batch_size):
    """Attention weight of each token, list of (length,) arrays."""
    module = estimator.module_
    if getattr(module, "pooling", None) != "attention":
        raise ValueError("attention explanations need pooling='attention'; this model pools "
                         f"with {getattr(module, 'pooling', None)!r}")
    device = _device(module)
    lengths = sequence_lengths(ids)
    result = [np.zeros(n) for n in lengths]
    scores = []
    handle = module.attention.register_forward_hook(
        lambda m, inputs, out: scores.append(out.detach()))
    try:
        with _FrozenEval(module), torch.no_grad():
            for rows in _rows_by_length(lengths, batch_size):
                width = int(lengths[rows].max())
                X = torch.as_tensor(np.asarray(ids[rows, :width], dtype=np.int64),
                                    device=device)
                scores.clear()
                module(X)
                real = torch.arange(width, device=device).unsqueeze(1) < torch.as_tensor(
                    lengths[rows], device=device)
                s = scores[-1].squeeze(-1).masked_fill(~real, float("-inf"))
                w = torch.softmax(s, dim=0).t().double().cpu().numpy()  # (k, width)
                for i, row in enumerate(rows):
                    result[row] = w[i, :lengths[row]]
    finally:
        handle.remove()
    return result


def _occlusion_variants(row, length, replace):
    """The id rows of ``row[:length]`` with each token removed (or replaced by UNK)."""
    tokens = np.asarray(row[:length])
    if replace == "unk":
        variants = np.repeat(tokens[None], length, axis=0)
        variants[np.arange(length), np.arange(length)] = UNK_ID
        return variants
    j = np.arange(max(length - 1, 1))[None, :]
    i = np.arange(length)[:, None]
    variants = tokens[np.minimum(j + (j >= i), length - 1)]
    if length == 1:  # removing the only token leaves an empty text
        variants[:] = PAD_ID
    return variants


def _occlude_ids(estimator, ids, base, *, replace, batch_size):
    lengths = sequence_lengths(ids)
    result = [np.zeros((n, base.shape[1])) for n in lengths]
    pending, owners = [], []

    def flush():
        if not pending:
            return
        width = max(v.shape[1] for v in pending)
        matrix = np.zeros((sum(len(v) for v in pending), width), dtype=ids.dtype)
        at = 0
        for v in pending:
            matrix[at:at + len(v), :v.shape[1]] = v
            at += len(v)
        values = _model_outputs(estimator, matrix)
        at = 0
        for row in owners:
            n = lengths[row]
            result[row] = base[row] - values[at:at + n]
            at += n
        pending.clear()
        owners.clear()

    n_pending = 0
    for row in np.argsort(-lengths, kind="stable"):
        if lengths[row] == 0:
            continue
        pending.append(_occlusion_variants(ids[row], lengths[row], replace))
        owners.append(row)
        n_pending += lengths[row]
        if n_pending >= batch_size:
            flush()
            n_pending = 0
    flush()
    return result


def _word_spans(text, pattern):
    """(token, start, end) of each word of ``text``, HTML tags skipped."""
    masked = _TAG.sub(lambda m: " " * len(m.group()), text)
    return [(m.group(), m.start(), m.end()) for m in re.finditer(pattern, masked)]


def _occlude_texts(model, texts, base, *, pattern, batch_size):
    """Occlusion on raw texts: tokens and weights per text."""
    spans = [_word_spans(t, pattern) for t in texts]
    result = [np.zeros((len(s), base.shape[1])) for s in spans]
    pending, owners = [], []

    def flush():
        if not pending:
            return
        values = _model_outputs(model, pending)
        at = 0
        for i in owners:
            n = len(spans[i])
            result[i] = base[i] - values[at:at + n]
            at += n
        pending.clear()
        owners.clear()

    for i, (text, words) in enumerate(zip(texts, spans)):
        if not words:
            continue
        pending.extend(text[:start] + " " + text[end:] for _, start, end in words)
        owners.append(i)
        if len(pending) >= batch_size:
            flush()
    flush()
    return [[w for w, _, _ in s] for s in spans], result


# --------------------------------------------------------------- the entry


def _check_texts(texts):
    check_iterable(texts, name="explain")
    texts = list(texts)
    if not texts:
        return texts
    return list(check_texts(texts, name="explain"))


def explain(model, texts, method="integrated_gradients", *, output=None, n_steps=8,
            integration="adaptive", tolerance=0.01, max_steps=64, replace="remove",
            token_pattern=WORD_PATTERN, batch_size=None):
    """Token attributions: why the model predicted what it did for each text.

    Parameters
    ----------
    model : Pipeline or estimator
        A fitted model on raw texts. For ``'integrated_gradients'`` and
        ``'attention'``: a pipeline of exactly a :class:`~sklstm.TextTokenizer`
        and an :class:`~sklstm.LSTMClassifier` (binary, multiclass or
        multi-label) or :class:`~sklstm.LSTMRegressor`, as
        ``make_pipeline(TextTokenizer(), LSTMClassifier())`` or
        :func:`sklstm.load` gives. For ``'occlusion'``: also any classifier
        with ``predict_proba`` (or regressor) on raw texts, such as
        :func:`sklstm.baselines.make_tfidf_logreg`.
    texts : iterable of str
        The texts to explain. An empty iterable gives an empty list.
    method : {'integrated_gradients', 'attention', 'occlusion'}, default='integrated_gradients'
        - ``'integrated_gradients'``: integrated gradients on the word
          vectors. The baseline is a text of the same length whose word
          vectors are all zero, which is what padding (id 0, whose vector is
          zero) at each of the text's positions gives. A token's weight is
          the sum over the vector's dimensions of the vector times the
          output's gradient averaged along the path from the baseline; the
          weights of a text sum to the explained output minus the
          baseline's (completeness), within the integration error.
        - ``'attention'``: the model's attention weights (``pooling='attention'``
          only); they are positive, sum to 1 over a text, and are the same
          for every column.
        - ``'occlusion'``: the model's output (``predict_proba``; ``predict``
          for a regressor) for the text minus that for the text without the
          token; positive where the token supports the class. For an sklstm
          pipeline tokens are removed from the row of ids (or replaced by
          ``<unk>``, see ``replace``); for other models words of
          ``token_pattern`` are cut out of the raw text.
    output : {'logit', 'proba', 'log_proba'} or None, default=None
        Integrated gradients only: the output explained. None and
        ``'logit'``: the network's logit of each class; for a binary
        classifier each class's log-odds (column 1 is ``decision_function``,
        column 0 its negative), for a multi-label one each label's log-odds.
        ``'proba'``: the probability of each class (softmax; multi-label:
        sigmoid), the scale of occlusion. A binary classifier's two columns
        mirror each other in both cases, and cost one backward pass.
        ``'log_proba'``: its logarithm. A regressor is explained in its
        predictions' units (the standardised output times
        ``target_scale_``); only None or ``'prediction'`` are allowed.
    n_steps : int, default=8
        Integrated gradients only: points of the path integral to start
        with (with a fixed rule: all of them, unless refined).
    tolerance : float or None, default=0.01
        Integrated gradients only: the completeness a text's weights should
        reach, as a share of its largest output change (see
        :attr:`Explanation.completeness_error`). ``'adaptive'`` adds points
        where the path misses it; a fixed rule computes a text that misses it
        again with four times the points, while that stays within
        ``max_steps``. A UserWarning says how many texts still miss it in
        the end. None: no check, ``n_steps`` only.
    max_steps : int, default=64
        Integrated gradients only: the most gradient points a text is given.
        Each costs a forward and a backward pass. Saturated LSTMs can change
        their output almost as a step somewhere along the path (measured on
        IMDB models: a jump of 2.7 in the log-odds within 4e-8 of the path,
        in float64 too); there no number of points reaches ``tolerance``,
        and the warning says so.
    integration : {'adaptive', 'gausslegendre', 'trapezoid', 'midpoint'}, default='adaptive'
        Integrated gradients only: the quadrature rule over the path.
        ``'adaptive'``: midpoints of ``n_steps`` equal intervals to start;
        the network's output at the intervals' ends (a forward pass each,
        about a fifth of a gradient's cost) says how much each interval's
        weights should sum to, and the intervals that miss it most are cut
        in three (two more gradients each) until the text is within
        ``tolerance`` or has ``max_steps`` points: the points go where the
        output changes. The fixed rules use ``n_steps`` points for every
        text: Gauss-Legendre (as Captum's default) is the most accurate for
        a smooth path; 'trapezoid' includes both ends of the path.
    replace : {'remove', 'unk'}, default='remove'
        Occlusion of an sklstm pipeline: leave each token out, or put
        ``<unk>`` in its place.
    token_pattern : str, default=WORD_PATTERN
        Occlusion of a model without a ``TextTokenizer``: the regular
        expression of a word (HTML tags are skipped).
    batch_size : int or None, default=None
        Rows per forward pass: interpolation points times texts for
        integrated gradients (default 256), texts for attention (default
        256), occluded variants for occlusion (default 2048). Texts are
        grouped by length as for prediction.

    Returns
    -------
    ExplanationList
        One :class:`Explanation` per text, in order. A text without tokens
        (``""``) gets ``tokens == []`` and weights of shape
        ``(0, n_columns)``; it still has a prediction.

    Raises
    ------
    ValueError
        For an unknown method, a method the model cannot give (attention
        without ``pooling='attention'``, gradients without an sklstm
        pipeline, occlusion of a classifier without ``predict_proba``), bad
        texts, or bad options.
    sklearn.exceptions.NotFittedError
        If the model is not fitted.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import LSTMClassifier, TextTokenizer
    >>> from sklstm.explain import explain
    >>> texts = ["a great film", "great fun", "a dull film", "dull stuff"] * 8
    >>> labels = ["pos", "pos", "neg", "neg"] * 8
    >>> model = make_pipeline(
    ...     TextTokenizer(min_frequency=1),
    ...     LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=20, lr=0.02,
    ...                    early_stopping=False, validation_fraction=None,
    ...                    random_state=0, device="cpu")).fit(texts, labels)
    >>> [e] = explain(model, ["a great film"])
    >>> e.tokens, e.columns, e.prediction, e.weights.shape
    (['a', 'great', 'film'], ['neg', 'pos'], 'pos', (3, 2))
    >>> e.top_tokens(1)[0][0]
    'great'
    >>> e.completeness_error <= 0.01  # the weights sum to the logits' change from the baseline
    True
    >>> explain(model, ["a dull film"], method="occlusion")[0].top_tokens(1)[0][0]
    'dull'
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if replace not in ("remove", "unk"):
        raise ValueError(f"replace must be 'remove' or 'unk', got {replace!r}")
    if batch_size is not None and (not isinstance(batch_size, Integral) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    parts = _sklstm_parts(model)
    if parts is None and method != "occlusion":
        raise ValueError(
            f"{method} explanations need a pipeline of a TextTokenizer and an LSTMClassifier "
            f"or LSTMRegressor (make_pipeline(TextTokenizer(), LSTMClassifier())); got "
            f"{_describe(model)}. method='occlusion' explains any model with predict_proba")
    estimator = parts[1] if parts else model
    check_is_fitted(estimator)
    if parts is None:
        if not is_regressor(estimator) and not hasattr(estimator, "predict_proba"):
            raise ValueError(f"occlusion needs a model with predict_proba (or a regressor); "
                             f"{_describe(model)} has none")
    texts = _check_texts(texts)
    if not texts:
        return ExplanationList()
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    name = type(final).__name__

    if parts is None:  # any model on raw texts: occlusion of words
        base = _model_outputs(model, texts)
        columns = (["prediction"] if base.shape[1] == 1 else
                   [f"prediction {i}" for i in range(base.shape[1])]) if is_regressor(
                       final) else [str(c) for c in final.classes_]
        tokens, weights = _occlude_texts(model, texts, base, pattern=token_pattern,
                                         batch_size=batch_size or 2048)
        preds, proba, chosen = _predictions(final, base)
        return ExplanationList(
            Explanation(text=t, tokens=tok, weights=w, method=method, columns=columns,
                        prediction=p, proba=None if proba is None else proba[i],
                        column=int(chosen[i]),
                        space="prediction" if proba is None else "proba", model_name=name)
            for i, (t, tok, w, p) in enumerate(zip(texts, tokens, weights, preds)))

    tokenizer, estimator = parts
    check_is_fitted(tokenizer)
    columns = _columns(estimator)
    ids = tokenizer.transform(texts)
    tokens = tokenizer.tokenize(texts)
    lengths = sequence_lengths(ids)
    for i, (row_tokens, n) in enumerate(zip(tokens, lengths)):
        if len(row_tokens) != n:  # pragma: no cover - tokenize() promises this
            raise RuntimeError(f"text {i}: the tokenizer gave {len(row_tokens)} tokens but "
                               f"{n} ids")
    base = _model_outputs(estimator, ids)
    preds, proba, chosen = _predictions(estimator, base)
    out = base_out = errors = steps_used = None
    if method == "integrated_gradients":
        weights, out, base_out, space, errors, steps_used = _integrated_gradients(
            estimator, ids, n_steps=n_steps, integration=integration, output=output,
            batch_size=batch_size or 256, tolerance=tolerance, max_steps=max_steps)
    elif method == "attention":
        weights = [np.repeat(w[:, None], len(columns), axis=1)
                   for w in _attention(estimator, ids, batch_size=batch_size or 256)]
        space = "attention"
    else:
        weights = _occlude_ids(estimator, ids, base, replace=replace,
                               batch_size=batch_size or 2048)
        space = "prediction" if proba is None else "proba"
    return ExplanationList(
        Explanation(text=t, tokens=tok, weights=w, method=method, columns=columns,
                    prediction=p, proba=None if proba is None else proba[i],
                    column=int(chosen[i]),
                    output=None if out is None or not len(tok) else out[i],
                    baseline_output=None if base_out is None or not len(tok) else base_out[i],
                    completeness_error=None if errors is None else float(errors[i]),
                    n_steps=None if steps_used is None else int(steps_used[i]),
                    space=space, model_name=name)
        for i, (t, tok, w, p) in enumerate(zip(texts, tokens, weights, preds)))


def confident_predictions(model, texts, y_true, *, n=3):
    """The ``n`` most confident right and the ``n`` most confident wrong predictions.

    What a report explains: where a single-label classifier is surest and
    right, and surest and wrong.

    Parameters
    ----------
    model : classifier
        A fitted single-label classifier with ``predict_proba`` and
        ``classes_`` (a pipeline on raw texts, such as
        ``make_pipeline(TextTokenizer(), LSTMClassifier())``).
    texts : sequence of str
        The texts, as the model takes them.
    y_true : array-like of shape (n_texts,)
        Their true labels.
    n : int, default=3
        How many of each.

    Returns
    -------
    right, wrong : ndarray of int
        Indices into ``texts``, most confident first (the probability of
        the predicted class); fewer than ``n`` where there are fewer.

    Raises
    ------
    ValueError
        If ``y_true`` and ``texts`` differ in length, ``n`` is not a
        positive int, or the model is multi-label.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.explain import confident_predictions
    >>> class Fixed:
    ...     classes_ = np.array(["neg", "pos"])
    ...     def predict_proba(self, texts):
    ...         return np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]])
    >>> right, wrong = confident_predictions(Fixed(), ["a", "b", "c", "d"],
    ...                                      ["neg", "pos", "neg", "neg"], n=2)
    >>> right.tolist(), wrong.tolist()
    ([0, 3], [2])
    """
    if not isinstance(n, Integral) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    final = model[-1] if isinstance(model, Pipeline) else model
    if getattr(final, "multilabel_", False):
        raise ValueError("confident_predictions is for single-label classifiers; this model "
                         "is multi-label")
    y_true = np.asarray(y_true)
    if len(y_true) != len(texts):
        raise ValueError(f"y_true has {len(y_true)} labels for {len(texts)} texts")
    if not len(texts):
        return np.array([], dtype=int), np.array([], dtype=int)
    proba = np.asarray(model.predict_proba(texts), dtype=np.float64)
    predicted = np.asarray(final.classes_)[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    order = np.argsort(-confidence, kind="stable")
    right = predicted[order] == y_true[order]
    return order[right][:n], order[~right][:n]
