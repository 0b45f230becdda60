"""The scikit-learn estimator :class:`LSTMRegressor`: a number (or several) per text.

It shares everything with :class:`~sklstm.LSTMClassifier` through
:class:`~sklstm.lstm._base.BaseLSTM` but the head and the loss: a linear output per
target, trained with the mean squared error or the Huber loss on targets
standardised inside ``fit`` (predictions come back in the targets' units).
"""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_array, check_is_fitted

from .._utils.validation import first_missing, is_missing
from ._base import BaseLSTM
from ._nets import RegressorNet
from ._params import LOSSES, constraints, docstring, store

__all__ = ["LSTMRegressor"]



class LSTMRegressor(RegressorMixin, BaseLSTM):
    """LSTM text regressor over token ids, trained with skorch.

    The twin of :class:`~sklstm.LSTMClassifier` for continuous targets (a
    rating, a score, several at once): the same network, batching, early
    stopping, checkpoints, ``warm_start``, ``partial_fit`` and safe saving,
    with one linear output per target. Targets are standardised inside
    ``fit`` (``target_mean_``, ``target_scale_``) so that the default
    learning rate suits any unit; :meth:`predict` answers in the targets'
    units and :meth:`score` is R². The validation split is a plain shuffled
    one.

    Parameters
    ----------
{parameters}

    Attributes
    ----------
    n_outputs_ : int
        Number of targets.
    target_ndim_ : int
        1 when ``fit`` had a 1-D ``y`` (and :meth:`predict` answers 1-D), else 2.
    target_mean_ : ndarray of shape (n_outputs,)
        The mean of each target in the first ``fit``.
    target_scale_ : ndarray of shape (n_outputs,)
        Its standard deviation (1 where it is 0).
    vocab_size_ : int
        Number of ids the embedding table has rows for (see
        :class:`~sklstm.LSTMClassifier`).
    embedding_dim_ : int
        Width of the word vectors.
    n_features_in_ : int
        Width of the id matrix seen in ``fit``.
    device_ : str
        The device used.
    precision_ : {'float32', 'bfloat16'}
        The precision the last training ran at (``precision`` resolved on
        ``device_``; 'float32' for models saved before sklstm 1.1).
    net_ : skorch.NeuralNet
        The fitted skorch net: a ``NeuralNetRegressor`` whose loss weighs
        each row.
    module_ : sklstm.lstm.LSTMTextModule
        The fitted PyTorch module (``net_.module_``).
    history_ : skorch.History
        Per-epoch records: ``train_loss`` and, with validation,
        ``valid_loss``.
    n_iter_ : int
        Number of epochs run.
    interrupted_ : bool
        Whether training was stopped by Ctrl-C.

    See Also
    --------
    sklstm.LSTMClassifier : The classifier twin.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import LSTMRegressor, TextTokenizer
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 8
    >>> ratings = [9.0, 8.0, 2.0, 1.0] * 8
    >>> pipe = make_pipeline(
    ...     TextTokenizer(min_frequency=1),
    ...     LSTMRegressor(hidden_size=16, embedding_dim=16, max_epochs=30, lr=1e-2,
    ...                   early_stopping=False, validation_fraction=None,
    ...                   random_state=0, device="cpu"))
    >>> pipe.fit(texts, ratings).predict(["loved it", "awful film"]).round().tolist()
    [8.0, 1.0]
    """

    _params_kind = "regressor"
    _parameter_constraints = constraints("regressor")

    def __init__(self, *, embedding_dim=128, hidden_size=128, num_layers=1,
                 bidirectional=True, pooling="max", dropout=0.3, embedding_dropout=0.0,
                 optimizer="adam", lr=2e-3, weight_decay=0.0, batch_size=64,
                 max_epochs=10, clip_grad_norm=1.0, early_stopping=True, patience=2,
                 validation_fraction=0.1, random_state=None, device="auto",
                 precision="float32", verbose=0, callbacks=None, embeddings=None,
                 freeze_embeddings=False, lr_schedule=None, warmup=0.1, conv_filters=None,
                 conv_kernel_size=5, checkpoint_dir=None, warm_start=False, vocab_size=None,
                 loss="squared_error", bag_ngrams=None):
        store(self, locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # ------------------------------------------------------------- targets

    def _check_targets(self, y):
        if y is None:
            raise ValueError("LSTMRegressor requires y to be passed, but the target y is None")
        raw = np.asarray(y, dtype=object) if not hasattr(y, "dtype") else np.asarray(y)
        if raw.dtype.kind in "OUS":
            flat = raw.ravel()
            missing = next((i for i, v in enumerate(flat) if is_missing(v)), None)
            if missing is not None:
                raise ValueError(f"y contains a missing target ({flat[missing]!r}) at index "
                                 f"{missing}; drop or fill missing targets before fitting")
            bad = next((i for i, v in enumerate(flat)
                        if isinstance(v, (str, bytes)) or not np.isscalar(v)), None)
            if bad is not None:
                raise ValueError(f"LSTMRegressor needs numeric targets; y[{bad}] is "
                                 f"{type(flat[bad]).__name__} ({flat[bad]!r:.40}). For labels "
                                 "use LSTMClassifier")
        y = check_array(y, ensure_2d=False, dtype=np.float64, ensure_all_finite=False,
                        input_name="y")
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}")
        i = first_missing(y.ravel())
        if i is not None or not np.isfinite(y).all():
            i = i if i is not None else int(np.flatnonzero(~np.isfinite(y.ravel()))[0])
            row = i // (y.shape[1] if y.ndim == 2 else 1)
            raise ValueError(f"y must be finite; row {row} holds {float(y.ravel()[i])!r}")
        return y

    def _encode_targets(self, y, *, first, classes=None, partial=False):
        y2 = y.reshape(len(y), -1)
        if first:
            self.n_outputs_ = y2.shape[1]
            self.target_ndim_ = y.ndim
            self.target_mean_ = y2.mean(axis=0)
            scale = y2.std(axis=0)
            self.target_scale_ = np.where(scale > 0, scale, 1.0)
        elif y2.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {y2.shape[1]} outputs; this LSTMRegressor was fitted "
                             f"with {self.n_outputs_}")
        return ((y2 - self.target_mean_) / self.target_scale_).astype(np.float32)

    def _run_settings(self):
        return dict(net_class=RegressorNet, criterion=LOSSES[self.loss], stratify=False)

    def _n_outputs(self):
        return self.n_outputs_

    # ------------------------------------------------------------- fitting

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on a batch of data, continuing the fitted net.

        No validation split and no early stopping. The first call fixes the
        target scaling, the embedding table (``vocab_size``) and the device;
        see :meth:`sklstm.LSTMClassifier.partial_fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of this batch.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Each row's weight in the loss.

        Returns
        -------
        self : LSTMRegressor
        """
        return self._partial_fit(X, y, sample_weight)

    # ----------------------------------------------------------- prediction

    def predict(self, X):
        """Predicted targets, in their units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``fit`` had a 1-D ``y``.
        """
        check_is_fitted(self)
        y = self._outputs(X).astype(np.float64) * self.target_scale_ + self.target_mean_
        return y.ravel() if self.target_ndim_ == 1 else y


LSTMRegressor.__doc__ = docstring("regressor", LSTMRegressor.__doc__)
