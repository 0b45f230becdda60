"""Atomic file writing: a file appears whole under its name, or not at all.

Every file sklstm writes for a user (data caches, downloads, plots, JSON
reports) is written to a new temporary file in the same folder, flushed to
disk and then renamed into place, so an interruption never leaves a partial
file where it would be read as valid. :func:`json_default` is the one
conversion of NumPy and torch values that the JSON files sklstm writes (reports,
checkpoints, model files) share.
"""

import os
import secrets
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

__all__ = ["atomic_file", "json_default", "temp_path"]


def json_default(value):
    """``default`` of :func:`json.dumps`: NumPy scalars and arrays, one-value tensors.

    Anything else becomes its ``str``.
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    return str(value)


def temp_path(directory, prefix, suffix):
    """Create an empty, new file in ``directory``; return its fd and path.

    Unlike :func:`tempfile.mkstemp` the file gets the usual permissions
    (0o666 less the umask), so it can be renamed into place as it is.
    """
    while True:
        path = Path(directory) / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


@contextmanager
def atomic_file(path, *, suffix=".tmp"):
    """Open a temporary file beside ``path`` for binary writing; move it there on success.

    The folder is created if needed. On any error, Ctrl-C included, the
    temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    suffix : str, default='.tmp'
        Ending of the temporary file's name.

    Yields
    ------
    f : binary file object
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_path(path.parent, f".{path.name}.", suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
