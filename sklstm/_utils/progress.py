"""Progress output that suits where it goes: a bar where a person watches, lines in a log.

A progress bar (tqdm) redraws itself in place: in a terminal or a notebook
that is what a person wants to see, but written to a file or a pipe (a log,
CI) every redraw is one more line of it. :func:`interactive` tells the two
apart, so that sklstm shows a bar there and one line per epoch elsewhere.
"""

import importlib.util
import sys

__all__ = ["in_notebook", "interactive", "progress_bar"]


def in_notebook():
    """Whether this process is a Jupyter kernel: its IPython shell is the ZMQ one or derives
    from it (as Google Colab's does), not IPython's terminal."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - an IPython too old or broken to ask: not a notebook
        return False
    return any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


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


def progress_bar(iterable=None, **options):
    """A tqdm bar over ``iterable`` (or of ``total`` steps): the widget bar in a notebook with
    ipywidgets, the text bar elsewhere (tqdm's widget fails without ipywidgets). Callers show
    one only where :func:`interactive` says a person watches."""
    if in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm import tqdm
    return tqdm(iterable, **options)
