"""Training word vectors: :class:`Word2VecVectors` and the words it trains on.

- :class:`Word2VecVectors` trains word2vec vectors (with gensim, the optional
  extra ``sklstm[vectors]``) on unlabelled texts, such as IMDB's 50,000
  ``unsup`` reviews, into a :class:`~sklstm.vectors.WordVectors`.
- :func:`word_tokens` splits texts into words exactly as a word-level
  :class:`~sklstm.TextTokenizer` does, so that the trained words match its
  vocabulary.

gensim is imported only when :meth:`Word2VecVectors.fit` runs.
"""

import os
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions

from .._utils.optional import import_optional
from ..tokenization import TextTokenizer, check_texts
from ._word_vectors import WordVectors

__all__ = ["Word2VecVectors", "word_tokens"]


def word_tokens(texts, *, lowercase=True, normalization="NFKC", strip_html=True):
    """Split texts into the words :class:`~sklstm.TextTokenizer` would see.

    Calls :meth:`~sklstm.TextTokenizer.tokenize` of a word-level
    ``TextTokenizer`` with these options (which needs no fit) and no
    ``max_length``, so the words match such a tokenizer's vocabulary
    exactly.

    Parameters
    ----------
    texts : iterable of str
        The texts.
    lowercase, normalization, strip_html
        As for :class:`~sklstm.TextTokenizer`.

    Returns
    -------
    tokens : list of list of str
        The words of each text.

    Examples
    --------
    >>> from sklstm.vectors import word_tokens
    >>> word_tokens(["Don't<br />stop!", ""])
    [['don', "'", 't', 'stop', '!'], []]
    """
    texts = check_texts(texts, name="word_tokens")
    return TextTokenizer(level="word", max_length=None, lowercase=lowercase,
                         normalization=normalization, strip_html=strip_html).tokenize(texts)


class Word2VecVectors(BaseEstimator):
    """Train word2vec vectors on unlabelled texts (gensim, offline).

    The texts are split into words as a word-level
    :class:`~sklstm.TextTokenizer` with the same ``lowercase``,
    ``normalization`` and ``strip_html`` splits them, so the words match its
    vocabulary. Needs gensim: ``pip install 'sklstm[vectors]'``.

    Parameters
    ----------
    vector_size : int, default=100
        Width of the vectors.
    window : int, default=5
        Largest distance between a word and its context words.
    min_count : int, default=2
        Words seen fewer times are left out.
    sg : {0, 1}, default=0
        0: CBOW; 1: skip-gram.
    epochs : int, default=5
        Passes over the texts.
    workers : int or None, default=None
        Training threads. None: one when ``random_state`` is set (gensim is
        reproducible only with one thread), else up to 4.
    random_state : int, RandomState instance or None, default=None
        Seeds gensim.
    lowercase : bool, default=True
        As for :class:`~sklstm.TextTokenizer`.
    normalization : {"NFKC", "NFC", "NFKD", "NFD"} or None, default="NFKC"
        As for :class:`~sklstm.TextTokenizer`.
    strip_html : bool, default=True
        As for :class:`~sklstm.TextTokenizer`.

    Attributes
    ----------
    vectors_ : WordVectors
        The trained vectors, the most frequent words first.
    n_words_seen_ : int
        Number of words (tokens) in the training texts.

    Examples
    --------
    >>> from sklstm import Word2VecVectors
    >>> texts = ["a good film", "a bad film", "good acting"] * 10
    >>> w2v = Word2VecVectors(vector_size=8, min_count=5, random_state=0).fit(texts)
    >>> w2v.vectors_
    WordVectors(n_words=5, dim=8)
    >>> sorted(w2v.vectors_.words)
    ['a', 'acting', 'bad', 'film', 'good']
    """

    _parameter_constraints = {
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "sg": [Options(Integral, {0, 1})],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "workers": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "lowercase": ["boolean"],
        "normalization": [StrOptions({"NFKC", "NFC", "NFKD", "NFD"}), None],
        "strip_html": ["boolean"],
    }

    def __init__(self, *, vector_size=100, window=5, min_count=2, sg=0, epochs=5,
                 workers=None, random_state=None, lowercase=True, normalization="NFKC",
                 strip_html=True):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.sg = sg
        self.epochs = epochs
        self.workers = workers
        self.random_state = random_state
        self.lowercase = lowercase
        self.normalization = normalization
        self.strip_html = strip_html

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the vectors.

        Parameters
        ----------
        X : iterable of str
            Unlabelled texts.
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecVectors
        """
        Word2Vec = import_optional("gensim.models", extra="vectors",
                                   feature=type(self).__name__).Word2Vec
        sentences = word_tokens(check_texts(X, name=type(self).__name__),
                                lowercase=self.lowercase, normalization=self.normalization,
                                strip_html=self.strip_html)
        if self.workers is not None:
            workers = self.workers
        elif self.random_state is not None:
            workers = 1
        else:
            workers = min(4, os.cpu_count() or 1)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        model = Word2Vec(vector_size=self.vector_size, window=self.window,
                         min_count=self.min_count, sg=self.sg, epochs=self.epochs,
                         workers=workers, seed=seed)
        model.build_vocab(sentences)
        if not len(model.wv):
            raise ValueError(f"no word occurs min_count={self.min_count} times in the texts")
        model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
        self.vectors_ = WordVectors.from_keyed_vectors(model.wv)
        self.n_words_seen_ = int(sum(map(len, sentences)))
        return self
