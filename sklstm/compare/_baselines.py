"""Classic bag-of-n-grams baselines to compare the LSTM against.

Each baseline is a scikit-learn :class:`~sklearn.pipeline.Pipeline` that
takes raw texts, so it drops into :func:`sklstm.compare.compare` (or a
grid search) next to an :class:`~sklstm.LSTMClassifier` pipeline:

* :func:`make_tfidf_logreg`: TF-IDF n-grams and logistic regression;
* :func:`make_tfidf_svm`: TF-IDF n-grams and a linear SVM;
* :func:`make_nbsvm`: binary n-gram counts and :class:`NBSVMClassifier`,
  the NB-SVM of Wang and Manning (2012);
* :func:`make_nblr`: NB-weighted logistic regression on binary word and
  punctuation 1-3-grams, the NBSVM-tri setup of Mesnil et al. (2014) and the
  strongest of the four on IMDB.

All vectorizers read texts through :func:`strip_html`, which turns the HTML
line breaks of review datasets such as IMDB into spaces and lowercases.
"""

import re
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot, softmax
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_non_negative, validate_data

__all__ = [
    "WORD_AND_MARK_TOKENS",
    "WORD_AND_PUNCT_TOKENS",
    "WORD_TOKENS",
    "NBSVMClassifier",
    "make_nblr",
    "make_nbsvm",
    "make_tfidf_logreg",
    "make_tfidf_svm",
    "strip_html",
]

_HTML_TAG = re.compile(r"<[^>]*>")
# scikit-learn's default: words of two or more characters.
WORD_TOKENS = r"(?u)\b\w\w+\b"
# Also one-character words ("i", "a") and "!" / "?": about +0.6 accuracy
# points for NB-SVM on IMDB (90.4% against 89.8%).
WORD_AND_MARK_TOKENS = r"(?u)\b\w+\b|[!?]"
# Words and every punctuation mark as a token of its own, so that n-grams
# such as "10 / 10", "! !" or ", but" become features: NB-LR on IMDB 1-3-grams
# 91.73% against 91.60% with WORD_AND_MARK_TOKENS.
WORD_AND_PUNCT_TOKENS = r"(?u)\w+|[^\w\s]"


def strip_html(text):
    """Replace HTML tags (such as ``<br />``) with spaces and lowercase.

    The preprocessor of every baseline's vectorizer. It is a module-level
    function, so fitted pipelines pickle.

    Parameters
    ----------
    text : str
        A raw text.

    Returns
    -------
    str
        The text, lowercased, with each tag replaced by a space.

    Examples
    --------
    >>> strip_html("Great film.<br /><br />Loved It")
    'great film.  loved it'
    """
    return _HTML_TAG.sub(" ", text).lower()


def _vectorizer(kind, *, ngram_range, min_df, max_features, token_pattern, binary=False):
    """The shared text vectorizer of the baselines: 'tfidf' or 'count'."""
    params = dict(preprocessor=strip_html, ngram_range=ngram_range, min_df=min_df,
                  max_features=max_features, token_pattern=token_pattern, binary=binary,
                  dtype=np.float64)
    if kind == "tfidf":
        return TfidfVectorizer(sublinear_tf=True, **params)
    return CountVectorizer(**params)


def make_tfidf_logreg(*, ngram_range=(1, 2), min_df=2, max_features=None,
                      token_pattern=WORD_TOKENS, C=10.0, max_iter=1000, class_weight=None):
    """TF-IDF n-grams followed by logistic regression.

    Parameters
    ----------
    ngram_range : tuple of (int, int), default=(1, 2)
        Smallest and largest word n-gram length.
    min_df : int or float, default=2
        Drop n-grams found in fewer documents (a float is a share).
    max_features : int or None, default=None
        Keep only this many most frequent n-grams; None keeps all.
    token_pattern : str, default=WORD_TOKENS
        Regular expression of a token; the default is scikit-learn's, words
        of two or more characters.
    C : float, default=10.0
        Inverse regularisation strength of the logistic regression.
    max_iter : int, default=1000
        Most solver iterations.
    class_weight : dict, 'balanced' or None, default=None
        Class weights, as in scikit-learn.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``'tfidf'`` (:class:`~sklearn.feature_extraction.text.TfidfVectorizer`,
        sublinear term frequencies, :func:`strip_html` preprocessing) and
        ``'clf'`` (:class:`~sklearn.linear_model.LogisticRegression`, lbfgs:
        multinomial for more than two classes; sklstm 0.1 used liblinear,
        which scikit-learn >= 1.8 restricts to two classes).

    Examples
    --------
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> model = make_tfidf_logreg().fit(texts, labels)
    >>> model.predict(["great, loved it", "a bore"]).tolist()
    ['pos', 'neg']
    """
    return Pipeline([
        ("tfidf", _vectorizer("tfidf", ngram_range=ngram_range, min_df=min_df,
                              max_features=max_features, token_pattern=token_pattern)),
        ("clf", LogisticRegression(C=C, solver="lbfgs", max_iter=max_iter,
                                   class_weight=class_weight)),
    ])


def make_tfidf_svm(*, ngram_range=(1, 2), min_df=2, max_features=None,
                   token_pattern=WORD_TOKENS, C=0.5, max_iter=1000, class_weight=None,
                   random_state=None):
    """TF-IDF n-grams followed by a linear SVM.

    Parameters
    ----------
    ngram_range : tuple of (int, int), default=(1, 2)
        Smallest and largest word n-gram length.
    min_df : int or float, default=2
        Drop n-grams found in fewer documents (a float is a share).
    max_features : int or None, default=None
        Keep only this many most frequent n-grams; None keeps all.
    token_pattern : str, default=WORD_TOKENS
        Regular expression of a token; the default is scikit-learn's, words
        of two or more characters.
    C : float, default=0.5
        Inverse regularisation strength of the SVM.
    max_iter : int, default=1000
        Most solver iterations.
    class_weight : dict, 'balanced' or None, default=None
        Class weights, as in scikit-learn.
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the dual coordinate descent.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``'tfidf'`` (as in :func:`make_tfidf_logreg`) and ``'clf'``
        (:class:`~sklearn.svm.LinearSVC`, squared hinge loss). It has
        ``decision_function`` but no ``predict_proba``.

    Examples
    --------
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> model = make_tfidf_svm(random_state=0).fit(texts, labels)
    >>> model.predict(["great, loved it", "a bore"]).tolist()
    ['pos', 'neg']
    """
    return Pipeline([
        ("tfidf", _vectorizer("tfidf", ngram_range=ngram_range, min_df=min_df,
                              max_features=max_features, token_pattern=token_pattern)),
        ("clf", LinearSVC(C=C, max_iter=max_iter, class_weight=class_weight,
                          random_state=random_state)),
    ])


def make_nbsvm(*, ngram_range=(1, 2), min_df=1, max_features=None,
               token_pattern=WORD_AND_MARK_TOKENS, alpha=1.0, C=1.0, beta=0.25,
               loss="squared_hinge", max_iter=1000, random_state=None):
    """Binary n-gram counts followed by :class:`NBSVMClassifier`.

    With the defaults this is NBSVM-bi of Wang and Manning (2012): binarized
    uni- and bigram features, ``alpha=1``, ``C=1``, ``beta=0.25``.

    Parameters
    ----------
    ngram_range : tuple of (int, int), default=(1, 2)
        Smallest and largest word n-gram length.
    min_df : int or float, default=1
        Drop n-grams found in fewer documents (a float is a share).
    max_features : int or None, default=None
        Keep only this many most frequent n-grams; None keeps all.
    token_pattern : str, default=WORD_AND_MARK_TOKENS
        Regular expression of a token; the default also keeps one-character
        words and the marks "!" and "?".
    alpha, C, beta, loss, max_iter, random_state
        Passed to :class:`NBSVMClassifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``'counts'`` (:class:`~sklearn.feature_extraction.text.CountVectorizer`
        with ``binary=True`` and :func:`strip_html` preprocessing) and
        ``'clf'`` (:class:`NBSVMClassifier`).

    Examples
    --------
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> model = make_nbsvm(random_state=0).fit(texts, labels)
    >>> model.predict(["great, loved it", "a bore"]).tolist()
    ['pos', 'neg']
    """
    return Pipeline([
        ("counts", _vectorizer("count", ngram_range=ngram_range, min_df=min_df,
                               max_features=max_features, token_pattern=token_pattern,
                               binary=True)),
        ("clf", NBSVMClassifier(alpha=alpha, C=C, beta=beta, loss=loss, max_iter=max_iter,
                                random_state=random_state)),
    ])


def make_nblr(*, ngram_range=(1, 3), min_df=1, max_features=None,
              token_pattern=WORD_AND_PUNCT_TOKENS, alpha=1.0, C=1.0, max_iter=1000,
              random_state=None):
    """Binary n-gram counts followed by NB-weighted logistic regression (NB-LR).

    The NBSVM-tri of Mesnil et al. (2014): binarized word and punctuation
    1-3-grams, scaled by their naive Bayes log-count ratios, then an
    L2-regularised logistic regression (``C=1``) without interpolation. It
    is :func:`make_nbsvm` with ``loss='log_loss'``, ``beta=1``, trigrams and
    :data:`WORD_AND_PUNCT_TOKENS`, so it has :meth:`predict_proba` and makes
    a natural member of a stacked ensemble.

    Parameters
    ----------
    ngram_range : tuple of (int, int), default=(1, 3)
        Smallest and largest word n-gram length.
    min_df : int or float, default=1
        Drop n-grams found in fewer documents (a float is a share).
    max_features : int or None, default=None
        Keep only this many most frequent n-grams; None keeps all (about
        5 million on IMDB's 25,000 training reviews).
    token_pattern : str, default=WORD_AND_PUNCT_TOKENS
        Regular expression of a token; the default takes words and every
        punctuation mark as a token of its own.
    alpha, C, max_iter, random_state
        Passed to :class:`NBSVMClassifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``'counts'`` and ``'clf'``, as in :func:`make_nbsvm`.

    References
    ----------
    Gregoire Mesnil, Tomas Mikolov, Marc'Aurelio Ranzato and Yoshua Bengio.
    2014. "Ensemble of Generative and Discriminative Techniques for
    Sentiment Analysis of Movie Reviews." arXiv:1412.5335.

    Examples
    --------
    >>> texts = ["a great film!", "loved it", "what a bore...", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> model = make_nblr(random_state=0).fit(texts, labels)
    >>> model.predict(["great, loved it", "a bore"]).tolist()
    ['pos', 'neg']
    >>> "film !" in model["counts"].vocabulary_
    True
    """
    return make_nbsvm(ngram_range=ngram_range, min_df=min_df, max_features=max_features,
                      token_pattern=token_pattern, alpha=alpha, C=C, beta=1.0,
                      loss="log_loss", max_iter=max_iter, random_state=random_state)


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
