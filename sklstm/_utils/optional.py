"""Optional dependencies: one way to import them and to say which extra brings them.

sklstm's core needs numpy, scikit-learn, torch, skorch, tokenizers,
safetensors, pandas and matplotlib. Everything else (pyarrow, gensim, dask)
belongs to an extra of the package and is imported where it is used, through
:func:`import_optional`, so that importing sklstm never needs it.
"""

import importlib

__all__ = ["import_optional", "optional_base"]


def import_optional(module, *, extra, feature="this feature of sklstm", instead=None):
    """Import ``module``, or raise ImportError naming the extra that installs it.

    Parameters
    ----------
    module : str
        Dotted module name, such as ``"matplotlib.pyplot"``.
    extra : str
        The sklstm extra that installs it (``"compare"``, ``"vectors"``, ...).
    feature : str
        What needs it, for the message.
    instead : str or None, default=None
        What the user can do without it, appended to the message.

    Examples
    --------
    >>> from sklstm._utils.optional import import_optional
    >>> import_optional("json", extra="vectors").__name__
    'json'
    >>> import_optional("no_such_module_here", extra="vectors", feature="Word2VecVectors")
    Traceback (most recent call last):
    ...
    ImportError: Word2VecVectors needs no_such_module_here, an optional dependency: ...
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(f"{feature} needs {package}, an optional dependency: pip install "
                          f"sklstm[{extra}] (in zsh: pip install 'sklstm[{extra}]')"
                          + (f"; {instead}" if instead else "")) from exc


def optional_base(module, name):
    """Class ``name`` of an optional ``module``, or ``object`` where it is missing.

    For a base class that a public class needs only when the extra is
    installed (a Dask worker plugin, say), so that importing sklstm never
    needs the extra.

    Examples
    --------
    >>> from sklstm._utils.optional import optional_base
    >>> optional_base("collections", "UserDict").__name__, optional_base("no_such_module_here", "X")
    ('UserDict', <class 'object'>)
    """
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:  # pragma: no cover - exercised only without the extra
        return object
