"""One training run of an sklstm network, from validated ids to a fitted skorch net.

:class:`TrainingRun` is to :class:`~sklstm.LSTMClassifier` what scikit-learn's
``TfidfTransformer`` is to ``TfidfVectorizer``: the estimator validates its
input, then hands the token ids and encoded targets to a run, which owns the
rest of ``fit``, each step a small method:

- :meth:`~TrainingRun.seed`: one seed for weights, dropout, the split and
  the batch order;
- :meth:`~TrainingRun.split`: the (stratified) validation split,
  :func:`validation_split`;
- per-row weights (sample and class weights) carried with the ids into the
  loss of the skorch nets of ``_nets.py``;
- :meth:`~TrainingRun.callbacks`: the NaN guard, progress, learning-rate
  schedule, gradient clipping, early stopping, checkpoint and progress bar;
- :meth:`~TrainingRun.build_net`: the skorch net;
- :meth:`~TrainingRun.fingerprint` and :mod:`sklstm.lstm.callbacks`: resuming;
- :meth:`~TrainingRun.report`: what training left, a Ctrl-C included.

The run reads the estimator's parameters (its settings) and writes nothing
on it; the estimator sets its fitted attributes from the :class:`RunResult`.
A run can also continue a fitted net (``warm_start``) or train it for one
epoch without validation (``partial_fit``).
"""

import importlib.util
from numbers import Integral
from typing import NamedTuple

import numpy as np
import torch
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import check_random_state
from skorch.callbacks import EarlyStopping, GradientNormClipping, ProgressBar
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from .._utils.hashing import array_fingerprint
from .._utils.progress import interactive
from .._utils.warn import warn_caller
from ._batching import BucketIterator, n_batches, sequence_lengths
from ._nets import ClassifierNet
from ._network import LSTMTextModule
from ._params import OPTIMIZERS, fingerprint_excluded, module_params
from .callbacks import (
    StopOnNonFiniteLoss,
    TrainingCheckpoint,
    TrainingProgress,
    early_stopped,
    lr_scheduler,
    read_checkpoint,
)

__all__ = ["AUTO_STEPS", "EVAL_BATCH_FACTOR", "RunResult", "TrainingRun", "auto_epochs",
           "validation_split"]

# Evaluation needs no gradients, so it affords larger batches.
EVAL_BATCH_FACTOR = 4
#: The training batches that ``max_epochs='auto'`` gives a run at least (see auto_epochs).
AUTO_STEPS = 80
#: The fewest and most epochs of ``max_epochs='auto'``.
AUTO_EPOCHS = (3, 10)


def auto_epochs(n_train, batch_size):
    """The epochs of ``max_epochs='auto'``: enough for :data:`AUTO_STEPS` training batches,
    at least 3 and at most 10.

    On IMDB train holdouts a one-cycle schedule of 3 epochs matched or passed
    10 epochs at a fixed learning rate from 2,000 reviews (28 batches of 64
    an epoch) to 20,000 (2 epochs lost 0.8 points at 2,000 and 0.2 at
    20,000); small sets get more passes of their few batches.

    >>> [auto_epochs(n, 64) for n in (100, 1_000, 1_800, 4_500, 22_500)]
    [10, 5, 3, 3, 3]
    """
    low, high = AUTO_EPOCHS
    return min(max(-(-AUTO_STEPS // n_batches(n_train, batch_size)), low), high)


def validation_split(y, fraction, seed, *, stratify=True):
    """Indices of the training and validation rows.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Targets; with ``stratify`` the split keeps their proportions where
        every class has at least two rows, and is a plain shuffled split
        otherwise.
    fraction : float
        Share of the rows held out, rounded up.
    seed : int
        Seeds the split.

    Returns
    -------
    train, valid : ndarray of int

    Raises
    ------
    ValueError
        If either part would be empty.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.lstm._training import validation_split
    >>> train, valid = validation_split(np.array([0, 0, 0, 0, 1, 1, 1, 1]), 0.25, seed=0)
    >>> len(train), sorted(np.array([0, 0, 0, 0, 1, 1, 1, 1])[valid].tolist())
    (6, [0, 1])
    """
    n_valid = int(np.ceil(fraction * len(y)))
    if n_valid < 1 or len(y) - n_valid < 1:
        raise ValueError(f"validation_fraction={fraction} leaves no samples for training or "
                         f"validation with {len(y)} samples")
    splitter = None
    if stratify:
        try:
            splitter = StratifiedShuffleSplit(n_splits=1, test_size=n_valid, random_state=seed)
            return next(splitter.split(np.zeros(len(y)), y))
        except ValueError:  # a class too small to stratify
            pass
    splitter = ShuffleSplit(n_splits=1, test_size=n_valid, random_state=seed)
    return next(splitter.split(np.zeros(len(y))))


class RunResult(NamedTuple):
    """What a training run leaves: the net and how its training ended."""

    net: object
    """The trained skorch net."""
    history: list
    """Its per-epoch records, an unfinished epoch left out."""
    n_iter: int
    """Complete epochs in ``history``."""
    interrupted: bool
    """Whether Ctrl-C (``KeyboardInterrupt``) ended training early."""
    valid: object = None
    """The validation :class:`~skorch.dataset.Dataset`, or None."""


class TrainingRun:
    """Train the network of an sklstm estimator on validated ids and encoded targets.

    Parameters
    ----------
    estimator : LSTMClassifier or LSTMRegressor
        The estimator whose parameters the run follows (``lr``,
        ``batch_size``, ``max_epochs``, ``validation_fraction``, ...).
    module_params : dict
        Keyword arguments of :class:`~sklstm.lstm.LSTMTextModule` fixed
        by the data: ``num_embeddings``, ``num_classes`` (the number of
        outputs), ``embedding_dim`` and, with pretrained vectors,
        ``embeddings`` and ``freeze_embeddings``. The estimator's own
        parameters add the rest.
    device : str
        The resolved torch device.
    net_class : type, default=ClassifierNet
        The skorch net (one of ``_nets.py``).
    criterion : type, default=torch.nn.CrossEntropyLoss
        The loss, built with ``reduction='none'`` (the net weighs its rows).
    net_params : dict or None, default=None
        More arguments of the net, such as ``classes`` or ``criterion__delta``.
    stratify : bool, default=True
        Whether the validation split keeps the proportions of ``y``'s values.
    targets : list or None, default=None
        What the targets mean (the classes), recorded in the fingerprint.
    initial_weights : dict of str to array-like, or None, default=None
        Weights that replace the random start of a new net's module, by
        parameter name (a part of its state dict, such as the embedding and
        LSTM that the pretraining of ``_pretraining.py`` trained).
    bag_prior : {'naive_bayes'} or None, default=None
        With 'naive_bayes', a new net's bag of n-grams (if it has one) scales
        its rows by naive-Bayes factors counted on the training rows (the
        validation rows left out), before the first epoch; the targets must
        then be class codes or 0/1 columns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMClassifier
    >>> from sklstm.lstm._training import TrainingRun
    >>> clf = LSTMClassifier(hidden_size=4, embedding_dim=4, max_epochs=2,
    ...                      early_stopping=False, validation_fraction=None, random_state=0)
    >>> run = TrainingRun(clf, module_params=dict(num_embeddings=5, num_classes=2,
    ...                                           embedding_dim=4), device="cpu")
    >>> X = np.array([[2, 3, 0], [4, 0, 0]] * 4)
    >>> result = run.fit(X, np.array([0, 1] * 4))
    >>> result.n_iter, result.interrupted
    (2, False)
    """

    def __init__(self, estimator, *, module_params, device, net_class=ClassifierNet,
                 criterion=torch.nn.CrossEntropyLoss, net_params=None, stratify=True,
                 targets=None, initial_weights=None, bag_prior=None):
        self.estimator = estimator
        self.module_params = module_params
        self.device = device
        self.net_class = net_class
        self.criterion = criterion
        self.net_params = net_params
        self.stratify = stratify
        self.targets = targets
        self.initial_weights = initial_weights
        self.bag_prior = bag_prior

    # ----------------------------------------------------------------- steps

    def seed(self):
        """A fresh seed from the estimator's ``random_state``."""
        random_state = check_random_state(self.estimator.random_state)
        return int(random_state.randint(np.iinfo(np.int32).max))

    def epochs(self, n_train):
        """Epochs of a run on ``n_train`` training rows: ``max_epochs``, resolving 'auto'
        (:func:`auto_epochs`)."""
        est = self.estimator
        if est.max_epochs == "auto":
            return auto_epochs(n_train, est.batch_size)
        return est.max_epochs

    def fingerprint(self, X, y, sample_weight=None, net=None, train_only=None):
        """What identifies the run for its checkpoint: parameters, data, device, start.

        ``sample_weight`` and ``train_only`` count when given; a run that
        continues a fitted ``net`` also records its epochs and weights so far.
        """
        params = self.estimator.get_params(deep=False)
        for name in fingerprint_excluded():
            params.pop(name, None)
        if not isinstance(params["random_state"], (Integral, type(None))):
            params["random_state"] = repr(params["random_state"])
        embeddings = self.module_params.get("embeddings")
        if embeddings is not None:
            params["embeddings"] = array_fingerprint(embeddings)
        targets = None if self.targets is None else list(self.targets)
        data = [X.astype(np.int64), y] + [rows for rows in (sample_weight, train_only)
                                          if rows is not None]
        fingerprint = dict(params, device=self.device, classes=targets, X_shape=list(X.shape),
                           data_sha256=array_fingerprint(*data))
        if net is not None:
            state = net.module_.state_dict()
            fingerprint["start"] = [len(net.history), array_fingerprint(
                *(state[k].detach().cpu().numpy() for k in sorted(state)))]
        return fingerprint

    def split(self, X, y, seed, sample_weight=None, *, validate=True, train_only=None):
        """Training part and the length-sorted validation :class:`~skorch.dataset.Dataset`.

        Returns ``(X_train, y_train, valid)``, ``X_train`` being the dict
        ``{"X": ids, "sample_weight": weights}`` the nets read; ``valid`` is
        None without a ``validation_fraction`` (or with ``validate=False``).
        Rows where the mask ``train_only`` is True always train; the
        validation rows are ``validation_fraction`` of the others.
        """
        weights = np.ones(len(y), dtype=np.float32) if sample_weight is None else \
            np.asarray(sample_weight, dtype=np.float32)
        fraction = self.estimator.validation_fraction
        if fraction is None or not validate:
            return {"X": X, "sample_weight": weights}, y, None
        if train_only is None or not train_only.any():
            train, valid = validation_split(y, fraction, seed, stratify=self.stratify)
        else:
            candidates = np.flatnonzero(~train_only)
            if not len(candidates):
                raise ValueError(f"every labelled row is train_only: none is left for the "
                                 f"validation split (validation_fraction={fraction}); leave "
                                 "some rows out of train_only, or pass "
                                 "validation_fraction=None, early_stopping=False")
            _, valid = validation_split(y[candidates], fraction, seed, stratify=self.stratify)
            valid = candidates[valid]
            train = np.setdiff1d(np.arange(len(y)), valid)
        valid = valid[np.argsort(sequence_lengths(X[valid]), kind="stable")]
        return ({"X": X[train], "sample_weight": weights[train]}, y[train],
                Dataset({"X": X[valid], "sample_weight": weights[valid]}, y[valid]))

    def callbacks(self, *, n_train=None, epochs=None, checkpoint=None, validate=True):
        """sklstm's callbacks in their order, then the estimator's ``callbacks``.

        ``n_train`` (training rows) and ``epochs`` (None: :meth:`epochs`) size
        the learning-rate schedule, which is left out without ``n_train``;
        ``checkpoint`` comes after early stopping,
        whose state it saves. ``validate=False`` leaves out early stopping.
        """
        est = self.estimator
        callbacks = [("non_finite_loss", StopOnNonFiniteLoss()),
                     ("progress", TrainingProgress())]
        if n_train is not None:
            epochs = self.epochs(n_train) if epochs is None else epochs
            total = n_batches(n_train, est.batch_size) * epochs
            scheduler = lr_scheduler(est.lr_schedule, lr=est.lr, total_steps=total,
                                     warmup=est.warmup)
            if scheduler is not None:
                callbacks.append(("lr_scheduler", scheduler))
        if est.clip_grad_norm is not None:
            callbacks.append(("clip_grad", GradientNormClipping(est.clip_grad_norm)))
        if est.early_stopping and validate:
            callbacks.append(("early_stopping", EarlyStopping(
                monitor="valid_loss", patience=est.patience, load_best=True)))
        if checkpoint is not None:
            callbacks.append(("checkpoint", checkpoint))
        if est.verbose and interactive():
            # A bar of the batches where a person watches; skorch's epoch table (one line
            # an epoch) is all a log file or a pipe gets. In Jupyter, tqdm's widget bar
            # needs ipywidgets (else it fails); without them the text bar is used.
            callbacks.append(("progress_bar", ProgressBar(
                detect_notebook=importlib.util.find_spec("ipywidgets") is not None)))
        return callbacks + list(est.callbacks or [])

    def build_net(self, *, train_split=None, rng=None, callbacks=None, max_epochs=None):
        """The skorch net, not yet initialized.

        ``max_epochs`` is the net's (None: the estimator's, which must then
        be an int).

        Without ``callbacks`` it gets :meth:`callbacks` without a schedule
        or checkpoint (a fitted model rebuilt by :func:`sklstm.load`).
        """
        est = self.estimator
        module = {f"module__{k}": v for k, v in self.module_params.items()}
        module.update({f"module__{name}": value for name, value in module_params(est).items()})
        return self.net_class(
            LSTMTextModule,
            **module,
            criterion=self.criterion,
            criterion__reduction="none",
            optimizer=OPTIMIZERS[est.optimizer],
            optimizer__weight_decay=est.weight_decay,
            lr=est.lr,
            max_epochs=est.max_epochs if max_epochs is None else max_epochs,
            batch_size=est.batch_size,
            iterator_train=BucketIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=rng,
            iterator_valid=BucketIterator,
            iterator_valid__batch_size=est.batch_size * EVAL_BATCH_FACTOR,
            train_split=train_split,
            callbacks=self.callbacks() if callbacks is None else callbacks,
            module__bag_prior=self.bag_prior is not None,
            device=self.device,
            precision=est.precision,
            verbose=est.verbose,
            **(self.net_params or {}),
        )

    def load_initial_weights(self, module):
        """Copy ``initial_weights`` into ``module`` (its other weights keep their start).

        Raises
        ------
        ValueError
            If a name is not one of the module's, or a shape differs.
        """
        state = {name: torch.as_tensor(np.asarray(value))
                 for name, value in (self.initial_weights or {}).items()}
        try:
            unexpected = module.load_state_dict(state, strict=False).unexpected_keys
        except RuntimeError as exc:
            raise ValueError(f"the initial weights do not fit the network: {exc}") from None
        if unexpected:
            raise ValueError(f"the initial weights name parameters the network does not "
                             f"have: {sorted(unexpected)}")

    def fit_bag_prior(self, module, X_train, y_train):
        """Count the naive-Bayes factors of ``module``'s bag on the training rows.

        ``X_train`` is the dict :meth:`split` gives (ids and row weights);
        ``y_train`` holds class codes, or one 0/1 column per label. Does
        nothing without ``bag_prior``.
        """
        if self.bag_prior is None:
            return
        y = np.asarray(y_train)
        Y = np.eye(self.module_params["num_classes"], dtype=np.float32)[y] if y.ndim == 1 \
            else y.astype(np.float32)
        module.fit_bag_prior(X_train["X"], Y, X_train["sample_weight"])

    def refresh(self, net, *, train_split, callbacks, max_epochs):
        """Give a fitted net the estimator's current settings, to train it further.

        Weights, optimizer state (Adam's moments), history and the batch
        generator carry on; the validation split, the callbacks (a schedule
        over the new run, fresh early stopping, the checkpoint, the user's),
        the learning rate, epochs, batch sizes and verbosity follow the
        estimator's parameters now, as ``MLPClassifier`` does on a warm start.
        """
        est = self.estimator
        net.train_split = train_split
        net.callbacks = callbacks
        net.max_epochs = max_epochs
        net.batch_size = est.batch_size
        net.iterator_valid__batch_size = est.batch_size * EVAL_BATCH_FACTOR
        net.verbose = est.verbose
        net.precision = est.precision
        net.lr = est.lr
        for group in net.optimizer_.param_groups:
            group["lr"] = est.lr
        net.initialize_callbacks()

    # ------------------------------------------------------------- the run

    def fit(self, X, y, *, sample_weight=None, net=None, epochs=None, validate=True,
            train_only=None):
        """Train on ids ``X`` and encoded targets ``y``; resume from a checkpoint if one fits.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_steps)
            Validated token ids.
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Targets as the net reads them (class codes, or floats).
        sample_weight : ndarray of shape (n_samples,) or None
            Each row's weight in the loss (class weights already included).
        net : skorch net or None, default=None
            A fitted net to train further (``warm_start``, ``partial_fit``);
            None builds a new one.
        epochs : int or None, default=None
            Epochs to run; None is ``max_epochs`` (resolved on the training
            rows when 'auto').
        validate : bool, default=True
            Whether to hold out ``validation_fraction`` (and stop early).
        train_only : ndarray of bool of shape (n_samples,) or None, default=None
            Rows never held out for validation.

        Returns
        -------
        result : RunResult
        """
        start = 0 if net is None else len(net.history)
        checkpoint_dir = self.estimator.checkpoint_dir
        checkpoint = saver = None
        seed = None
        if checkpoint_dir is not None:
            fingerprint = self.fingerprint(X, y, sample_weight, net, train_only)
            checkpoint = read_checkpoint(checkpoint_dir, fingerprint)
            if checkpoint is not None:  # the same split, even with random_state=None
                seed = checkpoint["meta"]["seed"]
        # A continued net draws new dropout masks, the same from run to run.
        seed = (self.seed() + start) % np.iinfo(np.int32).max if seed is None else seed
        if checkpoint_dir is not None:
            saver = TrainingCheckpoint(checkpoint_dir, fingerprint=fingerprint, seed=seed)
        X_train, y_train, valid = self.split(X, y, seed, sample_weight, validate=validate,
                                             train_only=train_only)
        train_split = None if valid is None else predefined_split(valid)
        planned = self.epochs(len(y_train))
        epochs = planned if epochs is None else epochs
        callbacks = self.callbacks(n_train=len(y_train) if validate else None, epochs=planned,
                                   checkpoint=saver, validate=validate)
        if net is None:
            # One generator orders the training batches for the whole fit; the
            # checkpoint saves and restores its state.
            net = self.build_net(train_split=train_split, rng=np.random.default_rng(seed),
                                 callbacks=callbacks, max_epochs=planned)
        else:
            self.refresh(net, train_split=train_split, callbacks=callbacks, max_epochs=planned)
        devices = [torch.device(self.device)] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            if not getattr(net, "initialized_", False):
                net.initialize()
                if self.initial_weights:
                    self.load_initial_weights(net.module_)
                if validate:  # partial_fit's first rows are too few to count on
                    self.fit_bag_prior(net.module_, X_train, y_train)
            left = epochs
            if checkpoint is not None:
                left = saver.resume(net, checkpoint, epochs=start + epochs)
            net.partial_fit(X_train, y_train, epochs=left)
        return self.report(net, target_epochs=start + epochs)._replace(valid=valid)

    def report(self, net, target_epochs=None):
        """How training ended; warn when Ctrl-C cut it short.

        An unfinished epoch is dropped from the history. Training was
        interrupted when it ended before ``target_epochs`` (``max_epochs``
        by default) without early stopping ending it. After a Ctrl-C the
        net keeps the best validation weights so far with early stopping,
        else the last ones, and a UserWarning says which.
        """
        target_epochs = net.max_epochs if target_epochs is None else target_epochs
        callbacks = dict(net.callbacks_)
        progress = callbacks["progress"]
        if progress.partial_epoch_:
            del net.history[-1]  # the unfinished epoch
        n_iter = len(net.history)
        interrupted = bool(progress.partial_epoch_ or (
            not early_stopped(net) and n_iter < target_epochs))
        if interrupted:
            stopper = callbacks.get("early_stopping")
            kept = (f"the weights of epoch {stopper.best_epoch_} (best validation loss)"
                    if getattr(stopper, "best_model_weights_", None) is not None
                    else "the weights reached so far")
            warn_caller(f"training was interrupted after {n_iter} complete epoch(s); the "
                        f"model keeps {kept}", UserWarning)
        return RunResult(net=net, history=net.history, n_iter=n_iter, interrupted=interrupted)
