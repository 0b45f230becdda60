"""Tests of sklstm.compare._comparison.compare."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score, f1_score
from sklearn.utils.validation import check_is_fitted

from sklstm.compare import ComparisonResult, compare, make_nbsvm, make_tfidf_logreg

GOOD = ["great", "wonderful", "superb", "lovely", "brilliant"]
BAD = ["awful", "boring", "dull", "terrible", "dreadful"]


def _corpus(templates):
    texts = [template.format(word) for words in (GOOD, BAD)
             for template in templates for word in words]
    labels = ["pos"] * (len(texts) // 2) + ["neg"] * (len(texts) // 2)
    return texts, labels


X_TRAIN, Y_TRAIN = _corpus(["a {} film", "the acting was {}", "{0} story, {0} cast"])
X_TEST, Y_TEST = _corpus(["what a {} movie", "{} acting"])
BASIC_COLUMNS = ["accuracy", "f1_macro", "fit_seconds", "predict_seconds"]


def _models():
    return {"nbsvm": make_nbsvm(random_state=0),
            "logreg": make_tfidf_logreg(min_df=1),
            "majority": DummyClassifier(strategy="most_frequent")}


def test_table_has_one_row_per_model_in_order():
    table = compare(_models(), X_TRAIN, Y_TRAIN, X_TEST, Y_TEST)
    assert isinstance(table, pd.DataFrame)
    assert table.index.tolist() == ["nbsvm", "logreg", "majority"]
    assert table.index.name == "model"
    assert table.columns.tolist() == BASIC_COLUMNS
    assert table.loc["nbsvm", "accuracy"] == 1.0
    assert table.loc["logreg", "accuracy"] == 1.0
    # The majority class of a balanced set is right half of the time.
    assert table.loc["majority", "accuracy"] == 0.5
    assert table.loc["majority", "f1_macro"] == pytest.approx(1 / 3)
    assert (table[["fit_seconds", "predict_seconds"]] > 0).all().all()


def test_estimators_are_cloned_and_returned_fitted():
    models = _models()
    result = compare(models, X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, return_estimators=True)
    assert isinstance(result, ComparisonResult)
    table, fitted, predictions = result
    assert result.table is table
    for name, model in models.items():
        with pytest.raises(NotFittedError):
            check_is_fitted(model)
        assert fitted[name] is not model
        check_is_fitted(fitted[name])
        np.testing.assert_array_equal(predictions[name], fitted[name].predict(X_TEST))
        assert table.loc[name, "accuracy"] == accuracy_score(Y_TEST, predictions[name])
        assert table.loc[name, "f1_macro"] == f1_score(Y_TEST, predictions[name],
                                                       average="macro")


def test_cross_validation_columns():
    models = {"logreg": make_tfidf_logreg(min_df=1),
              "majority": DummyClassifier(strategy="most_frequent")}
    table = compare(models, X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, cv=3)
    assert table.columns.tolist() == BASIC_COLUMNS + ["cv_accuracy_mean", "cv_accuracy_std"]
    assert table.loc["logreg", "cv_accuracy_mean"] > 0.9
    # cv=3 means stratified folds for a classifier: each is half pos, half neg.
    assert table.loc["majority", "cv_accuracy_mean"] == 0.5
    assert table.loc["majority", "cv_accuracy_std"] == 0.0
    assert (table["cv_accuracy_std"] >= 0).all()

    table = compare(models, X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, cv=3, scoring="f1_macro")
    assert {"cv_f1_macro_mean", "cv_f1_macro_std"} <= set(table.columns)


def test_accepts_arrays_and_series():
    table = compare({"nbsvm": make_nbsvm(random_state=0)}, np.array(X_TRAIN),
                    pd.Series(Y_TRAIN), pd.Series(X_TEST), np.array(Y_TEST))
    assert table.loc["nbsvm", "accuracy"] == 1.0


def test_verbose_prints_one_line_per_model(capsys):
    compare(_models(), X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["nbsvm", "logreg", "majority"]
    assert "accuracy=0.5000" in lines[2]


@pytest.mark.parametrize("models, error, message", [
    ({}, ValueError, "models is empty"),
    ([make_nbsvm()], TypeError, "models must be a dict"),
    ({"ok": make_nbsvm(), "oops": "not a model"}, TypeError,
     "models['oops'] is not a scikit-learn estimator: a str has no fit, predict"),
    ({"cls": DummyClassifier}, TypeError,
     "models['cls'] is the class DummyClassifier, not an estimator: pass DummyClassifier()"),
])
def test_bad_models(models, error, message):
    with pytest.raises(error, match=re.escape(message)):
        compare(models, X_TRAIN, Y_TRAIN, X_TEST, Y_TEST)


def test_length_mismatch_names_the_lengths():
    models = _models()
    with pytest.raises(ValueError, match="X_train has 30 samples but y_train has 29"):
        compare(models, X_TRAIN, Y_TRAIN[:-1], X_TEST, Y_TEST)
    with pytest.raises(ValueError, match="X_test has 19 samples but y_test has 20"):
        compare(models, X_TRAIN, Y_TRAIN, X_TEST[:-1], Y_TEST)
    with pytest.raises(ValueError, match="X_test is empty"):
        compare(models, X_TRAIN, Y_TRAIN, [], [])
    with pytest.raises(TypeError, match="X_train must be a sequence"):
        compare(models, 3, Y_TRAIN, X_TEST, Y_TEST)


def test_keyword_only_options():
    with pytest.raises(TypeError):
        compare(_models(), X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, 3)


# ------------------------------------------------------------------ cross_compare

def test_cross_compare_predicts_every_text_out_of_fold():
    from sklstm.compare import cross_compare

    X, y = X_TRAIN, Y_TRAIN
    table, fitted, predictions = cross_compare(
        {"dummy": DummyClassifier(strategy="most_frequent"), "nbsvm": make_nbsvm(random_state=0)},
        X, y, cv=4, random_state=0, return_estimators=True)
    assert list(table.index) == ["dummy", "nbsvm"]
    assert {"accuracy", "f1_macro", "fit_seconds", "cv_accuracy_mean",
            "cv_accuracy_std"} <= set(table.columns)
    assert len(predictions["nbsvm"]) == len(y)
    assert table.loc["nbsvm", "accuracy"] == accuracy_score(y, predictions["nbsvm"])
    # Out of fold: the majority class of the other folds, so not always one label.
    assert table.loc["dummy", "accuracy"] < 0.75
    check_is_fitted(fitted["nbsvm"])


@pytest.mark.parametrize("cv, message", [(1, "cv must be an integer >= 2"),
                                         (True, "cv must be an integer >= 2"),
                                         (50, "fewer than the 50 folds")])
def test_cross_compare_bad_folds(cv, message):
    from sklstm.compare import cross_compare

    X, y = X_TRAIN, Y_TRAIN
    with pytest.raises(ValueError, match=message):
        cross_compare({"dummy": DummyClassifier()}, X, y, cv=cv)
