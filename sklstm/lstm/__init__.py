"""The LSTM estimators: :class:`LSTMClassifier`, :class:`LSTMRegressor` and what they train.

Both take the id matrix of :class:`~sklstm.TextTokenizer`. Inside, each
delegates its ``fit`` to a training run (validation split, skorch net,
callbacks, checkpoints) over :class:`LSTMTextModule`, the PyTorch network
(an embedding, a stack of LSTM layers, pooling and, beside them, the
:class:`BagOfNgrams` of each text's hashed n-grams), fed by
:class:`BucketIterator` in batches of similar length. Their hyperparameters
are declared once, in ``_params.py``. :mod:`sklstm.lstm.callbacks` holds the
skorch callbacks of the training.
"""

from ._bag import BagOfNgrams
from ._batching import BucketIterator, padding_efficiency, sequence_lengths
from ._classifier import LSTMClassifier
from ._network import POOLING_OPTIONS, LSTMTextModule
from ._pretraining import PRETRAINING_OPTIONS
from ._regressor import LSTMRegressor

__all__ = ["POOLING_OPTIONS", "PRETRAINING_OPTIONS", "BagOfNgrams", "BucketIterator",
           "LSTMClassifier", "LSTMRegressor", "LSTMTextModule", "padding_efficiency",
           "sequence_lengths"]
