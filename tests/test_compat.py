"""The one door of compatibility (sklstm._compat): every import path of sklstm 0.x still works.

``data/api-0.x.json`` lists the public names of every module of each 0.x
release (``data/list_api.py`` wrote it from the git history). Each must still
import through its 0.x path, be the object that its new home exports, and warn
once (a FutureWarning naming the new path) where the path moved.
"""

import json
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import sklstm
from sklstm import _compat
from sklstm.explain import Explanation, ExplanationList

API = json.loads((Path(__file__).parent / "data" / "api-0.x.json").read_text())
# Names that code or pickles of 0.x used without their module's __all__ listing them.
UNLISTED = {"sklstm.classifier": ["WarmupCosine", "check_labels"],
            "sklstm.datasets": ["IMDB_ARCHIVE"]}
OLD_NAMES = sorted({(module, name) for modules in API.values() for module, names in modules.items()
                    for name in names} | {(m, n) for m, names in UNLISTED.items() for n in names})


def _resolve(module, name):
    """``from <module> import <name>``, and the FutureWarnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = getattr(__import__(module, fromlist=[name]), name)
    assert all(w.category is FutureWarning for w in caught), [str(w.message) for w in caught]
    return value, [str(w.message) for w in caught]


@pytest.mark.parametrize("module, name", OLD_NAMES, ids=lambda v: str(v))
def test_every_name_of_every_0x_module_still_imports(module, name):
    value, messages = _resolve(module, name)
    if module in _compat.MOVED:
        assert len(messages) == 1 and messages[0].startswith(f"{module}.{name} is deprecated")
        assert "removed in 2.0" in messages[0]
        if messages[0].endswith(" instead"):  # a public name: the path it names gives it
            new_path = messages[0].rsplit("use ", 1)[1].removesuffix(" instead")
            assert not any(part.startswith("_") for part in new_path.split(".")), new_path
            new_module, _, new_name = new_path.rpartition(".")
            assert getattr(__import__(new_module, fromlist=[new_name]), new_name) is value
        else:
            assert messages[0].endswith("with no public replacement")
    else:
        assert not messages, f"{module}.{name} did not move, yet it warns"


def test_the_table_covers_every_moved_module():
    modules = {module for module, _ in OLD_NAMES}
    for module in modules - set(_compat.MOVED):
        __import__(module)  # what did not move still exists
    assert set(_compat.MOVED) <= modules


def test_an_old_name_warns_once_and_gives_the_new_object():
    from sklstm.lstm import LSTMClassifier

    with pytest.warns(FutureWarning, match=r"sklstm\.classifier\.LSTMClassifier is deprecated "
                                           r".* use sklstm\.LSTMClassifier instead"):
        from sklstm.classifier import LSTMClassifier as old
    assert old is LSTMClassifier
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from sklstm.classifier import LSTMClassifier as again  # once: no second warning
    assert again is LSTMClassifier


def test_the_warning_points_at_the_users_line():
    with pytest.warns(FutureWarning) as record:
        from sklstm.embeddings import WordVectors  # noqa: F401
    assert record[0].filename == __file__


def test_an_internal_name_says_it_has_no_public_replacement():
    with pytest.warns(FutureWarning, match=r"sklstm\.training\.TrainingRun is deprecated .*: it "
                                           r"is internal from sklstm 1\.0 on \(sklstm\.lstm\."
                                           r"_training\.TrainingRun\), with no public replacement"):
        from sklstm.training import TrainingRun  # noqa: F401


def test_old_modules_are_attributes_of_the_package_too():
    with pytest.warns(FutureWarning, match="sklstm.embeddings.load_word_vectors"):
        assert sklstm.embeddings.load_word_vectors is sklstm.load_word_vectors
    with pytest.raises(AttributeError, match="has no attribute 'no_such_module'"):
        sklstm.no_such_module  # noqa: B018
    with pytest.raises(AttributeError, match="'sklstm.embeddings' has no attribute 'nope'"):
        sklstm.embeddings.nope  # noqa: B018


def test_star_import_of_an_old_module_gives_its_0x_names():
    namespace = {}
    with pytest.warns(FutureWarning):
        exec("from sklstm.word2vec import *", namespace)
    assert {"Word2VecVectors", "word_tokens"} <= set(namespace)


def test_a_pickle_naming_a_0x_module_loads():
    e = Explanation(text="x y", tokens=["x", "y"], weights=np.array([[0.5, -0.5], [0.0, 1.0]]),
                    method="occlusion", columns=["a", "b"], column=1)
    data = pickle.dumps(ExplanationList([e]), protocol=0)  # names its classes in text
    old = data.replace(b"sklstm.explain._result\n", b"sklstm.explanation\n")
    assert old != data
    with pytest.warns(FutureWarning, match="sklstm.explanation.Explanation"):
        [restored] = pickle.loads(old)
    assert isinstance(restored, Explanation) and restored.tokens == ["x", "y"]
    np.testing.assert_array_equal(restored.weights, e.weights)


def test_a_fresh_process_imports_old_paths_and_warns():
    code = ("import warnings; warnings.simplefilter('error', FutureWarning)\n"
            "try:\n    from sklstm.callbacks import TrainingCheckpoint\n"
            "except FutureWarning as w:\n    print(w)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "sklstm.callbacks.TrainingCheckpoint is deprecated" in out
    assert "use sklstm.lstm.callbacks.TrainingCheckpoint instead" in out


def test_deprecated_is_the_one_door_for_other_deprecations():
    with pytest.warns(FutureWarning, match=r"--input is deprecated since sklstm 1\.0 and will be "
                                           r"removed in 2\.0: use DATA instead"):
        _compat.deprecated("--input", "DATA")
