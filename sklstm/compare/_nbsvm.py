"""The estimator :class:`NBSVMClassifier`: a linear model of naive-Bayes-scaled n-gram counts.

The classifier of :func:`~sklstm.compare.make_nbsvm` and
:func:`~sklstm.compare.make_nblr` (Wang and Manning, 2012): each feature is
scaled by its naive-Bayes log-count ratio before a linear SVM or a logistic
regression learns from it, one class against the rest.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot, softmax
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_non_negative, validate_data

__all__ = ["NBSVMClassifier"]


class NBSVMClassifier(ClassifierMixin, BaseEstimator):
    """Naive Bayes features with a linear SVM or logistic regression (NB-SVM).

    The NB-SVM of Wang and Manning (2012), "Baselines and Bigrams: Simple,
    Good Sentiment and Topic Classification". For each class, it computes
    the smoothed log-count ratio of every feature,

    ``r = log((p / ||p||_1) / (q / ||q||_1))``, with
    ``p = alpha + sum of the rows in the class`` and
    ``q = alpha + sum of the other rows``,

    fits a linear model ``w, b`` on the scaled features ``x * r`` and then
    interpolates between that model and multinomial naive Bayes as in the
    paper's NBSVM: ``w' = (1 - beta) * mean(|w|) + beta * w``. The decision
    function is ``(x * r) . w' + b``.

    ``loss='squared_hinge'`` (default) is the paper's L2-regularised
    squared-hinge SVM (:class:`~sklearn.svm.LinearSVC`).
    ``loss='log_loss'`` is the common NB-LR variant: logistic regression on
    ``x * r``; with ``beta=1`` (no interpolation) it is plain NB-LR and
    :meth:`predict_proba` gives that model's probabilities.

    Multiclass problems are one-vs-rest: one ``r`` and one model per class.
    Features must be non-negative (counts, binary indicators or TF-IDF);
    sparse CSR input is used as is.

    Parameters
    ----------
    alpha : float, default=1.0
        Additive (Laplace) smoothing of the feature counts; must be > 0.
    C : float, default=1.0
        Inverse regularisation strength of the linear model.
    beta : float, default=0.25
        Interpolation weight of the discriminative weights: 1 keeps them as
        fitted, 0 keeps only their mean magnitude (naive Bayes-like).
    loss : {'squared_hinge', 'log_loss'}, default='squared_hinge'
        'squared_hinge' for NB-SVM, 'log_loss' for NB-LR.
    max_iter : int, default=1000
        Most iterations of the liblinear solver.
    tol : float, default=1e-4
        Tolerance of the solver's stopping criterion.
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the solver's coordinate descent.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted.
    r_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Log-count ratios: one row (for ``classes_[1]``) in the binary case,
        one row per class otherwise.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights on the original features, ``w' * r``, so that the decision
        function is ``X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.
    n_iter_ : int
        Most solver iterations run by any of the linear models.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    make_nbsvm : The full text pipeline with binarized n-gram counts.

    References
    ----------
    Sida Wang and Christopher D. Manning. 2012. "Baselines and Bigrams:
    Simple, Good Sentiment and Topic Classification." ACL 2012, 90-94.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[2, 0, 1], [3, 0, 0], [0, 2, 1], [0, 3, 0]])
    >>> y = np.array(["pos", "pos", "neg", "neg"])
    >>> clf = NBSVMClassifier(random_state=0).fit(X, y)
    >>> clf.predict([[1, 0, 0], [0, 1, 0]]).tolist()
    ['pos', 'neg']
    >>> clf.r_.shape, clf.coef_.shape
    ((1, 3), (1, 3))
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "C": [Interval(Real, 0, None, closed="neither")],
        "beta": [Interval(Real, 0, 1, closed="both")],
        "loss": [StrOptions({"squared_hinge", "log_loss"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, alpha=1.0, C=1.0, beta=0.25, loss="squared_hinge",
                 max_iter=1000, tol=1e-4, random_state=None):
        self.alpha = alpha
        self.C = C
        self.beta = beta
        self.loss = loss
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # Log-count ratios are only defined for non-negative feature values.
        tags.input_tags.positive_only = True
        return tags

    def _validate_X(self, X, y=None, *, reset):
        """Validate features (and labels in fit) as float64, CSR or dense."""
        if y is None:
            X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=reset)
        else:
            X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64,
                                 reset=reset)
        check_non_negative(X, f"{type(self).__name__} (input X)")
        return X, y

    def _linear_model(self):
        if self.loss == "log_loss":
            return LogisticRegression(C=self.C, solver="liblinear", max_iter=self.max_iter,
                                      tol=self.tol, random_state=self.random_state)
        return LinearSVC(C=self.C, max_iter=self.max_iter, tol=self.tol,
                         random_state=self.random_state)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the log-count ratios and one linear model per class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative features, e.g. binary n-gram counts.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : NBSVMClassifier
            The fitted classifier.
        """
        X, y = self._validate_X(X, y, reset=True)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {self.classes_[0].item()!r}")
        # One binary problem in the binary case (for classes_[1]), else one per class.
        targets = [1] if len(self.classes_) == 2 else range(len(self.classes_))
        totals = np.asarray(X.sum(axis=0)).ravel()
        r_rows, coef_rows, intercepts, n_iter = [], [], [], []
        for k in targets:
            is_k = y_index == k
            p = self.alpha + np.asarray(X[is_k].sum(axis=0)).ravel()
            q = self.alpha + totals - (p - self.alpha)
            r = np.log(p / p.sum()) - np.log(q / q.sum())
            model = self._linear_model().fit(_scale_columns(X, r), is_k.astype(int))
            w = model.coef_.ravel()
            w = (1.0 - self.beta) * np.abs(w).mean() + self.beta * w
            r_rows.append(r)
            coef_rows.append(w * r)
            intercepts.append(model.intercept_[0])
            n_iter.append(np.max(model.n_iter_))
        self.r_ = np.vstack(r_rows)
        self.coef_ = np.vstack(coef_rows)
        self.intercept_ = np.asarray(intercepts)
        self.n_iter_ = int(max(n_iter))
        return self

    def decision_function(self, X):
        """Signed scores of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative features.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            In the binary case, positive scores favour ``classes_[1]``;
            otherwise one one-vs-rest score per class.
        """
        check_is_fitted(self)
        X, _ = self._validate_X(X, reset=False)
        scores = safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative features.

        Returns
        -------
        ndarray of shape (n_samples,)
            Predicted labels, taken from ``classes_``.
        """
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def _has_log_loss(self):
        return self.loss == "log_loss"

    @available_if(_has_log_loss)
    def predict_proba(self, X):
        """Class probabilities; only with ``loss='log_loss'`` (NB-LR).

        The logistic function of the decision function (binary) or its
        normalised one-vs-rest logistic values (multiclass), as in
        :class:`~sklearn.linear_model.LogisticRegression`. They are that
        model's probabilities when ``beta=1``; with interpolation they are
        scores in [0, 1] and may be poorly calibrated.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative features.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return softmax(np.column_stack([np.zeros_like(scores), scores]))
        proba = 1.0 / (1.0 + np.exp(-scores))
        return proba / proba.sum(axis=1, keepdims=True)

    @available_if(_has_log_loss)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`; only with ``loss='log_loss'``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative features.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        return np.log(self.predict_proba(X))


def _scale_columns(X, r):
    """``X * r`` column-wise, keeping a CSR matrix sparse."""
    if sp.issparse(X):
        return (X @ sp.diags(r)).tocsr()
    return X * r
