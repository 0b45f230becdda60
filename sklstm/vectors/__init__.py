"""Word vectors for the embedding table: in memory, in files, and trained with word2vec.

- :class:`WordVectors` holds words and their vectors; :meth:`WordVectors.align`
  lays them out for a tokenizer's vocabulary as an :class:`EmbeddingMatrix`,
  which ``LSTMClassifier(embeddings=...)`` takes (:func:`check_embedding_matrix`);
- :func:`load_word_vectors` and :func:`save_word_vectors` read and write the
  word2vec, GloVe and fastText formats (:data:`FORMATS`);
- :class:`Word2VecVectors` trains word2vec vectors on unlabelled texts (gensim,
  ``pip install 'sklstm[vectors]'``), on the words :func:`word_tokens` gives.
"""

from ._files import load_word_vectors, save_word_vectors
from ._formats import FORMATS
from ._word2vec import Word2VecVectors, word_tokens
from ._word_vectors import EmbeddingMatrix, WordVectors, check_embedding_matrix

__all__ = ["FORMATS", "EmbeddingMatrix", "Word2VecVectors", "WordVectors",
           "check_embedding_matrix", "load_word_vectors", "save_word_vectors", "word_tokens"]
