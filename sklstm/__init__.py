"""sklstm: LSTM text classifiers that behave like scikit-learn estimators.

The names a user needs first are here: :class:`TextTokenizer` (raw texts to a
padded matrix of token ids, on Hugging Face ``tokenizers``),
:class:`LSTMClassifier` and :class:`LSTMRegressor` (a PyTorch LSTM trained by
skorch over those ids, a naive-Bayes-scaled bag of n-grams beside it),
:class:`SelfTrainingClassifier` (pseudo-labels for unlabelled texts), word
vectors for the embedding table, and :func:`save` / :func:`load` of fitted
models without pickle. The packages hold the rest, each a concept:

- :mod:`sklstm.tokenization`: the tokenizer and the ids it reserves;
- :mod:`sklstm.lstm`: the estimators, their PyTorch network and batching;
  :mod:`sklstm.lstm.callbacks`, the skorch callbacks of their training;
- :mod:`sklstm.vectors`: word vectors, their files and word2vec;
- :mod:`sklstm.semi_supervised`: self-training on unlabelled texts;
- :mod:`sklstm.explain`: why a model predicted what it did;
- :mod:`sklstm.datasets`: IMDB, and your own data files;
- :mod:`sklstm.compare`: TF-IDF baselines, the comparison, its plots and report;
- :mod:`sklstm.streaming`, :mod:`sklstm.parallel`: predicting streams, parallel fits;
- :mod:`sklstm.cli`: the ``sklstm`` command.
"""

from . import _compat
from ._persistence import ModelFileError, load, load_metadata, save
from ._version import __version__
from .lstm import LSTMClassifier, LSTMRegressor
from .semi_supervised import SelfTrainingClassifier
from .tokenization import TextTokenizer
from .vectors import EmbeddingMatrix, Word2VecVectors, WordVectors, load_word_vectors

__all__ = ["EmbeddingMatrix", "LSTMClassifier", "LSTMRegressor", "ModelFileError",
           "SelfTrainingClassifier", "TextTokenizer", "Word2VecVectors", "WordVectors",
           "__version__", "load", "load_metadata", "load_word_vectors", "save"]

# The modules of sklstm 0.x keep working (with a FutureWarning) until 2.0.
_compat.install()
__getattr__ = _compat.old_module
