"""What explain() returns (sklstm.explain._result), built by hand: weights by column."""

import numpy as np

from sklstm.explain import Explanation


def _by_hand():
    return Explanation(text="x y", tokens=["x", "y"], weights=np.array([[0.5, -0.5], [0.0, 1.0]]),
                       method="occlusion", columns=["a", "b"], column=1)


def test_explanation_by_hand():
    e = _by_hand()
    assert e.top_tokens() == [("y", 1.0), ("x", -0.5)]
    assert e.column_weights(-2).tolist() == [0.5, 0.0]
    assert e.column_weights("a").tolist() == [0.5, 0.0]
