"""Warnings that point at the user's line, however deep in sklstm they are raised."""

import os
import sys
import warnings
from pathlib import Path

__all__ = ["warn_caller"]

#: Packages whose frames sit between a user's call and sklstm's code (a
#: Pipeline's fit, skorch's training loop, joblib's dispatch): a warning
#: skips them as it skips sklstm's own.
_THROUGH = ("sklstm", "sklearn", "skorch", "joblib")


def _package_dirs():
    """The folders of the packages in ``_THROUGH`` that are imported, with a trailing separator."""
    dirs = []
    for name in _THROUGH:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if file:
            dirs.append(os.path.join(Path(file).resolve().parent, ""))
            dirs.append(os.path.join(Path(file).parent, ""))
    return tuple(dict.fromkeys(dirs))


def warn_caller(message, category=UserWarning):
    """``warnings.warn`` attributed to the first frame outside sklstm and its libraries.

    A fixed ``stacklevel`` is right for one call path only: ``fit`` called
    directly, through a Pipeline or from a meta-estimator puts a different
    number of frames between the user and the warning. This walks the stack
    instead (as Python 3.12's ``skip_file_prefixes`` does), so the warning
    names the user's file and line and ``-W error`` filters by module work.

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning, default=UserWarning
        The warning's class.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_caller("careful")
    >>> str(caught[0].message), caught[0].filename == __file__   # here, not in warn.py
    ('careful', False)
    """
    prefixes = _package_dirs()
    frame, level = sys._getframe(1), 2  # level 2: warn_caller's caller
    while frame is not None and frame.f_code.co_filename.startswith(prefixes):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level if frame is not None else 2)
