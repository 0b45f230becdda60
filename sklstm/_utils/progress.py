"""Progress output that suits where it goes: a bar where a person watches, lines in a log.

A progress bar (tqdm) redraws itself in place: in a terminal or a notebook
that is what a person wants to see, but written to a file or a pipe (a log,
CI) every redraw is one more line of it. :func:`interactive` tells the two
apart, so that sklstm shows a bar there and one line per epoch elsewhere.
"""

import sys

__all__ = ["in_notebook", "interactive"]


def in_notebook():
    """Whether this process is a Jupyter kernel (IPython's ZMQ shell, not its terminal)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - an IPython too old or broken to ask: not a notebook
        return False
    return type(shell).__name__ == "ZMQInteractiveShell"


def interactive(stream=None):
    """Whether output to ``stream`` (default ``sys.stderr``) is watched live: a terminal or a
    notebook, where a progress bar belongs.

    Examples
    --------
    >>> import io
    >>> interactive(io.StringIO())  # a file or a pipe: no bar
    False
    """
    if in_notebook():
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False
