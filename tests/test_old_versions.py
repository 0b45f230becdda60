"""Models saved by every earlier sklstm version still load and predict as then.

``tests/data/make_model_files.py`` wrote, under each released version, a tiny
classifier pipeline (``model-<version>``) and from 0.2.0 on a regressor pipeline
(``regressor-<version>``), each both as a pickle (``.pkl``) and as sklstm's own
model file (``.sklstm``), and what they predicted (``model-<version>.json``; a
``model-<version>.pkl.json`` beside it holds the pickles' values where they come
from another fit than the kept ``.sklstm`` file, as for 0.1.0).
"""

import json
import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

import sklstm

DATA = Path(__file__).parent / "data"
VERSIONS = ("0.1.0", "0.2.0", "0.3.0", "0.4.0", "1.0.0")
REGRESSOR_SINCE = "0.2.0"
# Probabilities and predictions are compared to the stored ones to within this
# (absolute). Those of 0.2.0 on agree exactly; sklstm 0.1.0 took the softmax in
# float32 (later versions in float64 from the same logits), so its stored
# probabilities differ from today's by up to 1.7e-8.
ATOL = 1e-6

FIXTURES = sorted(path for pattern in ("model-*.pkl", "model-*.sklstm",
                                       "regressor-*.pkl", "regressor-*.sklstm")
                  for path in DATA.glob(pattern))
NAME = re.compile(r"(model|regressor)-(\d+\.\d+\.\d+)\.(pkl|sklstm)")


def _parts(path):
    """``(kind, version, format)`` of a fixture's file name."""
    match = NAME.fullmatch(path.name)
    assert match, f"unexpected fixture name {path.name}"
    return match.groups()


def _expected(path):
    """The stored values that the fixture at ``path`` must reproduce."""
    kind, version, fmt = _parts(path)
    candidates = [f"model-{version}.json"]
    if fmt == "pkl":
        candidates.insert(0, f"model-{version}.pkl.json")
    values = next(json.loads((DATA / name).read_text())
                  for name in candidates if (DATA / name).exists())
    assert values["sklstm_version"] == version
    if kind == "regressor":
        return dict(values["regressor"], probe=values["probe"])
    return values


def _load(path):
    if path.suffix == ".pkl":
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing to warn about...
            warnings.simplefilter("ignore", FutureWarning)  # ...but old names may be deprecated
            return pickle.loads(path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loading an old file warns about nothing
        return sklstm.load(path)


def _outputs(kind, pipe, probe):
    return pipe.predict(probe) if kind == "regressor" else pipe.predict_proba(probe)


def test_fixtures_of_every_earlier_version_are_present():
    names = {path.name for path in DATA.iterdir()}
    missing = []
    for version in VERSIONS:
        wanted = [f"model-{version}.json", f"model-{version}.sklstm", f"model-{version}.pkl"]
        if tuple(map(int, version.split("."))) >= tuple(map(int, REGRESSOR_SINCE.split("."))):
            wanted += [f"regressor-{version}.sklstm", f"regressor-{version}.pkl"]
        missing += [name for name in wanted if name not in names]
    assert not missing, f"fixtures missing from tests/data: {missing}"
    assert {path.name for path in FIXTURES} <= names and len(FIXTURES) >= 14


def test_fixtures_are_small():
    for path in FIXTURES:
        assert path.stat().st_size < 1_000_000, path.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_old_model_loads_and_predicts_as_then(path, tmp_path):
    kind = _parts(path)[0]
    expected = _expected(path)
    probe = expected["probe"]
    pipe = _load(path)

    assert isinstance(pipe, Pipeline)
    estimator = pipe[-1]
    wanted = sklstm.LSTMRegressor if kind == "regressor" else sklstm.LSTMClassifier
    assert type(estimator) is wanted
    assert type(pipe[0]) is sklstm.TextTokenizer
    np.testing.assert_array_equal(pipe[0].transform(probe), expected["ids"])
    assert pipe[0].transform(probe).tolist() == expected["ids"]
    assert len(estimator.history_) == estimator.n_iter_ == expected["n_epochs"]
    assert estimator.vocab_size_ == pipe[0].vocab_size_
    outputs = _outputs(kind, pipe, probe)
    if kind == "regressor":
        np.testing.assert_allclose(outputs, expected["predict"], rtol=0, atol=ATOL)
    else:
        assert pipe.classes_.tolist() == expected["classes"]
        assert estimator.classes_.tolist() == expected["classes"]
        np.testing.assert_allclose(outputs, expected["predict_proba"], rtol=0, atol=ATOL)
        np.testing.assert_array_equal(
            pipe.predict(probe), np.asarray(expected["classes"])[np.argmax(outputs, axis=1)])

    # Saved and pickled again by this version, it is the same model.
    again = sklstm.load(sklstm.save(pipe, tmp_path / "again.sklstm"))
    np.testing.assert_array_equal(_outputs(kind, again, probe), outputs)
    repickled = pickle.loads(pickle.dumps(pipe, protocol=pickle.HIGHEST_PROTOCOL))
    np.testing.assert_array_equal(_outputs(kind, repickled, probe), outputs)
    if kind != "regressor":
        assert again.classes_.tolist() == repickled.classes_.tolist() == expected["classes"]
