"""What an explanation method is: a small object of its own options, run on a fitted model.

Each method of :func:`~sklstm.explain.explain` is an
:class:`ExplanationMethod`: its options are its constructor's keyword
arguments, stored as given (as a scikit-learn estimator's parameters, so
that it prints, compares and clones like one), and its ``name`` is how
:data:`~sklstm.explain.METHODS` and the command line know it.
"""

from numbers import Integral

from sklearn.base import BaseEstimator

__all__ = ["ExplanationMethod"]


class ExplanationMethod(BaseEstimator):
    """Base class of the explanation methods, and of a method of your own.

    A subclass sets :attr:`name` and :attr:`default_batch_size`, takes its
    options as keyword-only constructor arguments that ``__init__`` only
    stores (its ``batch_size`` among them), checks them in :meth:`validate`
    and implements :meth:`explain_ids` (and, for a method that explains any
    model on raw texts, :meth:`explain_texts` with :attr:`needs_pipeline`
    False). An instance is then a ``method`` of :func:`~sklstm.explain.explain`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.explain import ExplanationMethod
    >>> class Uniform(ExplanationMethod):
    ...     \"\"\"Every token of a text weighs the same: a baseline to compare with.\"\"\"
    ...     name = "uniform"
    ...
    ...     def __init__(self, *, batch_size=None):
    ...         self.batch_size = batch_size
    ...
    ...     def explain_ids(self, estimator, ids, outputs):
    ...         lengths = (np.asarray(ids) != 0).sum(axis=1)
    ...         weights = [np.full((n, outputs.shape[1]), 1 / max(n, 1)) for n in lengths]
    ...         return {"weights": weights, "space": "uniform"}
    >>> Uniform().validate()
    Uniform()
    """

    #: The method's name in :data:`~sklstm.explain.METHODS`.
    name = None
    #: Whether the method needs a pipeline of a TextTokenizer and an sklstm estimator.
    needs_pipeline = True
    #: Rows per forward pass when ``batch_size`` is None.
    default_batch_size = 256

    def rows_per_pass(self):
        """``batch_size``, checked, or the method's default."""
        if self.batch_size is not None and (
                not isinstance(self.batch_size, Integral) or isinstance(self.batch_size, bool)
                or self.batch_size < 1):
            raise ValueError(f"batch_size must be a positive int or None, got "
                             f"{self.batch_size!r}")
        return self.batch_size or self.default_batch_size

    def validate(self):
        """Refuse a bad option by name (ValueError), before any work; returns self."""
        self.rows_per_pass()
        return self

    def explain_ids(self, estimator, ids, outputs):
        """Each text's token weights from a fitted sklstm ``estimator`` and its token ``ids``.

        ``outputs`` holds the model's ``predict_proba`` (``predict`` for a
        regressor) of ``ids``, one row per text.

        Returns a dict: ``weights`` (a list of arrays of shape (length,
        n_columns)) and ``space`` (what they measure), and where the method
        has them ``output``, ``baseline_output``, ``completeness_error`` and
        ``n_steps``, one row or value per text.
        """
        raise NotImplementedError

    def explain_texts(self, model, texts, outputs):
        """``(tokens, weights)`` of each raw text, for a model that is no sklstm pipeline;
        ``outputs`` as for :meth:`explain_ids`."""
        raise ValueError(f"{self.name} explanations need a pipeline of a TextTokenizer and an "
                         "LSTMClassifier or LSTMRegressor")
