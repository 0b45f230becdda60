"""The scikit-learn estimator :class:`LSTMClassifier`.

It validates its input and labels, then hands the token ids to a
:class:`~sklstm.training.TrainingRun`, which trains a
:class:`~sklstm.modules.LSTMTextModule` with a skorch
:class:`~skorch.NeuralNetClassifier` (training loop, callbacks, history and
device handling). Batches come from :class:`~sklstm.batching.BucketIterator`,
grouped by length and trimmed. :meth:`LSTMClassifier.get_safe_state` and
:meth:`LSTMClassifier.set_safe_state` are the hooks of :func:`sklstm.save`
and :func:`sklstm.load`.
"""

import os
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from ._utils.state import fitted_attributes
from ._utils.torch import cpu_state_dict, resolve_device
from ._utils.validation import check_labels, check_token_ids
from .batching import sequence_lengths
from .modules import POOLING_OPTIONS
from .schedules import SCHEDULES, WarmupCosine  # noqa: F401 - WarmupCosine lived here
from .training import OPTIMIZERS, TrainingRun
from .word_vectors import check_embedding_matrix

__all__ = ["LSTMClassifier"]  # check_labels stays importable here, as in sklstm 0.1

# Most weights of the embedding table that fit() will allocate (8 GiB of float32).
_MAX_EMBEDDING_WEIGHTS = 2**31
# The file holding the network's weights in a safe model file.
_WEIGHTS_FILE = "weights.safetensors"


class LSTMClassifier(ClassifierMixin, BaseEstimator):
    """LSTM text classifier over token ids, trained with skorch.

    Takes the padded id matrix of :class:`~sklstm.TextTokenizer` (``0`` is
    padding, ``1`` is unknown) and any hashable labels. Rows are batched by
    similar length and each batch is trimmed to its longest row, so little
    time goes to padding; the backward direction of a bidirectional LSTM
    never reads padding.

    By default a stratified ``validation_fraction`` of the training data is
    held out, training stops once the validation loss has not improved for
    ``patience`` epochs, and the weights of the best epoch are restored. In a
    grid search, where the search does its own validation, pass
    ``early_stopping=False, validation_fraction=None`` to train on all the
    data for ``max_epochs`` epochs.

    Parameters
    ----------
    embedding_dim : int, default=128
        Width of the word vectors.
    hidden_size : int, default=128
        Width of each LSTM direction.
    num_layers : int, default=1
        Number of stacked LSTM layers.
    bidirectional : bool, default=True
        Whether the LSTM also reads each text backwards.
    pooling : {'max', 'mean', 'last', 'attention'}, default='max'
        How per-step outputs become one vector per text
        (see :class:`~sklstm.modules.LSTMTextModule`).
    dropout : float, default=0.3
        Dropout between LSTM layers and before the output layer.
    embedding_dropout : float, default=0.0
        Dropout on the word vectors.
    optimizer : {'adam', 'adamw', 'sgd'}, default='adam'
        Optimiser.
    lr : float, default=2e-3
        Learning rate.
    weight_decay : float, default=0.0
        L2 penalty (decoupled for 'adamw').
    batch_size : int, default=64
        Training batch size. Validation and prediction use batches four
        times as large.
    max_epochs : int, default=10
        Most epochs to train.
    clip_grad_norm : float or None, default=1.0
        Clip the gradients' norm to this value; None turns clipping off.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved for ``patience``
        epochs and restore the best weights. Needs ``validation_fraction``.
    patience : int, default=2
        Epochs without improvement before early stopping.
    validation_fraction : float or None, default=0.1
        Share of the training data held out (stratified) for validation.
        None uses all data for training.
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes in the loss, as in scikit-learn.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and batch
        order. With an int, repeated fits on the same data and device give
        the same model (on CPU with a fixed number of threads).
    device : {'auto', 'cpu', 'cuda'} or str, default='auto'
        Torch device; 'auto' takes CUDA when it is available.
    verbose : int, default=0
        0 is silent; 1 or more prints a table of the epochs and shows a
        progress bar.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (instances or ``(name, callback)`` pairs),
        added after sklstm's own.
    embeddings : array-like of shape (n_rows, dim), EmbeddingMatrix or None, default=None
        Initial word vectors, row ``i`` for token id ``i``, such as
        :meth:`sklstm.WordVectors.align` makes for the tokenizer's
        vocabulary. Their width ``dim`` is the embedding width:
        ``embedding_dim`` is ignored. Row 0 (padding) is set to zero.
    freeze_embeddings : bool, default=False
        Keep the given ``embeddings`` fixed during training (ignored without
        them).
    lr_schedule : {'onecycle', 'cosine'} or None, default=None
        Learning-rate schedule, stepped after every training batch over
        ``max_epochs`` epochs: 'onecycle' rises from ``lr / 25`` to ``lr``
        during the first ``warmup`` share of the batches, then anneals to
        nearly zero (:class:`torch.optim.lr_scheduler.OneCycleLR`, which
        also cycles Adam's first beta or SGD's momentum); 'cosine' rises
        linearly to ``lr`` during the ``warmup`` share, then decays to zero
        along a cosine. None keeps ``lr`` fixed. Early stopping may end
        training before the schedule does.
    warmup : float, default=0.1
        Share of all training batches spent warming up, in [0, 1).
    conv_filters : int or None, default=None
        If set, a 1-D convolution with this many filters (same padding,
        ReLU) runs over the word vectors before the LSTM (a CNN-LSTM).
    conv_kernel_size : int, default=5
        Width of the convolution's window, in tokens.
    checkpoint_dir : str, path-like or None, default=None
        Folder for a checkpoint of the whole training state, replaced
        atomically after every epoch. A later ``fit`` with the same
        parameters, data and ``random_state`` resumes from it (and ends with
        the same weights as an uninterrupted run); one that finds the
        checkpoint of another run raises ValueError and leaves it alone.
        Not meant for grid searches, whose fits would share the folder.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted.
    vocab_size_ : int
        Number of ids the embedding table has rows for (the module's
        ``num_embeddings``): the largest id seen in ``fit`` plus one (at
        least 2), or the number of rows of ``embeddings`` if larger. With a
        :class:`~sklstm.TextTokenizer` before it, at most the tokenizer's
        ``vocab_size_``. Larger ids at prediction time are read as unknown.
        (Called ``n_vocab_`` before sklstm 0.2, a name still readable.)
    embedding_dim_ : int
        Width of the word vectors: ``embedding_dim``, or the width of
        ``embeddings`` when they are given.
    n_features_in_ : int
        Width of the id matrix seen in ``fit``. Later calls may be wider or
        narrower: widths follow each call's longest text.
    device_ : str
        The device used.
    net_ : skorch.NeuralNetClassifier
        The fitted skorch net.
    module_ : sklstm.modules.LSTMTextModule
        The fitted PyTorch module (``net_.module_``).
    history_ : skorch.History
        Per-epoch records: ``train_loss`` and, with validation,
        ``valid_loss`` and ``valid_acc``.
    n_iter_ : int
        Number of epochs run.
    interrupted_ : bool
        Whether training was stopped by Ctrl-C (``KeyboardInterrupt``). The
        model is still usable: it has the best validation weights so far
        with early stopping, else the last ones; an unfinished epoch is not
        in ``history_``.

    Notes
    -----
    A NaN or infinite training loss stops ``fit`` with
    :class:`~sklstm.callbacks.NonFiniteLossError` (a ``FloatingPointError``)
    naming the epoch and batch; :meth:`predict_proba` raises
    ``FloatingPointError`` rather than return NaN.

    See Also
    --------
    sklstm.TextTokenizer : Turns raw texts into the id matrix this takes.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import LSTMClassifier, TextTokenizer
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 8
    >>> labels = ["pos", "pos", "neg", "neg"] * 8
    >>> pipe = make_pipeline(
    ...     TextTokenizer(min_frequency=1),
    ...     LSTMClassifier(hidden_size=16, embedding_dim=16, max_epochs=20,
    ...                    early_stopping=False, validation_fraction=None,
    ...                    random_state=0, device="cpu"))
    >>> pipe.fit(texts, labels).predict(["loved it", "awful film"]).tolist()
    ['pos', 'neg']
    """

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "pooling": [StrOptions(set(POOLING_OPTIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "embedding_dropout": [Interval(Real, 0, 1, closed="left")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "device": [str, torch.device],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "embeddings": ["array-like", None],
        "freeze_embeddings": ["boolean"],
        "lr_schedule": [StrOptions(set(SCHEDULES)), None],
        "warmup": [Interval(Real, 0, 1, closed="left")],
        "conv_filters": [Interval(Integral, 1, None, closed="left"), None],
        "conv_kernel_size": [Interval(Integral, 1, None, closed="left")],
        "checkpoint_dir": [str, os.PathLike, None],
    }

    def __init__(self, *, embedding_dim=128, hidden_size=128, num_layers=1,
                 bidirectional=True, pooling="max", dropout=0.3, embedding_dropout=0.0,
                 optimizer="adam", lr=2e-3, weight_decay=0.0, batch_size=64,
                 max_epochs=10, clip_grad_norm=1.0, early_stopping=True, patience=2,
                 validation_fraction=0.1, class_weight=None, random_state=None,
                 device="auto", verbose=0, callbacks=None, embeddings=None,
                 freeze_embeddings=False, lr_schedule=None, warmup=0.1, conv_filters=None,
                 conv_kernel_size=5, checkpoint_dir=None):
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.dropout = dropout
        self.embedding_dropout = embedding_dropout
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.clip_grad_norm = clip_grad_norm
        self.early_stopping = early_stopping
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.random_state = random_state
        self.device = device
        self.verbose = verbose
        self.callbacks = callbacks
        self.embeddings = embeddings
        self.freeze_embeddings = freeze_embeddings
        self.lr_schedule = lr_schedule
        self.warmup = warmup
        self.conv_filters = conv_filters
        self.conv_kernel_size = conv_kernel_size
        self.checkpoint_dir = checkpoint_dir

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Token ids are non-negative categorical codes; with this tag
        # scikit-learn's estimator checks feed rounded non-negative integers.
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags

    # --------------------------------------------------------------- fitting

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train on an id matrix and its labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids, right-padded with 0, as made by
            :class:`~sklstm.TextTokenizer`.
        y : array-like of shape (n_samples,)
            Labels: at least two classes, no missing values.

        Returns
        -------
        self : LSTMClassifier
            The fitted estimator.
        """
        X, y_encoded, class_weights = self._validate_fit_data(X, y)
        run = TrainingRun(self, module_params=self._module_params(X),
                          device=resolve_device(self.device))
        self.device_ = run.device
        self._set_net(*run.fit(X, y_encoded, class_weights=class_weights))
        return self

    def _validate_fit_data(self, X, y):
        """Checked ids, encoded labels and class weights; sets ``classes_``."""
        if self.early_stopping and self.validation_fraction is None:
            raise ValueError("early_stopping=True needs a validation split; set "
                             "validation_fraction (e.g. 0.1) or early_stopping=False")
        y = check_labels(y)
        X, y = check_token_ids(X, estimator=self, y=y, reset=True)
        try:
            self.classes_, y_encoded = np.unique(y, return_inverse=True)
        except TypeError as exc:
            raise ValueError(f"labels of mixed types cannot be ordered: {exc}") from None
        if len(self.classes_) < 2:
            raise ValueError(f"LSTMClassifier needs at least 2 classes in y; got one class: "
                             f"{self.classes_.tolist()!r}")
        class_weights = None
        if self.class_weight is not None:
            class_weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        return X, y_encoded.astype(np.int64), class_weights

    def _module_params(self, X=None):
        """The module's data-dependent arguments; in fit, sets ``n_vocab_`` and ``embedding_dim_``.

        Without ``X`` (a fitted model rebuilt by :func:`sklstm.load`) the
        embedding table is a fresh one of the fitted size, to be overwritten
        with the saved weights.
        """
        if X is None:
            return dict(num_embeddings=self.vocab_size_, num_classes=len(self.classes_),
                        embedding_dim=self.embedding_dim_)
        self.vocab_size_ = max(int(X.max()) + 1, 2)
        params = dict(num_classes=len(self.classes_), embedding_dim=self.embedding_dim)
        if self.embeddings is not None:
            matrix = check_embedding_matrix(self.embeddings)
            if self.vocab_size_ > len(matrix):
                warnings.warn(f"X holds token ids up to {self.vocab_size_ - 1} but embeddings "
                              f"has only {len(matrix)} rows; ids from {len(matrix)} on get "
                              "random vectors (was the table aligned to this tokenizer's "
                              "vocabulary?)", UserWarning, stacklevel=4)
            self.vocab_size_ = max(self.vocab_size_, len(matrix))
            params.update(embedding_dim=matrix.shape[1], embeddings=matrix,
                          freeze_embeddings=self.freeze_embeddings)
        self.embedding_dim_ = params["embedding_dim"]
        if self.vocab_size_ * self.embedding_dim_ > _MAX_EMBEDDING_WEIGHTS:
            i, j = np.unravel_index(np.argmax(X), X.shape)
            raise ValueError(
                f"token id X[{i}, {j}] = {X[i, j]} would need an embedding table of "
                f"{self.vocab_size_:,} x {self.embedding_dim_} weights (more than "
                f"{_MAX_EMBEDDING_WEIGHTS:,}); ids must be below the vocabulary size: "
                "use a TextTokenizer, or renumber the ids")
        return dict(params, num_embeddings=self.vocab_size_)

    def _set_net(self, net, history=None, n_iter=None, interrupted=False):
        """Fitted attributes from a trained (or restored) skorch net."""
        self.net_ = net
        self.module_ = net.module_
        self.history_ = net.history if history is None else history
        self.n_iter_ = len(self.history_) if n_iter is None else n_iter
        self.interrupted_ = bool(interrupted)

    @property
    def n_vocab_(self):
        """Deprecated name of ``vocab_size_`` (sklstm 0.1)."""
        warnings.warn("n_vocab_ is deprecated and will be removed: use vocab_size_",
                      FutureWarning, stacklevel=2)
        return self.vocab_size_

    # ------------------------------------------------------------ safe state

    def get_safe_state(self):
        """The fitted classifier as plain data, for :func:`sklstm.save`.

        Returns
        -------
        state : dict
            ``"params"``: the constructor parameters (``embeddings`` left
            out: the trained table is in the weights); ``"attributes"``: the
            fitted attributes other than the net; ``"files"``:
            ``{"weights.safetensors": bytes}``, the module's and the loss's
            tensors.

        Raises
        ------
        ValueError
            With ``callbacks`` (code, which a safe file cannot hold) or a
            ``random_state`` that is not an int or None.

        See Also
        --------
        set_safe_state : The inverse.
        """
        from safetensors.torch import save as save_tensors

        check_is_fitted(self)
        params = self.get_params(deep=False)
        if params["callbacks"]:
            raise ValueError("LSTMClassifier with callbacks cannot be saved safely (callbacks "
                             "are code); set callbacks=None before saving, or use pickle "
                             "for trusted use")
        if not isinstance(params["random_state"], (Integral, type(None))):
            raise ValueError("random_state must be an int or None to save the model, got "
                             f"{type(params['random_state']).__name__}")
        params["embeddings"] = None
        tensors = {f"module.{k}": v for k, v in cpu_state_dict(self.net_.module_).items()}
        tensors.update({f"criterion.{k}": v
                        for k, v in cpu_state_dict(self.net_.criterion_).items()})
        return {"params": params,
                "attributes": fitted_attributes(self, exclude={"net_", "module_"}),
                "files": {_WEIGHTS_FILE: save_tensors(tensors)}}

    def set_safe_state(self, state):
        """Rebuild the fitted classifier from what :meth:`get_safe_state` gave.

        A classifier trained on a GPU is put on the CPU where CUDA is missing.

        Parameters
        ----------
        state : dict
            ``"attributes"`` (a dict) and ``"files"`` (a mapping of file name
            to bytes).

        Returns
        -------
        self : LSTMClassifier

        Raises
        ------
        ValueError
            If the parameters are invalid, or the weights cannot be read or
            do not fit the configuration.
        """
        from safetensors.torch import load as load_tensors

        self._validate_params()
        attributes = dict(state["attributes"])
        history = History(attributes.pop("history_", []))
        if "n_vocab_" in attributes:  # a file written by sklstm 0.1
            attributes["vocab_size_"] = attributes.pop("n_vocab_")
        for name, value in attributes.items():
            setattr(self, name, value)
        try:
            tensors = load_tensors(state["files"][_WEIGHTS_FILE])
        except Exception as exc:
            raise ValueError(f"the weights in {_WEIGHTS_FILE} cannot be read: {exc}") from None
        module_state = {k[7:]: v for k, v in tensors.items() if k.startswith("module.")}
        criterion_state = {k[10:]: v for k, v in tensors.items() if k.startswith("criterion.")}
        self.device_ = resolve_device(self.device_, fallback=True)
        run = TrainingRun(self, module_params=self._module_params(), device=self.device_)
        net = run.build_net(criterion_weight=criterion_state.get("weight"))
        with torch.random.fork_rng(devices=[]):  # initialize() draws random weights
            net.initialize()
        try:
            net.module_.load_state_dict(module_state, strict=True)
        except RuntimeError as exc:
            raise ValueError(f"the weights do not fit the configuration: {exc}") from None
        net.history = history
        self._set_net(net, n_iter=self.n_iter_, interrupted=self.interrupted_)
        return self

    # -------------------------------------------------------------- pickling

    def __getstate__(self):
        state = dict(super().__getstate__())
        # module_ is net_.module_, which skorch pickles so that a model
        # trained on a GPU loads on a machine without one.
        state.pop("module_", None)
        return state

    def __setstate__(self, state):
        if "n_vocab_" in state:  # pickled by sklstm 0.1
            state = dict(state)
            state["vocab_size_"] = state.pop("n_vocab_")
        super().__setstate__(state)
        net = state.get("net_")
        if net is not None and getattr(net, "initialized_", False):
            self.module_ = net.module_
            self.device_ = str(net.device)  # 'cpu' where CUDA is missing

    # ------------------------------------------------------------- prediction

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids. Ids outside the fitted vocabulary are read as unknown.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1.
        """
        check_is_fitted(self)
        X = check_token_ids(X, estimator=self, reset=False)
        # Sorting by length makes every prediction batch tight.
        order = np.argsort(sequence_lengths(X), kind="stable")
        proba = np.empty((len(X), len(self.classes_)), dtype=np.float64)
        proba[order] = self.net_.predict_proba(X[order])
        bad = np.flatnonzero(~np.isfinite(proba).all(axis=1))
        if len(bad):
            n_bad = sum(int((~torch.isfinite(p)).sum()) for p in self.module_.parameters())
            raise FloatingPointError(
                f"LSTMClassifier computed non-finite probabilities for {len(bad)} row(s), "
                f"first at index {bad[0]}; {n_bad} of the model's weights are NaN or "
                "infinite: refit it (a lower lr helps)")
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted labels, from ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids.

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
