"""Turning raw texts into padded matrices of integer token ids.

This module holds :class:`TextTokenizer`, a scikit-learn transformer built on
Hugging Face ``tokenizers`` (Rust) that learns a vocabulary from training
texts and maps texts to a right-padded 2-D array of token ids, and
:func:`check_texts`, the input validation for "a list of texts" that the rest
of the package reuses.

Two ids are reserved in every vocabulary: ``0`` (:data:`PAD_ID`, token
``"<pad>"``) pads rows on the right, and ``1`` (:data:`UNK_ID`, token
``"<unk>"``) stands for every token not in the vocabulary.
"""

from collections.abc import Mapping
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from tokenizers import Tokenizer, models

from .._utils.state import fitted_attributes
from .._utils.validation import check_iterable, is_missing, short_repr
from .._utils.vocabulary import (
    PAD_ID,
    PAD_TOKEN,
    RESERVED_TOKENS,
    UNK_ID,
    UNK_TOKEN,
    check_vocabulary,
)
from ._encoding import (
    LEVELS,
    ChunkEncoder,
    build_model_and_trainer,
    build_normalizer,
    build_pre_tokenizer,
    clip_long_texts,
    make_encodable,
    new_tokenizer,
    ragged_to_lists,
    ragged_to_matrix,
    ragged_words,
    without_added_tokens,
)

__all__ = ["PAD_ID", "PAD_TOKEN", "UNK_ID", "UNK_TOKEN", "TextTokenizer", "check_texts"]

# The file holding the Hugging Face tokenizer in a safe model file.
_TOKENIZER_FILE = "tokenizer.json"

# ----------------------------------------------------------------- validation


def check_texts(X, *, name="TextTokenizer"):
    """Validate an iterable of texts and return it as a new list of str.

    Accepts a list, tuple, 1-D numpy array, pandas Series or any other
    iterable whose elements are all ``str`` (subclasses such as ``numpy.str_``
    are converted to plain ``str``). The input is never modified.

    Parameters
    ----------
    X : iterable of str
        The texts.
    name : str, default="TextTokenizer"
        Name used in error messages.

    Returns
    -------
    texts : list of str
        A new list holding the texts.

    Raises
    ------
    ValueError
        If ``X`` is a single string or bytes object, is empty, is not a
        one-dimensional iterable, or holds anything other than ``str``
        (``None``, ``NaN``, bytes, numbers, lists, ...); the message names
        the first bad element's index and type.

    Examples
    --------
    >>> from sklstm.tokenization import check_texts
    >>> check_texts(("a text", "another"))
    ['a text', 'another']
    >>> check_texts(["ok", None])
    Traceback (most recent call last):
    ...
    ValueError: TextTokenizer expects an iterable of str; element at index 1 is NoneType (None). ...
    """
    check_iterable(X, name=name)
    ndim = getattr(X, "ndim", None)
    if ndim is not None and ndim != 1:
        shape = getattr(X, "shape", None)
        raise ValueError(
            f"{name} expects a 1-D sequence of texts, got a {ndim}-D input with shape "
            f"{shape}; pass a single column, e.g. df['text'] or X[:, 0]"
        )
    texts = X.tolist() if ndim == 1 and hasattr(X, "tolist") else list(X)
    if not texts:
        raise ValueError(f"{name} expects at least one text, got an empty {type(X).__name__}")
    for i, text in enumerate(texts):
        if type(text) is str:
            continue
        if isinstance(text, str):
            texts[i] = str(text)
            continue
        if is_missing(text):
            hint = " Missing values are not allowed: drop them or replace them with ''."
        elif isinstance(text, (bytes, bytearray)):
            hint = " Decode bytes first, e.g. text.decode('utf-8')."
        else:
            hint = ""
        raise ValueError(
            f"{name} expects an iterable of str; element at index {i} is "
            f"{type(text).__name__} ({short_repr(text)}).{hint}"
        )
    return texts


# -------------------------------------------------------------- the estimator


class TextTokenizer(TransformerMixin, BaseEstimator):
    """Turn raw texts into a right-padded matrix of integer token ids.

    A thin scikit-learn wrapper around a Hugging Face ``tokenizers``
    tokenizer: :meth:`fit` learns the vocabulary from the training texts,
    :meth:`transform` maps texts to ids, unknown tokens to ``1`` and pads each
    row on the right with ``0``. Put it before
    :class:`~sklstm.LSTMClassifier` in a pipeline.

    Texts are first normalized (HTML tags removed, Unicode normalization,
    control characters turned into spaces, invisible format characters such as
    zero-width spaces and soft hyphens removed, lowercasing), then split into
    words and single punctuation or symbol characters (so ``"don't!"`` gives
    ``don ' t !``). Each Chinese, Japanese (kana) or Korean (Hangul)
    character is a word of its own, since these scripts do not mark word
    boundaries reliably with spaces. Subword levels then split the words
    further.

    Read more in the package README.

    Parameters
    ----------
    level : {"word", "bpe", "wordpiece", "unigram", "char"}, default="word"
        Unit of the tokens.

        - "word": whole words (WordLevel model); the vocabulary is the
          ``max_features - 2`` most frequent words seen at least
          ``min_frequency`` times (ties broken by the token's alphabetical
          order).
        - "bpe": byte-pair-encoding subwords (BPE model and trainer);
          word-internal pieces start with ``"##"``.
        - "wordpiece": WordPiece subwords as in BERT (``"##"`` prefix).
        - "unigram": SentencePiece-style unigram subwords. Its trainer has
          no frequency threshold, so ``min_frequency`` is ignored.
        - "char": one token per character (a Unicode extended grapheme
          cluster, so an accented letter or an emoji sequence is one token).
          Every run of whitespace is one ``" "`` token; whitespace at the
          start and end of a text is dropped.

    max_features : int or None, default=20000
        Largest vocabulary size, the two reserved ids included, so ids are
        always below ``max_features``. None: no cap. Subword levels reserve
        up to half of it for single characters.
    min_frequency : int, default=3
        Tokens (for subword levels: merges) seen fewer times than this in the
        training texts are left out of the vocabulary. Ignored for
        ``level="unigram"``. The default keeps rare words out of small data
        sets' vocabularies, where the LSTM would overfit their vectors; on
        larger sets the ``max_features`` cap binds first, so it changes
        nothing there (figures in the user guide's tokenizer page). On a
        few dozen texts use 1.

        .. versionchanged:: 0.2.0
           The default was 2. Fitted tokenizers keep the vocabulary they
           learnt; only new fits see the new default.
    lowercase : bool, default=True
        Lowercase the texts (Unicode-aware).
    normalization : {"NFKC", "NFC", "NFKD", "NFD"} or None, default="NFKC"
        Unicode normalization form applied to the texts. NFKC also maps
        full-width and compatibility characters (``"ｆｉｌｍ"``, ``"ﬁ"``)
        to their plain forms.
    strip_html : bool, default=True
        Replace HTML tags (``<br />``, ``<b>``, ``</i>``, ...) by a space.
        A ``<`` not followed by a letter or ``/`` and a letter is kept.
    max_length : int or None, default=400
        Largest number of ids in a row; longer texts are cut as
        ``truncation`` says. None: no cap.
    truncation : {"head_tail", "head", "tail"}, default="head_tail"
        Which ids of a text longer than ``max_length`` to keep: the first
        ``max_length`` ("head"), the last ``max_length`` ("tail") or the
        first ``max_length // 4`` and the last ``max_length - max_length // 4``
        ("head_tail"). Keeping both ends works best for long reviews, where
        the verdict is often at the end (Sun et al., 2019, "How to Fine-Tune
        BERT for Text Classification?", found head 128 + tail 382 best on
        IMDB).
    dtype : numpy integer dtype, default=np.int32
        Type of the returned ids. It must hold every id below the vocabulary
        size; ``np.int32`` halves the memory of ``np.int64`` and is accepted
        by PyTorch embeddings.
    vocabulary : mapping of str to int, sequence of str or None, default=None
        A fixed word vocabulary (``level="word"`` only), like
        ``CountVectorizer``'s: a mapping of token to id such as another
        tokenizer's ``vocabulary_`` (ids ``0 .. n - 1``, ``"<pad>": 0`` and
        ``"<unk>": 1``), or a sequence of distinct tokens, whose ids are
        their positions. Leave both reserved tokens out to have them added
        in front (the other ids then start at 2). :meth:`fit` keeps it as
        it is (``max_features`` and ``min_frequency`` are not used), so an
        embedding table aligned to it, such as
        :meth:`sklstm.WordVectors.align` makes, stays aligned when a
        pipeline is refitted. Tokens are matched after normalization, so
        with ``lowercase=True`` they should be lowercase.

    Attributes
    ----------
    tokenizer_ : tokenizers.Tokenizer
        The fitted Hugging Face tokenizer (normalizer, pre-tokenizer, model).
        ``tokenizer_.encode(text).ids`` gives a text's ids before truncation.
    vocabulary_ : dict of str to int
        Token to id, the reserved ``"<pad>": 0`` and ``"<unk>": 1``
        included, like ``CountVectorizer.vocabulary_``.
    vocab_size_ : int
        Number of ids, ``len(vocabulary_)``; every id is below it. Use it as
        the size of an embedding table.

    See Also
    --------
    check_texts : The validation of the texts.
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.

    Notes
    -----
    The output columns are positions in a text, not features, so this
    transformer has no ``get_feature_names_out`` and its :meth:`set_output`
    only accepts NumPy output.

    Each row is as wide as the longest text of the call (after the
    ``max_length`` cap), at least 1, so calls on different texts may give
    matrices of different widths; a text without tokens (``""``) is a row of
    padding.

    For speed, the word and subword levels tokenize each distinct
    whitespace-delimited chunk of a call once and reuse its ids for every
    occurrence (word counts for the word level's vocabulary are weighted by
    the chunks' frequencies); this gives the same ids as
    ``tokenizer_.encode``. Lone surrogate code points (``"\\ud800"``) cannot
    be passed to Rust and are replaced by U+FFFD.

    To bound the time spent on pathological input, in texts longer than
    10,000 characters words are cut to 100 characters and, with
    ``max_length`` set, only the first and/or last
    ``max(100 * max_length, 10000)`` characters that ``truncation`` keeps ids
    from are read, so a text of a million characters takes milliseconds.

    Examples
    --------
    >>> from sklstm import TextTokenizer
    >>> texts = ["A good movie.", "A bad movie!", "Good<br />acting"]
    >>> tok = TextTokenizer(min_frequency=1).fit(texts)
    >>> tok.transform(["a GOOD movie!", "awful"])
    array([[2, 3, 4, 5],
           [1, 0, 0, 0]], dtype=int32)
    >>> tok.inverse_transform(_)
    [['a', 'good', 'movie', '!'], ['<unk>']]
    """

    _parameter_constraints = {
        "level": [StrOptions(set(LEVELS))],
        "max_features": [Interval(Integral, 3, None, closed="left"), None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean"],
        "normalization": [StrOptions({"NFKC", "NFC", "NFKD", "NFD"}), None],
        "strip_html": ["boolean"],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "truncation": [StrOptions({"head_tail", "head", "tail"})],
        "dtype": "no_validation",  # checked in fit, once the vocabulary size is known
        "vocabulary": [Mapping, "array-like", None],
    }

    def __init__(self, *, level="word", max_features=20000, min_frequency=3,
                 lowercase=True, normalization="NFKC", strip_html=True,
                 max_length=400, truncation="head_tail", dtype=np.int32, vocabulary=None):
        self.level = level
        self.max_features = max_features
        self.min_frequency = min_frequency
        self.lowercase = lowercase
        self.normalization = normalization
        self.strip_html = strip_html
        self.max_length = max_length
        self.truncation = truncation
        self.dtype = dtype
        self.vocabulary = vocabulary

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    # ------------------------------------------------------------ components

    def _normalizer(self, *, html):
        return build_normalizer(self.level, html=html, strip_html=self.strip_html,
                                normalization=self.normalization, lowercase=self.lowercase)

    def _new_tokenizer(self, model):
        return new_tokenizer(model, normalizer=self._normalizer(html=True),
                             pre_tokenizer=build_pre_tokenizer(self.level))

    def _words(self, texts):
        """(distinct words, flat positions, lengths) of texts, as :func:`ragged_words` gives."""
        return ragged_words(texts, normalizer=self._normalizer(html=False),
                            pre_tokenizer=build_pre_tokenizer(self.level),
                            strip_html=self.strip_html, lowercase=self.lowercase)

    # -------------------------------------------------------------- fitting

    def _fit_word(self, texts):
        """Word vocabulary from exact counts; returns the training texts' ids (flat, lengths)."""
        words, flat, lengths = self._words(texts)
        counts = np.bincount(flat, minlength=len(words))
        candidates = np.flatnonzero(counts >= self.min_frequency).tolist()
        candidates.sort(key=lambda i: (-counts[i], words[i]))
        if self.max_features is not None:
            candidates = candidates[: self.max_features - 2]
        remap = np.full(len(words), UNK_ID, dtype=np.int64)
        remap[candidates] = np.arange(2, len(candidates) + 2)
        vocab = {PAD_TOKEN: PAD_ID, UNK_TOKEN: UNK_ID}
        vocab.update(zip(words[candidates].tolist(), range(2, len(candidates) + 2), strict=True))
        self._set_tokenizer(self._new_tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN)))
        return remap[flat], lengths

    def _fit_trained(self, texts):
        """Train a Hugging Face model and trainer on the whole texts."""
        model, trainer = build_model_and_trainer(self.level, max_features=self.max_features,
                                                 min_frequency=self.min_frequency)
        tokenizer = self._new_tokenizer(model)
        try:
            tokenizer.train_from_iterator(texts, trainer, length=len(texts))
        except Exception as exc:  # the Rust trainers raise plain Exception
            raise ValueError(
                f"training the {self.level!r} tokenizer failed: {exc}; a larger "
                "max_features or more training text may help"
            ) from exc
        self._set_tokenizer(without_added_tokens(tokenizer))

    def _set_tokenizer(self, tokenizer):
        vocab = tokenizer.get_vocab()
        if vocab.get(PAD_TOKEN) != PAD_ID or vocab.get(UNK_TOKEN) != UNK_ID:
            raise RuntimeError("the reserved tokens did not get ids 0 and 1")  # pragma: no cover
        self.tokenizer_ = tokenizer
        self.vocabulary_ = dict(sorted(vocab.items(), key=lambda item: item[1]))
        self.vocab_size_ = len(vocab)
        self._build_derived_state()

    def _build_derived_state(self):
        """Derived, unpickled state: the encoder that maps texts to ids with ``tokenizer_``."""
        self._encoder = ChunkEncoder(
            self.tokenizer_, level=self.level, strip_html=self.strip_html,
            lowercase=self.lowercase,
            chunk_normalizer=None if self.level == "char" else self._normalizer(html=False))

    def _check_dtype(self):
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise ValueError(f"dtype must be a numpy integer dtype, got {self.dtype!r}") from exc
        if dtype.kind not in "iu":
            raise ValueError(f"dtype must be a numpy integer dtype, got {dtype}")
        return dtype

    def _texts(self, X):
        """The texts of ``X``, checked, made encodable and clipped, as a new list."""
        texts = make_encodable(check_texts(X, name=type(self).__name__))
        clip_long_texts(texts, max_length=self.max_length, truncation=self.truncation)
        return texts

    def _fit(self, X):
        """Fit on ``X``; return its texts and, at the word level, their ids."""
        dtype = self._check_dtype()
        texts = self._texts(X)
        if self.vocabulary is not None:  # a fixed vocabulary: nothing to learn
            if self.level != "word":
                raise ValueError(f"vocabulary needs level='word', got level={self.level!r}")
            vocab = check_vocabulary(self.vocabulary, reserved=RESERVED_TOKENS)
            self._set_tokenizer(self._new_tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN)))
            flat = lengths = None
        elif self.level == "word":
            flat, lengths = self._fit_word(texts)
        else:
            self._fit_trained(texts)
            flat = lengths = None
        if self.vocab_size_ - 1 > np.iinfo(dtype).max:
            raise ValueError(f"dtype {dtype} cannot hold ids up to {self.vocab_size_ - 1}; "
                             "use a wider integer dtype or a smaller max_features")
        return texts, flat, lengths, dtype

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary from the training texts.

        Parameters
        ----------
        X : iterable of str
            Training texts: a list, tuple, 1-D array or pandas Series of str.
        y : None
            Ignored; accepted for pipelines.

        Returns
        -------
        self : TextTokenizer
            The fitted tokenizer.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary and return the training texts' id matrix.

        Same result as ``fit(X).transform(X)``; at the word level the
        texts are tokenized only once.

        Parameters
        ----------
        X : iterable of str
            Training texts.
        y : None
            Ignored; accepted for pipelines.

        Returns
        -------
        ids : ndarray of shape (n_texts, width)
            Token ids, right-padded with 0.
        """
        texts, flat, lengths, dtype = self._fit(X)
        if flat is None:
            return self._ids(texts)
        return ragged_to_matrix(flat, lengths, max_length=self.max_length,
                                 truncation=self.truncation, dtype=dtype)

    # ------------------------------------------------------------ transform

    def transform(self, X):
        """Map texts to a right-padded matrix of token ids.

        Parameters
        ----------
        X : iterable of str
            Texts: a list, tuple, 1-D array or pandas Series of str.

        Returns
        -------
        ids : ndarray of shape (n_texts, width)
            Token ids, ``1`` for unknown tokens, right-padded with ``0``.
            ``width`` is the longest row after the ``max_length`` cap, at
            least 1.
        """
        check_is_fitted(self)
        return self._ids(self._texts(X))

    def _ids(self, texts):
        """Id matrix of texts prepared by :meth:`_texts`."""
        flat, lengths = self._encoder.ragged_ids(texts)
        return ragged_to_matrix(flat, lengths, max_length=self.max_length,
                                 truncation=self.truncation, dtype=self._check_dtype())

    def tokenize(self, X):
        """The tokens of each text, in order, as :meth:`transform` sees them.

        Row ``i`` of ``transform(X)`` holds the ids of ``tokenize(X)[i]``
        (padding left out): the same normalization, splitting and
        ``max_length`` truncation. At the word level the words come back as
        they are, also those outside the vocabulary (which ``transform``
        maps to ``<unk>``), and no fit is needed, since splitting into words
        needs no vocabulary. The subword and character levels give the
        fitted vocabulary's pieces (``<unk>`` for unknown characters).

        This is the hook that word2vec training and explanations use to see
        texts exactly as the network does.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        tokens : list of list of str
            One list of tokens per text.

        Examples
        --------
        >>> from sklstm import TextTokenizer
        >>> TextTokenizer().tokenize(["Don't<br />stop!", ""])
        [['don', "'", 't', 'stop', '!'], []]
        >>> TextTokenizer(max_length=4, truncation="head").tokenize(["one two three four five"])
        [['one', 'two', 'three', 'four']]
        """
        texts = self._texts(X)
        if self.level == "word":
            table, flat, lengths = self._words(texts)
        else:
            check_is_fitted(self)
            flat, lengths = self._encoder.ragged_ids(texts)
            table = self._encoder.id_to_token
        return ragged_to_lists(table, flat, lengths, max_length=self.max_length,
                                truncation=self.truncation)

    def build_analyzer(self):
        """A callable that turns one text into its list of tokens.

        Like :meth:`sklearn.feature_extraction.text.CountVectorizer.build_analyzer`:
        ``build_analyzer()(text) == tokenize([text])[0]``.

        Examples
        --------
        >>> from sklstm import TextTokenizer
        >>> TextTokenizer().build_analyzer()("A good movie.")
        ['a', 'good', 'movie', '.']
        """
        return lambda text: self.tokenize([text])[0]

    def inverse_transform(self, X):
        """Tokens of each row of an id matrix, padding (id 0) left out.

        Parameters
        ----------
        X : array-like of shape (n_texts, width)
            Token ids below ``vocab_size_``.

        Returns
        -------
        tokens : list of list of str
            The tokens of each row; unknown tokens are ``"<unk>"``.
        """
        check_is_fitted(self)
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"expected a 2-D matrix of token ids, got shape {X.shape}")
        if X.size and X.dtype.kind not in "iu":
            raise ValueError(f"token ids must be integers, got dtype {X.dtype}")
        if X.size and (X.min() < 0 or X.max() >= self.vocab_size_):
            raise ValueError(f"token ids must be in [0, {self.vocab_size_}), got values "
                             f"in [{X.min()}, {X.max()}]")
        tokens = self._encoder.id_to_token
        return [tokens[row[row != PAD_ID]].tolist() for row in X]

    # ------------------------------------------------------------ safe state

    def get_safe_state(self):
        """The fitted tokenizer as plain data, for :func:`sklstm.save`.

        Returns
        -------
        state : dict
            ``"params"``: the constructor parameters; ``"attributes"``: the
            fitted attributes that are plain values (the rest is derived from
            the Hugging Face tokenizer); ``"files"``: ``{"tokenizer.json":
            bytes}``, that tokenizer's own JSON.

        See Also
        --------
        set_safe_state : The inverse.
        """
        check_is_fitted(self)
        attributes = fitted_attributes(self, exclude={"tokenizer_", "vocabulary_",
                                                      "vocab_size_"})
        return {"params": self.get_params(deep=False), "attributes": attributes,
                "files": {_TOKENIZER_FILE: self.tokenizer_.to_str().encode("utf-8")}}

    def set_safe_state(self, state):
        """Restore the fitted state that :meth:`get_safe_state` gave.

        Parameters
        ----------
        state : dict
            ``"attributes"`` (a dict) and ``"files"`` (a mapping of file name
            to bytes), as :meth:`get_safe_state` returns them.

        Returns
        -------
        self : TextTokenizer

        Raises
        ------
        ValueError
            If the parameters are invalid or the tokenizer JSON cannot be read.
        """
        self._validate_params()
        for name, value in state["attributes"].items():
            setattr(self, name, value)
        try:
            tokenizer = Tokenizer.from_str(state["files"][_TOKENIZER_FILE].decode("utf-8"))
        except Exception as exc:  # the Rust side raises plain Exception
            raise ValueError(f"the tokenizer in {_TOKENIZER_FILE} cannot be read: {exc}") from None
        self._set_tokenizer(tokenizer)
        return self

    # -------------------------------------------------------------- pickling

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: never touch the live __dict__
        if "tokenizer_" in state:
            state["tokenizer_"] = state["tokenizer_"].to_str()
        state.pop("_encoder", None)
        return state

    def __setstate__(self, state):
        tokenizer = state.get("tokenizer_")
        if isinstance(tokenizer, str):
            state["tokenizer_"] = Tokenizer.from_str(tokenizer)
        super().__setstate__(state)
        if "tokenizer_" in state:
            self._build_derived_state()

    # ------------------------------------------------------- output container

    def set_output(self, *, transform=None):
        """Choose the output container: only NumPy arrays are supported.

        The id matrix has no named features -- its columns are token
        positions, and its width follows each call's longest text -- so
        ``TextTokenizer`` has no ``get_feature_names_out`` and makes no
        pandas or polars output. It ignores
        ``sklearn.set_config(transform_output=...)``, and this method
        accepts ``'default'`` so that ``Pipeline.set_output`` works.

        Parameters
        ----------
        transform : {'default'} or None, default=None
            'default' or None keep NumPy output.

        Returns
        -------
        self : TextTokenizer
            The estimator, unchanged.

        Raises
        ------
        ValueError
            For any other value, such as 'pandas' or 'polars'.

        Examples
        --------
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklstm import LSTMClassifier, TextTokenizer
        >>> pipe = make_pipeline(TextTokenizer(), LSTMClassifier())
        >>> pipe.set_output(transform="default") is pipe
        True
        """
        if transform not in (None, "default"):
            raise ValueError(
                f"TextTokenizer cannot make {transform!r} output: its columns are token "
                "positions, not features, and its width varies from call to call; only "
                "set_output(transform='default') is supported (set the output of the other "
                "steps one by one)"
            )
        return self
