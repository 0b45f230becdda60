"""Tests for fixed vocabularies: sklstm._utils.vocabulary and TextTokenizer(vocabulary=...)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from sklstm import TextTokenizer
from sklstm._utils.vocabulary import check_vocabulary

RESERVED = ["<pad>", "<unk>"]
TEXTS = ["A good film, a GOOD cast.", "A bad film<br />bad plot", "unseen words only"]


@pytest.mark.parametrize("vocabulary", [
    ["good", "bad", "film"],
    ["<pad>", "<unk>", "good", "bad", "film"],
    ("good", "bad", "film"),
    np.array(["good", "bad", "film"]),
    {"good": 2, "bad": 3, "film": 4},
    {"film": 4, "<unk>": 1, "bad": 3, "<pad>": 0, "good": 2},
    {"good": np.int64(2), "bad": np.int32(3), "film": 4},
])
def test_accepted_forms(vocabulary):
    vocab = check_vocabulary(vocabulary, reserved=RESERVED)
    assert vocab == {"<pad>": 0, "<unk>": 1, "good": 2, "bad": 3, "film": 4}
    assert list(vocab.values()) == [0, 1, 2, 3, 4]
    assert all(type(t) is str for t in vocab)


@pytest.mark.parametrize("vocabulary, error, match", [
    (["a", "b", "a"], ValueError, "token 'a' appears twice in vocabulary, at positions 0 and 2"),
    ({"a": 2, "b": 2}, ValueError, "gives id 2 to both 'a' and 'b'"),
    ({"a": 2, "b": 5}, ValueError, r"ids must be 2 \.\. 3 without gaps; token 'b' has id 5"),
    ({"<pad>": 0, "<unk>": 1, "a": 3}, ValueError, r"0 \.\. 2 .*token 'a' has id 3"),
    ({"a": 0, "b": 1}, ValueError, r"ids must be 2 \.\. 3 .* token 'a' has id 0"),
    ({"a": -1}, ValueError, "token 'a' has id -1"),
    (["a", "<pad>", "<unk>"], ValueError,
     "reserved token '<pad>' is at position 1 in vocabulary; it must be at position 0"),
    (["<pad>", "a"], ValueError, "reserved token '<unk>' is missing"),
    ({"<pad>": 0, "<unk>": 2, "a": 1}, ValueError,
     "reserved token '<unk>' has id 2 in vocabulary; it must have id 1"),
    ({"<pad>": 1, "<unk>": 0}, ValueError, "reserved token '<pad>' has id 1"),
    (["<pad>", "<unk>"], ValueError, "no tokens besides the reserved"),
    ([], ValueError, "no tokens"),
    (["a", 3], TypeError, "position 1 holds int"),
    ({3: 2}, TypeError, "tokens must be str; got int"),
    ({"a": 2.0}, TypeError, "token 'a' has float"),
    ({"a": True}, TypeError, "token 'a' has bool"),
    ("abc", TypeError, "single str"),
    (42, TypeError, "got int"),
])
def test_invalid_vocabularies_name_the_offender(vocabulary, error, match):
    with pytest.raises(error, match=match):
        check_vocabulary(vocabulary, reserved=RESERVED)


def test_tokenizer_with_fixed_vocabulary():
    tok = TextTokenizer(vocabulary=["good", "bad", "film"])
    ids = tok.fit_transform(TEXTS)
    assert tok.vocabulary_ == {"<pad>": 0, "<unk>": 1, "good": 2, "bad": 3, "film": 4}
    assert tok.vocab_size_ == 5
    np.testing.assert_array_equal(ids, [
        [1, 2, 4, 1, 1, 2, 1, 1],  # "a" and punctuation are unknown; GOOD is lowercased
        [1, 3, 4, 3, 1, 0, 0, 0],  # the HTML tag is stripped as usual
        [1, 1, 1, 0, 0, 0, 0, 0],
    ])
    np.testing.assert_array_equal(tok.transform(TEXTS), ids)
    # max_features and min_frequency do not apply to a given vocabulary.
    small = TextTokenizer(vocabulary=["good", "bad", "film"], max_features=3, min_frequency=9)
    assert small.fit(TEXTS).vocabulary_ == tok.vocabulary_


def test_refit_reproduces_a_fitted_vocabulary():
    learned = TextTokenizer(min_frequency=1).fit(TEXTS)
    other_texts = ["completely different texts", "with other words"]
    fixed = TextTokenizer(vocabulary=learned.vocabulary_).fit(other_texts)
    assert fixed.vocabulary_ == learned.vocabulary_
    np.testing.assert_array_equal(fixed.transform(TEXTS), learned.transform(TEXTS))
    as_list = TextTokenizer(vocabulary=list(learned.vocabulary_)).fit(other_texts)
    assert as_list.vocabulary_ == learned.vocabulary_


def test_fixed_vocabulary_tokens_are_not_special_in_text():
    tok = TextTokenizer(vocabulary=["pad", "<"], strip_html=False).fit(["x"])
    # "<pad>" in a text is split like any other text, never read as padding.
    assert tok.transform(["<pad>"]).tolist() == [[3, 2, 1]]


def test_fixed_vocabulary_is_validated_at_fit():
    with pytest.raises(ValueError, match="appears twice"):
        TextTokenizer(vocabulary=["a", "a"]).fit(TEXTS)
    with pytest.raises(ValueError, match="vocabulary needs level='word', got level='bpe'"):
        TextTokenizer(vocabulary=["a"], level="bpe").fit(TEXTS)
    with pytest.raises(ValueError, match="vocabulary"):
        TextTokenizer(vocabulary="abc").fit(TEXTS)
    with pytest.raises(ValueError, match="dtype int8 cannot hold ids up to 199"):
        TextTokenizer(vocabulary=[f"w{i}" for i in range(198)], dtype=np.int8).fit(TEXTS)


def test_fixed_vocabulary_clone_and_pickle():
    vocab = {"good": 2, "bad": 3}
    tok = TextTokenizer(vocabulary=vocab)
    assert clone(tok).get_params()["vocabulary"] == vocab
    fitted = tok.fit(TEXTS)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(TEXTS), fitted.transform(TEXTS))
    assert vocab == {"good": 2, "bad": 3}  # the parameter is not modified
