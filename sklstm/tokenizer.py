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

import itertools
import json
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

from ._vocabulary import check_vocabulary, short_repr

__all__ = ["PAD_ID", "PAD_TOKEN", "UNK_ID", "UNK_TOKEN", "TextTokenizer", "check_texts"]

PAD_TOKEN = "<pad>"
UNK_TOKEN = "<unk>"
PAD_ID = 0
UNK_ID = 1
_SPECIAL_TOKENS = [PAD_TOKEN, UNK_TOKEN]

LEVELS = ("word", "bpe", "wordpiece", "unigram", "char")

# HTML tags such as <br />, <b>, </i>, <a href="...">; "<3" or "a < b" are kept.
# ASCII-only, so Python's ``re`` and Oniguruma (Rust) read it the same way.
_HTML_TAG = r"</?[A-Za-z][^<>]*>"
_HTML_TAG_RE = re.compile(_HTML_TAG)

# Scripts written without spaces between words: each character is a token.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
# A CJK character, a run of other word characters (letters, marks, digits,
# "_"), or a single other non-space character (punctuation, symbol, emoji).
_WORD_PATTERN = rf"[{_CJK}]|[\w&&[^{_CJK}]]+|[^\w\s]"

_BIG_VOCAB = 2**31 - 1  # "no cap" for the trainers
# Pathological texts: in a text longer than _LONG_TEXT characters, words are
# cut to _MAX_WORD characters (the subword trainers take quadratic time on
# very long words) and, with max_length set, only the ends that truncation
# keeps are read.
_LONG_TEXT = 10_000
_MAX_WORD = 100
_LONG_WORD_RE = re.compile(rf"(\S{{{_MAX_WORD}}})\S+")
_CHUNK_BATCH = 2048  # distinct chunks per encoded sequence
# Joins chunks for the Rust normalizer and pre-tokenizer: a paragraph separator
# is whitespace (never inside a chunk, dropped by the pre-tokenizer) and no
# normalization step changes it.
_SEPARATOR = "\u2029"


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
    >>> from sklstm.tokenizer import check_texts
    >>> check_texts(("a text", "another"))
    ['a text', 'another']
    >>> check_texts(["ok", None])
    Traceback (most recent call last):
    ...
    ValueError: TextTokenizer expects an iterable of str; element at index 1 is NoneType (None). Missing values are not allowed: drop them or replace them with ''.
    """
    if isinstance(X, (str, bytes, bytearray)):
        raise ValueError(
            f"{name} expects an iterable of str (one element per text), got a single "
            f"{type(X).__name__}; wrap it in a list: [text]"
        )
    if X is None or isinstance(X, (Mapping, Set)) or not isinstance(X, Iterable):
        raise ValueError(
            f"{name} expects an iterable of str (a list, tuple, 1-D array or pandas "
            f"Series of texts), got {type(X).__name__}"
        )
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
        if text is None or (isinstance(text, float) and text != text) or (
            type(text).__name__ in ("NAType", "NaTType")
        ):
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


def _make_encodable(texts):
    """Replace lone surrogates (which Rust strings cannot hold) in place.

    A valid surrogate pair written as two code points is joined into the one
    character it stands for; a lone surrogate becomes U+FFFD.
    """
    for i, text in enumerate(texts):
        if text.isascii():
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            texts[i] = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return texts


def _clip_long_texts(texts, *, max_length, truncation):
    """Bound the work spent on texts longer than ``_LONG_TEXT`` characters (in place).

    Their words are cut to ``_MAX_WORD`` characters and, with ``max_length``
    set, only the first and/or last ``max(100 * max_length, _LONG_TEXT)``
    characters that ``truncation`` keeps ids from are read.
    """
    for i, text in enumerate(texts):
        if len(text) <= _LONG_TEXT:
            continue
        if max_length is not None:
            window = max(100 * max_length, _LONG_TEXT)
            if len(text) > 2 * window:
                head = text[:window] if truncation != "tail" else ""
                tail = text[-window:] if truncation != "head" else ""
                text = f"{head} {tail}"
        texts[i] = _LONG_WORD_RE.sub(r"\1", text)
    return texts


# ------------------------------------------------------------ ragged id lists


def _ragged_to_matrix(flat, lengths, *, max_length, truncation, dtype):
    """Right-padded matrix from ids concatenated row after row.

    ``flat`` holds every row's ids one row after the other and ``lengths``
    each row's number of ids. Rows longer than ``max_length`` are cut as
    ``truncation`` says. The width is the longest row after the cut, at least 1.
    """
    n_rows = len(lengths)
    keep = lengths if max_length is None else np.minimum(lengths, max_length)
    width = max(int(keep.max(initial=0)), 1)
    out = np.zeros((n_rows, width), dtype=dtype)
    total = int(keep.sum())
    if total == 0:
        return out
    starts = np.cumsum(lengths) - lengths
    row = np.repeat(np.arange(n_rows), keep)
    col = np.arange(total) - np.repeat(np.cumsum(keep) - keep, keep)
    src = starts[row] + col
    if max_length is not None:
        n_head = {"head": max_length, "tail": 0, "head_tail": max_length // 4}[truncation]
        skip = lengths - keep  # ids dropped from the middle (or the start) of each row
        src += np.where(col >= n_head, skip[row], 0)
    out[row, col] = flat[src]
    return out


def _encode_direct(tokenizer, texts):
    """Ids of every text encoded whole by ``tokenizer``: (flat ids, lengths)."""
    encodings = tokenizer.encode_batch_fast(texts, add_special_tokens=False)
    ids = [encoding.ids for encoding in encodings]
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
    return flat, lengths


def _split_chunks(texts, *, strip_html, lowercase):
    """Whitespace-delimited chunks of the texts, each distinct one once.

    Returns ``(chunk_ids, chunks_per_text, distinct)``: the position in
    ``distinct`` of every chunk occurrence, text after text, and each text's
    number of chunks. HTML tags are removed from the whole texts first, since
    a tag may hold spaces; with ``lowercase``, ASCII-only texts are lowercased
    here already (exactly what the Rust normalizer does to them), so that
    "The" and "the" are one chunk.
    """
    index = defaultdict()
    index.default_factory = index.__len__  # a new chunk gets the next position
    lookup = index.__getitem__
    sub = _HTML_TAG_RE.sub
    rows = []
    for text in texts:
        if strip_html and "<" in text:
            text = sub(" ", text)
        if lowercase and text.isascii():
            text = text.lower()
        rows.append(array("q", map(lookup, text.split())))
    chunks_per_text = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    chunk_ids = np.frombuffer(b"".join(rows), dtype=np.int64)
    return chunk_ids, chunks_per_text, list(index)


def _encode_distinct(tokenizer, chunks):
    """Token ids of each distinct chunk: (flat ids, ids per chunk)."""
    if not chunks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    batches = [chunks[i : i + _CHUNK_BATCH] for i in range(0, len(chunks), _CHUNK_BATCH)]
    encodings = tokenizer.encode_batch(batches, is_pretokenized=True, add_special_tokens=False)
    ids = [encoding.ids for encoding in encodings]
    words = [encoding.word_ids for encoding in encodings]
    sizes = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(sizes.sum()))
    owner = np.fromiter(itertools.chain.from_iterable(words), dtype=np.int64, count=flat.size)
    owner += np.repeat(np.arange(len(batches), dtype=np.int64) * _CHUNK_BATCH, sizes)
    return flat, np.bincount(owner, minlength=len(chunks))


def _chunk_words(normalizer, pre_tokenizer, chunks):
    """Words of each distinct chunk, as the Rust normalizer and pre-tokenizer see them.

    Returns ``(words, sizes)``: every chunk's words one chunk after the other,
    and each chunk's number of words. Chunks are joined into blocks with
    :data:`_SEPARATOR` between them, so that each Rust call handles thousands
    of chunks; a word is assigned to its chunk by its offset.
    """
    words, sizes = [], np.zeros(len(chunks), dtype=np.int64)
    for start in range(0, len(chunks), _CHUNK_BATCH):
        block = chunks[start : start + _CHUNK_BATCH]
        text = normalizer.normalize_str(_SEPARATOR.join(block))
        parts = text.split(_SEPARATOR)
        if len(parts) != len(block):  # pragma: no cover - no normalizer here adds or drops it
            raise RuntimeError("the normalizer changed the chunk separator")
        pieces = pre_tokenizer.pre_tokenize_str(text)
        ends = np.cumsum([len(part) + 1 for part in parts])
        starts = np.fromiter((span[0] for _, span in pieces), dtype=np.int64, count=len(pieces))
        owner = np.searchsorted(ends, starts, side="right")
        sizes[start : start + len(block)] = np.bincount(owner, minlength=len(block))
        words.extend(word for word, _ in pieces)
    return words, sizes


def _expand_chunks(chunk_ids, chunks_per_text, chunk_flat, chunk_sizes):
    """Ids of every text from its chunks' ids: (flat ids, lengths)."""
    occ_sizes = chunk_sizes[chunk_ids]
    total = int(occ_sizes.sum())
    chunk_starts = np.cumsum(chunk_sizes) - chunk_sizes
    occ_ends = np.cumsum(occ_sizes)
    src = np.repeat(chunk_starts[chunk_ids] - (occ_ends - occ_sizes), occ_sizes)
    src += np.arange(total)
    flat = chunk_flat[src]
    bounds = np.concatenate(([0], np.cumsum(chunks_per_text)))
    ends = np.concatenate(([0], occ_ends))
    lengths = ends[bounds[1:]] - ends[bounds[:-1]]
    return flat, lengths


def _without_added_tokens(tokenizer):
    """Copy of ``tokenizer`` whose special tokens are plain vocabulary entries.

    Trainers register their special tokens as "added tokens", which would be
    matched in raw text: a review quoting "<pad>" would get id 0 in mid-row.
    """
    data = json.loads(tokenizer.to_str())
    data["added_tokens"] = []
    return Tokenizer.from_str(json.dumps(data))


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
    min_frequency : int, default=2
        Tokens (for subword levels: merges) seen fewer times than this in the
        training texts are left out of the vocabulary. Ignored for
        ``level="unigram"``.
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

    def __init__(self, *, level="word", max_features=20000, min_frequency=2,
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
        steps = []
        if html and self.strip_html:
            steps.append(normalizers.Replace(Regex(_HTML_TAG), " "))
        if self.normalization is not None:
            steps.append(getattr(normalizers, self.normalization)())
        steps.append(normalizers.Replace(Regex(r"\p{Cc}"), " "))
        steps.append(normalizers.Replace(Regex(r"\p{Cf}"), ""))
        if self.lowercase:
            steps.append(normalizers.Lowercase())
        if self.level == "char":
            steps.append(normalizers.Replace(Regex(r"\s+"), " "))
            steps.append(normalizers.Strip())
        return normalizers.Sequence(steps)

    def _pre_tokenizer(self):
        if self.level == "char":
            return pre_tokenizers.Split(Regex(r"\X"), "isolated")
        return pre_tokenizers.Split(Regex(_WORD_PATTERN), "removed", invert=True)

    def _model_and_trainer(self):
        cap = _BIG_VOCAB if self.max_features is None else self.max_features
        alphabet = None if self.max_features is None else (self.max_features - 2) // 2
        common = dict(special_tokens=list(_SPECIAL_TOKENS), show_progress=False)
        if self.level == "char":
            return (models.WordLevel(unk_token=UNK_TOKEN),
                    trainers.WordLevelTrainer(vocab_size=cap, min_frequency=self.min_frequency,
                                              **common))
        if self.level == "bpe":
            return (models.BPE(unk_token=UNK_TOKEN, continuing_subword_prefix="##"),
                    trainers.BpeTrainer(vocab_size=cap, min_frequency=self.min_frequency,
                                        limit_alphabet=alphabet, continuing_subword_prefix="##",
                                        **common))
        if self.level == "wordpiece":
            return (models.WordPiece(unk_token=UNK_TOKEN),
                    trainers.WordPieceTrainer(vocab_size=cap, min_frequency=self.min_frequency,
                                              limit_alphabet=alphabet, **common))
        return (models.Unigram(),
                trainers.UnigramTrainer(vocab_size=cap, unk_token=UNK_TOKEN, **common))

    def _new_tokenizer(self, model, *, html=True):
        tokenizer = Tokenizer(model)
        tokenizer.normalizer = self._normalizer(html=html)
        tokenizer.pre_tokenizer = self._pre_tokenizer()
        return tokenizer

    # -------------------------------------------------------------- fitting

    def _fit_word(self, texts):
        """Word vocabulary from exact counts; returns the training texts' ids."""
        chunk_ids, chunks_per_text, distinct = _split_chunks(
            texts, strip_html=self.strip_html, lowercase=self.lowercase)
        words, sizes = _chunk_words(self._normalizer(html=False), self._pre_tokenizer(), distinct)
        index = defaultdict()
        index.default_factory = index.__len__
        word_ids = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
        tokens = np.empty(len(index), dtype=object)
        tokens[:] = list(index)
        # A word's count: the occurrences of every chunk holding it.
        chunk_counts = np.bincount(chunk_ids, minlength=len(distinct))
        counts = np.bincount(word_ids, weights=np.repeat(chunk_counts, sizes),
                             minlength=len(tokens))
        candidates = np.flatnonzero(counts >= self.min_frequency).tolist()
        candidates.sort(key=lambda i: (-counts[i], tokens[i]))
        if self.max_features is not None:
            candidates = candidates[: self.max_features - 2]
        remap = np.full(len(tokens), UNK_ID, dtype=np.int64)
        remap[candidates] = np.arange(2, len(candidates) + 2)
        vocab = {PAD_TOKEN: PAD_ID, UNK_TOKEN: UNK_ID}
        vocab.update(zip(tokens[candidates].tolist(), range(2, len(candidates) + 2)))
        self._set_tokenizer(self._new_tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN)))
        return _expand_chunks(chunk_ids, chunks_per_text, remap[word_ids], sizes)

    def _fit_trained(self, texts):
        """Train a Hugging Face model and trainer on the whole texts."""
        model, trainer = self._model_and_trainer()
        tokenizer = self._new_tokenizer(model)
        try:
            tokenizer.train_from_iterator(texts, trainer, length=len(texts))
        except Exception as exc:  # the Rust trainers raise plain Exception
            raise ValueError(
                f"training the {self.level!r} tokenizer failed: {exc}; a larger "
                "max_features or more training text may help"
            ) from exc
        self._set_tokenizer(_without_added_tokens(tokenizer))

    def _set_tokenizer(self, tokenizer):
        vocab = tokenizer.get_vocab()
        if vocab.get(PAD_TOKEN) != PAD_ID or vocab.get(UNK_TOKEN) != UNK_ID:
            raise RuntimeError("the reserved tokens did not get ids 0 and 1")  # pragma: no cover
        self.tokenizer_ = tokenizer
        self.vocabulary_ = dict(sorted(vocab.items(), key=lambda item: item[1]))
        self.vocab_size_ = len(vocab)
        self._finish_fit()

    def _finish_fit(self):
        """Derived, unpickled state: the per-chunk tokenizer and id-to-token table.

        HTML is stripped from whole texts before they are split into chunks,
        so chunks get the normalizer without that step. The word level needs
        only that normalizer; the subword levels a whole tokenizer around it.
        """
        self._chunk_normalizer = self._chunk_tokenizer = None
        if self.level != "char":
            self._chunk_normalizer = self._normalizer(html=False)
        if self.level not in ("word", "char"):
            self._chunk_tokenizer = Tokenizer.from_str(self.tokenizer_.to_str())
            self._chunk_tokenizer.normalizer = self._chunk_normalizer
        self._tokens = np.empty(self.vocab_size_, dtype=object)
        self._tokens[list(self.vocabulary_.values())] = list(self.vocabulary_)

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
        texts = _make_encodable(check_texts(X, name=type(self).__name__))
        _clip_long_texts(texts, max_length=self.max_length, truncation=self.truncation)
        return texts

    def _fit(self, X):
        """Fit on ``X``; return its texts and, at the word level, their ids."""
        dtype = self._check_dtype()
        texts = self._texts(X)
        if self.vocabulary is not None:  # a fixed vocabulary: nothing to learn
            if self.level != "word":
                raise ValueError(f"vocabulary needs level='word', got level={self.level!r}")
            vocab = check_vocabulary(self.vocabulary, reserved=_SPECIAL_TOKENS)
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
        return _ragged_to_matrix(flat, lengths, max_length=self.max_length,
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
        if self.level == "char":
            flat, lengths = _encode_direct(self.tokenizer_, texts)
        else:
            chunk_ids, chunks_per_text, distinct = _split_chunks(
                texts, strip_html=self.strip_html, lowercase=self.lowercase)
            if self.level == "word":  # a word is its token: look it up
                words, chunk_sizes = _chunk_words(
                    self._chunk_normalizer, self.tokenizer_.pre_tokenizer, distinct)
                lookup = self.vocabulary_.get
                chunk_flat = np.fromiter((lookup(word, UNK_ID) for word in words),
                                         dtype=np.int64, count=len(words))
            else:
                chunk_flat, chunk_sizes = _encode_distinct(self._chunk_tokenizer, distinct)
            flat, lengths = _expand_chunks(chunk_ids, chunks_per_text, chunk_flat, chunk_sizes)
        return _ragged_to_matrix(flat, lengths, max_length=self.max_length,
                                 truncation=self.truncation, dtype=self._check_dtype())

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
        tokens = self._tokens
        return [tokens[row[row != PAD_ID]].tolist() for row in X]

    # -------------------------------------------------------------- pickling

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: never touch the live __dict__
        if "tokenizer_" in state:
            state["tokenizer_"] = state["tokenizer_"].to_str()
        state.pop("_chunk_tokenizer", None)
        state.pop("_chunk_normalizer", None)
        state.pop("_tokens", None)
        return state

    def __setstate__(self, state):
        tokenizer = state.get("tokenizer_")
        if isinstance(tokenizer, str):
            state["tokenizer_"] = Tokenizer.from_str(tokenizer)
        super().__setstate__(state)
        if "tokenizer_" in state:
            self._finish_fit()

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
