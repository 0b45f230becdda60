"""Running a fitted sklstm network to explain it: frozen in eval mode, rows batched by length."""

import numpy as np
import torch

__all__ = ["FrozenEval", "module_device", "rows_by_length"]


class FrozenEval:
    """The module in eval mode with its parameters not requiring gradients, restored on exit.

    With ``differentiable=True`` (gradients with respect to the inputs), the
    recurrent layers on CUDA run in training mode with their dropout set to
    zero: cuDNN computes an RNN's backward pass only in training mode, and
    without dropout that mode computes the same function as eval mode.
    """

    def __init__(self, module, *, differentiable=False):
        self.module = module
        self.differentiable = differentiable

    def __enter__(self):
        self.training = self.module.training
        self.flags = [p.requires_grad for p in self.module.parameters()]
        self.module.eval()
        for p in self.module.parameters():
            p.requires_grad_(False)
        self.dropouts = []
        if self.differentiable:
            for layer in self.module.modules():
                if isinstance(layer, torch.nn.RNNBase) and any(
                        p.is_cuda for p in layer.parameters()):
                    self.dropouts.append((layer, layer.dropout))
                    layer.dropout = 0.0
                    layer.train()
        return self.module

    def __exit__(self, *exc):
        for layer, dropout in self.dropouts:
            layer.dropout = dropout
        for p, flag in zip(self.module.parameters(), self.flags, strict=True):
            p.requires_grad_(flag)
        self.module.train(self.training)


def module_device(module):
    """The device of a module's weights."""
    return next(module.parameters()).device


def rows_by_length(lengths, rows_per_batch):
    """Batches of row indices of similar length (longest first), ``rows_per_batch`` at most."""
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    return [order[i:i + rows_per_batch] for i in range(0, len(order), rows_per_batch)]
