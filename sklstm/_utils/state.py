"""Fitted attributes: which of an estimator's attributes are its fitted state.

scikit-learn's convention: a fitted attribute's name ends in ``_`` and starts
with a letter. The estimators' safe-state hooks (``get_safe_state``) and
:mod:`sklstm` agree on that here.
"""

import re

__all__ = ["FITTED_ATTRIBUTE", "fitted_attributes"]

FITTED_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]*_$")


def fitted_attributes(estimator, *, exclude=()):
    """The fitted attributes of ``estimator`` (name ending in ``_``), less ``exclude``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from sklstm._utils.state import fitted_attributes
    >>> fitted_attributes(SimpleNamespace(a=1, b_=2, _c_=3, d_=4), exclude={"d_"})
    {'b_': 2}
    """
    return {name: value for name, value in vars(estimator).items()
            if FITTED_ATTRIBUTE.match(name) and name not in exclude}
