"""The scikit-learn estimator :class:`LSTMClassifier`: one class, or any labels, per text.

:class:`~sklstm.lstm._base.BaseLSTM` brings the parameters and the path from ids to
a fitted net (validate, then a :class:`~sklstm.lstm._training.TrainingRun`); this
module says what classification adds: label checks and encoding, class
weights, the softmax (or, multi-label, sigmoid) outputs and their decision
thresholds.
"""

import warnings
from numbers import Integral

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_is_fitted

from .._utils.optional import import_optional
from .._utils.validation import check_labels, check_partly_labelled, is_marker
from .._utils.warn import warn_caller
from ._base import BaseLSTM
from ._nets import ClassifierNet, MultiLabelNet
from ._params import constraints, docstring, store
from ._pretraining import pretrain

__all__ = ["LSTMClassifier"]


def _is_label_sets(y):
    """Whether ``y`` is a list of label sets (lists, tuples, sets), not an array.

    Rows of one length holding only 0 and 1 are an indicator matrix instead.
    """
    if hasattr(y, "dtype") or not isinstance(y, (list, tuple)) or not len(y) or not all(
            isinstance(row, (list, tuple, set, frozenset)) for row in y):
        return False
    if any(isinstance(row, (set, frozenset)) for row in y):
        return True
    same_length = len({len(row) for row in y}) == 1
    return not (same_length and all(type(v) in (int, np.int64) and v in (0, 1)
                                    for row in y for v in row))


def _best_f1_thresholds(y_true, proba):
    """For each label, the probability threshold with the best F1 on ``(y_true, proba)``."""
    thresholds = np.full(proba.shape[1], 0.5)
    for j in range(proba.shape[1]):
        candidates = np.unique(np.concatenate([proba[:, j], [0.5]]))
        scores = [f1_score(y_true[:, j], proba[:, j] >= t, zero_division=0.0)
                  for t in candidates]
        thresholds[j] = candidates[int(np.argmax(scores))]
    return thresholds


class LSTMClassifier(ClassifierMixin, BaseLSTM):
    """LSTM text classifier over token ids, trained with skorch.

    Takes the padded id matrix of :class:`~sklstm.TextTokenizer` (``0`` is
    padding, ``1`` is unknown) and any hashable labels, or, for multi-label
    tasks (topics, tags), a binary indicator matrix or a list of label sets:
    then each label gets a sigmoid output of its own. Rows are batched by
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
{parameters}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted; with multi-label targets, the
        labels (the columns of an indicator matrix are ``0 .. n_labels - 1``).
    multilabel_ : bool
        Whether ``y`` was multi-label (an indicator matrix or label sets).
    thresholds_ : ndarray of shape (n_labels,)
        Multi-label only: the probability from which :meth:`predict` sets
        each label (``threshold``, or tuned on the validation split).
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
    precision_ : {'float32', 'bfloat16'}
        The precision the last training ran at (``precision`` resolved on
        ``device_``; 'float32' for models saved before sklstm 1.1).
    net_ : skorch.NeuralNet
        The fitted skorch net: a ``NeuralNetClassifier`` (a ``NeuralNet``
        for multi-label targets) whose loss weighs each row.
    module_ : sklstm.lstm.LSTMTextModule
        The fitted PyTorch module (``net_.module_``).
    history_ : skorch.History
        Per-epoch records: ``train_loss`` and, with validation,
        ``valid_loss`` and ``valid_acc``.
    n_iter_ : int
        Number of epochs run (over all ``fit`` calls with ``warm_start``, and
        ``partial_fit`` calls).
    interrupted_ : bool
        Whether training was stopped by Ctrl-C (``KeyboardInterrupt``). The
        model is still usable: it has the best validation weights so far
        with early stopping, else the last ones; an unfinished epoch is not
        in ``history_``.
    pretraining_history_ : list of dict
        What the pretraining of the last new net did: 'lm', one dict per
        epoch with ``epoch``, ``loss`` (the language model's mean negative
        log-likelihood per token), ``perplexity``, ``n_tokens`` and
        ``seconds``; 'word2vec', one dict with ``epochs``, ``n_tokens`` and
        ``seconds``; empty without pretraining.
    n_unlabeled_ : int
        Number of unlabelled rows in the last ``fit`` (or ``partial_fit``).

    Notes
    -----
    A NaN or infinite training loss stops ``fit`` with
    :class:`~sklstm.lstm.callbacks.NonFiniteLossError` (a ``FloatingPointError``)
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

    _params_kind = "classifier"
    _parameter_constraints = constraints("classifier")

    def __init__(self, *, embedding_dim=128, hidden_size=128, num_layers=1,
                 bidirectional=True, pooling="max", dropout=0.3, embedding_dropout=0.0,
                 optimizer="adam", lr=2e-3, weight_decay=0.0, batch_size=64,
                 max_epochs=10, clip_grad_norm=1.0, early_stopping=True, patience=2,
                 validation_fraction=0.1, class_weight=None, random_state=None,
                 device="auto", precision="float32", verbose=0, callbacks=None, embeddings=None,
                 freeze_embeddings=False, lr_schedule=None, warmup=0.1, conv_filters=None,
                 conv_kernel_size=5, checkpoint_dir=None, warm_start=False, vocab_size=None,
                 threshold=0.5, unlabeled_label=None, pretraining="auto", pretraining_epochs=None,
                 memory=None, bag_ngrams=2, bag_prior="naive_bayes"):
        store(self, locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # ------------------------------------------------------------- targets

    def _check_targets(self, y):
        multilabel = _is_label_sets(y) or (hasattr(y, "ndim") and y.ndim == 2 and y.shape[1] > 1
                                           or (not hasattr(y, "dtype") and isinstance(
                                               y, (list, tuple)) and len(y) and isinstance(
                                               y[0], (list, tuple, np.ndarray))))
        if multilabel and self.unlabeled_label is not None:
            raise ValueError("unlabeled_label is for single-label targets: multi-label y with "
                             "unlabelled rows is not supported; pass unlabeled_label=None")
        if _is_label_sets(y):
            return y
        if multilabel:
            y = check_array(y, dtype=None, input_name="y")
            if type_of_target(y) != "multilabel-indicator":
                raise ValueError("a 2-D y must be a binary indicator matrix (0 or 1 in each "
                                 f"cell) for multi-label classification; got {type_of_target(y)}")
            bad = np.argwhere((y != 0) & (y != 1))
            if len(bad):
                row, col = bad[0]
                raise ValueError("a 2-D y must be a binary indicator matrix (0 or 1 in each "
                                 f"cell); y[{row}, {col}] is {y[row, col]!r}")
            return y.astype(np.int64)
        if self.unlabeled_label is not None:
            return check_partly_labelled(y, self.unlabeled_label)
        return check_labels(y)

    def _unlabelled_mask(self, y):
        if self.unlabeled_label is None or getattr(y, "ndim", 1) != 1:
            return np.zeros(len(y), dtype=bool)
        return is_marker(np.asarray(y, dtype=object), self.unlabeled_label)

    def _labelled_mask(self, y, *, partial=False):
        unlabelled = self._unlabelled_mask(y)
        self.n_unlabeled_ = n = int(unlabelled.sum())
        if not n:
            return None
        if partial:
            warn_caller(f"{n} unlabelled rows are ignored: partial_fit never pretrains",
                        UserWarning)
        elif self.pretraining is None:
            warn_caller(f"{n} unlabelled rows are ignored; set pretraining='lm' or "
                        "'word2vec' to learn from them", UserWarning)
        elif self._pretraining_method() is None:  # 'auto' beside given embeddings
            warn_caller(f"{n} unlabelled rows are ignored: pretraining='auto' keeps the given "
                        "embeddings as they are; set pretraining='lm' to train them on as a "
                        "language model on every row", UserWarning)
        return ~unlabelled

    def _pretraining_method(self):
        """What this fit pretrains: ``pretraining``, with 'auto' resolved; or None."""
        if self.pretraining != "auto":
            return self.pretraining
        if not self.n_unlabeled_ or self.embeddings is not None:
            return None
        return "word2vec"

    def _pretrain(self, X, module_params, device, *, partial=False):
        self.pretraining_history_ = []
        method = None if partial else self._pretraining_method()
        if method is None:
            return module_params, None
        if self.pretraining == "auto":
            import_optional("gensim.models", extra="vectors",
                            feature=f"pretraining='auto' (word2vec vectors learnt from the "
                                    f"{self.n_unlabeled_} unlabelled rows)",
                            instead="or pass pretraining='lm' (no extra) or None (leave the "
                                    "unlabelled rows out)")
        if self.pretraining == "word2vec" and self.embeddings is not None:
            raise ValueError("pretraining='word2vec' trains the embedding table itself; pass "
                             "embeddings=None, or pretraining='lm' to train the given "
                             "embeddings on as a language model")
        if self.pretraining == "lm" and self.conv_filters is not None:
            raise ValueError("pretraining='lm' cannot train through the convolutional "
                             "front-end (its window sees the tokens the language model "
                             "predicts); use conv_filters=None or pretraining='word2vec'")
        encoder = {name: value for name, value in module_params.items()
                   if name != "num_classes"}
        encoder.update(hidden_size=self.hidden_size, num_layers=self.num_layers,
                       bidirectional=self.bidirectional)
        random_state = self.random_state
        if not isinstance(random_state, (Integral, type(None))):  # a RandomState: draw a seed
            random_state = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
        result = pretrain(X, method=method, module_params=encoder,
                          epochs=self.pretraining_epochs, random_state=random_state,
                          device=device, precision=self.precision, verbose=self.verbose,
                          memory=self.memory)
        self.pretraining_history_ = list(result.history)
        if result.embeddings is not None:
            module_params = dict(module_params, embeddings=result.embeddings,
                                 freeze_embeddings=self.freeze_embeddings)
        return module_params, result.weights or None

    def _encode_targets(self, y, *, first, classes=None, partial=False):
        multilabel = _is_label_sets(y) or (isinstance(y, np.ndarray) and y.ndim == 2)
        if first:
            self.multilabel_ = multilabel
        elif multilabel != self.multilabel_:
            kind = "multi-label" if self.multilabel_ else "single-label"
            raise ValueError(f"this LSTMClassifier was fitted on {kind} targets; warm_start "
                             "and partial_fit need the same kind")
        if multilabel:
            return self._encode_label_sets(y, first=first, partial=partial)
        return self._encode_labels(y, first=first, classes=classes, partial=partial)

    def _encode_labels(self, y, *, first, classes, partial):
        if first and classes is None and partial:
            raise ValueError("classes must be passed on the first call to partial_fit: "
                             "every label the stream may hold, e.g. classes=np.unique(y)")
        if classes is not None and self.unlabeled_label is not None and is_marker(
                np.asarray(classes, dtype=object).ravel(), self.unlabeled_label).any():
            raise ValueError(f"classes holds unlabeled_label={self.unlabeled_label!r}, which "
                             "marks unlabelled rows and is no class; leave it out of classes")
        if first:
            labels = y if classes is None else np.asarray(classes)
            try:
                self.classes_ = np.unique(labels)
            except TypeError as exc:
                raise ValueError(f"labels of mixed types cannot be ordered: {exc}") from None
            if len(self.classes_) < 2:
                among = "" if self.unlabeled_label is None else " among the labelled rows " \
                    f"(unlabeled_label={self.unlabeled_label!r})"
                raise ValueError(f"LSTMClassifier needs at least 2 classes in y{among}; got "
                                 f"one class: {self.classes_.tolist()!r}")
        try:
            unseen = np.setdiff1d(np.unique(y), self.classes_)
        except TypeError as exc:
            raise ValueError(f"labels of mixed types cannot be ordered: {exc}") from None
        if len(unseen):
            where = "classes" if classes is not None or partial else "the classes of " \
                "the first fit (warm_start keeps them)"
            raise ValueError(f"y holds labels that are not in {where}: "
                             f"{unseen.tolist()!r}; classes are {self.classes_.tolist()!r}")
        return np.searchsorted(self.classes_, y).astype(np.int64)

    def _encode_label_sets(self, y, *, first, partial):
        if self.class_weight is not None:
            raise ValueError("class_weight is for single-label targets; weigh multi-label "
                             "rows with sample_weight")
        if _is_label_sets(y):
            if first:
                try:
                    self.classes_ = MultiLabelBinarizer().fit(y).classes_
                except TypeError as exc:
                    raise ValueError(f"labels of mixed types cannot be ordered: {exc}") from None
            binarizer = MultiLabelBinarizer(classes=self.classes_).fit([])
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)
                try:
                    y = binarizer.transform(y)
                except UserWarning as exc:  # unknown labels
                    raise ValueError(f"y holds labels outside classes_: {exc}") from None
        elif first:
            self.classes_ = np.arange(y.shape[1])
        if y.shape[1] != len(self.classes_):
            raise ValueError(f"y has {y.shape[1]} label columns; this LSTMClassifier was "
                             f"fitted with {len(self.classes_)}")
        if first:
            names = self.classes_.tolist()
            for j in np.flatnonzero((y.min(axis=0) == y.max(axis=0))):
                state = "set" if y[0, j] else "unset"
                warn_caller(f"label {names[j]!r} (column {j}) is {state} in every "
                            "training row; its predictions will be constant", UserWarning)
            if self.threshold == "tuned" and (self.validation_fraction is None or partial):
                raise ValueError("threshold='tuned' needs a validation split: set "
                                 "validation_fraction (and use fit, not partial_fit), or "
                                 "give a threshold such as 0.5")
        return y.astype(np.float32)

    def _row_weights(self, y_net, sample_weight, *, partial=False):
        if sample_weight is not None and not self.multilabel_ and not partial:
            weighted = np.unique(y_net[sample_weight > 0])
            if len(weighted) < 2:
                raise ValueError("sample_weight gives a positive weight to one class only "
                                 f"({self.classes_[weighted].tolist()!r}); LSTMClassifier "
                                 "needs at least 2 classes to learn from")
        if self.class_weight is None or self.multilabel_:
            return sample_weight
        if self.class_weight == "balanced":
            if partial:
                raise ValueError("class_weight='balanced' needs all the data at once; with "
                                 "partial_fit give a dict of class weights")
            weights = compute_class_weight("balanced", classes=np.arange(len(self.classes_)),
                                           y=y_net)
        else:
            weights = compute_class_weight(self.class_weight, classes=self.classes_,
                                           y=self.classes_[y_net])
        row = weights[y_net]
        return row if sample_weight is None else row * sample_weight

    def _run_settings(self):
        common = dict(targets=self.classes_.tolist(), bag_prior=self.bag_prior)
        if self.multilabel_:
            return dict(common, net_class=MultiLabelNet,
                        criterion=torch.nn.BCEWithLogitsLoss, stratify=False)
        return dict(common, net_class=ClassifierNet, criterion=torch.nn.CrossEntropyLoss,
                    net_params={"classes": np.arange(len(self.classes_))})

    def _n_outputs(self):
        return len(self.classes_)

    def _upgrade_state(self, state):
        state = super()._upgrade_state(state)
        if "classes_" in state:  # sklstm 0.1 knew single-label targets only
            state.setdefault("multilabel_", False)
            state.setdefault("pretraining_history_", [])  # and no pretraining
            state.setdefault("n_unlabeled_", 0)
        return state

    def _after_fit(self, valid):
        if not self.multilabel_:
            return
        if self.threshold != "tuned":
            self.thresholds_ = np.full(len(self.classes_), float(self.threshold))
        elif valid is not None:
            proba = self._proba(self._outputs(valid.X["X"]))
            self.thresholds_ = _best_f1_thresholds(np.asarray(valid.y) > 0.5, proba)

    # ------------------------------------------------------------- fitting

    def fit(self, X, y, sample_weight=None, *, train_only=None):
        """Train on an id matrix and its labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids, right-padded with 0, as made by
            :class:`~sklstm.TextTokenizer`.
        y : array-like of shape (n_samples,), indicator matrix of shape \
(n_samples, n_labels), or list of label sets
            Labels: at least two classes, no missing values; or, for
            multi-label tasks, 0/1 per label (or each row's set of labels).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Each row's weight in the training and validation loss (times its
            class weight); zero weights are allowed.
        train_only : array-like of bool of shape (n_samples,) or None, default=None
            Rows that train but are never held out for validation: labels
            that are guesses (pseudo-labels) or augmented copies. The
            validation split is ``validation_fraction`` of the
            other labelled rows, so early stopping watches true labels only.

        Returns
        -------
        self : LSTMClassifier
            The fitted estimator.
        """
        return super().fit(X, y, sample_weight=sample_weight, train_only=train_only)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on a batch of data, continuing the fitted net.

        No validation split and no early stopping; no learning-rate
        schedule. The first call fixes the classes (``classes``), the
        embedding table (``vocab_size``, or the largest id of the first batch
        plus one: larger ids later are read as unknown) and the device; for
        a stream, keep the tokenizer's vocabulary fixed
        (``TextTokenizer(vocabulary=...)``) and pass
        ``vocab_size=tokenizer.vocab_size_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels of this batch.
        classes : array-like of shape (n_classes,) or None, default=None
            Every label the stream may hold; needed on the first call
            (single-label targets), ignored later.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Each row's weight in the loss.

        Returns
        -------
        self : LSTMClassifier
        """
        return self._partial_fit(X, y, sample_weight, classes=classes)

    # ----------------------------------------------------------- prediction

    def _proba(self, outputs):
        outputs = torch.from_numpy(outputs)
        outputs = outputs.double()  # no ties where float32 probabilities would round to 1
        if self.multilabel_:
            return torch.sigmoid(outputs).numpy()
        proba = torch.softmax(outputs, dim=1).numpy()
        return proba / proba.sum(axis=1, keepdims=True)

    def decision_function(self, X):
        """The network's logits: confidence scores before the softmax (or sigmoid).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Binary tasks: one score a row, positive for ``classes_[1]`` (the
            difference of the two logits, the log-odds). Otherwise one
            column per class (or label).
        """
        outputs = self._outputs(X).astype(np.float64)
        if not self.multilabel_ and outputs.shape[1] == 2:
            return outputs[:, 1] - outputs[:, 0]
        return outputs

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps)
            Token ids. Ids outside the fitted vocabulary are read as unknown.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; multi-label: each label's probability.
        """
        return self._proba(self._outputs(X))

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
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels; multi-label: the indicator matrix (``thresholds_``).
        """
        check_is_fitted(self)
        proba = self.predict_proba(X)
        if self.multilabel_:
            return (proba >= self.thresholds_).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]


LSTMClassifier.__doc__ = docstring("classifier", LSTMClassifier.__doc__)
