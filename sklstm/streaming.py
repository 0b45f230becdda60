"""Prediction over a stream of texts in bounded memory.

:func:`predict_stream` reads texts from any iterable (a list, a generator,
an open file) a batch at a time and yields each batch's predictions, so
that arbitrarily many texts can be classified while only one batch (two,
with prefetching) is held in memory.
"""

import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.pipeline import Pipeline

from ._utils.validation import check_iterable, check_positive_int

__all__ = ["predict_stream"]

_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform")


def predict_stream(estimator, texts, *, batch_size=1024, method="predict", prefetch=True):
    """Predict an iterable of texts batch by batch; yield each batch's result.

    The input is consumed lazily, ``batch_size`` texts at a time, and never
    held whole: memory stays bounded by one batch (two with ``prefetch``),
    however long the stream. Concatenating the results gives what
    ``estimator.<method>`` gives on the whole list.

    Parameters
    ----------
    estimator : fitted estimator
        Typically a pipeline of :class:`~sklstm.TextTokenizer` and
        :class:`~sklstm.LSTMClassifier`.
    texts : iterable of str
        The texts: a list, a generator, an open text file (one text a line;
        the line ending is whitespace, which the tokenizer ignores), ...
    batch_size : int, default=1024
        Texts per call of the estimator.
    method : {'predict', 'predict_proba', 'predict_log_proba', \
'decision_function', 'transform'}, default='predict'
        The estimator's method to call on each batch.
    prefetch : bool, default=True
        For a :class:`~sklearn.pipeline.Pipeline` (and any ``method`` but
        'transform'): read and transform (tokenize) the next batch in a
        background thread while the last step predicts the current one.
        Tokenizers and PyTorch release the GIL, so the two overlap; the
        results are the same either way.

    Yields
    ------
    result : ndarray
        ``estimator.<method>(batch)`` for each consecutive batch.

    Raises
    ------
    ValueError
        If ``texts`` is a single string or bytes object or not iterable,
        ``batch_size`` is not a positive integer, ``prefetch`` not a bool or
        ``method`` is unknown or missing on the estimator. Invalid texts
        within the stream raise when their batch is reached, naming the index
        within the batch.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import LSTMClassifier, TextTokenizer
    >>> from sklstm.streaming import predict_stream
    >>> texts = ["a great film", "loved it", "what a bore", "awful film"] * 4
    >>> labels = ["pos", "pos", "neg", "neg"] * 4
    >>> pipe = make_pipeline(
    ...     TextTokenizer(min_frequency=1),
    ...     LSTMClassifier(hidden_size=8, embedding_dim=8, max_epochs=2,
    ...                    early_stopping=False, validation_fraction=None,
    ...                    random_state=0, device="cpu")).fit(texts, labels)
    >>> stream = (f"text number {i}" for i in range(10))
    >>> [len(batch) for batch in predict_stream(pipe, stream, batch_size=4)]
    [4, 4, 2]
    """
    check_iterable(texts, name="predict_stream", what="an iterable of texts",
                   examples="a list, generator or open file")
    batch_size = check_positive_int(batch_size, "batch_size")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    if not isinstance(prefetch, (bool, np.bool_)):
        raise ValueError(f"prefetch must be True or False, got {type(prefetch).__name__}")
    call = getattr(estimator, method, None)
    if call is None:
        raise ValueError(f"{type(estimator).__name__} has no method {method!r}")
    iterator = iter(texts)
    if prefetch and method != "transform" and isinstance(estimator, Pipeline) \
            and len(estimator) > 1:
        return _prefetched(estimator[:-1].transform, getattr(estimator[-1], method),
                           iterator, batch_size)
    return _batches(call, iterator, batch_size)


def _batches(call, iterator, batch_size):
    while True:
        batch = list(itertools.islice(iterator, batch_size))
        if not batch:
            return
        yield call(batch)


def _prefetched(transform, call, iterator, batch_size):
    """``_batches`` of ``call(transform(batch))``, each batch read and transformed in a
    worker thread while ``call`` runs on the one before."""
    def read():
        batch = list(itertools.islice(iterator, batch_size))
        return transform(batch) if batch else None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sklstm-prefetch") as pool:
        pending = pool.submit(read)
        while True:
            features = pending.result()  # a bad text raises here, when its batch is due
            if features is None:
                return
            pending = pool.submit(read)
            yield call(features)
