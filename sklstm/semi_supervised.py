"""The meta-estimator :class:`SelfTrainingClassifier`: pseudo-labels for unlabelled texts.

A text classifier is fitted, labels the unlabelled rows it is surest of
(its probabilities averaged with those of optional ``teachers``, such as
NB-LR), and is fitted again on the labelled rows and those. Unlike
:class:`sklearn.semi_supervised.SelfTrainingClassifier`, which validates ``X``
as a numeric matrix, it passes ``X`` to its estimators as it is: a list of
texts, a pandas Series, ids from a :class:`~sklstm.TextTokenizer`. Small pure
helpers (:func:`pseudo_label_count`, :func:`most_confident`) sit beside it.
"""

import tempfile
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._utils.pipelines import final_step
from ._utils.validation import check_partly_labelled, is_marker
from ._utils.warn import warn_caller

__all__ = ["SelfTrainingClassifier", "most_confident", "pseudo_label_count"]

#: The share of the unlabelled rows one round labels under ``k_best="auto"``.
AUTO_SHARE = 1 / 3


def pseudo_label_count(k_best, n_unlabelled):
    """How many unlabelled rows one round labels: ``k_best`` resolved, at most ``n_unlabelled``.

    Parameters
    ----------
    k_best : int, float or 'auto'
        An int is a count, a float in (0, 1] a fraction of the unlabelled
        rows, ``'auto'`` the fraction ``AUTO_SHARE`` (a third).
    n_unlabelled : int
        Rows still unlabelled.

    Examples
    --------
    >>> from sklstm.semi_supervised import pseudo_label_count
    >>> pseudo_label_count("auto", 73000), pseudo_label_count(0.5, 300)
    (24333, 150)
    """
    if isinstance(k_best, Integral):
        return min(int(k_best), n_unlabelled)
    share = AUTO_SHARE if k_best == "auto" else k_best
    return int(share * n_unlabelled + 0.5)


def most_confident(proba, k, class_prior):
    """Rows of ``proba`` to pseudo-label, and their class columns: the surest of each class.

    Class ``c`` gets ``k * class_prior[c]`` rows (rounded so that they add
    up to ``k``): the ones predicted ``c`` with the highest probability
    (fewer if fewer are predicted ``c``). The pseudo-labels so keep the
    labelled rows' class balance instead of flooding the easiest class.

    Parameters
    ----------
    proba : ndarray of shape (n_rows, n_classes)
        Class probabilities of the unlabelled rows.
    k : int
        Rows to label in all.
    class_prior : array-like of shape (n_classes,)
        Share of each class among the labelled rows.

    Returns
    -------
    rows : ndarray of int
        Indices into ``proba``, ascending.
    columns : ndarray of int
        The class column given to each row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.semi_supervised import most_confident
    >>> proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.45, 0.55]])
    >>> most_confident(proba, 2, [0.5, 0.5])
    (array([0, 2]), array([0, 1]))
    """
    proba = np.asarray(proba)
    predicted = proba.argmax(axis=1)
    share = k * np.asarray(class_prior, dtype=float) / np.sum(class_prior)
    quota = np.floor(share).astype(int)   # then the rest, largest remainders first: k in all
    quota[np.argsort(quota - share, kind="stable")[:k - quota.sum()]] += 1
    rows = []
    for c, n in enumerate(quota):
        candidates = np.flatnonzero(predicted == c)
        surest = candidates[np.argsort(-proba[candidates, c], kind="stable")[:n]]
        rows.append(surest)
    rows = np.sort(np.concatenate(rows)).astype(np.intp)
    return rows, predicted[rows]


def _indexable(X):
    """``X``, or a form of it whose rows ``_safe_indexing`` can take (CSR, an ndarray)."""
    if sp.issparse(X) and X.format not in ("csr", "csc"):
        return X.tocsr()
    if not sp.issparse(X) and not hasattr(X, "__getitem__") and hasattr(X, "__array__"):
        return np.asarray(X)
    return X


def _labelled_rows(X, y, unlabelled):
    """``X`` and ``y`` without the rows where the mask ``unlabelled`` is True."""
    labelled = np.flatnonzero(~unlabelled)
    return _safe_indexing(X, labelled), y[labelled]


def _estimator_has(attr):
    def check(self):
        return hasattr(self.estimator_ if hasattr(self, "estimator_") else self.estimator, attr)
    return check


class SelfTrainingClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Self-training for text classifiers: fit, pseudo-label the surest unlabelled rows, refit.

    Rows of ``y`` equal to ``unlabeled_label`` are unlabelled. Each round,
    the current model (at first ``estimator`` fitted on the data as given)
    and the ``teachers`` (fitted on the rows labelled so far) predict the
    unlabelled rows; their probabilities are averaged, and the ``k_best``
    rows each is surest of, per class in the labelled rows' proportions, get
    the predicted class as their label. A clone of ``estimator`` is then
    fitted on the rows labelled so far. After ``max_iter`` rounds the last
    fit is the model that predicts.

    ``X`` is passed to the estimators as it is (texts, a pandas Series, a
    matrix of token ids), so a text pipeline can be wrapped, which
    :class:`sklearn.semi_supervised.SelfTrainingClassifier` (numeric ``X``
    only) cannot. If the estimator or a teacher (or a pipeline's last step) is
    an :class:`~sklstm.LSTMClassifier` with the same ``unlabeled_label``, it
    is given the unlabelled rows too, for its ``pretraining``; and if its
    ``memory`` is None, its fits share a temporary cache, so the pretraining
    runs once. Other models see the labelled rows only.
    An LSTM's validation split (and early stopping) draws from the labelled
    and pseudo-labelled rows alike: on held-out IMDB train reviews this
    scored higher than validating on the given labels only (its
    ``fit(..., train_only=mask)``).

    Parameters
    ----------
    estimator : estimator with ``fit`` and ``predict_proba``
        The model: it labels the unlabelled rows and is refitted with them.
    teachers : list of estimators, default=None
        More models whose probabilities are averaged with the estimator's to
        choose the pseudo-labels; fitted on the labelled rows (and, after the
        first round, the pseudo-labelled ones; an LSTM that reads the marker
        also gets the unlabelled rows, as the estimator does). A model of
        another kind, such as :func:`sklstm.compare.make_nblr`, makes other
        mistakes, and the average is surer where it is right.
    unlabeled_label : int, float or str, default=-1
        The label that marks a row as unlabelled (a string for string labels).
    k_best : int, float or 'auto', default='auto'
        Rows pseudo-labelled each round: a count, a fraction of the rows still
        unlabelled, or ``'auto'``: a third of them (on 2,000 IMDB train reviews
        with 73,000 unlabelled, a third scored above a seventh); see
        :func:`pseudo_label_count`.
    max_iter : int, default=1
        Rounds of pseudo-labelling and refitting; each refits the estimator.
    verbose : bool, default=False
        Whether to print each round's pseudo-labels.

    Attributes
    ----------
    estimator_ : estimator
        The estimator fitted in the last round; it predicts.
    teachers_ : list of estimators
        The teachers fitted for the last round.
    classes_ : ndarray of shape (n_classes,)
        The labels of the labelled rows.
    transduction_ : ndarray of shape (n_samples,)
        The labels the last fit was given: ``y`` with the pseudo-labels
        (rows left unlabelled keep ``unlabeled_label``).
    labeled_iter_ : ndarray of shape (n_samples,)
        The round in which each row was labelled: 0 for the labelled rows, -1
        for rows never labelled.
    n_iter_ : int
        Rounds run (fewer than ``max_iter`` once no unlabelled row is left).
    n_features_in_ : int
        The estimator's, where it has one (a text pipeline has none).

    See Also
    --------
    sklstm.LSTMClassifier : ``unlabeled_label`` and ``pretraining`` learn
        from unlabelled rows without pseudo-labels; the two combine.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import SelfTrainingClassifier
    >>> texts = ["good film", "bad film", "a good good story", "a bad plot",
    ...          "good acting", "bad acting"]
    >>> y = ["pos", "neg", "-", "-", "-", "-"]
    >>> model = SelfTrainingClassifier(
    ...     estimator=make_pipeline(TfidfVectorizer(), LogisticRegression()),
    ...     unlabeled_label="-", k_best=4).fit(texts, y)
    >>> model.transduction_.tolist()
    ['pos', 'neg', 'pos', 'neg', 'pos', 'neg']
    >>> model.predict(["a good plot"]).tolist()
    ['pos']
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "teachers": [list, None],
        "unlabeled_label": [Real, str],
        "k_best": [Interval(Integral, 1, None, closed="left"),
                   Interval(Real, 0, 1, closed="right"), StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(self, *, estimator, teachers=None, unlabeled_label=-1, k_best="auto",
                 max_iter=1, verbose=False):
        self.estimator = estimator
        self.teachers = teachers
        self.unlabeled_label = unlabeled_label
        self.k_best = k_best
        self.max_iter = max_iter
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__()
        tags.input_tags = inner.input_tags
        tags.non_deterministic = inner.non_deterministic
        return tags

    # ---------------------------------------------------------------- checks

    def _check_teachers(self):
        teachers = list(self.teachers or [])
        for i, teacher in enumerate(teachers):
            if not (hasattr(teacher, "fit") and hasattr(teacher, "predict_proba")):
                raise TypeError(f"teachers[{i}] must be an estimator with fit and "
                                f"predict_proba; got {type(teacher).__name__}")
        return teachers

    def _reads_unlabelled(self, model, name):
        """Whether ``model`` takes the unlabelled rows itself (an LSTMClassifier's marker)."""
        step, _ = final_step(model)
        marker = getattr(step, "unlabeled_label", None)
        if marker is None:
            return False
        if not (type(marker) is type(self.unlabeled_label) and marker == self.unlabeled_label):
            raise ValueError(f"the {name}'s unlabeled_label={marker!r} is not "
                             f"unlabeled_label={self.unlabeled_label!r}: give both the same "
                             f"marker (or None to the {name}, which then sees the labelled "
                             "rows only)")
        return True

    # ------------------------------------------------------------------- fit

    @staticmethod
    def _fit_clone(plan, X, y):
        """A clone of a model fitted on every row, or on the labelled ones only.

        ``plan`` is ``(model, unlabelled, cache)``: ``unlabelled`` the mask of
        rows still unlabelled, or None where the model reads the marker itself
        and gets every row; ``cache`` ``(parameter, folder)`` for its
        pretraining, or None.
        """
        model, unlabelled, cache = plan
        model = clone(model)
        if cache is not None:
            model.set_params(**{cache[0]: cache[1]})
        return model.fit(X, y) if unlabelled is None else model.fit(
            *_labelled_rows(X, y, unlabelled))

    def _proba(self, models, X_rows):
        """The models' mean probabilities on ``X_rows``, columns in ``classes_`` order."""
        total = np.zeros((_num_samples(X_rows), len(self.classes_)))
        for model in models:
            proba = np.asarray(model.predict_proba(X_rows))
            index = {label: j for j, label in enumerate(model.classes_.tolist())}
            missing = [c for c in self.classes_.tolist() if c not in index]
            if missing:
                raise ValueError(f"{type(model).__name__} learned the classes "
                                 f"{model.classes_.tolist()}, without {missing}")
            total += proba[:, [index[c] for c in self.classes_.tolist()]]
        return total / len(models)

    @staticmethod
    def _shared_cache(model, reads_unlabelled, folder):
        """``(parameter, folder)`` that gives an LSTMClassifier's fits one pretraining cache.

        None where the model reads no unlabelled rows, has a ``memory`` of its own or
        does not pretrain.
        """
        step, prefix = final_step(model)
        if (not reads_unlabelled or folder is None or getattr(step, "memory", "") is not None
                or getattr(step, "pretraining", None) is None):
            return None
        return f"{prefix}memory", folder

    @_fit_context(prefer_skip_nested_validation=False)  # the estimators validate their own
    def fit(self, X, y):
        """Fit the estimator, pseudo-label the surest unlabelled rows and refit, ``max_iter`` times.

        Parameters
        ----------
        X : sequence of texts (or whatever the estimator takes), length n_samples
        y : array-like of shape (n_samples,)
            Labels, ``unlabeled_label`` for the unlabelled rows.

        Returns
        -------
        self : SelfTrainingClassifier
        """
        teachers = self._check_teachers()
        if y is None:
            raise ValueError("SelfTrainingClassifier requires y to be passed, but the target y "
                             "is None")
        X = _indexable(X)
        n = _num_samples(X)
        if _num_samples(y) != n:
            raise ValueError(f"X has {n} rows but y has {_num_samples(y)} labels")
        y = check_partly_labelled(y, self.unlabeled_label, none_allowed=False)  # 1 label a row
        y = np.asarray(y, dtype=object) if y.dtype.kind in "US" else y.copy()  # room for any label
        unlabelled = is_marker(np.asarray(y, dtype=object), self.unlabeled_label)
        self.classes_, counts = np.unique(y[~unlabelled].tolist() if y.dtype == object
                                          else y[~unlabelled], return_counts=True)
        if len(self.classes_) < 2:
            raise ValueError("fit needs at least 2 classes in y among the labelled rows "
                             f"(unlabeled_label={self.unlabeled_label!r}); got one class: "
                             f"{self.classes_.tolist()}")
        if not unlabelled.any():
            warn_caller(f"no row of y is unlabelled (unlabeled_label={self.unlabeled_label!r}"
                        "): the estimator is fitted once, with no pseudo-labels", UserWarning)
        models = [self.estimator, *teachers]
        names = ["estimator", *(f"teachers[{i}]" for i in range(len(teachers)))]
        reads = [self._reads_unlabelled(model, name) and unlabelled.any()
                 for model, name in zip(models, names, strict=True)]
        self.labeled_iter_ = np.where(unlabelled, -1, 0)
        self.teachers_ = []
        with tempfile.TemporaryDirectory(prefix="sklstm-self-training-") as folder:
            # What each model's fit is given: its shared pretraining cache, and the mask of
            # the rows to leave out (None: it reads the marker; the mask changes in place).
            plans = [(model, None if r else unlabelled, self._shared_cache(model, r, folder))
                     for model, r in zip(models, reads, strict=True)]
            self.estimator_ = self._fit_clone(plans[0], X, y)
            self.n_iter_ = 0
            while self.n_iter_ < self.max_iter and unlabelled.any():
                self.teachers_ = [self._fit_clone(plan, X, y) for plan in plans[1:]]
                rows = np.flatnonzero(unlabelled)
                proba = self._proba([self.estimator_, *self.teachers_],
                                    _safe_indexing(X, rows))
                k = pseudo_label_count(self.k_best, len(rows))
                chosen, columns = most_confident(proba, k, counts / counts.sum())
                self.n_iter_ += 1
                y[rows[chosen]] = self.classes_[columns]
                unlabelled[rows[chosen]] = False
                self.labeled_iter_[rows[chosen]] = self.n_iter_
                if self.verbose:
                    print(f"round {self.n_iter_}: {len(chosen):,} pseudo-labels "
                          f"({np.mean(proba[chosen].max(axis=1)):.3f} mean probability), "
                          f"{int(unlabelled.sum()):,} rows left unlabelled", flush=True)
                self.estimator_ = self._fit_clone(plans[0], X, y)
            # The folder goes; the fitted models must not name it.
            fitted_models = [self.estimator_, *self.teachers_]
            for fitted, (_, _, cache) in zip(fitted_models, plans, strict=True):
                if cache is not None:
                    fitted.set_params(**{cache[0]: None})
        self.transduction_ = y
        return self

    # --------------------------------------------------------------- predict

    @property
    def n_features_in_(self):
        """The fitted estimator's ``n_features_in_`` (an AttributeError where it has none)."""
        check_is_fitted(self)
        return self.estimator_.n_features_in_

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predicted labels of the last round's estimator."""
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the last round's estimator, columns in ``classes_`` order."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the last round's estimator."""
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the last round's estimator."""
        check_is_fitted(self)
        return self.estimator_.decision_function(X)
