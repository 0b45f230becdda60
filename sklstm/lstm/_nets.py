"""The skorch nets of sklstm's estimators: per-row weights in the loss.

Each net computes its criterion per row (``reduction='none'``) and averages
it with the rows' weights: ``sum(w * loss) / sum(w)`` over a batch, which
for class weights alone is what ``CrossEntropyLoss(weight=...)`` computes.
The weights travel with the ids as ``X = {"X": ids, "sample_weight": w}``
(:class:`~sklstm.lstm.BucketIterator` batches both); for prediction a
plain id matrix is enough.

The forward pass runs at the net's ``precision`` (bfloat16 autocast or
float32, :func:`~sklstm._utils.torch.precision_dtype`); its outputs, the
loss and the weights stay float32. Prediction runs without autograd
(``torch.inference_mode``).

- :class:`ClassifierNet`: one class per row, softmax over the classes;
- :class:`MultiLabelNet`: any number of labels per row, one sigmoid each;
- :class:`RegressorNet`: one or more continuous targets.
"""

import torch
from skorch import NeuralNet, NeuralNetClassifier, NeuralNetRegressor
from skorch.utils import to_tensor

from .._utils.torch import autocast, precision_dtype

__all__ = ["ClassifierNet", "MultiLabelNet", "RegressorNet", "WeightedLossMixin"]


class WeightedLossMixin:
    """A skorch net whose loss is the weighted mean of its criterion's per-row values.

    The criterion must be built with ``reduction='none'``. Rows without a
    weight (a plain ``X``) count alike; a batch whose weights are all zero
    has a loss of zero, and so no gradient.

    ``precision`` (an argument of the net, 'float32' for nets pickled before
    it existed) sets the autocast of the forward pass: see
    :func:`~sklstm._utils.torch.precision_dtype`, whose training rules hold
    where gradients are computed, and its prediction rules elsewhere.
    """

    def __init__(self, *args, precision="float32", **kwargs):
        super().__init__(*args, **kwargs)
        self.precision = precision

    def infer(self, x, **fit_params):
        if isinstance(x, dict):  # the ids and their weights: the module reads the ids
            x = x["X"]
        dtype = precision_dtype(getattr(self, "precision", "float32"), self.device,
                                training=torch.is_grad_enabled())
        with autocast(self.device, dtype):
            y = super().infer(x, **fit_params)
        return y if dtype is None else y.float()

    def evaluation_step(self, batch, training=False):
        if training:
            return super().evaluation_step(batch, training=True)
        with torch.inference_mode():
            return super().evaluation_step(batch, training=False)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = to_tensor(y_true, device=self.device)
        if isinstance(self.criterion_, torch.nn.CrossEntropyLoss):
            y_true = y_true.long()
        else:
            y_true = y_true.to(y_pred.dtype).reshape(y_pred.shape)
        loss = self.criterion_(y_pred, y_true)
        if loss.dim() > 1:  # several outputs a row: their mean
            loss = loss.flatten(1).mean(dim=1)
        weight = X.get("sample_weight") if isinstance(X, dict) else None
        if weight is None:
            return loss.mean()
        weight = to_tensor(weight, device=self.device).to(loss.dtype)
        total = weight.sum()
        return (loss * weight).sum() / torch.where(total > 0, total, torch.ones_like(total))


class ClassifierNet(WeightedLossMixin, NeuralNetClassifier):
    """skorch's ``NeuralNetClassifier`` with per-row weights in the loss."""


class MultiLabelNet(WeightedLossMixin, NeuralNet):
    """A net with one logit per label, trained with per-row weights (``BCEWithLogitsLoss``)."""


class RegressorNet(WeightedLossMixin, NeuralNetRegressor):
    """skorch's ``NeuralNetRegressor`` with per-row weights in the loss."""
