"""sklstm: LSTM text classifiers that behave like scikit-learn estimators.

The two building blocks are :class:`TextTokenizer` (raw texts to a padded
matrix of integer ids, on Hugging Face ``tokenizers``) and
:class:`LSTMClassifier` (a skorch-wrapped PyTorch LSTM over those ids), with
:class:`LSTMRegressor` its twin for continuous targets and
:class:`SelfTrainingClassifier` to pseudo-label unlabelled texts.
:mod:`sklstm.word_vectors`, :mod:`sklstm.vector_files` and
:mod:`sklstm.word2vec` add pretrained word vectors for its embedding table;
:func:`save` and :func:`load` store fitted models without pickle.
"""

from .classifier import LSTMClassifier
from .persistence import load, save
from .regressor import LSTMRegressor
from .self_training import SelfTrainingClassifier
from .tokenizer import TextTokenizer
from .vector_files import load_word_vectors
from .word2vec import Word2VecVectors
from .word_vectors import EmbeddingMatrix, WordVectors

__version__ = "0.4.0"

__all__ = ["EmbeddingMatrix", "LSTMClassifier", "LSTMRegressor", "SelfTrainingClassifier",
           "TextTokenizer", "Word2VecVectors", "WordVectors", "__version__", "load",
           "load_word_vectors", "save"]
