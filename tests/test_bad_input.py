"""Bad and unusual input for the tokenizer, classifier, pipeline, loader and command line.

Every case either works or fails with a clear error of the right type whose
message names the problem (and the offending index or value): never a crash
deep inside torch, never a hang.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, LSTMRegressor, SelfTrainingClassifier, TextTokenizer, cli
from sklstm.datasets import load_imdb

TEXTS = ["a wonderful moving film", "i loved every minute", "great fun", "truly wonderful",
         "dull and far too long", "i hated it", "a boring mess", "truly awful"] * 3
LABELS = (["pos"] * 4 + ["neg"] * 4) * 3
FAST = dict(embedding_dim=8, hidden_size=8, max_epochs=2, early_stopping=False,
            validation_fraction=None, random_state=0, device="cpu")
MILLION = 1_000_000


@pytest.fixture(scope="module")
def pipe():
    return make_pipeline(TextTokenizer(min_frequency=1), LSTMClassifier(**FAST)).fit(
        TEXTS, LABELS)


# ------------------------------------------------------------------ texts

BAD_TEXTS = [
    pytest.param(["ok", None], r"index 1 is NoneType \(None\)\. Missing values", id="None"),
    pytest.param(["ok", "fine", float("nan")], r"index 2 is float \(nan\)\. Missing", id="NaN"),
    pytest.param([3.5, "ok"], r"index 0 is float \(3\.5\)", id="float"),
    pytest.param(["ok", b"bytes"], r"index 1 is bytes .*decode\('utf-8'\)", id="bytes"),
    pytest.param(["ok", {"text": "x"}], r"index 1 is dict", id="dict-element"),
    pytest.param("a bare string", r"got a single str; wrap it in a list", id="bare-string"),
    pytest.param(b"bare bytes", r"got a single bytes", id="bare-bytes"),
    pytest.param([], r"at least one text, got an empty list", id="empty-list"),
    pytest.param(np.array([["a", "b"], ["c", "d"]]), r"1-D sequence of texts, got a 2-D",
                 id="2-D-array"),
    pytest.param({"a": 1}, r"got dict", id="dict"),
    pytest.param(None, r"got NoneType", id="X-None"),
]


@pytest.mark.parametrize("X, match", BAD_TEXTS)
def test_tokenizer_rejects_bad_texts(X, match):
    with pytest.raises(ValueError, match=match):
        TextTokenizer(min_frequency=1).fit(X)


@pytest.mark.parametrize("X, match", BAD_TEXTS)
def test_pipeline_predict_rejects_bad_texts(pipe, X, match):
    with pytest.raises(ValueError, match=match):
        pipe.predict(X)


UNUSUAL_TEXTS = {
    "control-chars": ["\x00\x01\x02 nul \x1b[31m ansi \x7f del\r\n\t"],
    "lone-surrogates": ["\ud800 alone", "pair \ud83c\udfac split", "\udfff"],
    "emoji": ["🎬🍿 👍🏽 👨‍👩‍👧 🇫🇷"],
    "right-to-left": ["שלום עולם", "مرحبا بالعالم", "\u202eevil\u202c text"],
    "cjk": ["我喜欢这部电影", "この映画が好き", "이 영화 좋아요"],
    "invisible": ["\u200b\u200c\u200d\ufeff\u00ad"],
    "all-empty": ["", "", "   ", "\n"],
    "1M-chars-one-word": ["x" * MILLION],
    "1M-chars-words": ["good film " * (MILLION // 10)],
    "1M-chars-cjk": ["好" * MILLION],
}


@pytest.mark.parametrize("level", ["word", "bpe", "char"])
@pytest.mark.parametrize("name", list(UNUSUAL_TEXTS))
def test_unusual_texts_work(name, level):
    texts = UNUSUAL_TEXTS[name]
    tok = TextTokenizer(level=level, min_frequency=1, max_features=200).fit(TEXTS + texts)
    ids = tok.transform(texts)
    assert ids.shape[0] == len(texts) and 1 <= ids.shape[1] <= tok.max_length
    assert ids.min() >= 0 and ids.max() < tok.vocab_size_
    tok.inverse_transform(ids)


def test_all_empty_training_texts_give_a_working_pipeline():
    model = make_pipeline(TextTokenizer(), LSTMClassifier(**FAST)).fit([""] * 6, [0, 1] * 3)
    assert model[0].vocab_size_ == 2
    assert model.predict(["", "anything"]).shape == (2,)


@pytest.mark.parametrize("name", ["1M-chars-words", "1M-chars-cjk", "lone-surrogates",
                                  "control-chars", "right-to-left", "emoji"])
def test_pipeline_predicts_unusual_texts(pipe, name):
    proba = pipe.predict_proba(UNUSUAL_TEXTS[name])
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


# -------------------------------------------------------------- id matrices

BAD_IDS = [
    pytest.param(np.array([[1.0, 2.5], [3.0, 0.0]]), ValueError,
                 r"whole numbers; X\[0, 1\] is .*2\.5", id="fractional-floats"),
    pytest.param(np.array([[1, 2], [3, -4]]), ValueError, r"X\[1, 1\] is -4", id="negative"),
    pytest.param(np.array([[2, 2**40], [3, 0]]), ValueError,
                 r"token id X\[0, 1\] = 1099511627776 would need an embedding table",
                 id="beyond-any-vocabulary"),
    pytest.param(np.array([[2, 2**63 + 5], [3, 0]], dtype=np.uint64), ValueError,
                 r"token id too large: X\[0, 1\] is 9223372036854775813", id="uint64-overflow"),
    pytest.param(np.array([[1.0, np.nan], [3.0, 0.0]]), ValueError, "NaN", id="NaN"),
    pytest.param(np.array([[1.0, np.inf], [3.0, 0.0]]), ValueError, "infinity", id="inf"),
    pytest.param(np.array([[1, None], [3, 0]], dtype=object), ValueError,
                 r"must not be missing; X\[0, 1\] is None", id="None-id"),
    pytest.param(np.array([[1, {}], [3, 0]], dtype=object), TypeError,
                 r"X\[0, 1\] is dict", id="dict-id"),
    pytest.param(np.array([3, 4]), ValueError, "Expected 2D array", id="1-D"),
    pytest.param(np.zeros((2, 2, 2), dtype=int), ValueError, "dim 3", id="3-D"),
    pytest.param(np.zeros((0, 3), dtype=int), ValueError, "0 sample", id="no-rows"),
    pytest.param(["a text", "another"], ValueError, "not raw texts", id="raw-texts"),
    pytest.param("a text", ValueError, "not raw texts", id="one-raw-text"),
    pytest.param(np.array([["a", "b"], ["c", "d"]]), ValueError, "put a TextTokenizer before it",
                 id="string-matrix"),
]


@pytest.mark.parametrize("X, error, match", BAD_IDS)
def test_classifier_rejects_bad_ids(X, error, match):
    y = [0, 1][: len(X)] if len(X) else []
    with pytest.raises(error, match=match):
        LSTMClassifier(**FAST).fit(X, y)


BAD_LABELS = [
    pytest.param([0, 1, 0], "inconsistent numbers of samples: \\[4, 3\\]", id="length"),
    pytest.param([0.0, np.nan, 1.0, 0.0], r"missing label \(nan\) at index 1", id="NaN"),
    pytest.param(["a", "b", None, "a"], r"missing label \(None\) at index 2", id="None"),
    pytest.param(["a", "a", "a", "a"], r"at least 2 classes .* one class: \['a'\]",
                 id="single-class"),
    pytest.param(np.array([[0, 2]] * 4), "binary indicator matrix", id="2-D-not-binary"),
    pytest.param(["a", 1, "b", 2], "mixed types", id="mixed"),
    pytest.param([0.5, 1.5, 2.5, 0.1], "continuous", id="continuous"),
    pytest.param(["a", pd.NA, "b", "a"], r"missing label \(<NA>\) at index 1", id="pd.NA"),
]


@pytest.mark.parametrize("y, match", BAD_LABELS)
def test_classifier_rejects_bad_labels(y, match):
    X = np.array([[2, 3], [4, 0], [5, 6], [7, 0]])
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**FAST).fit(X, y)


def test_pipeline_length_mismatch_and_single_class():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        make_pipeline(TextTokenizer(min_frequency=1), LSTMClassifier(**FAST)).fit(
            TEXTS, LABELS[:-1])
    with pytest.raises(ValueError, match="one class"):
        make_pipeline(TextTokenizer(min_frequency=1), LSTMClassifier(**FAST)).fit(
            TEXTS, ["pos"] * len(TEXTS))


def test_unseen_labels_at_score_time_count_as_errors(pipe):
    X, y = ["truly wonderful", "a boring mess"], ["pos", "never-seen"]
    score = pipe.score(X, y)
    assert score == np.mean(pipe.predict(X) == np.array(y)) and score <= 0.5


def test_ids_beyond_the_vocabulary_at_predict_are_unknown(pipe):
    clf = pipe[-1]
    X = np.array([[2, 3, 10**9], [2**31 - 1, 0, 0]])
    assert np.isfinite(clf.predict_proba(X)).all()


@pytest.mark.parametrize("estimator, X", [
    (TextTokenizer(), ["text"]),
    (LSTMClassifier(), np.array([[2, 3]])),
    (make_pipeline(TextTokenizer(), LSTMClassifier()), ["text"]),
], ids=["tokenizer", "classifier", "pipeline"])
def test_use_before_fit(estimator, X):
    method = getattr(estimator, "transform", None) or estimator.predict
    if hasattr(estimator, "steps"):
        method = estimator.predict
    with pytest.raises(NotFittedError, match="not fitted yet"):
        method(X)


# ------------------------------------------- weights, multi-label, streams, targets

IDS = np.array([[2, 3], [4, 0], [5, 6], [7, 0]])


@pytest.mark.parametrize("weights, match", [
    pytest.param([1.0, 1.0, 1.0], r"3 weights for 4 samples", id="length"),
    pytest.param([1.0, -2.0, 1.0, 1.0], r"finite and >= 0; sample_weight\[1\] is -2.0",
                 id="negative"),
    pytest.param([1.0, 1.0, np.nan, 1.0], r"sample_weight\[2\] is nan", id="NaN"),
    pytest.param([0.0, 0.0, 0.0, 0.0], "every sample weight is zero", id="all-zero"),
    pytest.param([[1.0, 1.0]] * 4, "must be 1-D", id="2-D"),
    pytest.param(["a", "b", "c", "d"], "must hold numbers", id="strings"),
])
@pytest.mark.parametrize("estimator", [LSTMClassifier, LSTMRegressor])
def test_bad_sample_weights(estimator, weights, match):
    with pytest.raises(ValueError, match=match):
        estimator(**FAST).fit(IDS, [0, 1, 0, 1], sample_weight=weights)


@pytest.mark.parametrize("mask, match", [
    pytest.param([True, False, True], r"3 values for 4 samples", id="length"),
    pytest.param([True, False, 2, True], r"True/False \(or 1/0\) per row; train_only\[2\] is 2",
                 id="two"),
    pytest.param([0.5, 0, 0, 0], r"train_only\[0\] is 0.5", id="float"),
    pytest.param([False, "yes", False, False], r"train_only\[1\] is 'yes'", id="string"),
    pytest.param([False, False, None, False], r"train_only\[2\] is None", id="None"),
    pytest.param([False, np.nan, False, False], r"train_only\[1\] is nan", id="NaN"),
    pytest.param([[True, False]] * 4, "must be a 1-D mask", id="2-D"),
    pytest.param([True] * 4, "every labelled row is train_only: none is left for the "
                             "validation split", id="all"),
])
@pytest.mark.parametrize("estimator", [LSTMClassifier, LSTMRegressor])
def test_bad_train_only(estimator, mask, match):
    params = dict(FAST, validation_fraction=0.5, early_stopping=False)
    with pytest.raises(ValueError, match=match):
        estimator(**params).fit(IDS, [0, 1, 0, 1], train_only=mask)


def test_constant_label_column_warns():
    Y = np.array([[1, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1]])
    with pytest.warns(UserWarning, match=r"label 1 \(column 1\) is unset in every training "
                                         r"row") as record:
        LSTMClassifier(**FAST).fit(IDS, Y)
    assert any("label 2 (column 2) is set in every" in str(w.message) for w in record)


def test_multilabel_bad_targets():
    with pytest.raises(ValueError, match="binary indicator matrix"):
        LSTMClassifier(**FAST).fit(IDS, np.array([[0, 2], [1, 0], [0, 1], [1, 1]]))
    with pytest.raises(ValueError, match="class_weight is for single-label targets"):
        LSTMClassifier(**dict(FAST, class_weight="balanced")).fit(
            IDS, np.array([[0, 1], [1, 0], [0, 1], [1, 1]]))


def test_partial_fit_bad_classes():
    clf = LSTMClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(IDS, ["a", "b", "a", "b"])
    clf.partial_fit(IDS, ["a", "b", "a", "b"], classes=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"labels that are not in classes: \['z'\]"):
        clf.partial_fit(IDS, ["a", "z", "a", "b"])
    with pytest.raises(ValueError, match="needs all the data at once"):
        LSTMClassifier(**dict(FAST, class_weight="balanced")).partial_fit(
            IDS, ["a", "b", "a", "b"], classes=["a", "b"])
    with pytest.raises(ValueError, match="same kind"):
        clf.partial_fit(IDS, np.array([[0, 1], [1, 0], [0, 1], [1, 1]]))


# What both LSTMClassifier(unlabeled_label=...) and SelfTrainingClassifier refuse, alike.
SHARED_BAD_UNLABELLED = [
    pytest.param("", [0, 1, 0, ""], r"unlabeled_label='' is a string but the labels in y are "
                 r"numbers.*unlabeled_label=-1", id="string-marker-number-labels"),
    pytest.param(-1, [-1, -1, -1, -1], r"every row of y is unlabelled \(unlabeled_label=-1\)",
                 id="no-labelled-row"),
    pytest.param(-1, [0, -1, 0, -1], r"at least 2 classes in y among the labelled rows "
                 r"\(unlabeled_label=-1\); got one class: \[0\]", id="one-labelled-class"),
    pytest.param(-1, [0, None, 1, -1], r"missing label \(None\) at index 1",
                 id="missing-label"),
]

BAD_UNLABELLED = [
    pytest.param(-1, ["a", "b", "a", -1], r"unlabeled_label=-1 is a number but the labels in y "
                 r"are strings.*unlabeled_label=''.*or pass unlabeled_label=None",
                 id="number-marker-string-labels"),
    pytest.param(-1, ["-1", "0", "1", "-1"], r"mark unlabelled rows with a string: "
                 r"unlabeled_label='-1'", id="labels-read-as-strings"),
    *SHARED_BAD_UNLABELLED,
    pytest.param(-1, np.array([[0, 1], [1, 0], [0, 1], [1, 1]]),
                 "multi-label y with unlabelled rows is not supported", id="multi-label"),
    pytest.param(-1, [{"a"}, {"b"}, set(), {"a", "b"}],
                 "multi-label y with unlabelled rows is not supported", id="label-sets"),
]


@pytest.mark.parametrize("marker, y, match", BAD_UNLABELLED)
def test_bad_unlabelled_rows(marker, y, match):
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**FAST, unlabeled_label=marker).fit(IDS, y)


def _self_training(**params):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    return SelfTrainingClassifier(estimator=make_pipeline(CountVectorizer(),
                                                          LogisticRegression()), **params)


BAD_SELF_TRAINING = [
    pytest.param(-1, ["a", "b", "a", -1], r"unlabeled_label=-1 is a number but the labels in "
                 r"y are strings; mark unlabelled rows with a string, e.g. unlabeled_label=''"
                 r" \(of the labels' type\)$", id="number-marker-string-labels"),
    *SHARED_BAD_UNLABELLED,
    pytest.param(-1, [0, 1, -1], r"X has 4 rows but y has 3 labels", id="lengths"),
    pytest.param(-1, None, r"requires y to be passed", id="no-y"),
    pytest.param(-1, np.array([[0, 1], [1, 0], [0, 1], [1, 1]]), r"y should be a 1d array",
                 id="multi-label"),
]


@pytest.mark.parametrize("marker, y, match", BAD_SELF_TRAINING)
def test_self_training_bad_labels(marker, y, match):
    texts = ["good film", "bad film", "a good story", "a bad plot"]
    with pytest.raises(ValueError, match=match):
        _self_training(unlabeled_label=marker).fit(texts, y)


@pytest.mark.parametrize("params, error, match", [
    pytest.param({"k_best": 0}, ValueError, r"'k_best' parameter .* Got 0", id="k-best-0"),
    pytest.param({"k_best": 1.5}, ValueError, r"'k_best' parameter .* Got 1.5", id="k-best"),
    pytest.param({"max_iter": 0}, ValueError, r"'max_iter' parameter", id="max-iter"),
    pytest.param({"unlabeled_label": None}, ValueError, r"'unlabeled_label' parameter",
                 id="marker-none"),
    pytest.param({"teachers": [make_pipeline(TextTokenizer()), "nb"]}, TypeError,
                 r"teachers\[0\] must be an estimator with fit and predict_proba; got "
                 "Pipeline", id="teacher"),
    pytest.param({"estimator": TextTokenizer()}, ValueError, r"'estimator' parameter",
                 id="estimator-without-proba"),
    pytest.param({"teachers": [make_pipeline(TextTokenizer(), LSTMClassifier(
        unlabeled_label=-2))]}, ValueError, r"^the teachers\[0\]'s unlabeled_label=-2 is not "
        r"unlabeled_label=-1: give both the same marker \(or None to the teachers\[0\], "
        r"which then sees the labelled rows only\)$", id="teacher-marker"),
])
def test_self_training_bad_parameters(params, error, match):
    model = _self_training()
    with pytest.raises(error, match=match):
        model.set_params(**params).fit(["good film", "bad film", "a good story"], [1, 0, -1])


def test_unlabelled_rows_with_only_zero_weights_left():
    with pytest.raises(ValueError, match="every labelled row has a sample weight of zero"):
        LSTMClassifier(**FAST, unlabeled_label=-1).fit(IDS, [0, 1, -1, -1],
                                                       sample_weight=[0, 0, 1, 1])


@pytest.mark.parametrize("params, match", [
    pytest.param({"pretraining": "bert"}, "'pretraining' parameter of LSTMClassifier must be",
                 id="pretraining"),
    pytest.param({"pretraining_epochs": 0}, "'pretraining_epochs' parameter", id="epochs"),
    pytest.param({"memory": 3}, "'memory' parameter", id="memory"),
    pytest.param({"unlabeled_label": [-1]}, "'unlabeled_label' parameter", id="marker-list"),
    pytest.param({"bag_ngrams": 0}, r"'bag_ngrams' parameter .* range \[1, inf\) or None. "
                 "Got 0", id="bag-ngrams-0"),
    pytest.param({"bag_ngrams": 2.5}, "'bag_ngrams' parameter", id="bag-ngrams-float"),
    pytest.param({"bag_prior": "nb"}, r"'bag_prior' parameter .* \{'naive_bayes'\} or None. "
                 "Got 'nb'", id="bag-prior"),
    pytest.param({"bag_prior": True}, "'bag_prior' parameter", id="bag-prior-bool"),
])
def test_bad_classifier_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**FAST, **params).fit(IDS, [0, 1, 0, 1])


@pytest.mark.parametrize("y, match", [
    pytest.param(["good", "bad", "good", "bad"], r"numeric targets; y\[0\] is str",
                 id="strings"),
    pytest.param([1.0, None, 2.0, 3.0], r"missing target \(None\) at index 1", id="None"),
    pytest.param([1.0, 2.0], "inconsistent numbers of samples", id="length"),
])
def test_regressor_rejects_bad_targets(y, match):
    with pytest.raises(ValueError, match=match):
        LSTMRegressor(**FAST).fit(IDS, y)


# ------------------------------------------------------------------- loader


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_loader_damaged_archive(tmp_path, isolated_cache, damage, fake_imdb):
    data = fake_imdb.archive_bytes()
    data = data[: len(data) // 2] if damage == "truncated" else b"garbage" * 100
    (tmp_path / "aclImdb_v1.tar.gz").write_bytes(data)
    with pytest.raises(OSError, match=r"aclImdb_v1\.tar\.gz is damaged or truncated"):
        load_imdb("train", data_home=tmp_path, download=False)


def test_loader_bad_subset_missing_data_and_empty_folders(tmp_path, isolated_cache, fake_imdb):
    with pytest.raises(ValueError, match=r"subset must be one of .* got 'dev'"):
        load_imdb("dev", data_home=tmp_path)
    with pytest.raises(FileNotFoundError, match="The IMDb data was not found"):
        load_imdb("train", data_home=tmp_path / "nothing", download=False)
    fake_imdb.write_tree(tmp_path, {d: [] for d in fake_imdb.reviews})
    with pytest.raises(ValueError, match="No review of subset 'train' found"):
        load_imdb("train", data_home=tmp_path, download=False)


def test_loader_invalid_utf8_is_replaced(tmp_path, isolated_cache, fake_imdb):
    folder = fake_imdb.write_tree(tmp_path)
    (folder / "train" / "pos" / "1000_9.txt").write_bytes(b"bad \xff\xfe bytes")
    data = load_imdb("train", data_home=tmp_path, download=False).data
    assert "bad \ufffd\ufffd bytes" in data


# ------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, fake_imdb):
    root = tmp_path_factory.mktemp("cli")
    fake_imdb.write_tree(root / "data", fake_imdb.labelled_reviews(n_per_class=10))
    mp = pytest.MonkeyPatch()
    mp.setenv("SKLSTM_CACHE", str(root / "cache"))
    try:
        status = cli.main(["train", "--data-home", str(root / "data"), "--no-download",
                           "--max-epochs", "1", "--out", str(root / "model")])
    finally:
        mp.undo()
    assert status == 0
    return root / "model"


def sklstm_cli(*args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "sklstm", *args], input=stdin,
                          capture_output=True, timeout=120)


def test_cli_predicts_awkward_bytes(model_dir):
    stdin = ("\x00\x01 nul\n\ud83c\udfac split\n".encode("utf-8", "surrogatepass")
             + b"bad \xff utf8\n" + "שלום 好 🎬\n".encode() + b"x" * MILLION + b"\n")
    result = sklstm_cli("predict", str(model_dir), stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 5 and all(line.split("\t")[0] in {"neg", "pos"} for line in lines)


@pytest.mark.parametrize("make_args, message", [
    (lambda d: ["predict", str(d.parent / "missing")], "missing: no such model file"),
    (lambda d: ["predict", str(d), "--input", str(d / "nope.txt")], "cannot read"),
    (lambda d: ["train", "--train-size", "1", "--out", str(d.parent / "m2"),
                "--data-home", str(d.parent / "data"), "--no-download"],
     "a subset needs at least 2 texts, got 1"),
], ids=["missing-model", "missing-input", "train-size-1"])
def test_cli_errors_are_one_line_with_status_1(model_dir, make_args, message):
    result = sklstm_cli(*make_args(model_dir))
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert err.strip().splitlines()[-1].startswith("sklstm: error:") and message in err
    assert "Traceback" not in err


def test_cli_tampered_model_is_refused(model_dir, tmp_path):
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    (copy / "model.sklstm").write_bytes((copy / "model.sklstm").read_bytes()[:-100])
    result = sklstm_cli("predict", str(copy), stdin=b"some text\n")
    err = result.stderr.decode()
    assert result.returncode == 1 and err.count("\n") == 1
    assert "could not read the model" in err and "truncated" in err
