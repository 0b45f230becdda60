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

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from ._nbsvm import NBSVMClassifier

__all__ = [
    "WORD_AND_MARK_TOKENS",
    "WORD_AND_PUNCT_TOKENS",
    "WORD_TOKENS",
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
