"""Dataset loaders: the Large Movie Review Dataset (IMDb) of Maas et al. (2011).

Your own data (CSV, TSV, JSON Lines, Parquet, class folders) is read by
:func:`sklstm.datasets.load_table`, also importable from here.

:func:`load_imdb` reads Stanford's ``aclImdb_v1.tar.gz`` (or its extracted
``aclImdb/`` folder) from a data home and returns a scikit-learn
:class:`~sklearn.utils.Bunch`. The archive is read as it is, in a single
sequential pass, and the texts of each subset are then kept in a small binary
cache so that later loads take well under a second.

Locations
---------
Data homes searched for the archive or the extracted folder, in order (see
:func:`data_home_candidates`; the first that holds the data is used):

1. the ``data_home`` argument, if given (then only it), else
2. the ``SKLSTM_DATA`` environment variable, if set,
3. ``../shared/datasets`` (beside the current folder, as in this project's
   checkouts),
4. ``~/sklstm_data``.

A download is written to :func:`get_data_home` (the argument, else
``SKLSTM_DATA``, else ``~/sklstm_data``).

Cache (``<subset>.npz`` files, one per subset; the first writable directory of
this list is written, the first valid cache found in it is read):

1. ``$SKLSTM_CACHE/imdb-<key>/`` if the ``SKLSTM_CACHE`` variable is set,
2. ``<data_home>/imdb_cache/``,
3. ``$XDG_CACHE_HOME/sklstm/imdb-<key>/`` (default ``~/.cache/sklstm/...``),

where ``<key>`` is a short hash of the source's path, so that several data
homes can share one cache directory. Since reading any subset from the archive
decompresses all of it, the first load from an archive caches all three
subsets at once (about 130 MB in all); from an extracted folder only the
subset loaded is read and cached. A directory that is not writable, or
whose permission bits grant no write access at all (a read-only data home,
even for root), is skipped; if none is writable the data is loaded without a
cache. A cache is only used if its format version, subset, checksum and the
source's fingerprint (path, size and modification time of the archive, or of
the files of the extracted folder) all match; otherwise it is rebuilt.
"""

import gzip
import hashlib
import itertools
import json
import logging
import os
import re
import stat
import tarfile
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from .._utils.files import atomic_file
from .._utils.hashing import array_fingerprint
from ._download import fetch

__all__ = ["IMDB_ARCHIVE", "IMDB_SHA256", "IMDB_URL", "data_home_candidates", "find_imdb",
           "get_data_home", "load_imdb"]

logger = logging.getLogger(__name__)

#: Where :func:`load_imdb` downloads the archive from.
IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
#: Published sha256 of Stanford's original archive (verified after download only).
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
#: File name of the archive in the data home.
IMDB_ARCHIVE = "aclImdb_v1.tar.gz"
#: Name of the extracted folder in the data home.
IMDB_FOLDER = "aclImdb"

DATA_ENV = "SKLSTM_DATA"
CACHE_ENV = "SKLSTM_CACHE"

# Bump when the layout or content of the cache files changes.
_CACHE_VERSION = 1
_CACHE_ARRAYS = ("text_bytes", "offsets", "target", "ratings", "ids")

_TARGET_NAMES = ["neg", "pos"]
# subset -> ((directory inside aclImdb/, target), ...), in output order.
_SUBSET_DIRS = {
    "train": (("train/neg", 0), ("train/pos", 1)),
    "test": (("test/neg", 0), ("test/pos", 1)),
    "unsup": (("train/unsup", -1),),
}
_NAME_RE = re.compile(r"^(?P<id>\d+)_(?P<rating>\d+)\.txt$")

_DESCR = """\
.. _imdb_dataset:

Large Movie Review Dataset (IMDb)
---------------------------------

Movie reviews from IMDb for binary sentiment classification: 25,000 labelled
reviews for training ('train'), 25,000 for testing ('test') and 50,000
unlabelled ones ('unsup'). A review is negative if its rating is <= 4 out of
10 and positive if it is >= 7; no film has more than 30 reviews, and train and
test contain disjoint films.

Label encoding: ``target`` is 0 for negative ('neg'), 1 for positive ('pos')
and -1 for the unlabelled 'unsup' reviews; ``ratings`` holds the star rating
(1-4 or 7-10, 0 for 'unsup'); ``ids`` the review's id within its folder.
Texts are returned as they are in the files (they contain HTML line breaks
``<br />``). Order: by target (negative first), then by id.

Reference: Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang,
Andrew Y. Ng and Christopher Potts. "Learning Word Vectors for Sentiment
Analysis." ACL 2011. https://ai.stanford.edu/~amaas/data/sentiment/
"""


def get_data_home(data_home=None):
    """Return the folder where sklstm looks for (and downloads) datasets.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. If None, the ``SKLSTM_DATA`` environment variable
        if it is set, else ``~/sklstm_data``. ``~`` is expanded. The folder is
        not created (a download creates it). Reading searches more places:
        see :func:`data_home_candidates`.

    Returns
    -------
    data_home : pathlib.Path
        The absolute path of the data home.

    Examples
    --------
    >>> from sklstm.datasets import get_data_home
    >>> str(get_data_home("/tmp/my_data"))
    '/tmp/my_data'
    """
    if data_home is None:
        data_home = os.environ.get(DATA_ENV) or Path.home() / "sklstm_data"
    return Path(data_home).expanduser().absolute()


def data_home_candidates(data_home=None):
    """The folders searched for a dataset, in order.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        If given, the only folder searched.

    Returns
    -------
    folders : list of pathlib.Path
        ``data_home``; else ``$SKLSTM_DATA`` (if set), ``../shared/datasets``
        (relative to the current folder) and ``~/sklstm_data``, without
        repeats.

    Examples
    --------
    >>> from sklstm.datasets import data_home_candidates
    >>> [str(p) for p in data_home_candidates("/tmp/my_data")]
    ['/tmp/my_data']
    """
    if data_home is not None:
        return [get_data_home(data_home)]
    folders = []
    if os.environ.get(DATA_ENV):
        folders.append(get_data_home(os.environ[DATA_ENV]))
    folders += [Path.cwd().parent / "shared" / "datasets",
                (Path.home() / "sklstm_data").absolute()]
    return list(dict.fromkeys(folders))


def find_imdb(data_home=None, subset="train"):
    """Where the IMDb data is: the first data home holding it, and its archive or folder.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        Search only this folder; None searches :func:`data_home_candidates`.
    subset : {'train', 'test', 'unsup'}, default='train'
        An extracted ``aclImdb/`` folder counts only if it holds this subset.

    Returns
    -------
    found : tuple of (pathlib.Path, pathlib.Path) or None
        ``(data_home, source)``, source being ``aclImdb/`` or
        ``aclImdb_v1.tar.gz`` in it; None where no data home holds the data.

    Examples
    --------
    >>> import tempfile
    >>> from sklstm.datasets import find_imdb
    >>> find_imdb(tempfile.mkdtemp()) is None
    True
    """
    if subset not in _SUBSET_DIRS:
        raise ValueError(f"subset must be one of {sorted(_SUBSET_DIRS)}, got {subset!r}.")
    for home in data_home_candidates(data_home):
        source = _find_source(home, subset)
        if source is not None:
            return home, source
    return None


def load_imdb(subset="train", *, data_home=None, download=True, return_X_y=False):
    """Load the Large Movie Review Dataset (IMDb, Maas et al. 2011).

    Looks in the data home for the extracted folder ``aclImdb/`` (used first
    if it holds the subset) or the archive ``aclImdb_v1.tar.gz`` (read as it
    is, without extracting it and without verifying its checksum). If neither
    is there and ``download`` is True, Stanford's archive is downloaded into
    the data home and its sha256 verified. The first load of a subset builds
    a cache (see the module docstring for its locations); later loads read
    the cache.

    Parameters
    ----------
    subset : {'train', 'test', 'unsup'}, default='train'
        'train' and 'test': 25,000 labelled reviews each; 'unsup': the 50,000
        unlabelled training reviews.
    data_home : str or path-like, default=None
        Folder with the data. None searches ``$SKLSTM_DATA``,
        ``../shared/datasets`` and ``~/sklstm_data`` in this order (see
        :func:`data_home_candidates`) and downloads to :func:`get_data_home`.
    download : bool, default=True
        Whether to download the archive if the data is not in the data home.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        With the fields

        data : list of str
            The review texts, as in the files (with ``<br />`` line breaks).
        target : ndarray of shape (n_samples,), dtype int64
            Label encoding: 0 = negative ('neg', rating <= 4),
            1 = positive ('pos', rating >= 7), -1 = unlabelled ('unsup').
        target_names : list of str
            ``['neg', 'pos']``: ``target_names[target]`` names a label.
        ratings : ndarray of shape (n_samples,), dtype int64
            Star ratings 1-10 (0 for 'unsup').
        ids : ndarray of shape (n_samples,), dtype int64
            Review ids, from the file names ``<id>_<rating>.txt``.
        DESCR : str
            Description of the dataset, with its citation.

        Samples are ordered by target (negative first), then by id, so the
        order is the same on every load.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    ValueError
        If ``subset`` is not one of the three names, or the data holds no
        review of the subset.
    FileNotFoundError
        If the data is not in the data home and ``download`` is False.
    OSError
        If the download fails (network, truncated transfer, checksum
        mismatch); no partial file is left behind.

    Examples
    --------
    >>> from sklstm.datasets import load_imdb
    >>> imdb = load_imdb("train")  # doctest: +SKIP
    >>> len(imdb.data), imdb.target.mean()  # doctest: +SKIP
    (25000, 0.5)
    >>> X, y = load_imdb("test", return_X_y=True)  # doctest: +SKIP
    """
    if subset not in _SUBSET_DIRS:
        raise ValueError(
            f"subset must be one of {sorted(_SUBSET_DIRS)}, got {subset!r}."
        )
    found = find_imdb(data_home, subset)
    if found is not None:
        data_home, source = found
    else:
        searched = data_home_candidates(data_home)
        data_home = get_data_home(data_home)
        if not download:
            places = ", ".join(f"{home / IMDB_ARCHIVE} and {home / IMDB_FOLDER}/"
                               for home in searched)
            raise FileNotFoundError(
                f"The IMDb data was not found: searched {places}. Place Stanford's "
                f"{IMDB_ARCHIVE} (or its extracted {IMDB_FOLDER}/ folder) in "
                f"{data_home}, set the {DATA_ENV} environment variable to the "
                "folder that holds it, or call load_imdb with download=True."
            )
        source = data_home / IMDB_ARCHIVE
        fetch(IMDB_URL, source, IMDB_SHA256,
              hint=f"Alternatively, download {IMDB_URL} yourself and place it at {source}, or "
                   f"set the {DATA_ENV} environment variable to a folder that holds "
                   f"{source.name}.")

    arrays = _load_cached_or_read(source, data_home, subset)
    texts = _decode_texts(arrays["text_bytes"], arrays["offsets"])
    target = arrays["target"]
    if return_X_y:
        return texts, target
    return Bunch(
        data=texts,
        target=target,
        target_names=list(_TARGET_NAMES),
        ratings=arrays["ratings"],
        ids=arrays["ids"],
        DESCR=_DESCR,
    )


# --------------------------------------------------------------------------
# Reading the source (extracted folder or archive)
# --------------------------------------------------------------------------


def _find_source(data_home, subset):
    """Path of the extracted folder (if it holds ``subset``) or archive, or None."""
    folder = data_home / IMDB_FOLDER
    if all((folder / d).is_dir() for d, _ in _SUBSET_DIRS[subset]):
        return folder
    archive = data_home / IMDB_ARCHIVE
    if archive.is_file():
        return archive
    return None


def _iter_folder(folder, dirs):
    """Yield ``(dir, name, raw_bytes)`` for the files in ``folder``'s ``dirs``."""
    for d in sorted(dirs):
        with os.scandir(folder / d) as entries:
            for entry in entries:
                if entry.is_file():
                    yield d, entry.name, Path(entry.path).read_bytes()


def _iter_archive(archive, dirs):
    """Yield ``(dir, name, raw_bytes)`` for ``dirs``, in one pass over the tar.

    A gzipped archive is read to the end of its compressed stream, whose
    length and CRC gzip checks, so a truncated download is an error rather
    than a silently smaller dataset.
    """
    try:
        with open(archive, "rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            # "r|" is tarfile's streaming mode: members are read in order, never seeked.
            with tarfile.open(fileobj=stream, mode="r|" if gzipped else "r|*") as tar:
                for member in tar:
                    inner = member.name.removeprefix("./").removeprefix(IMDB_FOLDER + "/")
                    d, _, name = inner.rpartition("/")
                    if member.isfile() and d in dirs:
                        yield d, name, tar.extractfile(member).read()
            while gzipped and stream.read(1 << 20):  # to the end: checks length and CRC
                pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise OSError(f"The archive {archive} is damaged or truncated ({exc}); delete it "
                      "and put a complete copy in its place") from exc


def _read_source(source, subsets):
    """Read the reviews of ``subsets`` from ``source``: {subset: cache arrays}."""
    where = {d: (s, target) for s in subsets for d, target in _SUBSET_DIRS[s]}
    items = (_iter_folder if source.is_dir() else _iter_archive)(source, set(where))
    records = {s: [] for s in subsets}
    for d, name, raw in items:
        match = _NAME_RE.match(name)
        if match is not None:
            subset, target = where[d]
            records[subset].append(
                (target, int(match["id"]), int(match["rating"]), raw)
            )
    for subset, rows in records.items():
        if not rows:
            raise ValueError(
                f"No review of subset {subset!r} found in {source}: expected "
                f"files {IMDB_FOLDER}/<{'|'.join(dict(_SUBSET_DIRS[subset]))}>/"
                "<id>_<rating>.txt."
            )
    return {subset: _to_arrays(rows) for subset, rows in records.items()}


def _to_arrays(records):
    """Sort ``(target, id, rating, raw)`` records; pack them in the cache's arrays."""
    records.sort(key=lambda r: (r[0], r[1]))
    lengths = np.fromiter((len(r[3]) for r in records), np.int64, len(records))
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return {
        "text_bytes": np.frombuffer(b"".join(r[3] for r in records), dtype=np.uint8),
        "offsets": offsets,
        "target": np.array([r[0] for r in records], dtype=np.int64),
        "ratings": np.array([r[2] for r in records], dtype=np.int64),
        "ids": np.array([r[1] for r in records], dtype=np.int64),
    }


def _decode_texts(text_bytes, offsets):
    """Split the concatenated UTF-8 bytes at ``offsets`` into a list of str."""
    raw = text_bytes.tobytes()
    bounds = offsets.tolist()
    return [
        raw[a:b].decode("utf-8", errors="replace")
        for a, b in itertools.pairwise(bounds)
    ]


# --------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------


def _fingerprint(source, subset):
    """What the cache is keyed on: the source's path, sizes and mtimes."""
    if source.is_dir():
        n = size = mtime = 0
        for d, _ in _SUBSET_DIRS[subset]:
            with os.scandir(source / d) as entries:
                for entry in entries:
                    st = entry.stat()
                    n, size = n + 1, size + st.st_size
                    mtime = max(mtime, st.st_mtime_ns)
        return {"kind": "folder", "path": str(source.resolve()), "files": n,
                "size": size, "mtime_ns": mtime}
    st = source.stat()
    return {"kind": "archive", "path": str(source.resolve()), "size": st.st_size,
            "mtime_ns": st.st_mtime_ns}


def _user_cache_home():
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sklstm"


def _cache_dirs(data_home, source):
    """Candidate cache directories, in order of preference."""
    key = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:12]
    dirs = []
    if os.environ.get(CACHE_ENV):
        dirs.append(Path(os.environ[CACHE_ENV]).expanduser() / f"imdb-{key}")
    dirs.append(data_home / "imdb_cache")
    dirs.append(_user_cache_home() / f"imdb-{key}")
    return dirs


def _is_writable(directory):
    """Whether ``directory`` (or its nearest existing parent) may be written.

    A directory whose permission bits grant no write access to anyone counts
    as read-only even for root, who would otherwise ignore them.
    """
    path = directory
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    if not path.is_dir():
        return False
    mode = path.stat().st_mode
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(
        path, os.W_OK | os.X_OK
    )


def _checksum(arrays):
    return array_fingerprint(*(arrays[name] for name in _CACHE_ARRAYS), names=_CACHE_ARRAYS)


def _read_cache(path, subset, fingerprint):
    """The arrays of a valid cache file, or None if it is missing or invalid."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(str(npz["meta"][()]))
            arrays = {name: npz[name] for name in _CACHE_ARRAYS}
        n = len(arrays["target"])
        valid = (
            meta.get("version") == _CACHE_VERSION
            and meta.get("subset") == subset
            and meta.get("source") == fingerprint
            and meta.get("checksum") == _checksum(arrays)
            and arrays["offsets"].shape == (n + 1,)
            and all(arrays[k].shape == (n,) for k in ("ratings", "ids"))
            and arrays["offsets"][-1] == arrays["text_bytes"].size
        )
    except Exception as exc:  # any kind of damage: truncated, garbage, ...
        logger.info("Ignoring unreadable cache %s (%s: %s).", path,
                    type(exc).__name__, exc)
        return None
    if not valid:
        logger.info("Ignoring stale or corrupted cache %s.", path)
        return None
    return arrays


def _write_cache(path, arrays, subset, fingerprint):
    """Write the cache atomically (temporary file + os.replace)."""
    meta = {"version": _CACHE_VERSION, "subset": subset, "source": fingerprint,
            "checksum": _checksum(arrays)}
    with atomic_file(path) as f:
        np.savez(f, meta=np.array(json.dumps(meta)), **arrays)


def _load_cached_or_read(source, data_home, subset):
    """The subset's arrays from a valid cache, else from the source (then cached).

    On a miss with an archive as source, the whole archive has to be
    decompressed anyway, so the other subsets that lack a valid cache are read
    in the same pass and cached too (if there is a writable cache directory).
    """
    fingerprint = _fingerprint(source, subset)
    dirs = _cache_dirs(data_home, source)

    def cached(name):
        for d in dirs:
            arrays = _read_cache(d / f"{name}.npz", name, fingerprint)
            if arrays is not None:
                return arrays
        return None

    arrays = cached(subset)
    if arrays is not None:
        return arrays
    writable = [d for d in dirs if _is_writable(d)]
    subsets = [subset]
    if writable and not source.is_dir():
        subsets += [s for s in _SUBSET_DIRS if s != subset and cached(s) is None]
    read = _read_source(source, subsets)
    for d in writable:
        try:
            for name in subsets:
                _write_cache(d / f"{name}.npz", read[name], name, fingerprint)
        except OSError as exc:
            logger.info("Could not write the cache in %s: %s", d, exc)
            continue
        break
    else:
        logger.info("No writable cache directory among %s; not caching.", dirs)
    return read[subset]
