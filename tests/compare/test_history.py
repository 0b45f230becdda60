"""Tests for sklstm.compare._history: finding an LSTM's training history inside a pipeline."""

import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm.compare import HISTORY_KEYS, history_records, training_history


class Fitted:
    def __init__(self, history, attribute="history_"):
        setattr(self, attribute, history)


ROWS = [{"epoch": 1, "train_loss": 0.7, "valid_loss": 0.6, "valid_acc": 0.5, "dur": 1.0,
         "batches": [{"train_loss": 0.7}]}]


@pytest.mark.parametrize("attribute", ["history_", "history"])
def test_found_on_an_estimator_a_net_and_the_last_step_of_a_pipeline(attribute):
    model = Fitted(ROWS, attribute)
    assert training_history(model) is ROWS
    earlier = Fitted([{"epoch": 9}])
    pipe = make_pipeline(FunctionTransformer(), earlier, model)
    assert training_history(pipe) is ROWS


def test_records_keep_the_reported_keys_only():
    assert history_records(Fitted(ROWS)) == [{key: ROWS[0][key] for key in HISTORY_KEYS}]
    assert history_records(make_pipeline(FunctionTransformer())) == []


def test_no_history_is_a_type_error_naming_the_estimator():
    with pytest.raises(TypeError, match="FunctionTransformer has no training history"):
        training_history(FunctionTransformer())
