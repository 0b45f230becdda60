"""Tests for sklstm.embeddings, the compatibility module of word vectors, and of word
vectors in a classifier's pipeline."""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

import sklstm.embeddings
from sklstm import LSTMClassifier, TextTokenizer, WordVectors, vector_files, word2vec, word_vectors

# What sklstm.embeddings exported before the word-vector code moved out of it.
FORMER_NAMES = {"FORMATS", "EmbeddingMatrix", "WordVectors", "Word2VecVectors",
                "check_embedding_matrix", "load_word_vectors", "word_tokens"}


def test_compatibility_module_exports_the_former_names_only():
    assert set(sklstm.embeddings.__all__) == FORMER_NAMES
    # pytest's assertion rewriting may add names that are not identifiers ("@py_builtins")
    names = {name for name in vars(sklstm.embeddings)
             if name.isidentifier() and not name.startswith("__")}
    assert names == FORMER_NAMES  # no private names, nothing else


@pytest.mark.parametrize("name", sorted(FORMER_NAMES))
def test_compatibility_module_reexports_the_same_objects(name):
    homes = [module for module in (word_vectors, vector_files, word2vec)
             if name in module.__all__]
    assert len(homes) == 1, name
    assert getattr(sklstm.embeddings, name) is getattr(homes[0], name)


# --------------------------------------------------------------- pipeline


def test_word_vectors_pipeline_frozen_and_fine_tuned(vectors, vector_words):
    texts = ["the film was good", "a bad film", "good good film", "bad the film"] * 10
    labels = [1, 0, 1, 0] * 10
    tok = TextTokenizer(min_frequency=1).fit(texts)
    table = WordVectors(vector_words, vectors).align(tok.vocabulary_, random_state=0)
    fixed = dict(hidden_size=8, max_epochs=3, early_stopping=False, validation_fraction=None,
                 random_state=0, device="cpu", lr=1e-2)
    for freeze in (True, False):
        pipe = make_pipeline(TextTokenizer(vocabulary=tok.vocabulary_),
                             LSTMClassifier(embeddings=table, freeze_embeddings=freeze,
                                            **fixed))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the table matches the ids: no warning
            pipe.fit(texts, labels)
        weight = pipe[-1].module_.embedding.weight.detach().numpy()
        assert pipe[0].vocabulary_ == tok.vocabulary_
        assert weight.shape == table.shape
        if freeze:
            np.testing.assert_array_equal(weight, table.matrix)
        else:
            changed = ~np.isclose(weight, table.matrix).all(axis=1)
            assert changed[2:].all() and not changed[0]  # padding stays zero
        assert set(pipe.predict(texts)) <= {0, 1}
