"""TextTokenizer + LSTMClassifier together, as users combine them."""

import pickle
import re
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.batching import BucketIterator, padding_efficiency, sequence_lengths

POS = ["a wonderful moving film", "i loved every minute", "brilliant acting and story",
       "great fun", "truly wonderful", "loved the cast"]
NEG = ["dull and far too long", "i hated it", "a boring mess", "awful plot",
       "truly awful", "hated the cast"]
TEXTS = (POS + NEG) * 4
LABELS = np.array(["pos"] * len(POS) + ["neg"] * len(NEG)) .tolist() * 4

LSTM = dict(embedding_dim=16, hidden_size=16, max_epochs=15, lr=1e-2, early_stopping=False,
            validation_fraction=None, random_state=0, device="cpu")


def make_pipe(**lstm):
    return make_pipeline(TextTokenizer(min_frequency=1), LSTMClassifier(**dict(LSTM, **lstm)))


@pytest.mark.parametrize("as_type", [list, np.array, "series"])
def test_fit_predict_on_raw_texts(as_type):
    if as_type == "series":
        pd = pytest.importorskip("pandas")
        X = pd.Series(TEXTS)
    else:
        X = as_type(TEXTS)
    pipe = make_pipe().fit(X, LABELS)
    pred = pipe.predict(["i loved this wonderful film", "awful and boring"])
    assert pred.tolist() == ["pos", "neg"]
    proba = pipe.predict_proba(TEXTS)
    assert pipe.classes_.tolist() == ["neg", "pos"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert pipe.score(TEXTS, LABELS) == 1.0


def test_unseen_words_and_empty_texts_predict():
    pipe = make_pipe(max_epochs=2).fit(TEXTS, LABELS)
    assert pipe.predict(["", "zyzzyva quux", "🎬🍿", "我喜欢这部电影"]).shape == (4,)


def test_nested_params_and_clone():
    pipe = make_pipe()
    pipe.set_params(lstmclassifier__hidden_size=8, texttokenizer__lowercase=False)
    assert pipe.get_params()["lstmclassifier__hidden_size"] == 8
    twin = clone(pipe)
    assert twin.get_params()["lstmclassifier__hidden_size"] == 8
    assert twin.steps[1][1] is not pipe.steps[1][1]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search(n_jobs):
    search = GridSearchCV(make_pipe(max_epochs=8),
                          {"lstmclassifier__pooling": ["max", "mean"]},
                          cv=2, n_jobs=n_jobs)
    search.fit(TEXTS, LABELS)
    assert search.best_params_["lstmclassifier__pooling"] in {"max", "mean"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.7


def test_cross_val_score():
    scores = cross_val_score(make_pipe(max_epochs=8), TEXTS, LABELS, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7


@pytest.mark.parametrize("dump, load", [(pickle.dumps, pickle.loads)])
def test_pipeline_pickle(dump, load, tmp_path):
    pipe = make_pipe(max_epochs=3).fit(TEXTS, LABELS)
    restored = load(dump(pipe))
    np.testing.assert_array_equal(restored.predict_proba(TEXTS), pipe.predict_proba(TEXTS))
    joblib.dump(pipe, tmp_path / "pipe.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "pipe.joblib").predict(TEXTS),
                                  pipe.predict(TEXTS))


def python_blocks(markdown):
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.S)


def test_readme_quick_start_runs_as_written(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the README saves a model in the current folder
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in python_blocks(readme) if "doctest: +SKIP" not in b]
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "['pos' 'neg']" in out


@pytest.mark.slow
def test_imdb_subset_end_to_end(imdb_train_texts):
    texts, y = imdb_train_texts
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(y))[:3000]
    train, test = idx[:2000], idx[2000:]
    pipe = make_pipeline(TextTokenizer(max_features=10_000, max_length=200),
                         LSTMClassifier(max_epochs=4, random_state=0, device="cpu"))
    pipe.fit([texts[i] for i in train], y[train])
    accuracy = pipe.score([texts[i] for i in test], y[test])
    print(f"IMDB 2k/1k subset accuracy: {accuracy:.3f}")
    assert accuracy > 0.7


@pytest.mark.slow
def test_bucketing_keeps_95_percent_real_tokens_on_imdb(imdb_train_texts):
    texts, _ = imdb_train_texts
    ids = TextTokenizer().fit_transform(texts)
    lengths = sequence_lengths(ids)
    from skorch.dataset import Dataset

    it = BucketIterator(Dataset(ids, None), batch_size=64, shuffle=True, random_state=0)
    efficiency = padding_efficiency(lengths, it.batch_indices())
    print(f"IMDB train: real-token share of computed steps {efficiency:.4f}")
    assert efficiency >= 0.95
