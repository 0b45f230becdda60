"""Saving and loading fitted models in a format that runs no code when read.

:func:`save` writes a fitted :class:`~sklstm.TextTokenizer`,
:class:`~sklstm.LSTMClassifier` or a :class:`~sklearn.pipeline.Pipeline` of
them to one zip file, and :func:`load` reads it back. The file holds only
data:

- ``manifest.json``: format name and version, sklstm version, the kind of
  every object and the sha256 of every other member;
- ``config.json``: for each object its class name (from an allow-list),
  its parameters and its fitted attributes, as JSON;
- ``<object>/tokenizer.json``: a Hugging Face tokenizer, as its own JSON;
- ``<object>/weights.safetensors``: the network weights, in safetensors;
- ``metadata.json`` (optional): what the caller of :func:`save` wanted kept
  with the model (the command line keeps the data's columns there), read
  back by :func:`load_metadata`.

Nothing is unpickled, so loading a file from an untrusted source cannot run
code. A file that is not such a zip, is truncated, was altered (checksum
mismatch), lacks a member, was written by a newer sklstm or names a class
outside the allow-list raises :class:`ModelFileError`. Saving writes a
temporary file and renames it into place, so an interrupted save leaves the
previous file (or none), never a partial one.
"""

import hashlib
import io
import json
import zipfile
from os import PathLike
from pathlib import Path

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from ._utils.files import atomic_file, json_default
from ._utils.state import FITTED_ATTRIBUTE

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "load", "load_metadata", "save"]

FORMAT = "sklstm-model"
FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_CONFIG = "config.json"
_METADATA = "metadata.json"
# Largest member read from a file (a guard against zip bombs).
_MAX_MEMBER_BYTES = 8 * 2**30


class ModelFileError(ValueError):
    """A model file cannot be read: not one, damaged, altered or too new."""

    # Tracebacks and pickles name the error where users import it from.
    __module__ = "sklstm"


# ------------------------------------------------------------------ JSON values


def _encode(value, where):
    """JSON form of a parameter or attribute value; tagged for non-JSON types."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"__dtype__": np.dtype(value).str}
    if isinstance(value, PathLike):
        return str(value)
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufU" and not (
                value.dtype.kind == "O" and all(isinstance(v, (str, int, float, bool))
                                                for v in value.ravel())):
            raise ValueError(f"{where}: cannot save an array of dtype {value.dtype}")
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str,
                "shape": list(value.shape)}
    if isinstance(value, History):  # rows of plain JSON values, kept as they are
        return json.loads(json.dumps(list(value), default=json_default))
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, where) for v in value]}
    if isinstance(value, list):
        return [_encode(v, where) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, where), _encode(v, where)] for k, v in value.items()]}
    raise ValueError(f"{where}: cannot save a value of type {type(value).__name__} "
                     f"({value!r:.60}) in a safe model file")


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__dtype__" in value:
        return np.dtype(value["__dtype__"]).type
    if "__ndarray__" in value:
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biufUO":
            raise ValueError(f"arrays of dtype {dtype} are not allowed")
        return np.array(value["__ndarray__"], dtype=dtype).reshape(value["shape"])
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_hashable(_decode(k)): _decode(v) for k, v in value["__dict__"]}
    if any(key.startswith("__") for key in value):
        raise ValueError(f"unknown value {value!r:.60}")
    return {key: _decode(v) for key, v in value.items()}  # a history row


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------- kinds


def _kinds():
    """Allow-list: kind name -> class.

    Every class but ``Pipeline`` has the safe-state hooks ``get_safe_state()``
    (params, attributes, files) and ``set_safe_state(state)``.
    """
    from .lstm import LSTMClassifier, LSTMRegressor
    from .tokenization import TextTokenizer

    return {"TextTokenizer": TextTokenizer, "LSTMClassifier": LSTMClassifier,
            "LSTMRegressor": LSTMRegressor, "Pipeline": Pipeline}


def _encode_all(values, what):
    return {name: _encode(value, f"{what} {name!r}") for name, value in values.items()}


# ------------------------------------------------------------------------ save


def _describe(estimator, prefix, members, kinds):
    kind = type(estimator).__name__
    if kind not in kinds or type(estimator) is not kinds[kind]:
        allowed = ", ".join(kinds)
        inner = getattr(estimator, "estimator_", None)   # a fitted meta-estimator's model
        hint = (f"; save the {type(inner).__name__} that predicts: "
                f"sklstm.save(model.estimator_, path)" if type(inner).__name__ in kinds
                else "; use pickle or joblib for other estimators")
        raise ValueError(f"cannot save a {type(estimator).__module__}.{kind}: sklstm.save "
                         f"handles {allowed} (of these steps){hint}")
    if kind == "Pipeline":
        params = _params_pipeline(estimator)
        steps = []
        for i, (name, step) in enumerate(estimator.steps):
            steps.append([name, _describe(step, f"steps/{i}/", members, kinds)])
        return {"kind": kind, "params": params, "steps": steps}
    check_is_fitted(estimator)
    state = estimator.get_safe_state()
    for name, data in state["files"].items():
        members[f"{prefix}{name}"] = data
    return {"kind": kind, "params": _encode_all(state["params"], f"{kind} parameter"),
            "fitted": _encode_all(state["attributes"], f"{kind} attribute")}


def _params_pipeline(pipeline):
    params = pipeline.get_params(deep=False)
    params.pop("steps")
    if params.get("memory") is not None:
        raise ValueError("a Pipeline with memory= cannot be saved; set memory=None")
    return {name: _encode(value, f"Pipeline parameter {name!r}")
            for name, value in params.items()}


def save(estimator, path, *, metadata=None):
    """Save a fitted tokenizer, classifier or pipeline of them to one file.

    The file is a zip of JSON and safetensors members that :func:`load`
    reads without unpickling anything (see the module docstring). It is
    written to a temporary file beside ``path`` and renamed into place, so
    an interrupted save never leaves a partial file under ``path``.

    Parameters
    ----------
    estimator : TextTokenizer, LSTMClassifier or Pipeline
        A fitted estimator; a pipeline's steps must be of these classes.
        Parameters must be plain values (no callbacks, random_state an int
        or None).
    path : str or path-like
        The file to write (replaced if it exists). ``.sklstm`` is a good
        ending.
    metadata : dict or None, default=None
        JSON-serialisable values kept beside the model (where it was
        trained, on which columns, ...); :func:`load_metadata` reads them.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If the estimator or one of its steps is of another class, or holds a
        parameter or attribute that cannot be stored as data.
    sklearn.exceptions.NotFittedError
        If an estimator is not fitted.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn.pipeline import make_pipeline
    >>> import sklstm
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 4
    >>> labels = ["pos", "pos", "neg", "neg"] * 4
    >>> pipe = make_pipeline(
    ...     sklstm.TextTokenizer(min_frequency=1),
    ...     sklstm.LSTMClassifier(hidden_size=8, embedding_dim=8, max_epochs=2,
    ...                           early_stopping=False, validation_fraction=None,
    ...                           random_state=0, device="cpu")).fit(texts, labels)
    >>> path = Path(tempfile.mkdtemp()) / "model.sklstm"
    >>> sklstm.save(pipe, path).name
    'model.sklstm'
    >>> restored = sklstm.load(path)
    >>> bool((restored.predict_proba(texts) == pipe.predict_proba(texts)).all())
    True
    """
    from ._version import __version__

    members = {}
    root = _describe(estimator, "", members, _kinds())
    config = json.dumps({"root": root}, indent=1, default=json_default).encode("utf-8")
    members = {_CONFIG: config, **members}
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise TypeError(f"metadata must be a dict; got {type(metadata).__name__}")
        members[_METADATA] = json.dumps(metadata, indent=1, default=json_default).encode()
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "sklstm_version": __version__,
        "kinds": _kind_list(root),
        "members": {name: _sha256(data) for name, data in members.items()},
    }
    path = Path(path)
    with atomic_file(path) as f:
        with zipfile.ZipFile(f, "w") as archive:
            archive.writestr(_MANIFEST, json.dumps(manifest, indent=1),
                             compress_type=zipfile.ZIP_DEFLATED)
            for name, data in members.items():
                compression = (zipfile.ZIP_STORED if name.endswith(".safetensors")
                               else zipfile.ZIP_DEFLATED)
                archive.writestr(name, data, compress_type=compression)
    return path


def _kind_list(spec):
    if spec["kind"] == "Pipeline":
        return ["Pipeline"] + [k for _, step in spec["steps"] for k in _kind_list(step)]
    return [spec["kind"]]


# ------------------------------------------------------------------------ load


def _reader(archive, manifest, path):
    checksums = manifest.get("members")
    if not isinstance(checksums, dict):
        raise ModelFileError(f"{path}: the manifest lists no members; the file is damaged")

    def read(name):
        if name not in checksums:
            raise ModelFileError(f"{path}: member {name!r} is not in the manifest; the file "
                                 "is damaged or was altered")
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise ModelFileError(f"{path}: member {name!r} is missing; the file is "
                                 "truncated or damaged") from None
        if info.file_size > _MAX_MEMBER_BYTES:
            raise ModelFileError(f"{path}: member {name!r} is implausibly large "
                                 f"({info.file_size} bytes)")
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ModelFileError(f"{path}: member {name!r} cannot be read ({exc}); the file "
                                 "is truncated or damaged") from None
        if _sha256(data) != checksums[name]:
            raise ModelFileError(f"{path}: checksum mismatch for {name!r}: the file was "
                                 "tampered with or corrupted")
        return data

    read.names = list(checksums)
    return read


def _build(spec, read, kinds, where="root", prefix=""):
    if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
        raise ModelFileError(f"{where}: not an object description")
    kind = spec["kind"]
    if kind not in kinds:
        raise ModelFileError(f"{where}: object kind {kind!r} is not allowed; sklstm.load "
                             f"reads only {', '.join(kinds)}")
    params = {name: _decode(value) for name, value in spec.get("params", {}).items()}
    if kind == "Pipeline":
        steps = [(name, _build(step, read, kinds, f"{where}.steps[{i}]", f"steps/{i}/"))
                 for i, (name, step) in enumerate(spec["steps"])]
        return Pipeline(steps, **params)
    attributes = {}
    for name, value in spec.get("fitted", {}).items():
        if not FITTED_ATTRIBUTE.match(name):
            raise ModelFileError(f"{where}: attribute name {name!r} is not allowed")
        attributes[name] = _decode(value)
    # Every member beside this object's description, read (and checked) now.
    files = {name[len(prefix):]: read(name) for name in read.names
             if name.startswith(prefix) and "/" not in name[len(prefix):] and name != _CONFIG}
    try:
        # The saved parameters come along: those missing from the file tell
        # the object that an earlier sklstm, without them, wrote it.
        return kinds[kind](**params).set_safe_state(
            {"params": params, "attributes": attributes, "files": files})
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"{where} ({kind}): {exc}") from None


def _open(path):
    """The zip archive of a model file and its checked member reader."""
    from ._version import __version__

    with open(path, "rb") as f:
        data = f.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ModelFileError(f"{path} is not an sklstm model file: not a zip archive, "
                             "or truncated") from None
    try:
        manifest = json.loads(archive.read(_MANIFEST))
    except KeyError:
        raise ModelFileError(f"{path} is not an sklstm model file: it has no "
                             f"{_MANIFEST}") from None
    except Exception as exc:
        raise ModelFileError(f"{path}: the manifest cannot be read ({exc}); the file is "
                             "truncated or damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ModelFileError(f"{path} is not an sklstm model file (format {found!r}, "
                             f"expected {FORMAT!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{path}: invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by a newer sklstm ({manifest.get('sklstm_version')}, "
            f"format_version {version}); this sklstm {__version__} reads format_version "
            f"up to {FORMAT_VERSION}: upgrade sklstm")
    return archive, _reader(archive, manifest, path)


def load_metadata(path):
    """The metadata kept in a model file by ``save(..., metadata=...)``.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    metadata : dict
        As saved; empty where none was.

    Raises
    ------
    ModelFileError
        As :func:`load` (the file is checked the same way).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import sklstm
    >>> from sklstm import load_metadata
    >>> tok = sklstm.TextTokenizer(min_frequency=1).fit(["a good film"])
    >>> path = sklstm.save(tok, Path(tempfile.mkdtemp()) / "tok.sklstm",
    ...                    metadata={"text_columns": ["title", "body"]})
    >>> load_metadata(path)
    {'text_columns': ['title', 'body']}
    """
    path = Path(path)
    archive, read = _open(path)
    with archive:
        if _METADATA not in archive.namelist():
            return {}
        try:
            return json.loads(read(_METADATA))
        except ValueError as exc:
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(f"{path}: {_METADATA} is not valid JSON ({exc})") from None


def load(path):
    """Load a model written by :func:`save`, without unpickling anything.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    estimator : TextTokenizer, LSTMClassifier or Pipeline
        The fitted estimator; it predicts exactly what the saved one did. A
        classifier trained on a GPU is put on the CPU where CUDA is missing.

    Raises
    ------
    ModelFileError
        A ``ValueError``: the file is not an sklstm model file, is truncated
        or damaged, was altered (checksum mismatch), lacks a member, was
        written by a newer sklstm, or names a class outside the allow-list.
    FileNotFoundError
        If there is no file at ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import sklstm
    >>> tok = sklstm.TextTokenizer(min_frequency=1).fit(["a good film", "a bad film"])
    >>> path = sklstm.save(tok, Path(tempfile.mkdtemp()) / "tok.sklstm")
    >>> sklstm.load(path).transform(["a good film"])
    array([[2, 5, 3]], dtype=int32)
    >>> _ = path.write_bytes(b"not a model")
    >>> sklstm.load(path)
    Traceback (most recent call last):
    ...
    sklstm.ModelFileError: ...tok.sklstm is not an sklstm model file: not a zip...
    """
    path = Path(path)
    archive, read = _open(path)
    with archive:
        try:
            config = json.loads(read(_CONFIG))
        except ModelFileError:
            raise
        except ValueError as exc:
            raise ModelFileError(f"{path}: {_CONFIG} is not valid JSON ({exc})") from None
        try:
            return _build(config["root"], read, _kinds())
        except ModelFileError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelFileError(f"{path}: the model description is invalid or from an "
                                 f"incompatible sklstm version ({type(exc).__name__}: "
                                 f"{exc})") from None
