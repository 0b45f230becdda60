"""Pretrained word vectors for :class:`~sklstm.LSTMClassifier`: the former home of their code.

The word-vector code now lives in three modules, and this one re-exports
their public names, so that ``from sklstm.embeddings import ...`` keeps
working:

- :mod:`sklstm.word_vectors`: :class:`WordVectors` (words and their vectors)
  and :meth:`WordVectors.align`, which lays them out as an embedding table
  for a tokenizer's vocabulary: an :class:`EmbeddingMatrix`, which reports
  the vocabulary's coverage and can be passed as
  ``LSTMClassifier(embeddings=...)``; :func:`check_embedding_matrix`.
- :mod:`sklstm.vector_files`: :func:`load_word_vectors` reads word2vec (text
  and binary), GloVe and fastText ``.vec`` files, gzipped or not
  (:data:`FORMATS`); :meth:`WordVectors.save` writes them.
- :mod:`sklstm.word2vec`: :class:`Word2VecVectors` trains word2vec vectors
  (with gensim, the optional extra ``sklstm[vectors]``) on unlabelled texts,
  such as IMDB's 50,000 ``unsup`` reviews, splitting them into words exactly
  as :class:`~sklstm.TextTokenizer` does (:func:`word_tokens`).

Recipe
------
Pretrain vectors (or load them with :func:`load_word_vectors`), fit the
tokenizer, align the vectors to its vocabulary and fit a pipeline whose
tokenizer keeps that vocabulary, so that the rows of the table stay aligned
however often the pipeline is refitted (in a grid search, say). With large
pretrained vectors, ``freeze_embeddings=True`` keeps them as they are;
vectors trained on as little text as here are better fine-tuned:

>>> from sklearn.pipeline import make_pipeline
>>> from sklstm import LSTMClassifier, TextTokenizer, Word2VecVectors
>>> unlabelled = ["a great film , loved it", "what a bore , an awful film",
...               "loved the acting", "awful acting , a bore"] * 20
>>> w2v = Word2VecVectors(vector_size=16, min_count=1, epochs=20, random_state=0)
>>> vectors = w2v.fit(unlabelled).vectors_
>>> vectors
WordVectors(n_words=12, dim=16)
>>> texts = ["a great film", "loved it", "what a bore", "awful film", "superb"] * 8
>>> labels = ["pos", "pos", "neg", "neg", "pos"] * 8
>>> tokenizer = TextTokenizer(min_frequency=1).fit(texts)
>>> table = vectors.align(tokenizer.vocabulary_, random_state=0)
>>> print(table.report())
embedding matrix 11 x 16: 8 of 9 words found (88.9%)
missing words: 'superb'
>>> pipe = make_pipeline(
...     TextTokenizer(vocabulary=tokenizer.vocabulary_),
...     LSTMClassifier(embeddings=table, hidden_size=16, lr=1e-2, max_epochs=20,
...                    early_stopping=False, validation_fraction=None,
...                    random_state=0, device="cpu"))
>>> pipe.fit(texts, labels).predict(["loved it", "awful film"]).tolist()
['pos', 'neg']
"""

from .vector_files import FORMATS, load_word_vectors
from .word2vec import Word2VecVectors, word_tokens
from .word_vectors import EmbeddingMatrix, WordVectors, check_embedding_matrix

__all__ = ["FORMATS", "EmbeddingMatrix", "Word2VecVectors", "WordVectors",
           "check_embedding_matrix", "load_word_vectors", "word_tokens"]
