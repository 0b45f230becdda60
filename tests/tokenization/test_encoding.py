"""Tests for sklstm.tokenization._encoding: what TextTokenizer delegates to."""

import numpy as np
import pytest

from sklstm import TextTokenizer
from sklstm.tokenization._encoding import (
    ChunkEncoder,
    build_normalizer,
    build_pre_tokenizer,
    ragged_to_lists,
    ragged_to_matrix,
    ragged_words,
)

TEXTS = ["The film, the FILM!<br />Great.", "", "un deux trois quatre cinq six sept",
         "電影很好 and more"]


@pytest.mark.parametrize("truncation", ["head", "tail", "head_tail"])
@pytest.mark.parametrize("max_length", [None, 1, 3, 5])
def test_ragged_lists_are_truncated_exactly_like_the_matrix(truncation, max_length):
    lengths = np.array([0, 1, 4, 7, 3])
    flat = np.arange(1, lengths.sum() + 1)
    table = np.array([None] + [f"t{i}" for i in flat], dtype=object)
    matrix = ragged_to_matrix(flat, lengths, max_length=max_length, truncation=truncation,
                              dtype=np.int64)
    lists = ragged_to_lists(table, flat, lengths, max_length=max_length, truncation=truncation)
    assert lists == [[f"t{i}" for i in row[row > 0]] for row in matrix]


def test_ragged_words_need_no_vocabulary_and_match_a_word_tokenizer():
    words, flat, lengths = ragged_words(
        TEXTS, normalizer=build_normalizer("word", html=False, strip_html=True,
                                           normalization="NFKC", lowercase=True),
        pre_tokenizer=build_pre_tokenizer("word"), strip_html=True, lowercase=True)
    assert len(set(words.tolist())) == len(words)  # each word once
    assert lengths.tolist() == [8, 0, 7, 6]
    tok = TextTokenizer(min_frequency=1, max_length=None).fit(TEXTS)
    expected = tok.inverse_transform(tok.transform(TEXTS))
    ends = np.cumsum(lengths)
    assert [words[flat[e - n:e]].tolist() for n, e in zip(lengths, ends, strict=True)] == expected


@pytest.mark.parametrize("level", ["word", "bpe", "char"])
def test_chunk_encoder_gives_the_ids_of_the_whole_tokenizer(level):
    tok = TextTokenizer(level=level, min_frequency=1, max_features=60,
                        max_length=None).fit(TEXTS * 3)
    encoder = ChunkEncoder(tok.tokenizer_, level=level, strip_html=True, lowercase=True,
                           chunk_normalizer=None if level == "char" else build_normalizer(
                               level, html=False, strip_html=True, normalization="NFKC",
                               lowercase=True))
    flat, lengths = encoder.ragged_ids(TEXTS)
    whole = [tok.tokenizer_.encode(text, add_special_tokens=False).ids for text in TEXTS]
    assert lengths.tolist() == [len(ids) for ids in whole]
    assert flat.tolist() == [i for ids in whole for i in ids]
    assert encoder.id_to_token[flat].tolist() == [t for ids in whole
                                                  for t in map(tok.tokenizer_.id_to_token, ids)]
