"""Tests for sklstm.tokenization._tokenizer: TextTokenizer and check_texts."""

import pickle
import tarfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm.tokenization import PAD_ID, UNK_ID, TextTokenizer, check_texts

TRAIN = [
    "The movie was great, really great!",
    "A terrible movie. Truly terrible.",
    "Great acting<br /><br />and a great story.",
    "The story was boring and the acting terrible.",
    "I loved it: great, great, great.",
]
LEVELS = ["word", "bpe", "wordpiece", "unigram", "char"]


def tokens(tok, texts):
    return tok.inverse_transform(tok.transform(texts))


def fitted(**params):
    return TextTokenizer(**{"min_frequency": 1, **params}).fit(TRAIN)


# ------------------------------------------------------------- shape & ids


def test_padding_shape_and_dtype():
    tok = fitted()
    X = tok.transform(["great movie", "the movie was great , really", ""])
    assert X.dtype == np.int32 and X.shape == (3, 6)
    assert X[0, 2:].tolist() == [0, 0, 0, 0]
    assert X[2].tolist() == [0] * 6  # empty text: a row of padding
    assert (X[1] > 1).all()
    assert tok.transform(["", ""]).shape == (2, 1)  # width is at least 1
    wide = TextTokenizer(min_frequency=1, dtype=np.int64).fit(TRAIN)
    assert wide.transform(["a"]).dtype == np.int64


def test_reserved_ids_and_vocabulary():
    tok = fitted()
    assert tok.vocabulary_["<pad>"] == PAD_ID == 0
    assert tok.vocabulary_["<unk>"] == UNK_ID == 1
    assert tok.vocab_size_ == len(tok.vocabulary_)
    assert sorted(tok.vocabulary_.values()) == list(range(tok.vocab_size_))
    # Most frequent first: "great" occurs 7 times.
    assert tok.vocabulary_["great"] == 2
    # Special tokens written in a text are text, never padding or a special id.
    # (With strip_html they look like tags and are removed.)
    assert tokens(tok, ["<pad> great <unk>"]) == [["great"]]
    raw = fitted(strip_html=False)
    X = raw.transform(["<pad> great <unk>"])
    assert X.shape == (1, 7) and 0 not in X[0].tolist()
    assert tokens(raw, ["<pad> great"]) == [["<", "<unk>", ">", "great"]]


def test_unseen_words_are_unknown_and_fit_uses_training_texts_only():
    tok = fitted()
    X = tok.transform(["great zyzzyva movie"])
    assert X[0].tolist() == [tok.vocabulary_["great"], UNK_ID, tok.vocabulary_["movie"]]
    assert "zyzzyva" not in tok.vocabulary_
    tok.transform(["zyzzyva " * 10])
    assert "zyzzyva" not in tok.vocabulary_  # transform never learns


def test_exact_ids_small_example():
    tok = TextTokenizer(min_frequency=1).fit(["b a b", "c b"])
    assert tok.vocabulary_ == {"<pad>": 0, "<unk>": 1, "b": 2, "a": 3, "c": 4}
    np.testing.assert_array_equal(tok.transform(["a b c d", "c"]), [[3, 2, 4, 1], [4, 0, 0, 0]])


@pytest.mark.parametrize("level", LEVELS)
def test_each_level(level):
    tok = TextTokenizer(level=level, max_features=60, min_frequency=1).fit(TRAIN * 3)
    assert tok.vocabulary_["<pad>"] == 0 and tok.vocabulary_["<unk>"] == 1
    assert tok.vocab_size_ <= 60
    X = tok.transform(["The great story!", "", "qqqq"])
    assert X.shape[0] == 3 and X.dtype == np.int32
    assert ((X >= 0) & (X < tok.vocab_size_)).all()
    assert (X[1] == 0).all()
    assert (X[0] > 0).sum() >= 3
    # Same ids as the fitted Hugging Face tokenizer encoding the whole text.
    for text, row in zip(["The great story!", "qqqq"], X[[0, 2]], strict=True):
        ids = tok.tokenizer_.encode(text).ids
        assert row[: len(ids)].tolist() == ids and not row[len(ids):].any()


def test_level_specific_tokens():
    text = ["The great story!"]
    assert tokens(fitted(level="word"), text) == [["the", "great", "story", "!"]]
    assert tokens(fitted(level="char"), ["Great  qa"]) == [
        ["g", "r", "e", "a", "t", " ", "<unk>", "a"]]
    wp = TextTokenizer(level="wordpiece", max_features=40, min_frequency=1).fit(TRAIN)
    pieces = tokens(wp, ["storytelling"])[0]
    assert len(pieces) > 1 and all(p.startswith("##") for p in pieces[1:])
    bpe = TextTokenizer(level="bpe", max_features=40, min_frequency=1).fit(TRAIN)
    pieces = tokens(bpe, ["greatest"])[0]
    assert len(pieces) > 1 and "".join(p.removeprefix("##") for p in pieces) == "greatest"


@pytest.mark.parametrize("level", ["word", "bpe", "wordpiece", "char"])
def test_max_features_cap(level):
    texts = [" ".join(f"w{i}x{j}" for j in range(i % 7 + 1)) for i in range(300)] + TRAIN
    for cap in (3, 10, 50):
        tok = TextTokenizer(level=level, max_features=cap, min_frequency=1).fit(texts)
        assert tok.vocab_size_ <= cap
        assert tok.transform(texts).max() < cap
    tok = TextTokenizer(level="word", max_features=None, min_frequency=1).fit(texts)
    assert tok.vocab_size_ > 300


def test_max_features_keeps_most_frequent():
    tok = TextTokenizer(max_features=4, min_frequency=1).fit(TRAIN)
    assert set(tok.vocabulary_) == {"<pad>", "<unk>", "great", "."}  # 7 and 5 times


def test_min_frequency():
    tok = TextTokenizer(min_frequency=3).fit(TRAIN)
    counts = {"great": 7, "terrible": 3, "movie": 2}
    assert "great" in tok.vocabulary_ and "terrible" in tok.vocabulary_
    assert "movie" not in tok.vocabulary_ and counts["movie"] < 3
    assert TextTokenizer().min_frequency == 3


# ------------------------------------------------------------ normalization


def test_lowercase_html_and_unicode_normalization():
    tok = TextTokenizer(min_frequency=1).fit(["Great<br /><br />movie", "ﬁne ｆｉｌｍ <b>Bold</b>"])
    assert tokens(tok, ["Great<br /><br />movie"]) == [["great", "movie"]]
    assert set(tok.vocabulary_) >= {"great", "movie", "fine", "film", "bold"}
    assert "br" not in tok.vocabulary_ and "<" not in tok.vocabulary_
    kept = TextTokenizer(min_frequency=1, lowercase=False, strip_html=False,
                         normalization=None).fit(["Great<br />movie ｆｉｌｍ"])
    assert tokens(kept, ["Great<br />movie ｆｉｌｍ"]) == [
        ["Great", "<", "br", "/", ">", "movie", "ｆｉｌｍ"]]
    # "<3" is not a tag.
    assert tokens(TextTokenizer(min_frequency=1).fit(["great <3"]), ["great <3"]) == [
        ["great", "<", "3"]]


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKD"])
def test_other_normalization_forms(form):
    tok = TextTokenizer(min_frequency=1, normalization=form).fit(["café crème"])
    assert tok.transform(["cafe\u0301"]).tolist() == tok.transform(["caf\u00e9"]).tolist()
    assert UNK_ID not in tok.transform(["cafe\u0301"])


def test_cjk_is_split_into_characters():
    zh, ja = "我喜欢这部电影", "この映画が好きです"
    tok = TextTokenizer(min_frequency=1).fit([zh, ja, "이 영화 좋아요"])
    assert tokens(tok, [zh]) == [list(zh)]
    assert len(tokens(tok, [zh])[0]) == 7
    assert tokens(tok, [ja]) == [list(ja)]
    assert tokens(tok, ["영화좋아요"]) == [list("영화좋아요")]
    assert tokens(tok, ["电影good!"]) == [["电", "影", "<unk>", "<unk>"]]
    for level in ("bpe", "wordpiece", "unigram"):
        sub = TextTokenizer(level=level, max_features=200, min_frequency=1).fit([zh, ja] * 5)
        assert tokens(sub, [zh]) == [list(zh)]


def test_punctuation_and_words_separated():
    tok = fitted()
    assert tokens(tok, ["Great,great!!"]) == [["great", ",", "great", "!", "!"]]


# --------------------------------------------------------------- truncation


@pytest.mark.parametrize("truncation, expected", [
    ("head", [2, 3, 4, 5, 6, 7, 8, 9]),
    ("tail", [5, 6, 7, 8, 9, 10, 11, 12]),
    ("head_tail", [2, 3, 7, 8, 9, 10, 11, 12]),  # first 8 // 4, last 6
])
def test_truncation_exact_ids(truncation, expected):
    words = [f"t{i}" for i in range(11)]  # ids 2..12 in this order (ties: alphabetical)
    words_sorted = sorted(words)
    tok = TextTokenizer(min_frequency=1, max_length=8, truncation=truncation).fit([" ".join(words)])
    ids = {w: tok.vocabulary_[w] for w in words}
    assert [ids[w] for w in words_sorted] == list(range(2, 13))
    text = " ".join(words_sorted)  # ids 2, 3, ..., 12
    X = tok.transform([text, "t0 t1"])
    assert X.shape == (2, 8)
    assert X[0].tolist() == expected
    assert X[1].tolist() == [2, 3, 0, 0, 0, 0, 0, 0]  # short rows are never cut


def test_head_tail_split_and_no_cap():
    tok = TextTokenizer(min_frequency=1, max_length=400).fit(["x y"])
    X = tok.transform([" ".join(["x"] * 100 + ["y"] * 400)])
    assert X.shape == (1, 400)
    assert (X[0, :100] == tok.vocabulary_["x"]).all()
    assert (X[0, 100:] == tok.vocabulary_["y"]).all()
    tok = TextTokenizer(min_frequency=1, max_length=None).fit(["x y"])
    assert tok.transform(["x " * 1000]).shape == (1, 1000)


def test_fit_transform_equals_fit_then_transform():
    texts = TRAIN + ["great " * 500, ""]
    for level in ("word", "char"):
        a = TextTokenizer(level=level, max_length=50).fit_transform(texts)
        b = TextTokenizer(level=level, max_length=50).fit(texts).transform(texts)
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------- inverse, pickle


def test_inverse_transform_round_trip():
    tok = fitted()
    text = ["the movie was great , really great !", "a terrible story"]
    assert [" ".join(t) for t in tokens(tok, text)] == text
    with pytest.raises(ValueError, match="in \\[0, "):
        tok.inverse_transform([[0, tok.vocab_size_]])
    with pytest.raises(ValueError, match="2-D"):
        tok.inverse_transform([1, 2])


@pytest.mark.parametrize("level", LEVELS)
def test_pickle_round_trip(level):
    tok = TextTokenizer(level=level, max_features=80, min_frequency=1).fit(TRAIN * 2)
    texts = TRAIN + ["unseen words here", ""]
    before = tok.transform(texts)
    restored = pickle.loads(pickle.dumps(tok))
    np.testing.assert_array_equal(restored.transform(texts), before)
    np.testing.assert_array_equal(tok.transform(texts), before)  # pickling left tok intact
    assert restored.vocabulary_ == tok.vocabulary_
    assert restored.inverse_transform(restored.transform(texts)) == tokens(tok, texts)


def test_clone_and_params():
    tok = fitted(level="bpe", max_length=7)
    copy = clone(tok)
    assert copy.get_params() == tok.get_params()
    assert not hasattr(copy, "vocabulary_")
    with pytest.raises(NotFittedError):
        copy.transform(["a"])


def test_not_fitted():
    with pytest.raises(NotFittedError):
        TextTokenizer().transform(["a text"])
    with pytest.raises(NotFittedError):
        TextTokenizer().inverse_transform([[1]])


@pytest.mark.parametrize("params, match", [
    ({"level": "sentence"}, "level"),
    ({"max_features": 0}, "max_features"),
    ({"min_frequency": 0}, "min_frequency"),
    ({"max_length": 0}, "max_length"),
    ({"truncation": "middle"}, "truncation"),
    ({"normalization": "nfkc"}, "normalization"),
    ({"dtype": np.float32}, "integer dtype"),
    ({"dtype": np.int8}, "cannot hold ids"),
])
def test_bad_parameters(params, match):
    texts = [f"w{i}" for i in range(200)]
    with pytest.raises(ValueError, match=match):
        TextTokenizer(**{"min_frequency": 1, **params}).fit(texts)


def test_keyword_only_constructor():
    with pytest.raises(TypeError):
        TextTokenizer("word")


# ------------------------------------------------------------------ inputs


def test_pandas_numpy_tuple_and_generator_input():
    tok = fitted()
    expected = tok.transform(["great movie", "terrible"])
    series = pd.Series(["great movie", "terrible"], index=[10, 3])
    for X in (series, np.array(["great movie", "terrible"]),
              np.array(["great movie", "terrible"], dtype=object), ("great movie", "terrible"),
              (t for t in ["great movie", "terrible"]), pd.Series(["great movie", "terrible"],
                                                                  dtype="string")):
        np.testing.assert_array_equal(tok.transform(X), expected)
    assert TextTokenizer(min_frequency=1).fit(pd.Series(TRAIN)).vocabulary_ == tok.vocabulary_


def test_input_is_not_mutated():
    texts = ["Great<br />movie\ud800", "b"]
    copy = list(texts)
    fitted().fit(texts).transform(texts)
    assert texts == copy
    arr = np.array(texts, dtype=object)
    fitted().transform(arr)
    assert arr.tolist() == copy


@pytest.mark.parametrize("bad, index, type_name", [
    (["ok", "fine", "good", None], 3, r"NoneType \(None\)"),
    (["ok", float("nan")], 1, r"float \(nan\)"),
    (["ok", b"bytes"], 1, r"bytes \(b'bytes'\)"),
    ([1, "ok"], 0, r"int \(1\)"),
    (["ok", 2.5], 1, r"float \(2\.5\)"),
    (["ok", {"a": 1}], 1, "dict"),
    (["ok", ["nested"]], 1, "list"),
    (np.array(["ok", None], dtype=object), 1, "NoneType"),
    (pd.Series(["ok", None, "x"], dtype=object), 1, "NoneType"),
    (pd.Series(["ok", None, "x"]), 1, "NoneType|float"),  # pandas 3 stores None as NaN
    (pd.Series(["ok", np.nan]), 1, r"float \(nan\)"),
    (pd.Series(["ok", pd.NA], dtype="string"), 1, "NAType"),
])
def test_bad_elements_name_index_and_type(bad, index, type_name):
    pattern = rf"expects an iterable of str; element at index {index} is {type_name}"
    with pytest.raises(ValueError, match=pattern):
        TextTokenizer().fit(bad)
    with pytest.raises(ValueError, match=pattern):
        fitted().transform(bad)


@pytest.mark.parametrize("bad, match", [
    ("a single text", r"single str; wrap it in a list"),
    (b"bytes", r"single bytes; wrap it in a list"),
    ([], "at least one text"),
    (np.array([], dtype=str), "at least one text"),
    (np.array([["a", "b"], ["c", "d"]]), "1-D"),
    (pd.DataFrame({"text": ["a", "b"]}), "1-D"),
    (None, "iterable of str"),
    (42, "iterable of str"),
    ({"a": 1}, "iterable of str"),
    ({"a", "b"}, "iterable of str"),
])
def test_bad_containers(bad, match):
    with pytest.raises(ValueError, match=match):
        TextTokenizer().fit(bad)
    with pytest.raises(ValueError, match=match):
        fitted().transform(bad)


def test_check_texts_returns_new_list_of_plain_str():
    texts = ["a", "b"]
    out = check_texts(texts)
    assert out == texts and out is not texts
    out = check_texts(np.array(["a", "b"]))
    assert all(type(t) is str for t in out)
    with pytest.raises(ValueError, match="MyThing expects"):
        check_texts([None], name="MyThing")
    with pytest.raises(ValueError, match="Missing values"):
        check_texts([np.nan])


@pytest.mark.parametrize("level", LEVELS)
def test_unicode_edge_cases_do_not_crash(level):
    weird = [
        "\ud800 lone surrogate", "pair \ud83d\ude00 as two code points", "\x00\x07\x1b ctrl",
        "emoji 😀👍🏽 👨‍👩‍👧", "עברית מימין לשמאל", "العربية", "zero\u200bwidth soft\u00adhyphen",
        "\u202eRTL override", "   ", "\n\t\r", "a" * 1_000_000, "word " * 200_000,
    ]
    tok = TextTokenizer(level=level, max_features=300, min_frequency=1).fit(weird[:8] + TRAIN)
    X = tok.transform(weird)
    assert X.shape[0] == len(weird) and X.shape[1] <= 400
    assert ((X >= 0) & (X < tok.vocab_size_)).all()
    assert (X[8] == 0).all() and (X[9] == 0).all()  # whitespace only: padding


def test_surrogates_and_control_characters():
    tok = fitted()
    # A surrogate pair written as two code points is the character it encodes.
    assert tokens(tok, ["\ud83d\ude00"]) == tokens(tok, ["😀"])
    # Lone surrogates become U+FFFD, a single (unknown) symbol token.
    assert tok.transform(["great \ud800"]).tolist() == [[tok.vocabulary_["great"], UNK_ID]]
    # Control characters separate words; zero-width and soft-hyphen characters vanish.
    assert tokens(tok, ["great\x00movie"]) == [["great", "movie"]]
    assert tokens(tok, ["gr\u00adeat mo\u200bvie"]) == [["great", "movie"]]


def test_final_sigma_and_case_mapping_match_rust():
    tok = TextTokenizer(min_frequency=1).fit(["ΟΔΟΣ Straße İstanbul THE the"])
    for text in ["ΟΔΟΣ Straße İstanbul", "THE the"]:
        ids = tok.tokenizer_.encode(text).ids
        assert tok.transform([text])[0, : len(ids)].tolist() == ids
    assert tok.transform(["THE"]).tolist() == tok.transform(["the"]).tolist()


def test_chunked_path_matches_hugging_face_encode_on_every_bmp_character():
    # The fast path splits on whitespace in Python before encoding: check that
    # no character is split or joined differently from the Rust tokenizer.
    chars = [chr(c) for c in range(0x21, 0x10000) if not 0xD800 <= c < 0xE000]
    texts = [f"a{c}b {c}x{c}" for c in chars]
    tok = TextTokenizer(min_frequency=1, max_length=None, max_features=None).fit(texts[::7])
    X = tok.transform(texts)
    encodings = tok.tokenizer_.encode_batch(texts, add_special_tokens=False)
    for row, text, encoding in zip(X, texts, encodings, strict=True):
        ids = encoding.ids
        assert row[: len(ids)].tolist() == ids and not row[len(ids):].any(), repr(text)


def test_sklearn_tags():
    tags = TextTokenizer().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.requires_fit


def test_pipeline():
    pipe = make_pipeline(TextTokenizer(min_frequency=1),
                         FunctionTransformer(lambda X: (X > 1).sum(axis=1, keepdims=True)))
    out = pipe.fit(TRAIN).transform(["great movie", "great zzz", ""])
    assert out.ravel().tolist() == [2, 1, 0]


# ------------------------------------------------------------------ real data


def _imdb_reviews(archive, n_per_class):
    texts, labels = [], []
    counts = {"pos": 0, "neg": 0}
    with tarfile.open(archive) as archive:
        for member in archive:
            parts = member.name.split("/")
            if (member.isfile() and len(parts) == 4 and parts[1] == "train"
                    and parts[2] in counts and counts[parts[2]] < n_per_class):
                texts.append(archive.extractfile(member).read().decode("utf-8"))
                labels.append(parts[2])
                counts[parts[2]] += 1
                if min(counts.values()) >= n_per_class:
                    break
    return texts, labels


@pytest.mark.slow
def test_imdb_reviews(imdb_archive):
    texts, labels = _imdb_reviews(imdb_archive, 1000)
    assert len(texts) == 2000
    train, test = texts[:1500], texts[1500:]
    tok = TextTokenizer(max_features=5000)
    X = tok.fit_transform(train)
    assert X.shape == (1500, 400) and tok.vocab_size_ == 5000
    np.testing.assert_array_equal(X, tok.transform(train))
    assert not any(t in tok.vocabulary_ for t in ("br", "<br", "/>"))
    assert {"movie", "film", "great", "bad"} <= set(tok.vocabulary_)
    Xt = tok.transform(test)
    assert Xt.max() < 5000 and Xt.shape[1] <= 400
    assert 0.005 < (Xt == UNK_ID).sum() / (Xt > 0).sum() < 0.1
    # Rows match the Hugging Face tokenizer (head 100 + tail 300 when too long).
    for text, row in zip(test[:50], Xt[:50], strict=True):
        ids = tok.tokenizer_.encode(text).ids
        expected = ids if len(ids) <= 400 else ids[:100] + ids[-300:]
        assert row[: len(expected)].tolist() == expected and not row[len(expected):].any()
    restored = pickle.loads(pickle.dumps(tok))
    np.testing.assert_array_equal(restored.transform(test[:100]), Xt[:100])


@pytest.mark.parametrize("level", LEVELS)
def test_training_texts_without_tokens(level):
    tok = TextTokenizer(level=level).fit(["", "  \n"])
    assert tok.vocab_size_ == 2
    assert tok.transform(["a b", ""]).tolist() == ([[1, 1, 1], [0, 0, 0]] if level == "char"
                                                   else [[1, 1], [0, 0]])
    assert TextTokenizer(level=level).fit_transform([""]).tolist() == [[0]]


def test_unigram_too_small_vocabulary_is_a_clear_error():
    with pytest.raises(ValueError, match="larger max_features"):
        TextTokenizer(level="unigram", max_features=5).fit(["hello world, this is a text"])


def test_fixed_vocabulary_fit_transform_reads_a_generator_once():
    texts = ["a b", "b c"]
    tok = TextTokenizer(vocabulary=["a", "b"])
    ids = tok.fit_transform(text for text in texts)
    np.testing.assert_array_equal(ids, tok.transform(texts))
    assert ids.tolist() == [[2, 3], [3, 1]]


# ------------------------------------------------------------- public hooks


@pytest.mark.parametrize("level", ["word", "bpe", "wordpiece", "unigram", "char"])
@pytest.mark.parametrize("max_length, truncation", [(None, "head"), (3, "head"), (3, "tail"),
                                                    (5, "head_tail")])
def test_tokenize_gives_the_tokens_behind_transform(level, max_length, truncation):
    texts = ["A good movie, truly good!", "", "bad<br />acting and a bad plot", "很好看"]
    tok = TextTokenizer(level=level, min_frequency=1, max_features=80, max_length=max_length,
                        truncation=truncation).fit(texts * 5)
    tokens = tok.tokenize(texts)
    ids = tok.transform(texts)
    assert [len(row) for row in tokens] == (ids != 0).sum(axis=1).tolist()
    if level == "word":  # words come back as they are; transform maps them to ids
        assert [[tok.vocabulary_.get(t, 1) for t in row] for row in tokens] == [
            row[row != 0].tolist() for row in ids]
    else:
        assert tokens == tok.inverse_transform(ids)
    assert tok.build_analyzer()(texts[0]) == tokens[0]


def test_word_tokenize_needs_no_fit_and_keeps_unknown_words():
    tok = TextTokenizer(max_length=None)
    assert tok.tokenize(["Zyzzyva's <b>rare</b> word"]) == [["zyzzyva", "'", "s", "rare",
                                                            "word"]]
    fitted = TextTokenizer(min_frequency=1).fit(["rare word"])
    assert fitted.tokenize(["zyzzyva word"]) == [["zyzzyva", "word"]]
    assert fitted.transform(["zyzzyva word"]).tolist() == [[1, fitted.vocabulary_["word"]]]
    with pytest.raises(NotFittedError):
        TextTokenizer(level="bpe").tokenize(["a text"])


def test_safe_state_round_trip_without_pickle():
    tok = TextTokenizer(level="bpe", min_frequency=1, max_features=50).fit(TRAIN)
    state = tok.get_safe_state()
    assert set(state) == {"params", "attributes", "files"}
    assert state["params"] == tok.get_params() and set(state["files"]) == {"tokenizer.json"}
    assert all(isinstance(data, bytes) for data in state["files"].values())
    restored = TextTokenizer(**state["params"]).set_safe_state(state)
    np.testing.assert_array_equal(restored.transform(TRAIN), tok.transform(TRAIN))
    assert restored.vocabulary_ == tok.vocabulary_
    with pytest.raises(ValueError, match="tokenizer.json cannot be read"):
        TextTokenizer().set_safe_state({"attributes": {}, "files": {"tokenizer.json": b"{"}})
