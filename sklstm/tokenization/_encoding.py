"""The Hugging Face side of :class:`~sklstm.TextTokenizer`: its pipeline, and encoding fast.

:class:`~sklstm.TextTokenizer` is the estimator (parameters, vocabulary
learning, the scikit-learn API); this module holds what it delegates to, as
``TfidfVectorizer`` delegates to ``TfidfTransformer``:

- the pieces of the Hugging Face pipeline built from its settings:
  :func:`build_normalizer`, :func:`build_pre_tokenizer`,
  :func:`build_model_and_trainer`, :func:`new_tokenizer`;
- :class:`ChunkEncoder`, which maps texts to token ids with a fitted
  tokenizer, each distinct whitespace-delimited chunk once, and
  :func:`ragged_words`, the words of texts without any vocabulary;
- pure helpers on texts (:func:`make_encodable`, :func:`clip_long_texts`)
  and on ragged id lists (:func:`ragged_to_matrix`, :func:`ragged_to_lists`).
"""

import itertools
import json
import re
from array import array
from collections import defaultdict

import numpy as np
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

from .._utils.vocabulary import RESERVED_TOKENS, UNK_ID, UNK_TOKEN

__all__ = ["LEVELS", "ChunkEncoder", "build_model_and_trainer", "build_normalizer",
           "build_pre_tokenizer", "clip_long_texts", "make_encodable", "new_tokenizer",
           "ragged_to_lists", "ragged_to_matrix", "ragged_words", "without_added_tokens"]

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


# ------------------------------------------------------------------ texts


def make_encodable(texts):
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


def clip_long_texts(texts, *, max_length, truncation):
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


def ragged_to_matrix(flat, lengths, *, max_length, truncation, dtype):
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


def ragged_to_lists(table, flat, lengths, *, max_length, truncation):
    """Rows of ``table[flat]`` as lists, truncated as :func:`ragged_to_matrix` truncates."""
    if max_length is not None and int(lengths.max(initial=0)) > max_length:
        # Truncate positions (1-based, so that 0 stays padding) exactly like the ids.
        positions = ragged_to_matrix(np.arange(1, flat.size + 1), lengths,
                                      max_length=max_length, truncation=truncation,
                                      dtype=np.int64)
        return [table[flat[row[row > 0] - 1]].tolist() for row in positions]
    tokens = table[flat].tolist()
    ends = np.cumsum(lengths)
    return [tokens[start:end]
            for start, end in zip((ends - lengths).tolist(), ends.tolist(), strict=True)]


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


def without_added_tokens(tokenizer):
    """Copy of ``tokenizer`` whose special tokens are plain vocabulary entries.

    Trainers register their special tokens as "added tokens", which would be
    matched in raw text: a review quoting "<pad>" would get id 0 in mid-row.
    """
    data = json.loads(tokenizer.to_str())
    data["added_tokens"] = []
    return Tokenizer.from_str(json.dumps(data))


# ------------------------------------------------------- the pipeline's pieces


def build_normalizer(level, *, html, strip_html, normalization, lowercase):
    """The normalizer of a ``level`` tokenizer; ``html=False`` leaves out HTML stripping.

    HTML is stripped from whole texts before they are split into chunks, so
    chunks get the normalizer without that step.
    """
    steps = []
    if html and strip_html:
        steps.append(normalizers.Replace(Regex(_HTML_TAG), " "))
    if normalization is not None:
        steps.append(getattr(normalizers, normalization)())
    steps.append(normalizers.Replace(Regex(r"\p{Cc}"), " "))
    steps.append(normalizers.Replace(Regex(r"\p{Cf}"), ""))
    if lowercase:
        steps.append(normalizers.Lowercase())
    if level == "char":
        steps.append(normalizers.Replace(Regex(r"\s+"), " "))
        steps.append(normalizers.Strip())
    return normalizers.Sequence(steps)


def build_pre_tokenizer(level):
    """Grapheme clusters at the char level; else words and single marks (CJK: characters)."""
    if level == "char":
        return pre_tokenizers.Split(Regex(r"\X"), "isolated")
    return pre_tokenizers.Split(Regex(_WORD_PATTERN), "removed", invert=True)


def build_model_and_trainer(level, *, max_features, min_frequency):
    """An untrained Hugging Face model of a subword or char ``level`` and its trainer."""
    cap = _BIG_VOCAB if max_features is None else max_features
    alphabet = None if max_features is None else (max_features - 2) // 2
    common = dict(special_tokens=list(RESERVED_TOKENS), show_progress=False)
    if level == "char":
        return (models.WordLevel(unk_token=UNK_TOKEN),
                trainers.WordLevelTrainer(vocab_size=cap, min_frequency=min_frequency,
                                          **common))
    if level == "bpe":
        return (models.BPE(unk_token=UNK_TOKEN, continuing_subword_prefix="##"),
                trainers.BpeTrainer(vocab_size=cap, min_frequency=min_frequency,
                                    limit_alphabet=alphabet, continuing_subword_prefix="##",
                                    **common))
    if level == "wordpiece":
        return (models.WordPiece(unk_token=UNK_TOKEN),
                trainers.WordPieceTrainer(vocab_size=cap, min_frequency=min_frequency,
                                          limit_alphabet=alphabet, **common))
    return (models.Unigram(),
            trainers.UnigramTrainer(vocab_size=cap, unk_token=UNK_TOKEN, **common))


def new_tokenizer(model, *, normalizer, pre_tokenizer):
    """A Hugging Face tokenizer of these pieces."""
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    return tokenizer


# ------------------------------------------------------------ encoding fast


def ragged_words(texts, *, normalizer, pre_tokenizer, strip_html, lowercase):
    """The words of texts as a word-level tokenizer splits them, needing no vocabulary.

    Parameters
    ----------
    texts : list of str
        Texts prepared by :func:`make_encodable` (and :func:`clip_long_texts`).
    normalizer, pre_tokenizer
        The pieces of the pipeline (the normalizer without HTML stripping).
    strip_html, lowercase : bool
        As for :class:`~sklstm.TextTokenizer`.

    Returns
    -------
    words : ndarray of str objects
        Each distinct word once, in order of first appearance.
    flat : ndarray of int64
        Every text's words as positions in ``words``, text after text.
    lengths : ndarray of int64
        Each text's number of words.
    """
    chunk_ids, chunks_per_text, distinct = _split_chunks(
        texts, strip_html=strip_html, lowercase=lowercase)
    chunk_words, sizes = _chunk_words(normalizer, pre_tokenizer, distinct)
    index = defaultdict()
    index.default_factory = index.__len__
    word_ids = np.fromiter(map(index.__getitem__, chunk_words), dtype=np.int64,
                           count=len(chunk_words))
    words = np.empty(len(index), dtype=object)
    words[:] = list(index)
    flat, lengths = _expand_chunks(chunk_ids, chunks_per_text, word_ids, sizes)
    return words, flat, lengths


class ChunkEncoder:
    """Map texts to token ids with a fitted Hugging Face tokenizer, fast.

    The word and subword levels encode each distinct whitespace-delimited
    chunk of a call once and reuse its ids for every occurrence, which gives
    the same ids as ``tokenizer.encode``; the char level encodes whole texts.

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        The fitted tokenizer, reserved tokens at ids 0 and 1.
    level : str
        One of :data:`LEVELS`.
    chunk_normalizer : tokenizers.normalizers.Normalizer or None
        The tokenizer's normalizer without HTML stripping (None at the char
        level).
    strip_html, lowercase : bool
        As for :class:`~sklstm.TextTokenizer`.

    Attributes
    ----------
    id_to_token : ndarray of str objects
        The token of each id.
    """

    def __init__(self, tokenizer, *, level, chunk_normalizer, strip_html, lowercase):
        self.tokenizer = tokenizer
        self.level = level
        self.chunk_normalizer = chunk_normalizer
        self.strip_html = strip_html
        self.lowercase = lowercase
        vocabulary = tokenizer.get_vocab()
        self.vocabulary = vocabulary
        self.id_to_token = np.empty(len(vocabulary), dtype=object)
        self.id_to_token[list(vocabulary.values())] = list(vocabulary)
        # The subword levels encode chunks with a copy whose normalizer skips HTML.
        self.chunk_tokenizer = None
        if level not in ("word", "char"):
            self.chunk_tokenizer = Tokenizer.from_str(tokenizer.to_str())
            self.chunk_tokenizer.normalizer = chunk_normalizer

    def ragged_ids(self, texts):
        """Ids of texts prepared by :func:`make_encodable`, before truncation: (flat, lengths)."""
        if self.level == "char":
            return _encode_direct(self.tokenizer, texts)
        chunk_ids, chunks_per_text, distinct = _split_chunks(
            texts, strip_html=self.strip_html, lowercase=self.lowercase)
        if self.level == "word":  # a word is its token: look it up
            words, chunk_sizes = _chunk_words(
                self.chunk_normalizer, self.tokenizer.pre_tokenizer, distinct)
            lookup = self.vocabulary.get
            chunk_flat = np.fromiter((lookup(word, UNK_ID) for word in words),
                                     dtype=np.int64, count=len(words))
        else:
            chunk_flat, chunk_sizes = _encode_distinct(self.chunk_tokenizer, distinct)
        return _expand_chunks(chunk_ids, chunks_per_text, chunk_flat, chunk_sizes)
