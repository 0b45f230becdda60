"""GridSearchCV distributed with joblib's Dask backend on a two-process LocalCluster."""

import joblib
import numpy as np
import pytest
import torch
from dask.distributed import Client, LocalCluster
from numpy.testing import assert_allclose
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.parallel import TorchThreads, limit_torch_threads

TEXTS = ["a great film", "loved it", "wonderful acting", "what a bore", "awful film",
         "dull and long"] * 6
LABELS = ["pos", "pos", "pos", "neg", "neg", "neg"] * 6
GRID = {"texttokenizer__level": ["word", "char"], "lstmclassifier__pooling": ["max", "mean"]}


def _search(n_jobs):
    pipe = make_pipeline(
        TextTokenizer(min_frequency=1),
        LSTMClassifier(embedding_dim=8, hidden_size=8, max_epochs=3, early_stopping=False,
                       validation_fraction=None, random_state=0, device="cpu"),
    )
    return GridSearchCV(pipe, GRID, cv=2, n_jobs=n_jobs)


def _task_threads(client):
    """torch.get_num_threads() inside a task (a worker's executor thread), per worker."""
    workers = sorted(client.scheduler_info()["workers"])
    futures = [client.submit(torch.get_num_threads, workers=[w], pure=False) for w in workers]
    return client.gather(futures)


@pytest.mark.slow
def test_grid_search_on_local_cluster_matches_serial_search(monkeypatch):
    # Dask's nanny passes OMP_NUM_THREADS / MKL_NUM_THREADS found in the environment on
    # to its workers: without the plugin each worker would use 2 torch threads here.
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("MKL_NUM_THREADS", "2")
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        assert sorted(client.run(torch.get_num_threads).values()) == [2, 2]
        client.register_plugin(TorchThreads(1))
        assert sorted(client.run(torch.get_num_threads).values()) == [1, 1]
        assert _task_threads(client) == [1, 1]
        with joblib.parallel_config(backend="dask"):
            distributed = _search(n_jobs=-1).fit(TEXTS, LABELS)
        # The fits really ran on the workers.
        assert sum(client.run(
            lambda dask_worker: dask_worker.state.executed_count).values()) >= len(GRID) * 2

    previous = limit_torch_threads(1)  # the same arithmetic as on the workers
    try:
        serial = _search(n_jobs=1).fit(TEXTS, LABELS)
    finally:
        limit_torch_threads(previous)
    assert distributed.best_params_ == serial.best_params_
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert_allclose(distributed.cv_results_[key], serial.cv_results_[key])
    assert_allclose(distributed.predict_proba(TEXTS), serial.predict_proba(TEXTS), atol=1e-6)
    assert np.array_equal(distributed.predict(TEXTS), serial.predict(TEXTS))
