"""sklstm.parallel: thread limits for parallel fits (the cluster test is in test_dask.py)."""

import pickle
import threading

import pytest
import torch
from distributed.diagnostics.plugin import WorkerPlugin

from sklstm.parallel import TorchThreads, limit_torch_threads


@pytest.fixture
def restore_threads():
    previous = torch.get_num_threads()
    yield
    torch.set_num_threads(previous)


def test_limit_torch_threads_sets_and_returns_previous(restore_threads):
    before = torch.get_num_threads()
    assert limit_torch_threads(1) == before
    assert torch.get_num_threads() == 1
    assert limit_torch_threads(before) == 1
    assert torch.get_num_threads() == before


def test_limit_holds_in_threads_started_later(restore_threads):
    limit_torch_threads(1)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    assert seen == [1]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", None, True])
def test_bad_thread_counts_are_refused(bad):
    with pytest.raises(ValueError, match="n_threads must be an integer >= 1"):
        limit_torch_threads(bad)
    with pytest.raises(ValueError, match="n_threads must be an integer >= 1"):
        TorchThreads(bad)


def test_plugin_is_a_picklable_worker_plugin(restore_threads):
    plugin = TorchThreads(1)
    assert isinstance(plugin, WorkerPlugin)
    assert plugin.name == "sklstm-torch-threads"
    assert repr(plugin) == "TorchThreads(n_threads=1)"
    copy = pickle.loads(pickle.dumps(plugin))
    assert copy.n_threads == 1
    copy.setup(worker=None)
    assert torch.get_num_threads() == 1
