"""Downloading a file safely: atomically, its sha256 checked, never left partial.

:func:`fetch` is what :func:`~sklstm.datasets.load_imdb` downloads its archive
with; errors name the URL, what went wrong and what the user can do instead.
"""

import hashlib
import logging
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .._utils.files import temp_path
from .._utils.progress import interactive, progress_bar

__all__ = ["fetch"]

logger = logging.getLogger(__name__)




def fetch(url, dest, sha256, *, hint="", timeout=60.0, chunk_size=1 << 20, verbose=None):
    """Download ``url`` to ``dest`` atomically and verify its sha256.

    The data goes to a temporary ``<dest>.<random>.part`` file in the same
    folder, which is renamed to ``dest`` (``os.replace``) only once the
    transfer is complete and the checksum matches; on any failure it is
    deleted, so ``dest`` is never left partial or corrupt.

    Parameters
    ----------
    url : str
        What to download (``urllib.request`` is used).
    dest : path-like
        The final path; its folder is created if needed.
    sha256 : str
        Expected hex digest of the file.
    hint : str, default=""
        What the user can do instead, appended to every error message.
    timeout : float, default=60.0
        Socket timeout in seconds.
    chunk_size : int, default=1 MiB
        Read size.
    verbose : bool, default=None
        Show a progress bar (tqdm); None: only where stderr is watched live (a
        terminal or a notebook, :func:`~sklstm._utils.progress.interactive`).

    Returns
    -------
    dest : pathlib.Path

    Raises
    ------
    OSError
        If the server cannot be reached, the transfer is truncated, or the
        checksum does not match.
    """
    dest = Path(dest)
    if verbose is None:
        verbose = interactive(sys.stderr)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, part = temp_path(dest.parent, dest.name + ".", ".part")
    except OSError as exc:
        raise OSError(f"Cannot write the download to {dest.parent}: {exc}. {hint}") \
            from exc
    logger.info("Downloading %s to %s", url, dest)
    try:
        with os.fdopen(fd, "wb") as f:
            digest, received, expected = _stream(url, f, timeout, chunk_size,
                                                 verbose, hint)
            f.flush()
            os.fsync(f.fileno())
        if expected is not None and received != expected:
            raise OSError(
                f"Download of {url} is truncated: received {received} of "
                f"{expected} bytes (the connection was closed early); the "
                f"partial file was removed. Try again. {hint}"
            )
        if digest != sha256.lower():
            raise OSError(
                f"Checksum mismatch for {url}: expected sha256 {sha256.lower()}, "
                f"got {digest}; the downloaded file was removed. {hint}"
            )
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return dest


def _stream(url, f, timeout, chunk_size, verbose, hint):
    """Copy ``url`` into ``f``; return (sha256 hex, bytes received, Content-Length)."""
    h = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            bar = _progress_bar(expected, url) if verbose else None
            try:
                while chunk := response.read(chunk_size):
                    f.write(chunk)
                    h.update(chunk)
                    received += len(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            finally:
                if bar is not None:
                    bar.close()
    except (urllib.error.URLError, OSError) as exc:
        # http.client.IncompleteRead is no OSError; it is handled below.
        reason = getattr(exc, "reason", exc)
        raise OSError(f"Could not download {url}: {reason}. {hint}") from exc
    except Exception as exc:  # http.client.IncompleteRead, HTTPException, ...
        raise OSError(
            f"Download of {url} failed after {received} bytes "
            f"({type(exc).__name__}: {exc}); the partial file was removed. {hint}"
        ) from exc
    return h.hexdigest(), received, expected


def _progress_bar(total, url):
    return progress_bar(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                        desc=url.rsplit("/", 1)[-1], file=sys.stderr)
