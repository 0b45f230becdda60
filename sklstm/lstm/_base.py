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
from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from .._compat import deprecated
from .._utils.state import fitted_attributes
from .._utils.torch import cpu_state_dict, resolve_device, resolve_precision
from .._utils.validation import check_row_mask, check_sample_weight, check_token_ids
from .._utils.warn import warn_caller
from ..vectors import check_embedding_matrix
from ._batching import sequence_lengths
from ._params import earlier_behaviour
from ._training import TrainingRun

__all__ = ["BaseLSTM"]

# Most weights of the embedding table that fit() will allocate (8 GiB of float32).
_MAX_EMBEDDING_WEIGHTS = 2**31
# The file holding the network's weights in a safe model file.
_WEIGHTS_FILE = "weights.safetensors"
class BaseLSTM(BaseEstimator):
    """Base class of the LSTM estimators; not for direct use.

    A subclass declares its parameters in ``_params.py`` (``_params_kind``
    names which of them it has), stores them in an explicit ``__init__``
    and says what its targets are through the hooks below.
    """

    #: Which declared parameters the estimator has: 'classifier' or 'regressor'.
    _params_kind = None

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
        if "net_" in state or "device_" in state:  # fitted before sklstm 1.1
            state.setdefault("precision_", "float32")
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
        self.precision_ = resolve_precision(self.precision, self.device_)
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
        deprecated("n_vocab_", "vocab_size_")
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
            earlier = earlier_behaviour(self._params_kind, state["params"])
            self.set_params(**{name: value for name, value in earlier.items() if name in own})
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
        # Parameters added since the estimator was pickled take the value that does
        # what it did (their default, unless the declaration says otherwise).
        earlier = earlier_behaviour(self._params_kind, state)
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if param.kind == param.KEYWORD_ONLY and name not in state:
                state[name] = earlier.get(name, param.default)
        super().__setstate__(state)
        net = state.get("net_")
        if net is not None and getattr(net, "initialized_", False):
            self.module_ = net.module_
            self.device_ = str(net.device)  # 'cpu' where CUDA is missing

