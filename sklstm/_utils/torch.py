"""Torch helpers shared by training, prediction, checkpoints and model files."""

import contextlib

import torch

from .warn import warn_caller

__all__ = ["PRECISION_OPTIONS", "autocast", "bf16_missing", "cpu_state_dict",
           "precision_dtype", "resolve_device", "resolve_precision"]

#: The values of the estimators' ``precision``.
PRECISION_OPTIONS = ("auto", "float32", "bfloat16")
_WARNED = set()


def resolve_device(device, *, fallback=False):
    """The torch device to use, as a string.

    ``'auto'`` is CUDA when it is available, else the CPU. A CUDA device
    where CUDA is missing raises ValueError, or, with ``fallback=True`` (a
    model trained on a GPU and loaded elsewhere), becomes ``'cpu'``.

    Examples
    --------
    >>> from sklstm._utils.torch import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    device = str(device)
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        if fallback:
            return "cpu"
        raise ValueError(f"device={device!r} but CUDA is not available; "
                         "use device='cpu' or 'auto'")
    return device


def cpu_state_dict(module_or_state):
    """A module's (or a state dict's) tensors, detached, contiguous and on the CPU, for writing.

    Tensors already on the CPU are not copied: the result shares their memory.
    """
    state = (module_or_state.state_dict() if isinstance(module_or_state, torch.nn.Module)
             else module_or_state)
    return {name: value.detach().cpu().contiguous() for name, value in state.items()}


def bf16_missing(device):
    """What ``device`` lacks to run bfloat16 natively, or None when it has it.

    A CPU needs the avx512_bf16 or AMX instructions, a CUDA device native
    bfloat16 (compute capability 8.0 or later); other devices are not
    checked, and count as lacking it.

    Examples
    --------
    >>> from sklstm._utils.torch import bf16_missing
    >>> bf16_missing("cpu") in (None, "the CPU instructions avx512_bf16 or AMX")
    True
    """
    device = torch.device(device)
    if device.type == "cpu":
        if torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported():
            return None
        return "the CPU instructions avx512_bf16 or AMX"
    if device.type == "cuda":
        if torch.cuda.is_bf16_supported(including_emulation=False):
            return None
        return f"native bfloat16 on {torch.cuda.get_device_name(device)} (compute capability 8.0)"
    return f"a check of bfloat16 on {device.type!r} devices"


def precision_dtype(precision, device, *, training=True):
    """The autocast dtype of ``precision`` on ``device``: ``torch.bfloat16``, or None (float32).

    'auto' is bfloat16 where ``device`` runs it natively (:func:`bf16_missing`),
    else float32. 'bfloat16' forces it: in training, where the hardware
    lacks it, it runs emulated, and a UserWarning says so once per device
    type; in prediction (``training=False``) such hardware computes in
    float32, which is faster there and exact.

    Raises
    ------
    ValueError
        If ``precision`` is not one of :data:`PRECISION_OPTIONS`.

    Examples
    --------
    >>> from sklstm._utils.torch import precision_dtype
    >>> precision_dtype("float32", "cpu") is None
    True
    """
    if precision not in PRECISION_OPTIONS:
        raise ValueError(f"precision must be one of {PRECISION_OPTIONS}, got {precision!r}")
    if precision == "float32":
        return None
    missing = bf16_missing(device)
    if missing is None:
        return torch.bfloat16
    if precision == "auto" or not training:
        return None
    kind = torch.device(device).type
    if kind not in _WARNED:
        _WARNED.add(kind)
        warn_caller(f"precision='bfloat16' on {kind!r}, which lacks {missing}: bfloat16 "
                    "runs emulated, slower than float32; precision='auto' picks float32 there",
                    UserWarning)
    return torch.bfloat16


def resolve_precision(precision, device):
    """The precision ``precision`` trains at on ``device``: 'float32' or 'bfloat16'.

    :func:`precision_dtype` (training rules) as a name, for fitted attributes
    and cache keys.

    Examples
    --------
    >>> from sklstm._utils.torch import resolve_precision
    >>> resolve_precision("float32", "cpu")
    'float32'
    """
    return "float32" if precision_dtype(precision, device) is None else "bfloat16"


def autocast(device, dtype):
    """A context that runs the forward pass in ``dtype`` (autocast), or nothing for None.

    Weights stay float32; matrix products and the LSTM run in ``dtype``.
    """
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)
