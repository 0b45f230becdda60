"""TextTokenizer + LSTMClassifier together, as users combine them."""

import pickle
import re
import textwrap
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.lstm import BucketIterator, padding_efficiency, sequence_lengths

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


class CountingTokenizer(TextTokenizer):
    """Records the number of texts of each fit (a module-level class: joblib hashes it)."""

    fits = []

    def fit(self, X, y=None):
        CountingTokenizer.fits.append(len(X))
        return super().fit(X, y)

    def fit_transform(self, X, y=None):  # what a pipeline calls
        CountingTokenizer.fits.append(len(X))
        return super().fit_transform(X, y)


@pytest.mark.parametrize("memory, expected", [(None, 4), ("cache", 2)])
def test_a_grid_over_classifier_parameters_tokenizes_once_per_fold(memory, expected, tmp_path):
    CountingTokenizer.fits.clear()
    pipe = Pipeline([("texttokenizer", CountingTokenizer(min_frequency=1)),
                     ("lstmclassifier", LSTMClassifier(**dict(LSTM, max_epochs=1)))],
                    memory=memory and str(tmp_path / memory))
    search = GridSearchCV(pipe, {"lstmclassifier__hidden_size": [4, 8]}, cv=2, refit=False)
    # Numbered texts: the folds' training halves differ (TEXTS repeats itself).
    search.fit([f"{text} n{i}" for i, text in enumerate(TEXTS)], LABELS)
    # Two candidates, two folds: the cache fits the tokenizer once per fold.
    assert len(CountingTokenizer.fits) == expected
    assert sorted(set(CountingTokenizer.fits)) == [len(TEXTS) // 2]


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


def rst_python_blocks(text):
    """The ``.. code-block:: python`` blocks of an RST page, dedented."""
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", text)
    return [textwrap.dedent(block) for block in blocks]


def test_readme_quick_start_and_the_tour_run_as_written(capsys, tmp_path, monkeypatch):
    """The README's quick start, then the user guide's tour, which continues it."""
    monkeypatch.chdir(tmp_path)  # the tour saves a model in the current folder
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    tour = (root / "docs" / "user_guide" / "tour.rst").read_text(encoding="utf-8")
    blocks = [b for b in python_blocks(readme) + rst_python_blocks(tour)
              if "doctest: +SKIP" not in b]
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "['pos' 'neg']" in out
    assert "['pos' 'neg'] 10" in out   # self-training: its predictions, its pseudo-labels


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


# ------------------------------------------------------------ notebook niceties


def test_html_repr_shows_both_steps_and_their_changed_params():
    from sklearn.utils import estimator_html_repr

    pipe = make_pipeline(TextTokenizer(level="char"), LSTMClassifier(hidden_size=32))
    html = estimator_html_repr(pipe)
    assert "TextTokenizer" in html and "LSTMClassifier" in html
    assert "hidden_size" in html and "char" in html
    assert "LSTMClassifier" in pipe._repr_html_()  # what Jupyter displays
    fitted = make_pipe(max_epochs=1).fit(TEXTS, LABELS)
    assert "fitted" in estimator_html_repr(fitted).lower()


def test_tokenizer_output_is_numpy_only():
    tokenizer = TextTokenizer(min_frequency=1)
    assert not hasattr(tokenizer, "get_feature_names_out")
    assert tokenizer.set_output(transform="default") is tokenizer
    assert tokenizer.set_output() is tokenizer
    for container in ("pandas", "polars"):
        with pytest.raises(ValueError, match=f"cannot make '{container}' output: its "
                                             "columns are token positions"):
            tokenizer.set_output(transform=container)


def test_pipeline_set_output_and_global_pandas_config():
    import sklearn

    pipe = make_pipe(max_epochs=1)
    assert pipe.set_output(transform="default") is pipe
    with pytest.raises(ValueError, match="TextTokenizer cannot make 'pandas' output"):
        pipe.set_output(transform="pandas")
    with sklearn.config_context(transform_output="pandas"):
        ids = TextTokenizer(min_frequency=1).fit_transform(TEXTS)
        assert isinstance(ids, np.ndarray)
        assert make_pipe(max_epochs=1).fit(TEXTS, LABELS).predict(TEXTS[:2]).shape == (2,)


@pytest.mark.parametrize("has_widgets", [True, False])
def test_progress_bar_in_terminals_and_notebooks(monkeypatch, capsys, has_widgets):
    import importlib.util

    from skorch.callbacks import ProgressBar

    from sklstm.lstm import _training

    monkeypatch.setattr(_training, "interactive", lambda: True)  # a terminal, or a notebook

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: (
        (real_find_spec(name, *args) if has_widgets else None) if name == "ipywidgets"
        else real_find_spec(name, *args)))
    if not has_widgets:
        # A Jupyter kernel without ipywidgets: the text bar, not tqdm's failing widget bar.
        monkeypatch.setattr(ProgressBar, "in_ipynb", lambda self: True)
    clf = make_pipe(max_epochs=2, verbose=1).fit(TEXTS, LABELS)[-1]
    bar = dict(clf.net_.callbacks_)["progress_bar"]
    assert bar.detect_notebook is has_widgets
    err = capsys.readouterr().err
    assert "it/s" in err or "s/it" in err  # tqdm's text bar, in the terminal


def test_a_log_gets_one_line_per_epoch_and_no_bar(capsys):
    """Output to a file or a pipe (as pytest captures it): the epoch table, no bar redraws."""
    clf = make_pipe(max_epochs=3, verbose=1).fit(TEXTS, LABELS)[-1]
    assert "progress_bar" not in dict(clf.net_.callbacks_)
    out, err = capsys.readouterr()
    assert "\r" not in out + err
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 2 + clf.n_iter_  # header, rule, then one line an epoch
    assert lines[0].split()[0] == "epoch" and [line.split()[0] for line in lines[2:]] == \
        [str(epoch) for epoch in range(1, clf.n_iter_ + 1)]


def test_holdout_stacking_with_frozen_pipelines():
    """The user guide's recipe: frozen base models, a stack fitted on held-out texts."""
    from sklearn.ensemble import StackingClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    from sklstm.compare import make_nbsvm

    lstm = make_pipe().fit(TEXTS, LABELS)
    nbsvm = make_nbsvm(random_state=0).fit(TEXTS, LABELS)
    stack = StackingClassifier(
        [("lstm", FrozenEstimator(lstm)), ("nbsvm", FrozenEstimator(nbsvm))],
        final_estimator=LogisticRegression())
    held_out = ["wonderful film", "boring and awful", "loved it", "hated the plot"] * 3
    held_labels = ["pos", "neg", "pos", "neg"] * 3
    before = lstm.named_steps["lstmclassifier"].module_.output.weight.detach().clone()
    stack.fit(held_out, held_labels)
    # The bases were not refitted; the stack reads the LSTM's probability and
    # NB-SVM's decision function (it has no predict_proba).
    assert stack.estimators_[0].estimator is lstm
    assert torch.equal(before, lstm.named_steps["lstmclassifier"].module_.output.weight)
    features = stack.transform(held_out)
    np.testing.assert_allclose(features[:, 0], lstm.predict_proba(held_out)[:, 1], rtol=1e-6)
    np.testing.assert_allclose(features[:, 1], nbsvm.decision_function(held_out), rtol=1e-6)
    assert stack.predict(["i loved this wonderful film", "awful and boring"]).tolist() == [
        "pos", "neg"]
    # Refitting a base in place on all the texts: the stack keeps its weights
    # and reads the refitted model (the frozen wrapper holds the same object).
    weights = stack.final_estimator_.coef_.copy()
    nbsvm.fit(TEXTS + held_out, LABELS + held_labels)
    refitted = stack.transform(held_out)[:, 1]
    np.testing.assert_allclose(refitted, nbsvm.decision_function(held_out), rtol=1e-6)
    assert not np.allclose(refitted, features[:, 1])
    np.testing.assert_array_equal(stack.final_estimator_.coef_, weights)
