"""Integrated gradients: token attributions read from inside an sklstm network.

:func:`integrated_gradients` (Sundararajan et al., 2017) integrates the
gradients of the network's output with respect to the word vectors along the
straight path from a zero baseline to each text, by a fixed quadrature rule
or by adaptive midpoints that go where the output changes abruptly;
:class:`IntegratedGradients` is the explanation method that wraps it.
"""

from numbers import Integral
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from .._utils.warn import warn_caller
from ..lstm import LSTMRegressor, sequence_lengths
from ._methods import ExplanationMethod
from ._model import output_columns
from ._network import FrozenEval, module_device, rows_by_length

__all__ = ["INTEGRATIONS", "Attributions", "IntegratedGradients", "integrated_gradients"]


class _Embedded:
    """Run an :class:`~sklstm.lstm.LSTMTextModule` on given word vectors.

    The module is fed *position ids* (``row * width + step + 1``, 0 for
    padding) and a forward hook on its embedding replaces the looked-up
    vectors by the rows of ``table`` at those positions, so that every path
    through the module (the backward direction reads reversed ids) sees the
    given vectors and gradients flow back to them.

    A module with a bag of n-grams (:class:`~sklstm.lstm.BagOfNgrams`)
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
    """The :class:`_Output` that ``output`` of :func:`integrated_gradients` names for it."""
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


def _check_options(*, n_steps, integration, tolerance, max_steps, batch_size):
    """Refuse bad options of :func:`integrated_gradients` by name, before any work."""
    for name, value in (("n_steps", n_steps), ("max_steps", max_steps),
                        ("batch_size", batch_size)):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if tolerance is not None and not (isinstance(tolerance, (int, float)) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number or None, got {tolerance!r}")
    _quadrature(int(n_steps), integration)


class Attributions(NamedTuple):
    """What :func:`integrated_gradients` gives, one entry per text."""

    #: list of ndarray of shape (length, n_columns): each token's weight per column
    weights: list
    #: ndarray of shape (n_texts, n_columns): the explained output at the text
    outputs: np.ndarray
    #: ndarray of shape (n_texts, n_columns): the explained output at the zero baseline
    baselines: np.ndarray
    #: the output's name: 'logit', 'proba', 'log_proba' or 'prediction'
    space: str
    #: ndarray of shape (n_texts,): how far the weights' sum misses ``outputs - baselines``
    completeness_errors: np.ndarray
    #: ndarray of shape (n_texts,): the points on the path each text took
    n_steps: np.ndarray


def integrated_gradients(estimator, ids, *, output=None, n_steps=8, integration="adaptive",
                         tolerance=0.01, max_steps=64, batch_size=256):
    """Integrated gradients of a fitted sklstm estimator's output for each row of ``ids``.

    Each token's weight per column is the gradient of the output with
    respect to the token's word vector (and its share of the bag of
    n-grams, where the model has one), integrated along the straight path
    from zero vectors to the text, times the vector: the weights of a text
    sum to its output less the baseline's (completeness). With a fixed rule,
    texts that miss completeness by more than ``tolerance`` are computed
    again with four times the points, up to ``max_steps``; with
    ``'adaptive'``, the intervals of the path that miss the most are cut in
    three. A warning names the texts still missing it.

    Parameters
    ----------
    estimator : LSTMClassifier or LSTMRegressor
        Fitted.
    ids : ndarray of shape (n_texts, width)
        Token ids from the estimator's :class:`~sklstm.TextTokenizer`.
    output : {'logit', 'proba', 'log_proba'} or None, default=None
        What is explained: None is the logits (each class's log-odds for a
        binary classifier; the predictions, in their units, for a
        regressor).
    n_steps : int, default=8
        Points on each text's path to start with.
    integration : {'adaptive', 'gausslegendre', 'trapezoid', 'midpoint'}, default='adaptive'
        The quadrature rule (:data:`INTEGRATIONS`).
    tolerance : float or None, default=0.01
        The largest completeness miss, relative to the output's change,
        before more points are spent; None: never.
    max_steps : int, default=64
        Most points per text.
    batch_size : int, default=256
        Points run through the network at once.

    Returns
    -------
    Attributions
        The weights per text and column, the outputs at the texts and the
        baseline, the output's name, the completeness errors, the points used.

    Examples
    --------
    >>> from sklstm import LSTMClassifier, TextTokenizer
    >>> from sklstm.explain import integrated_gradients
    >>> texts = ["a great film", "great fun", "a dull film", "dull stuff"] * 8
    >>> tok = TextTokenizer(min_frequency=1).fit(texts)
    >>> clf = LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=20, lr=0.02,
    ...                      early_stopping=False, validation_fraction=None,
    ...                      random_state=0, device="cpu")
    >>> clf = clf.fit(tok.transform(texts), [1, 1, 0, 0] * 8)
    >>> found = integrated_gradients(clf, tok.transform(["a great film"]))
    >>> found.weights[0].shape, found.space   # 3 tokens, 2 classes
    ((3, 2), 'logit')
    >>> bool(found.completeness_errors[0] <= 0.01)
    True
    """
    check_is_fitted(estimator)
    _check_options(n_steps=n_steps, integration=integration, tolerance=tolerance,
                   max_steps=max_steps, batch_size=batch_size)
    explained = _output_transform(estimator, output)
    lengths = sequence_lengths(ids)
    n_columns = len(output_columns(estimator))
    weights = [np.zeros((n, n_columns)) for n in lengths]
    outputs = np.zeros((len(ids), n_columns))
    baselines = np.zeros((len(ids), n_columns))
    errors = np.zeros(len(ids))
    steps_used = np.full(len(ids), int(n_steps))
    module = estimator.module_
    device = module_device(module)
    with FrozenEval(module, differentiable=True), _Embedded(module) as run:
        for rows in rows_by_length(lengths, max(1, batch_size // int(n_steps))):
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
                    rule = _quadrature(steps, integration)
                    for j, w in zip(todo, _fixed_rule(sub, len(todo), rule), strict=True):
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
        warn_caller(f"the integrated gradients of {missed.sum()} of {len(errors)} texts "
                    f"miss completeness by more than tolerance={tolerance} with "
                    f"{steps_used[missed].max()} points (largest miss {errors.max():.1%}); "
                    f"raise max_steps (now {max_steps}) for more points", UserWarning)
    return Attributions(weights, outputs, baselines, explained.space, errors, steps_used)


class IntegratedGradients(ExplanationMethod):
    """Integrated gradients on the word vectors (Sundararajan et al., 2017), as explanations.

    The baseline is a text of the same length whose word vectors are all
    zero, which is what padding (id 0, whose vector is zero) at each of the
    text's positions gives. A token's weight is the sum over the vector's
    dimensions of the vector times the output's gradient averaged along the
    path from the baseline; the weights of a text sum to the explained
    output minus the baseline's (completeness), within the integration
    error. Only for a pipeline of a :class:`~sklstm.TextTokenizer` and an
    sklstm estimator (:func:`integrated_gradients` does the work).

    Parameters
    ----------
    output : {'logit', 'proba', 'log_proba'} or None, default=None
        The output explained. None and ``'logit'``: the network's logit of
        each class; for a binary classifier each class's log-odds (column 1
        is ``decision_function``, column 0 its negative), for a multi-label
        one each label's log-odds. ``'proba'``: the probability of each
        class (softmax; multi-label: sigmoid), the scale of occlusion. A
        binary classifier's two columns mirror each other in both cases, and
        cost one backward pass. ``'log_proba'``: its logarithm. A regressor
        is explained in its predictions' units (the standardised output
        times ``target_scale_``); only None or ``'prediction'`` are allowed.
    n_steps : int, default=8
        Points of the path integral to start with (with a fixed rule: all
        of them, unless refined).
    integration : {'adaptive', 'gausslegendre', 'trapezoid', 'midpoint'}, default='adaptive'
        The quadrature rule over the path. ``'adaptive'``: midpoints of
        ``n_steps`` equal intervals to start; the network's output at the
        intervals' ends (a forward pass each, about a fifth of a gradient's
        cost) says how much each interval's weights should sum to, and the
        intervals that miss it most are cut in three (two more gradients
        each) until the text is within ``tolerance`` or has ``max_steps``
        points: the points go where the output changes. The fixed rules use
        ``n_steps`` points for every text: Gauss-Legendre (as Captum's
        default) is the most accurate for a smooth path; 'trapezoid'
        includes both ends of the path.
    tolerance : float or None, default=0.01
        The completeness a text's weights should reach, as a share of its
        largest output change (see :attr:`Explanation.completeness_error`).
        ``'adaptive'`` adds points where the path misses it; a fixed rule
        computes a text that misses it again with four times the points,
        while that stays within ``max_steps``. A UserWarning says how many
        texts still miss it in the end. None: no check, ``n_steps`` only.
    max_steps : int, default=64
        The most gradient points a text is given. Each costs a forward and a
        backward pass. Saturated LSTMs can change their output almost as a
        step somewhere along the path (measured on IMDB models: a jump of
        2.7 in the log-odds within 4e-8 of the path, in float64 too); there
        no number of points reaches ``tolerance``, and the warning says so.
    batch_size : int or None, default=None
        Interpolation points times texts per forward pass (None: 256). Texts
        are grouped by length as for prediction.

    Examples
    --------
    >>> from sklstm.explain import IntegratedGradients
    >>> IntegratedGradients(n_steps=16, integration="gausslegendre")
    IntegratedGradients(integration='gausslegendre', n_steps=16)
    """

    name = "integrated_gradients"
    default_batch_size = 256

    def __init__(self, *, output=None, n_steps=8, integration="adaptive", tolerance=0.01,
                 max_steps=64, batch_size=None):
        self.output = output
        self.n_steps = n_steps
        self.integration = integration
        self.tolerance = tolerance
        self.max_steps = max_steps
        self.batch_size = batch_size

    def validate(self):
        if self.output not in (None, "logit", "proba", "log_proba", "prediction"):
            raise ValueError(f"output must be 'logit', 'proba' or 'log_proba', got "
                             f"{self.output!r}")
        _check_options(n_steps=self.n_steps, integration=self.integration,
                       tolerance=self.tolerance, max_steps=self.max_steps,
                       batch_size=self.rows_per_pass())
        return self

    def explain_ids(self, estimator, ids, outputs):
        found = integrated_gradients(
            estimator, ids, output=self.output, n_steps=self.n_steps,
            integration=self.integration, tolerance=self.tolerance, max_steps=self.max_steps,
            batch_size=self.rows_per_pass())
        return {"weights": found.weights, "space": found.space, "output": found.outputs,
                "baseline_output": found.baselines,
                "completeness_error": found.completeness_errors, "n_steps": found.n_steps}
