"""One training run of an sklstm network, from validated ids to a fitted skorch net.

:class:`TrainingRun` is to :class:`~sklstm.LSTMClassifier` what scikit-learn's
``TfidfTransformer`` is to ``TfidfVectorizer``: the estimator validates its
input, then hands the token ids and encoded targets to a run, which owns the
rest of ``fit``, each step a small method:

- :meth:`~TrainingRun.seed`: one seed for weights, dropout, the split and
  the batch order;
- :meth:`~TrainingRun.split`: the (stratified) validation split,
  :func:`validation_split`;
- :meth:`~TrainingRun.criterion_weight`: class weights in the loss;
- :meth:`~TrainingRun.callbacks`: the NaN guard, progress, learning-rate
  schedule, gradient clipping, early stopping, checkpoint and progress bar;
- :meth:`~TrainingRun.build_net`: the skorch net;
- :meth:`~TrainingRun.fingerprint` and :mod:`sklstm.checkpoint`: resuming;
- :meth:`~TrainingRun.report`: what training left, a Ctrl-C included.

The run reads the estimator's parameters (its settings) and writes nothing
on it; the estimator sets its fitted attributes from the :class:`RunResult`.
"""

import importlib.util
import warnings
from numbers import Integral
from typing import NamedTuple

import numpy as np
import torch
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import check_random_state
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping, GradientNormClipping, ProgressBar
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from .batching import BucketIterator, n_batches, sequence_lengths
from .callbacks import StopOnNonFiniteLoss, TrainingProgress
from .checkpoint import TrainingCheckpoint, data_fingerprint, read_checkpoint
from .modules import LSTMTextModule
from .schedules import lr_scheduler

__all__ = ["EVAL_BATCH_FACTOR", "OPTIMIZERS", "RunResult", "TrainingRun", "validation_split"]

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
# Evaluation needs no gradients, so it affords larger batches.
EVAL_BATCH_FACTOR = 4
# The estimator's parameters that shape the LSTMTextModule (module__<name>).
_MODULE_PARAMS = ("conv_filters", "conv_kernel_size", "hidden_size", "num_layers",
                  "bidirectional", "pooling", "dropout", "embedding_dropout")
# Parameters that do not change what a run computes, left out of its fingerprint.
_NOT_IN_FINGERPRINT = ("verbose", "callbacks", "checkpoint_dir", "device")


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
    >>> from sklstm.training import validation_split
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

    net: NeuralNetClassifier
    """The trained skorch net."""
    history: list
    """Its per-epoch records, an unfinished epoch left out."""
    n_iter: int
    """Complete epochs in ``history``."""
    interrupted: bool
    """Whether Ctrl-C (``KeyboardInterrupt``) ended training early."""


class TrainingRun:
    """Train the network of an sklstm estimator on validated ids and encoded targets.

    Parameters
    ----------
    estimator : LSTMClassifier
        The estimator whose parameters the run follows (``lr``,
        ``batch_size``, ``max_epochs``, ``validation_fraction``, ...).
    module_params : dict
        Keyword arguments of :class:`~sklstm.modules.LSTMTextModule` fixed
        by the data: ``num_embeddings``, ``num_classes``, ``embedding_dim``
        and, with pretrained vectors, ``embeddings`` and
        ``freeze_embeddings``. The estimator's own parameters add the rest.
    device : str
        The resolved torch device.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMClassifier
    >>> from sklstm.training import TrainingRun
    >>> clf = LSTMClassifier(hidden_size=4, embedding_dim=4, max_epochs=2,
    ...                      early_stopping=False, validation_fraction=None, random_state=0)
    >>> run = TrainingRun(clf, module_params=dict(num_embeddings=5, num_classes=2,
    ...                                           embedding_dim=4), device="cpu")
    >>> X = np.array([[2, 3, 0], [4, 0, 0]] * 4)
    >>> result = run.fit(X, np.array([0, 1] * 4))
    >>> result.n_iter, result.interrupted
    (2, False)
    """

    net_class = NeuralNetClassifier
    criterion = torch.nn.CrossEntropyLoss

    def __init__(self, estimator, *, module_params, device):
        self.estimator = estimator
        self.module_params = module_params
        self.device = device

    # ----------------------------------------------------------------- steps

    def seed(self):
        """A fresh seed from the estimator's ``random_state``."""
        random_state = check_random_state(self.estimator.random_state)
        return int(random_state.randint(np.iinfo(np.int32).max))

    def fingerprint(self, X, y):
        """What identifies the run for its checkpoint: parameters, data and device."""
        params = self.estimator.get_params(deep=False)
        for name in _NOT_IN_FINGERPRINT:
            params.pop(name, None)
        if not isinstance(params["random_state"], (Integral, type(None))):
            params["random_state"] = repr(params["random_state"])
        embeddings = self.module_params.get("embeddings")
        if embeddings is not None:
            params["embeddings"] = data_fingerprint(embeddings)
        return dict(params, device=self.device, classes=self.estimator.classes_.tolist(),
                    X_shape=list(X.shape), data_sha256=data_fingerprint(X.astype(np.int64), y))

    def split(self, X, y, seed):
        """Training part and the length-sorted validation :class:`~skorch.dataset.Dataset`.

        Returns ``(X_train, y_train, valid)``; ``valid`` is None without a
        ``validation_fraction``.
        """
        fraction = self.estimator.validation_fraction
        if fraction is None:
            return X, y, None
        train, valid = validation_split(y, fraction, seed)
        valid = valid[np.argsort(sequence_lengths(X[valid]), kind="stable")]
        return X[train], y[train], Dataset(X[valid], y[valid])

    def criterion_weight(self, class_weights):
        """The loss's per-class weights as a tensor, or None."""
        if class_weights is None:
            return None
        return torch.as_tensor(np.asarray(class_weights), dtype=torch.float32)

    def callbacks(self, *, n_train=None, checkpoint=None):
        """sklstm's callbacks in their order, then the estimator's ``callbacks``.

        ``n_train`` (training rows) sizes the learning-rate schedule, which
        is left out without it; ``checkpoint`` comes after early stopping,
        whose state it saves.
        """
        est = self.estimator
        callbacks = [("non_finite_loss", StopOnNonFiniteLoss()),
                     ("progress", TrainingProgress())]
        if n_train is not None:
            total = n_batches(n_train, est.batch_size) * est.max_epochs
            scheduler = lr_scheduler(est.lr_schedule, lr=est.lr, total_steps=total,
                                     warmup=est.warmup)
            if scheduler is not None:
                callbacks.append(("lr_scheduler", scheduler))
        if est.clip_grad_norm is not None:
            callbacks.append(("clip_grad", GradientNormClipping(est.clip_grad_norm)))
        if est.early_stopping:
            callbacks.append(("early_stopping", EarlyStopping(
                monitor="valid_loss", patience=est.patience, load_best=True)))
        if checkpoint is not None:
            callbacks.append(("checkpoint", checkpoint))
        if est.verbose:
            # In Jupyter, tqdm's widget bar needs ipywidgets (else it fails); without
            # ipywidgets the text bar is used, which works in notebooks and terminals.
            callbacks.append(("progress_bar", ProgressBar(
                detect_notebook=importlib.util.find_spec("ipywidgets") is not None)))
        return callbacks + list(est.callbacks or [])

    def build_net(self, *, criterion_weight=None, train_split=None, rng=None, callbacks=None):
        """The skorch net, not yet initialized.

        Without ``callbacks`` it gets :meth:`callbacks` without a schedule
        or checkpoint (a fitted model rebuilt by :func:`sklstm.load`).
        """
        est = self.estimator
        module = {f"module__{k}": v for k, v in self.module_params.items()}
        module.update({f"module__{name}": getattr(est, name) for name in _MODULE_PARAMS})
        return self.net_class(
            LSTMTextModule,
            **module,
            criterion=self.criterion,
            criterion__weight=criterion_weight,
            optimizer=OPTIMIZERS[est.optimizer],
            optimizer__weight_decay=est.weight_decay,
            lr=est.lr,
            max_epochs=est.max_epochs,
            batch_size=est.batch_size,
            iterator_train=BucketIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=rng,
            iterator_valid=BucketIterator,
            iterator_valid__batch_size=est.batch_size * EVAL_BATCH_FACTOR,
            train_split=train_split,
            classes=np.arange(self.module_params["num_classes"]),
            callbacks=self.callbacks() if callbacks is None else callbacks,
            device=self.device,
            verbose=est.verbose,
        )

    # ------------------------------------------------------------- the run

    def fit(self, X, y, *, class_weights=None):
        """Train on ids ``X`` and encoded targets ``y``; resume from a checkpoint if one fits.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_steps)
            Validated token ids.
        y : ndarray of shape (n_samples,)
            Targets encoded as ``0 .. n_classes - 1``.
        class_weights : array-like of shape (n_classes,) or None
            Weights of the classes in the loss.

        Returns
        -------
        result : RunResult
        """
        checkpoint_dir = self.estimator.checkpoint_dir
        checkpoint = saver = None
        seed = None
        if checkpoint_dir is not None:
            fingerprint = self.fingerprint(X, y)
            checkpoint = read_checkpoint(checkpoint_dir, fingerprint)
            if checkpoint is not None:  # the same split, even with random_state=None
                seed = checkpoint["meta"]["seed"]
        seed = self.seed() if seed is None else seed
        if checkpoint_dir is not None:
            saver = TrainingCheckpoint(checkpoint_dir, fingerprint=fingerprint, seed=seed)
        X_train, y_train, valid = self.split(X, y, seed)
        # One generator orders the training batches for the whole fit; the
        # checkpoint saves and restores its state.
        net = self.build_net(
            criterion_weight=self.criterion_weight(class_weights),
            train_split=None if valid is None else predefined_split(valid),
            rng=np.random.default_rng(seed),
            callbacks=self.callbacks(n_train=len(y_train), checkpoint=saver))
        devices = [torch.device(self.device)] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            net.initialize()
            epochs = self.estimator.max_epochs
            if checkpoint is not None:
                epochs = saver.resume(net, checkpoint)
            net.partial_fit(X_train, y_train, epochs=epochs)
        return self.report(net)

    def report(self, net):
        """How training ended; warn when Ctrl-C cut it short.

        An unfinished epoch is dropped from the history. After a Ctrl-C the
        net keeps the best validation weights so far with early stopping,
        else the last ones, and a UserWarning says which.
        """
        callbacks = dict(net.callbacks_)
        progress = callbacks["progress"]
        if progress.partial_epoch_:
            del net.history[-1]  # the unfinished epoch
        n_iter = len(net.history)
        interrupted = bool(progress.interrupted_)
        if interrupted:
            stopper = callbacks.get("early_stopping")
            kept = (f"the weights of epoch {stopper.best_epoch_} (best validation loss)"
                    if getattr(stopper, "best_model_weights_", None) is not None
                    else "the weights reached so far")
            warnings.warn(f"training was interrupted after {n_iter} complete epoch(s); the "
                          f"model keeps {kept}", UserWarning, stacklevel=4)
        return RunResult(net=net, history=net.history, n_iter=n_iter, interrupted=interrupted)
