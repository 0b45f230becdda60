"""The ``sklstm`` command line: compare, train, predict and explain on your data or IMDB.

One module per command (``_compare``, ``_train``, ``_predict``, ``_explain``),
what they share in ``_common`` and the parser in ``_main``; :func:`main` runs
the command and returns its exit status.
"""

from ._main import main

__all__ = ["main"]
