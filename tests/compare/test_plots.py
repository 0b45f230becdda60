"""Tests of sklstm.compare._plots: score bars, training curves, confusion matrices."""

import re

import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from skorch import NeuralNetClassifier

from sklstm.compare import plot_confusion_matrices, plot_scores, plot_training_curves

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

FULL_HISTORY = [
    {"epoch": 1, "train_loss": 0.69, "valid_loss": 0.65, "valid_acc": 0.60, "dur": 1.0},
    {"epoch": 2, "train_loss": 0.50, "valid_loss": 0.55, "valid_acc": 0.75, "dur": 1.0},
    {"epoch": 3, "train_loss": 0.30, "valid_loss": 0.52, "valid_acc": 0.80, "dur": 1.0},
]


class FakeLSTM(ClassifierMixin, BaseEstimator):
    """Stands in for a fitted LSTMClassifier: fit records a given history."""

    def __init__(self, *, history=None):
        self.history = history

    def fit(self, X, y):
        self.history_ = list(self.history)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _fitted(history):
    return FakeLSTM(history=history).fit([[0], [1]], [0, 1])


def _assert_png(path):
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert list(path.parent.iterdir()) == [path]  # no *.tmp left behind


# ---------------------------------------------------------------- plot_scores


def test_plot_scores_draws_one_labelled_bar_per_model(tmp_path):
    table = pd.DataFrame({"accuracy": [0.906, 0.912, 0.5], "f1_macro": [0.9, 0.91, 0.33]},
                         index=pd.Index(["logreg", "nbsvm", "majority"], name="model"))
    path = tmp_path / "scores.png"
    figure = plot_scores(table, path=path)
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([0.906, 0.912, 0.5])
    assert [label.get_text() for label in ax.get_yticklabels()] == ["logreg", "nbsvm",
                                                                    "majority"]
    assert ax.get_xlabel() == "accuracy"
    assert [text.get_text() for text in ax.texts] == ["0.906", "0.912", "0.5"]
    _assert_png(path)

    figure = plot_scores(table, metric="f1_macro")
    assert [bar.get_width() for bar in figure.axes[0].patches] == pytest.approx(
        [0.9, 0.91, 0.33])


def test_plot_scores_shows_cross_validation_spread():
    table = pd.DataFrame({"accuracy": [0.9, 0.8], "cv_accuracy_mean": [0.88, 0.79],
                          "cv_accuracy_std": [0.01, 0.02]}, index=["a", "b"])
    ax = plot_scores(table).axes[0]
    (segments,) = [collection.get_segments() for collection in ax.collections]
    np.testing.assert_allclose([segment[:, 0] for segment in segments],
                               [[0.89, 0.91], [0.78, 0.82]])
    assert len(plot_scores(table[["accuracy"]]).axes[0].collections) == 0


def test_plot_scores_errors():
    table = pd.DataFrame({"accuracy": [0.9]}, index=["a"])
    with pytest.raises(ValueError, match=re.escape("metric 'f1' is not a column of the "
                                                   "table; its columns are ['accuracy']")):
        plot_scores(table, metric="f1")
    with pytest.raises(ValueError, match="no rows"):
        plot_scores(table.iloc[:0])
    with pytest.raises(TypeError):
        plot_scores(table, None, "accuracy")


def test_failed_save_leaves_no_file(tmp_path):
    table = pd.DataFrame({"accuracy": [0.9]}, index=["a"])
    with pytest.raises(ValueError, match="not-a-format"):
        plot_scores(table, path=tmp_path / "scores.not-a-format")
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_an_existing_file_and_honours_the_suffix(tmp_path):
    table = pd.DataFrame({"accuracy": [0.9]}, index=["a"])
    path = tmp_path / "scores.svg"
    path.write_text("old")
    plot_scores(table, path=str(path))
    assert "<svg" in path.read_text()
    assert list(tmp_path.iterdir()) == [path]


# ------------------------------------------------------- plot_training_curves


def _lines(ax):
    return {line.get_label(): (line.get_xdata().tolist(), line.get_ydata().tolist())
            for line in ax.lines}


def test_training_curves_of_a_fitted_estimator(tmp_path):
    path = tmp_path / "curves.png"
    figure = plot_training_curves(_fitted(FULL_HISTORY), path=path)
    loss_ax, acc_ax = figure.axes
    assert (loss_ax.get_ylabel(), acc_ax.get_ylabel()) == ("loss", "accuracy")
    assert _lines(loss_ax) == {"train_loss": ([1, 2, 3], [0.69, 0.50, 0.30]),
                               "valid_loss": ([1, 2, 3], [0.65, 0.55, 0.52])}
    assert _lines(acc_ax) == {"valid_acc": ([1, 2, 3], [0.60, 0.75, 0.80])}
    _assert_png(path)


def test_training_curves_without_validation_have_only_a_loss_panel():
    history = [{"epoch": 1, "train_loss": 0.7}, {"epoch": 2, "train_loss": 0.4}]
    (ax,) = plot_training_curves(_fitted(history)).axes
    assert _lines(ax) == {"train_loss": ([1, 2], [0.7, 0.4])}


def test_training_curves_tolerate_missing_keys():
    history = [{"train_loss": 0.7}, {"train_loss": 0.5, "valid_loss": 0.6, "valid_acc": 0.7}]
    loss_ax, _ = plot_training_curves(_fitted(history)).axes
    epochs, valid = _lines(loss_ax)["valid_loss"]
    assert epochs == [1, 2]  # numbered from 1 when 'epoch' is missing
    assert np.isnan(valid[0]) and valid[1] == 0.6


def test_training_curves_use_the_last_step_with_a_history():
    early = FakeLSTM(history=[{"epoch": 1, "train_loss": 9.0}])
    last = FakeLSTM(history=FULL_HISTORY)
    pipe = make_pipeline(FunctionTransformer(), early, last, "passthrough")
    pipe.steps[1] = ("early", early.fit([[0], [1]], [0, 1]))
    pipe.steps[2] = ("last", last.fit([[0], [1]], [0, 1]))
    loss_ax, _ = plot_training_curves(pipe).axes
    assert _lines(loss_ax)["train_loss"][1] == [0.69, 0.50, 0.30]


def test_training_curves_of_a_real_skorch_net():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Softmax(dim=-1)),
        max_epochs=2, lr=0.1, verbose=0)
    pipe = make_pipeline(StandardScaler(), net).fit(X, y)
    loss_ax, acc_ax = plot_training_curves(pipe).axes
    assert set(_lines(loss_ax)) == {"train_loss", "valid_loss"}
    epochs, valid_acc = _lines(acc_ax)["valid_acc"]
    assert epochs == [1, 2]
    assert valid_acc == net.history[:, "valid_acc"]


def test_training_curves_errors():
    with pytest.raises(TypeError, match="FakeLSTM has no training history"):
        plot_training_curves(FakeLSTM())
    with pytest.raises(TypeError, match="Pipeline has no training history"):
        plot_training_curves(make_pipeline(StandardScaler()))
    with pytest.raises(ValueError, match="history is empty"):
        plot_training_curves(_fitted([]))
    with pytest.raises(ValueError, match=re.escape("its keys are ['dur', 'epoch']")):
        plot_training_curves(_fitted([{"epoch": 1, "dur": 0.1}]))


# ---------------------------------------------------- plot_confusion_matrices


def _counts(ax):
    return [int(text.get_text()) for text in ax.texts]


def test_confusion_matrices_one_panel_per_model(tmp_path):
    y_true = ["neg", "neg", "pos", "pos", "pos"]
    predictions = {"lstm": ["neg", "pos", "pos", "pos", "neg"],
                   "nbsvm": np.array(["neg", "neg", "pos", "pos", "pos"])}
    path = tmp_path / "confusion.png"
    figure = plot_confusion_matrices(y_true, predictions, path=path)
    lstm_ax, nbsvm_ax = figure.axes[:2]
    assert (lstm_ax.get_title(), nbsvm_ax.get_title()) == ("lstm", "nbsvm")
    # Row-major cells: (true neg, pred neg), (neg, pos), (pos, neg), (pos, pos).
    assert _counts(lstm_ax) == [1, 1, 1, 2]
    assert _counts(nbsvm_ax) == [2, 0, 0, 3]
    assert [label.get_text() for label in lstm_ax.get_xticklabels()] == ["neg", "pos"]
    assert lstm_ax.get_xlabel() == "predicted label"
    _assert_png(path)


def test_confusion_matrices_labels_set_order_and_extra_classes():
    figure = plot_confusion_matrices([0, 1, 1], {"m": [0, 1, 2]}, labels=[2, 1, 0])
    (ax,) = figure.axes
    assert [label.get_text() for label in ax.get_yticklabels()] == ["2", "1", "0"]
    assert _counts(ax) == [0, 0, 0,
                           1, 1, 0,
                           0, 0, 1]
    # Without labels, predicted-only classes still get a row and a column.
    assert len(plot_confusion_matrices([0, 1, 1], {"m": [0, 1, 2]}).axes[0].texts) == 9


def test_confusion_matrices_errors():
    with pytest.raises(ValueError, match="predictions is empty"):
        plot_confusion_matrices([0, 1], {})
    with pytest.raises(ValueError, match=re.escape("predictions['m'] has 1 labels but "
                                                   "y_true has 2")):
        plot_confusion_matrices([0, 1], {"m": [0]})


def test_data_summary_counts_classes_and_lengths(tmp_path):
    from sklstm.compare import plot_data_summary

    texts = ["one two three", "one", "a b", "x y z w"]
    figure = plot_data_summary(texts, ["b", "a", "b", "b"], path=tmp_path / "data.png")
    bars, hist = figure.axes
    assert [t.get_text() for t in bars.get_yticklabels()] == ["b", "a"]  # largest first
    assert [p.get_width() for p in bars.patches] == [3, 1]
    assert hist.get_title() == "length in words (median 2.5)"
    assert sum(p.get_height() for p in hist.patches) == 4
    assert (tmp_path / "data.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="no texts"):
        plot_data_summary([], [])
    with pytest.raises(ValueError, match="texts has 2 entries but labels has 1"):
        plot_data_summary(["a", "b"], ["x"])
