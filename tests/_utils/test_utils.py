"""Tests for sklstm._utils: the private helpers the modules share."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import LSTMClassifier, SelfTrainingClassifier
from sklstm._utils.hashing import array_fingerprint
from sklstm._utils.optional import import_optional, optional_base
from sklstm._utils.pipelines import final_step
from sklstm._utils.state import fitted_attributes
from sklstm._utils.torch import cpu_state_dict, resolve_device
from sklstm._utils.validation import (
    check_iterable,
    check_labels,
    check_positive_int,
    check_row_mask,
    first_missing,
    is_missing,
)
from sklstm._utils.warn import warn_caller


@pytest.mark.parametrize("value, missing", [
    (None, True), (float("nan"), True), (np.float32("nan"), True), (pd.NA, True),
    (pd.NaT, True), (0, False), ("", False), ("nan", False), (np.inf, False),
])
def test_is_missing(value, missing):
    assert is_missing(value) is missing


def test_missing_labels_are_found_alike_for_texts_and_labels():
    """pd.NA counts as missing for labels too (it did only for texts before)."""
    assert first_missing(np.array(["a", pd.NA, "b"], dtype=object)) == 1
    assert first_missing(np.array([1.0, 2.0, np.nan])) == 2
    assert first_missing(np.array([1, 2])) is None
    with pytest.raises(ValueError, match=r"missing label \(<NA>\) at index 1"):
        check_labels(["a", pd.NA, "b", "a"])
    with pytest.raises(ValueError, match=r"missing label .* at index 2"):
        check_labels(pd.Series(["a", "b", None, "a"]))


@pytest.mark.parametrize("value", [0, -1, 2.0, True, "3", None])
def test_check_positive_int_refuses(value):
    with pytest.raises(ValueError, match=r"n must be an integer >= 1, got "):
        check_positive_int(value, "n")


def test_check_positive_int_accepts_numpy_integers():
    assert check_positive_int(np.int64(3), "n") == 3 and type(check_positive_int(
        np.int64(3), "n")) is int


@pytest.mark.parametrize("X, match", [
    ("one text", "single str"), (b"bytes", "single bytes"), (42, "got int"),
    ({"a": 1}, "got dict"), ({"a"}, "got set"), (None, "got NoneType"),
])
def test_check_iterable(X, match):
    with pytest.raises(ValueError, match=match):
        check_iterable(X, name="caller")


def test_optional_imports_name_the_extra():
    assert import_optional("json", extra="compare").__name__ == "json"
    with pytest.raises(ImportError, match=r"pip install 'sklstm\[dask\]'"):
        import_optional("surely_not_installed_pkg.sub", extra="dask")
    assert optional_base("surely_not_installed_pkg", "Plugin") is object


def test_array_fingerprint_sees_values_dtypes_shapes_and_names():
    a = np.arange(6)
    assert array_fingerprint(a) == array_fingerprint(a.copy())
    assert len({array_fingerprint(a), array_fingerprint(a.astype(np.int32)),
                array_fingerprint(a.reshape(2, 3)), array_fingerprint(a, names=["x"]),
                array_fingerprint(np.array(["a", "b"], dtype=object))}) == 5


def test_devices_and_cpu_copies():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") in ("cpu", "cuda")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda:0")
        assert resolve_device("cuda:0", fallback=True) == "cpu"
    layer = torch.nn.Linear(2, 2)
    copy = cpu_state_dict(layer)
    assert set(copy) == {"weight", "bias"} and not copy["weight"].requires_grad
    assert copy["weight"].device.type == "cpu" and copy["weight"].is_contiguous()
    assert torch.equal(copy["weight"], layer.weight.detach())
    assert cpu_state_dict(copy).keys() == copy.keys()  # a state dict works too


def test_fitted_attributes_follow_the_naming_rule():
    class Model:
        pass

    model = Model()
    model.coef_, model.param, model._private_, model.__dunder__ = 1, 2, 3, 4
    assert fitted_attributes(model) == {"coef_": 1}


def test_final_step_follows_nested_pipelines():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = LogisticRegression()
    nested = make_pipeline(StandardScaler(), make_pipeline(StandardScaler(), clf))
    step, prefix = final_step(nested)
    assert step is clf and prefix == "pipeline__logisticregression__"
    nested.set_params(**{f"{prefix}C": 3.0})   # the prefix names its parameters
    assert clf.C == 3.0
    assert final_step(clf) == (clf, "")


def test_row_masks_are_checked_and_become_bool():
    assert check_row_mask(np.array([1, 0, 1]), 3, name="m").dtype == bool
    assert check_row_mask([np.True_, np.False_], 2, name="m").tolist() == [True, False]
    assert check_row_mask(None, 3, name="m") is None
    with pytest.raises(ValueError, match=r"m\[1\] is -1"):
        check_row_mask([0, -1], 2, name="m")


def _emit():
    warn_caller("careful")


def test_warn_caller_names_the_first_frame_outside_the_package():
    with pytest.warns(UserWarning, match="careful") as record:
        _emit()
    assert record[0].filename == __file__
    assert record[0].lineno == _emit.__code__.co_firstlineno + 1   # _emit's line: not in sklstm


def test_warnings_from_deep_in_fit_name_the_users_line(signal_data):
    """Fitted directly, in a Pipeline or inside SelfTrainingClassifier (whose fit sklearn
    wraps), the warning names this file (fixed stacklevels named sklearn's or sklstm's)."""
    X, y = signal_data(n=40)
    params = dict(embedding_dim=4, hidden_size=4, max_epochs=1, early_stopping=False,
                  validation_fraction=None, random_state=0)
    y_partly = np.where(np.arange(40) % 4 == 3, -1, y)
    lstm = LSTMClassifier(**params, unlabeled_label=-1, pretraining=None)
    with pytest.warns(UserWarning, match="10 unlabelled rows are ignored") as direct:
        lstm.fit(X, y_partly)
    with pytest.warns(UserWarning, match="10 unlabelled rows are ignored") as piped:
        make_pipeline(FunctionTransformer(), lstm).fit(X, y_partly)
    with pytest.warns(UserWarning, match="no row of y is unlabelled") as wrapped:
        SelfTrainingClassifier(estimator=LSTMClassifier(**params)).fit(X, y)
    for record in (direct, piped, wrapped):
        assert [w.filename for w in record] == [__file__]
