"""sklstm: LSTM text classifiers that behave like scikit-learn estimators.

The two building blocks are :class:`TextTokenizer` (raw texts to a padded
matrix of integer ids, on Hugging Face ``tokenizers``) and
:class:`LSTMClassifier` (a skorch-wrapped PyTorch LSTM over those ids).
:mod:`sklstm.embeddings` adds pretrained word vectors for its embedding
table; :func:`save` and :func:`load` store fitted models without pickle.
"""

from .classifier import LSTMClassifier
from .embeddings import EmbeddingMatrix, Word2VecVectors, WordVectors, load_word_vectors
from .persistence import load, save
from .tokenizer import TextTokenizer

__version__ = "0.1.0"

__all__ = ["EmbeddingMatrix", "LSTMClassifier", "TextTokenizer", "Word2VecVectors",
           "WordVectors", "__version__", "load", "load_word_vectors", "save"]
