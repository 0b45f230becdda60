"""Tests for sklstm.lstm._nets: per-row weights in the loss."""

import numpy as np
import pytest
import torch

from sklstm.lstm import LSTMTextModule
from sklstm.lstm._nets import ClassifierNet, MultiLabelNet, RegressorNet

MODULE = dict(module=LSTMTextModule, module__num_embeddings=10, module__embedding_dim=4,
              module__hidden_size=4, criterion__reduction="none", train_split=None)


@pytest.mark.parametrize("net_class, criterion, n_out, target", [
    (ClassifierNet, torch.nn.CrossEntropyLoss, 3, torch.tensor([0, 2, 1, 2])),
    (MultiLabelNet, torch.nn.BCEWithLogitsLoss, 2,
     torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])),
    (RegressorNet, torch.nn.MSELoss, 1, torch.tensor([[0.5], [-1.0], [2.0], [0.0]])),
])
def test_loss_is_the_weighted_mean_of_the_rows(net_class, criterion, n_out, target):
    extra = {"classes": np.arange(3)} if net_class is ClassifierNet else {}
    net = net_class(criterion=criterion, module__num_classes=n_out, **MODULE, **extra)
    net.initialize()
    y_pred = torch.randn(4, n_out, generator=torch.Generator().manual_seed(0))
    rows = criterion(reduction="none")(y_pred, target)
    rows = rows if rows.dim() == 1 else rows.mean(dim=1)
    weights = torch.tensor([1.0, 0.0, 3.0, 0.5])
    loss = net.get_loss(y_pred, target, X={"X": None, "sample_weight": weights})
    torch.testing.assert_close(loss, (rows * weights).sum() / weights.sum())
    torch.testing.assert_close(net.get_loss(y_pred, target), rows.mean())
    zero = net.get_loss(y_pred, target, X={"X": None, "sample_weight": torch.zeros(4)})
    assert zero.item() == 0.0  # no weight, no gradient: not NaN


def test_the_module_reads_only_the_ids():
    net = ClassifierNet(criterion=torch.nn.CrossEntropyLoss, module__num_classes=2,
                        classes=np.arange(2), **MODULE)
    net.initialize()
    X = torch.tensor([[2, 3, 0], [4, 0, 0]])
    with torch.no_grad():
        torch.testing.assert_close(net.infer({"X": X, "sample_weight": torch.ones(2)}),
                                   net.infer(X))
