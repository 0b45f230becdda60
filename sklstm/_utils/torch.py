"""Torch helpers shared by training, checkpoints and model files."""

import torch

__all__ = ["cpu_state_dict", "resolve_device"]


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
