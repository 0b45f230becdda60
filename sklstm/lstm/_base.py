"""What :class:`~sklstm.LSTMClassifier` and :class:`~sklstm.LSTMRegressor` share.

:class:`BaseLSTM` holds their common parameters and the whole path from
token ids to a fitted net and back: validation, then a
:class:`~sklstm.lstm._training.TrainingRun` (``fit``, ``warm_start``,
``partial_fit``), the network's raw outputs for prediction, the safe-state
hooks of :func:`sklstm.save` and :func:`sklstm.load`, and pickling. A
subclass says what its targets are: how they are checked and encoded for
the net, which net and loss train on them, and what predictions mean.
"""

import inspect
import os
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from .._utils.state import fitted_attributes
from .._utils.torch import cpu_state_dict, resolve_device
from .._utils.validation import check_row_mask, check_sample_weight, check_token_ids
from .._utils.warn import warn_caller
from ..vectors import check_embedding_matrix
from ._batching import sequence_lengths
from ._network import POOLING_OPTIONS
from ._training import OPTIMIZERS, TrainingRun
from .callbacks import SCHEDULES

__all__ = ["BaseLSTM", "PARAMETERS_DOC"]

# Most weights of the embedding table that fit() will allocate (8 GiB of float32).
_MAX_EMBEDDING_WEIGHTS = 2**31
# The file holding the network's weights in a safe model file.
_WEIGHTS_FILE = "weights.safetensors"
# Parameters added since sklstm 0.2.0, with the value that does what models
# fitted before had: a model file or pickle without them gets this value,
# not today's default.
_EARLIER_BEHAVIOUR = {"bag_ngrams": None, "bag_prior": None}

#: The numpydoc entries of the parameters every sklstm LSTM estimator has.
PARAMETERS_DOC = """\
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
        (see :class:`~sklstm.lstm.LSTMTextModule`).
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
    warm_start : bool, default=False
        Whether ``fit`` continues from the fitted weights and optimizer state
        for ``max_epochs`` more epochs (on the new data, with its own
        validation split) instead of starting anew. The targets must have
        the same classes (or outputs) as before.
    vocab_size : int or None, default=None
        Rows of the embedding table. None: the largest id of the first fit
        plus one (or the rows of ``embeddings``). Give the tokenizer's
        ``vocab_size_`` when the first fit may not see every id, as with
        ``partial_fit`` on a stream (and a fixed ``TextTokenizer(vocabulary=...)``).
"""


class BaseLSTM(BaseEstimator):
    """Base class of the LSTM estimators; not for direct use.

    Parameters
    ----------
{parameters}
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
        "warm_start": ["boolean"],
        "vocab_size": [Interval(Integral, 2, None, closed="left"), None],
        "bag_ngrams": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, *, embedding_dim=128, hidden_size=128, num_layers=1,
                 bidirectional=True, pooling="max", dropout=0.3, embedding_dropout=0.0,
                 optimizer="adam", lr=2e-3, weight_decay=0.0, batch_size=64,
                 max_epochs=10, clip_grad_norm=1.0, early_stopping=True, patience=2,
                 validation_fraction=0.1, random_state=None, device="auto", verbose=0,
                 callbacks=None, embeddings=None, freeze_embeddings=False, lr_schedule=None,
                 warmup=0.1, conv_filters=None, conv_kernel_size=5, checkpoint_dir=None,
                 warm_start=False, vocab_size=None, bag_ngrams=None):
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
        self.warm_start = warm_start
        self.vocab_size = vocab_size
        self.bag_ngrams = bag_ngrams

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Token ids are non-negative categorical codes; with this tag
        # scikit-learn's estimator checks feed rounded non-negative integers.
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags

    # ------------------------------------------------- what a subclass says

    def _check_targets(self, y):
        """The targets of ``fit``, checked (no encoding yet)."""
        raise NotImplementedError

    def _encode_targets(self, y, *, first, classes=None, partial=False):
        """Targets as the net reads them; on the ``first`` fit, the fitted target attributes."""
        raise NotImplementedError

    def _row_weights(self, y_net, sample_weight, *, partial=False):
        """Each row's weight in the loss (None: all alike)."""
        return sample_weight

    def _run_settings(self):
        """Keyword arguments of :class:`~sklstm.lstm._training.TrainingRun`: net, loss, ..."""
        raise NotImplementedError

    def _n_outputs(self):
        """Outputs of the network: classes, labels or targets."""
        raise NotImplementedError

    def _after_fit(self, valid):
        """Anything fitted on the validation ``Dataset`` (or None) after training."""

    def _labelled_mask(self, y, *, partial=False):
        """The mask of the rows the net trains on; None (all of them) unless a subclass
        knows unlabelled ones."""
        return None

    def _pretrain(self, X, module_params, device, *, partial=False):
        """Module arguments and initial weights (or None) learnt from all rows ``X`` first.

        Called when ``fit`` (or the first ``partial_fit``) starts a new net;
        here nothing is pretrained.
        """
        return module_params, None

    def _upgrade_state(self, state):
        """Fitted attributes saved (or pickled) by an earlier sklstm, brought up to date."""
        state = dict(state)
        if "n_vocab_" in state:  # sklstm 0.1
            state["vocab_size_"] = state.pop("n_vocab_")
        return state

    # --------------------------------------------------------------- fitting

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, train_only=None):
        """Train on an id matrix and its targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids, right-padded with 0, as made by
            :class:`~sklstm.TextTokenizer`.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Each row's weight in the training and validation loss; zero
            weights are allowed.
        train_only : array-like of bool of shape (n_samples,) or None, default=None
            Rows that train but are never held out for validation: targets
            that are guesses (pseudo-labels) or augmented copies. The
            validation split is ``validation_fraction`` of the
            other rows, so early stopping watches real targets only.

        Returns
        -------
        self
            The fitted estimator.
        """
        first = not (self.warm_start and hasattr(self, "net_"))
        if self.early_stopping and self.validation_fraction is None:
            raise ValueError("early_stopping=True needs a validation split; set "
                             "validation_fraction (e.g. 0.1) or early_stopping=False")
        self._train(X, y, sample_weight, first=first, train_only=train_only)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def _partial_fit(self, X, y, sample_weight, classes=None):
        self._train(X, y, sample_weight, first=not hasattr(self, "net_"), classes=classes,
                    epochs=1, validate=False)
        return self

    def _train(self, X, y, sample_weight, *, first, classes=None, epochs=None,
               validate=True, train_only=None):
        """Validate, then run; ``first`` starts a new net, else the fitted one trains on."""
        partial = not validate
        X_all, (X, y, sample_weight, train_only) = self._checked_rows(
            X, y, sample_weight, train_only, partial=partial)
        y_net = self._encode_targets(y, first=first, classes=classes, partial=partial)
        weights = self._row_weights(y_net, sample_weight, partial=partial)
        module_params, initial_weights = self._start(X_all if first else None, partial=partial)
        run = TrainingRun(self, module_params=module_params, device=self.device_,
                          initial_weights=initial_weights, **self._run_settings())
        result = run.fit(X, y_net, sample_weight=weights, net=None if first else self.net_,
                         epochs=epochs, validate=validate, train_only=train_only)
        self._set_net(result.net, result.history, result.n_iter, result.interrupted)
        self._after_fit(result.valid if validate else None)

    def _checked_rows(self, X, y, sample_weight, train_only, *, partial):
        """All ids, checked; and the labelled rows' ids, targets, weights and ``train_only``."""
        y = self._check_targets(y)
        X, y = check_token_ids(X, estimator=self, y=y, reset=True)
        rows = (X, y, check_sample_weight(sample_weight, len(X)),
                check_row_mask(train_only, len(X), name="train_only"))
        keep = self._labelled_mask(y, partial=partial)
        if keep is None:
            return X, rows
        rows = tuple(None if part is None else part[keep] for part in rows)
        if rows[2] is not None and not rows[2].any():
            raise ValueError("every labelled row has a sample weight of zero: nothing to "
                             "learn the classes from")
        return X, rows

    def _start(self, X=None, *, partial=False):
        """Sets ``device_``; the module arguments and initial weights (or None) of a run.

        With ``X`` (all rows, unlabelled ones included: the embedding table
        covers their ids) a new net starts, from what :meth:`_pretrain`
        learnt; without, the fitted net trains on.
        """
        self.device_ = resolve_device(self.device)
        module_params = self._module_params(X)
        if X is None:
            return module_params, None
        return self._pretrain(X, module_params, self.device_, partial=partial)

    def _module_params(self, X=None):
        """Data-dependent module arguments; with ``X``, sets ``vocab_size_`` and ``embedding_dim_``.

        Without ``X`` (a fitted model trained further, or rebuilt by
        :func:`sklstm.load`) they are the fitted ones; a rebuilt table is
        overwritten with the saved weights.
        """
        if X is None:
            return dict(num_embeddings=self.vocab_size_, num_classes=self._n_outputs(),
                        embedding_dim=self.embedding_dim_)
        self.vocab_size_ = self.vocab_size or max(int(X.max()) + 1, 2)
        params = dict(num_classes=self._n_outputs(), embedding_dim=self.embedding_dim)
        if self.embeddings is not None:
            matrix = check_embedding_matrix(self.embeddings)
            if self.vocab_size_ > len(matrix):
                warn_caller(f"X holds token ids up to {self.vocab_size_ - 1} but embeddings "
                            f"has only {len(matrix)} rows; ids from {len(matrix)} on get "
                            "random vectors (was the table aligned to this tokenizer's "
                            "vocabulary?)", UserWarning)
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
        warn_caller("n_vocab_ is deprecated and will be removed: use vocab_size_", FutureWarning)
        return self.vocab_size_

    # ------------------------------------------------------------ prediction

    def _outputs(self, X):
        """The network's raw outputs (logits) for an id matrix, float32, in the rows' order."""
        check_is_fitted(self)
        X = check_token_ids(X, estimator=self, reset=False)
        # Sorting by length makes every prediction batch tight.
        order = np.argsort(sequence_lengths(X), kind="stable")
        outputs = np.empty((len(X), self._n_outputs()), dtype=np.float32)
        outputs[order] = self.net_.forward(X[order], training=False).numpy()
        bad = np.flatnonzero(~np.isfinite(outputs).all(axis=1))
        if len(bad):
            n_bad = sum(int((~torch.isfinite(p)).sum()) for p in self.module_.parameters())
            raise FloatingPointError(
                f"{type(self).__name__} computed non-finite outputs for {len(bad)} row(s), "
                f"first at index {bad[0]}; {n_bad} of the model's weights are NaN or "
                "infinite: refit it (a lower lr helps)")
        return outputs

    # ------------------------------------------------------------ safe state

    def get_safe_state(self):
        """The fitted estimator as plain data, for :func:`sklstm.save`.

        Returns
        -------
        state : dict
            ``"params"``: the constructor parameters (``embeddings`` left
            out: the trained table is in the weights; ``memory`` too);
            ``"attributes"``: the fitted attributes other than the net; ``"files"``:
            ``{"weights.safetensors": bytes}``, the module's tensors.

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
        name = type(self).__name__
        params = self.get_params(deep=False)
        if params["callbacks"]:
            raise ValueError(f"{name} with callbacks cannot be saved safely (callbacks "
                             "are code); set callbacks=None before saving, or use pickle "
                             "for trusted use")
        if not isinstance(params["random_state"], (Integral, type(None))):
            raise ValueError("random_state must be an int or None to save the model, got "
                             f"{type(params['random_state']).__name__}")
        params["embeddings"] = None
        if "memory" in params:  # a cache of fit: a loaded model does not need it
            params["memory"] = None
        tensors = {f"module.{k}": v for k, v in cpu_state_dict(self.net_.module_).items()}
        return {"params": params,
                "attributes": fitted_attributes(self, exclude={"net_", "module_"}),
                "files": {_WEIGHTS_FILE: save_tensors(tensors)}}

    def set_safe_state(self, state):
        """Rebuild the fitted estimator from what :meth:`get_safe_state` gave.

        A model trained on a GPU is put on the CPU where CUDA is missing.

        Parameters
        ----------
        state : dict
            ``"attributes"`` (a dict) and ``"files"`` (a mapping of file name
            to bytes); optionally ``"params"``, the parameters as saved,
            where one that an earlier sklstm did not have is missing: it then
            takes the value that does what that sklstm did.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If the parameters are invalid, or the weights cannot be read or
            do not fit the configuration.
        """
        from safetensors.torch import load as load_tensors

        if "params" in state:
            own = self.get_params(deep=False)
            self.set_params(**{name: value for name, value in _EARLIER_BEHAVIOUR.items()
                               if name in own and name not in state["params"]})
        self._validate_params()
        attributes = self._upgrade_state(state["attributes"])
        history = History(attributes.pop("history_", []))
        for name, value in attributes.items():
            setattr(self, name, value)
        try:
            tensors = load_tensors(state["files"][_WEIGHTS_FILE])
        except Exception as exc:
            raise ValueError(f"the weights in {_WEIGHTS_FILE} cannot be read: {exc}") from None
        # sklstm 0.1 also saved the loss's class weights: now row weights, not needed.
        module_state = {k[7:]: v for k, v in tensors.items() if k.startswith("module.")}
        self.device_ = resolve_device(self.device_, fallback=True)
        run = TrainingRun(self, module_params=self._module_params(), device=self.device_,
                          **self._run_settings())
        net = run.build_net()
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
        state = self._upgrade_state(state)
        # Parameters added since the estimator was pickled take their defaults,
        # or the value that does what it did.
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if param.kind == param.KEYWORD_ONLY and name not in state:
                state[name] = _EARLIER_BEHAVIOUR.get(name, param.default)
        super().__setstate__(state)
        net = state.get("net_")
        if net is not None and getattr(net, "initialized_", False):
            self.module_ = net.module_
            self.device_ = str(net.device)  # 'cpu' where CUDA is missing


BaseLSTM.__doc__ = BaseLSTM.__doc__.format(parameters=PARAMETERS_DOC.rstrip("\n"))
