"""Fingerprints of arrays: what identifies data for caches and checkpoints."""

import hashlib

import numpy as np

__all__ = ["array_fingerprint"]


def array_fingerprint(*arrays, names=None):
    """sha256 of arrays' shapes, dtypes and values, as a hex string.

    Parameters
    ----------
    *arrays : array-like
        Numeric arrays are hashed by their bytes, object arrays by the
        ``repr`` of their values.
    names : sequence of str or None, default=None
        Names hashed before each array (so that swapping two arrays of the
        same shape changes the fingerprint).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm._utils.hashing import array_fingerprint
    >>> a = array_fingerprint(np.arange(3))
    >>> a == array_fingerprint(np.arange(3)), a == array_fingerprint(np.arange(3.0))
    (True, False)
    """
    digest = hashlib.sha256()
    for i, array in enumerate(arrays):
        array = np.ascontiguousarray(array)
        prefix = f"{names[i]}:{array.dtype.str}:{array.shape}" if names else \
            f"{array.dtype.str}{array.shape}"
        digest.update(prefix.encode())
        digest.update(array.tobytes() if array.dtype.kind != "O" else repr(array.tolist()).encode())
    return digest.hexdigest()
