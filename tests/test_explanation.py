"""What explain() returns (sklstm.explanation), built by hand: weights by column, and the
names and pickles of sklstm 0.4, which found these classes in sklstm.explain."""

import pickle

import numpy as np

import sklstm.explain
import sklstm.explanation
from sklstm.explanation import Explanation, ExplanationList


def _by_hand():
    return Explanation(text="x y", tokens=["x", "y"], weights=np.array([[0.5, -0.5], [0.0, 1.0]]),
                       method="occlusion", columns=["a", "b"], column=1)


def test_explanation_by_hand():
    e = _by_hand()
    assert e.top_tokens() == [("y", 1.0), ("x", -0.5)]
    assert e.column_weights(-2).tolist() == [0.5, 0.0]
    assert e.column_weights("a").tolist() == [0.5, 0.0]


def test_the_old_import_path_names_the_same_classes():
    for name in ["Explanation", "ExplanationList", "explanations_html", "plot_explanation"]:
        assert getattr(sklstm.explain, name) is getattr(sklstm.explanation, name)
        assert name in sklstm.explain.__all__


def test_a_pickle_naming_sklstm_explain_still_loads():
    # Protocol 0 names the class in text: rewrite it as sklstm 0.4 wrote it.
    data = pickle.dumps(ExplanationList([_by_hand()]), protocol=0)
    old = data.replace(b"sklstm.explanation\n", b"sklstm.explain\n")
    assert old != data and b"sklstm.explanation\n" not in old
    [e] = pickle.loads(old)
    assert isinstance(e, Explanation) and e.tokens == ["x", "y"]
    np.testing.assert_array_equal(e.weights, _by_hand().weights)
