"""The scikit-learn estimator :class:`LSTMClassifier`.

It validates its input and labels, then trains a
:class:`~sklstm.modules.LSTMTextModule` with a skorch
:class:`~skorch.NeuralNetClassifier`, which brings the training loop,
callbacks, history and device handling. Batches come from
:class:`~sklstm.batching.BucketIterator`, grouped by length and trimmed.
"""

import math
import os
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping, GradientNormClipping, LRScheduler, ProgressBar
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from .batching import BucketIterator, n_batches, sequence_lengths
from .callbacks import (StopOnNonFiniteLoss, TrainingCheckpoint, TrainingProgress,
                        data_fingerprint, read_checkpoint, restore_checkpoint)
from .embeddings import check_embedding_matrix
from .modules import POOLING_OPTIONS, LSTMTextModule

__all__ = ["LSTMClassifier"]

_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
# Evaluation needs no gradients, so it affords larger batches.
_EVAL_BATCH_FACTOR = 4
# Most weights of the embedding table that fit() will allocate (8 GiB of float32).
_MAX_EMBEDDING_WEIGHTS = 2**31


class WarmupCosine:
    """Learning-rate factor: linear warm-up, then cosine decay towards zero.

    A picklable ``lr_lambda`` for :class:`torch.optim.lr_scheduler.LambdaLR`,
    stepped once per batch.

    Parameters
    ----------
    total_steps : int
        Number of training batches in all.
    warmup_steps : int
        Batches over which the factor rises linearly to 1.

    Examples
    --------
    >>> from sklstm.classifier import WarmupCosine
    >>> [round(WarmupCosine(6, 2)(step), 2) for step in range(6)]
    [0.5, 1.0, 0.9, 0.65, 0.35, 0.1]
    """

    def __init__(self, total_steps, warmup_steps):
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        # Neither the peak nor a zero learning rate is repeated or wasted.
        progress = (step + 1 - self.warmup_steps) / (self.total_steps + 1 - self.warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def _is_missing(value):
    return value is None or (isinstance(value, float) and np.isnan(value))


def _has_missing(values):
    return any(_is_missing(v) for v in np.asarray(values, dtype=object).ravel())


def check_labels(y):
    """Validate classification labels; return them as a 1-D array.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Hashable labels: strings, integers, booleans.

    Returns
    -------
    y : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If ``y`` is not one-dimensional, holds None or NaN (the first such
        index is named), mixes types that cannot be ordered, or is not a
        classification target.
    """
    if y is None:
        raise ValueError("LSTMClassifier requires y to be passed, but the target y is None")
    if not hasattr(y, "dtype"):
        # numpy would silently turn [1, "a"] into strings; refuse instead.
        kinds = {isinstance(v, str) for v in np.asarray(y, dtype=object).ravel()
                 if not _is_missing(v)}
        if len(kinds) > 1:
            raise ValueError("labels of mixed types: y holds both strings and non-strings")
        y = np.asarray(y, dtype=object if _has_missing(y) else None)
    y = column_or_1d(y, warn=True)
    if y.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(y))
    elif y.dtype.kind == "O":
        missing = [i for i, value in enumerate(y) if _is_missing(value)]
    else:
        missing = []
    if len(missing):
        i = int(missing[0])
        raise ValueError(f"y contains a missing label ({y[i]!r}) at index {i}; "
                         "drop or fill missing labels before fitting")
    check_classification_targets(y)
    return y


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
    n_vocab_ : int
        Size of the embedding table: the largest id seen in ``fit`` plus one
        (at least 2), or the number of rows of ``embeddings`` if larger.
        Larger ids at prediction time are read as unknown.
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
        "optimizer": [StrOptions(set(_OPTIMIZERS))],
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
        "lr_schedule": [StrOptions({"onecycle", "cosine"}), None],
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

    # ------------------------------------------------------------------ input

    def _check_ids(self, X, y=None, *, reset):
        """Validate an id matrix (and ``y`` in fit); return a C-contiguous integer array."""
        if isinstance(X, str) or (
            not sp.issparse(X) and not hasattr(X, "dtype") and isinstance(X, (list, tuple))
            and len(X) and isinstance(X[0], str)
        ):
            raise ValueError(
                "LSTMClassifier takes a matrix of token ids, not raw texts; put a "
                "TextTokenizer before it: make_pipeline(TextTokenizer(), LSTMClassifier())"
            )
        if reset:
            X, y = validate_data(self, X, y, dtype=None, reset=True)
        else:
            X = check_array(X, dtype=None, input_name="X", estimator=self)
        if X.dtype.kind == "O":
            try:
                X = X.astype(np.float64)
            except ValueError:  # strings among the values
                pass
            except TypeError as exc:
                i, j = next((i, j) for (i, j), v in np.ndenumerate(X)
                            if not isinstance(v, (int, float, np.number)))
                raise TypeError(f"token ids must be numbers; X[{i}, {j}] is "
                                f"{type(X[i, j]).__name__} ({exc})") from None
        if X.dtype.kind in "OUS":
            raise ValueError(
                f"LSTMClassifier takes integer token ids, got an array of dtype {X.dtype}; "
                "put a TextTokenizer before it to turn texts into ids"
            )
        if X.dtype.kind == "f":
            missing = np.argwhere(np.isnan(X))  # None in an object array
            if len(missing):
                i, j = missing[0]
                raise ValueError(f"token ids must not be missing; X[{i}, {j}] is None or NaN")
            fractional = np.argwhere(X != np.floor(X))
            if len(fractional):
                i, j = fractional[0]
                raise ValueError(
                    f"token ids must be whole numbers; X[{i}, {j}] is {X[i, j]!r}"
                )
            X = X.astype(np.int64)
        elif X.dtype.kind == "b" or (X.dtype.kind == "u" and X.dtype.itemsize >= 8):
            too_big = np.argwhere(X > np.iinfo(np.int64).max) if X.dtype.kind == "u" else []
            if len(too_big):
                i, j = too_big[0]
                raise ValueError(f"token id too large: X[{i}, {j}] is {X[i, j]}")
            X = X.astype(np.int64)
        negative = np.argwhere(X < 0)
        if len(negative):
            i, j = negative[0]
            raise ValueError(f"Negative values in data: token ids must be >= 0; "
                             f"X[{i}, {j}] is {X[i, j]}")
        X = np.ascontiguousarray(X)
        return (X, y) if reset else X

    # --------------------------------------------------------------- training

    def _split(self, X, y, seed):
        """Training and (length-sorted) validation parts, or None for no validation."""
        if self.validation_fraction is None:
            return X, y, None
        n_valid = int(np.ceil(self.validation_fraction * len(y)))
        if n_valid < 1 or len(y) - n_valid < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no samples for "
                f"training or validation with {len(y)} samples"
            )
        try:
            splitter = StratifiedShuffleSplit(n_splits=1, test_size=n_valid, random_state=seed)
            train, valid = next(splitter.split(X, y))
        except ValueError:  # a class too small to stratify
            splitter = ShuffleSplit(n_splits=1, test_size=n_valid, random_state=seed)
            train, valid = next(splitter.split(X, y))
        valid = valid[np.argsort(sequence_lengths(X[valid]), kind="stable")]
        return X[train], y[train], Dataset(X[valid], y[valid])

    def _callbacks(self, checkpoint=None, n_train=None):
        callbacks = [("non_finite_loss", StopOnNonFiniteLoss()),
                     ("progress", TrainingProgress())]
        if n_train is not None:
            callbacks += self._lr_scheduler(n_train)
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad", GradientNormClipping(self.clip_grad_norm)))
        if self.early_stopping:
            callbacks.append(("early_stopping", EarlyStopping(
                monitor="valid_loss", patience=self.patience, load_best=True,
            )))
        if checkpoint is not None:  # after early stopping, whose state it saves
            callbacks.append(("checkpoint", checkpoint))
        if self.verbose:
            from importlib.util import find_spec

            # In Jupyter, tqdm's widget bar needs ipywidgets (else it fails); without
            # ipywidgets the text bar is used, which works in notebooks and terminals.
            callbacks.append(("progress_bar", ProgressBar(
                detect_notebook=find_spec("ipywidgets") is not None)))
        return callbacks + list(self.callbacks or [])

    def _lr_scheduler(self, n_train):
        """The per-batch learning-rate schedule callback, in a list (empty without one)."""
        if self.lr_schedule is None:
            return []
        total = n_batches(n_train, self.batch_size) * self.max_epochs
        if self.lr_schedule == "onecycle":
            scheduler = LRScheduler(torch.optim.lr_scheduler.OneCycleLR, step_every="batch",
                                    max_lr=self.lr, total_steps=total, pct_start=self.warmup)
        else:
            scheduler = LRScheduler(torch.optim.lr_scheduler.LambdaLR, step_every="batch",
                                    lr_lambda=WarmupCosine(total, int(self.warmup * total)))
        return [("lr_scheduler", scheduler)]

    def _embedding_params(self, X):
        """Module parameters for ``embeddings``; sets ``n_vocab_``."""
        self.n_vocab_ = max(int(X.max()) + 1, 2)
        if self.embeddings is None:
            return dict(module__embedding_dim=self.embedding_dim)
        matrix = check_embedding_matrix(self.embeddings)
        if self.n_vocab_ > len(matrix):
            warnings.warn(f"X holds token ids up to {self.n_vocab_ - 1} but embeddings has "
                          f"only {len(matrix)} rows; ids from {len(matrix)} on get random "
                          "vectors (was the table aligned to this tokenizer's vocabulary?)",
                          UserWarning, stacklevel=3)
        self.n_vocab_ = max(self.n_vocab_, len(matrix))
        return dict(module__embedding_dim=matrix.shape[1], module__embeddings=matrix,
                    module__freeze_embeddings=self.freeze_embeddings)

    def _resolve_device(self):
        device = str(self.device)
        if device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"device={self.device!r} but CUDA is not available; "
                             "use device='cpu' or 'auto'")
        return device

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
        if self.early_stopping and self.validation_fraction is None:
            raise ValueError("early_stopping=True needs a validation split; set "
                             "validation_fraction (e.g. 0.1) or early_stopping=False")
        y = check_labels(y)
        X, y = self._check_ids(X, y, reset=True)
        try:
            self.classes_, y_encoded = np.unique(y, return_inverse=True)
        except TypeError as exc:
            raise ValueError(f"labels of mixed types cannot be ordered: {exc}") from None
        if len(self.classes_) < 2:
            raise ValueError(f"LSTMClassifier needs at least 2 classes in y; got one class: "
                             f"{self.classes_.tolist()!r}")
        y_encoded = y_encoded.astype(np.int64)
        embedding_params = self._embedding_params(X)
        self.embedding_dim_ = embedding_params["module__embedding_dim"]
        if self.n_vocab_ * self.embedding_dim_ > _MAX_EMBEDDING_WEIGHTS:
            i, j = np.unravel_index(np.argmax(X), X.shape)
            raise ValueError(
                f"token id X[{i}, {j}] = {X[i, j]} would need an embedding table of "
                f"{self.n_vocab_:,} x {self.embedding_dim_} weights (more than "
                f"{_MAX_EMBEDDING_WEIGHTS:,}); ids must be below the vocabulary size: "
                "use a TextTokenizer, or renumber the ids")
        self.device_ = self._resolve_device()
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        checkpoint = fingerprint = None
        if self.checkpoint_dir is not None:
            fingerprint = self._fingerprint(
                X, y_encoded, embedding_params.get("module__embeddings"))
            checkpoint = read_checkpoint(self.checkpoint_dir, fingerprint)
            if checkpoint is not None:  # the same split, even with random_state=None
                seed = checkpoint["meta"]["seed"]

        X_train, y_train, valid = self._split(X, y_encoded, seed)
        criterion_weight = None
        if self.class_weight is not None:
            weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
            criterion_weight = torch.as_tensor(weights, dtype=torch.float32)
        # One generator orders the training batches for the whole fit; the
        # checkpoint saves and restores its state.
        rng = np.random.default_rng(seed)
        saver = None
        if self.checkpoint_dir is not None:
            saver = TrainingCheckpoint(self.checkpoint_dir, fingerprint=fingerprint, seed=seed,
                                       rng=rng, resume=checkpoint)
        self.net_ = self._build_net(
            criterion_weight=criterion_weight,
            train_split=None if valid is None else predefined_split(valid),
            rng=rng, checkpoint=saver, n_train=len(y_train), embedding_params=embedding_params)
        devices = [torch.device(self.device_)] if self.device_.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            self.net_.initialize()
            epochs = self.max_epochs
            if checkpoint is not None:
                epochs = restore_checkpoint(self.net_, checkpoint, rng)
            self.net_.partial_fit(X_train, y_train, epochs=epochs)
        self._finish_fit()
        return self

    def _build_net(self, *, criterion_weight=None, train_split=None, rng=None,
                   checkpoint=None, n_train=None, embedding_params=None):
        """The skorch net for the fitted ``classes_``, ``n_vocab_`` and ``device_``.

        Without ``embedding_params`` (a fitted model rebuilt by
        :func:`sklstm.load`) the embedding table is a fresh one of the
        fitted width, to be overwritten with the saved weights.
        """
        if embedding_params is None:
            embedding_params = dict(module__embedding_dim=self.embedding_dim_)
        return NeuralNetClassifier(
            LSTMTextModule,
            module__num_embeddings=self.n_vocab_,
            module__num_classes=len(self.classes_),
            **embedding_params,
            module__conv_filters=self.conv_filters,
            module__conv_kernel_size=self.conv_kernel_size,
            module__hidden_size=self.hidden_size,
            module__num_layers=self.num_layers,
            module__bidirectional=self.bidirectional,
            module__pooling=self.pooling,
            module__dropout=self.dropout,
            module__embedding_dropout=self.embedding_dropout,
            criterion=torch.nn.CrossEntropyLoss,
            criterion__weight=criterion_weight,
            optimizer=_OPTIMIZERS[self.optimizer],
            optimizer__weight_decay=self.weight_decay,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train=BucketIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=rng,
            iterator_valid=BucketIterator,
            iterator_valid__batch_size=self.batch_size * _EVAL_BATCH_FACTOR,
            train_split=train_split,
            classes=np.arange(len(self.classes_)),
            callbacks=self._callbacks(checkpoint, n_train),
            device=self.device_,
            verbose=self.verbose,
        )

    def _finish_fit(self):
        """Fitted attributes from ``net_``; report a Ctrl-C during training."""
        self.module_ = self.net_.module_
        self.history_ = self.net_.history
        progress = dict(self.net_.callbacks_)["progress"]
        self.interrupted_ = bool(progress.interrupted_)
        if progress.partial_epoch_:
            del self.history_[-1]  # the unfinished epoch
        self.n_iter_ = len(self.history_)
        if self.interrupted_:
            stopper = dict(self.net_.callbacks_).get("early_stopping")
            kept = (f"the weights of epoch {stopper.best_epoch_} (best validation loss)"
                    if getattr(stopper, "best_model_weights_", None) is not None
                    else "the weights reached so far")
            warnings.warn(f"training was interrupted after {self.n_iter_} complete "
                          f"epoch(s); the model keeps {kept}", UserWarning, stacklevel=3)

    def _fingerprint(self, X, y_encoded, embeddings):
        """What identifies a run for its checkpoint: parameters, data and seed.

        ``embeddings`` is the checked table of :meth:`_embedding_params`, or None.
        """
        params = self.get_params(deep=False)
        for name in ("verbose", "callbacks", "checkpoint_dir", "device"):
            params.pop(name)
        if not isinstance(params["random_state"], (Integral, type(None))):
            params["random_state"] = repr(params["random_state"])
        if embeddings is not None:
            params["embeddings"] = data_fingerprint(embeddings)
        return dict(params, device=self.device_, classes=self.classes_.tolist(),
                    X_shape=list(X.shape),
                    data_sha256=data_fingerprint(X.astype(np.int64), y_encoded))

    def __getstate__(self):
        state = dict(super().__getstate__())
        # module_ is net_.module_, which skorch pickles so that a model
        # trained on a GPU loads on a machine without one.
        state.pop("module_", None)
        return state

    def __setstate__(self, state):
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
        X = self._check_ids(X, reset=False)
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
