"""Shared fixtures: the real IMDB archive, read from ../shared/datasets.

In CI a missing archive is a failure, not a skip: the fixture raises.
"""

from pathlib import Path

import numpy as np
import pytest

SHARED_DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
IMDB_ARCHIVE = SHARED_DATASETS / "aclImdb_v1.tar.gz"


@pytest.fixture(scope="session")
def imdb_data_home(tmp_path_factory):
    """Folder holding the IMDB archive; the loader's cache goes to a temporary folder."""
    if not IMDB_ARCHIVE.is_file():
        pytest.fail(f"the IMDB archive is missing: expected {IMDB_ARCHIVE} "
                    "(see ../shared/datasets/README.md)")
    mp = pytest.MonkeyPatch()
    mp.setenv("SKLSTM_CACHE", str(tmp_path_factory.mktemp("sklstm-cache")))
    yield SHARED_DATASETS
    mp.undo()


@pytest.fixture(scope="session")
def imdb_train_texts(imdb_data_home):
    """The 25k IMDB training reviews and their 0/1 labels."""
    from sklstm.datasets import load_imdb

    bunch = load_imdb("train", data_home=imdb_data_home, download=False)
    return bunch.data, np.asarray(bunch.target)


@pytest.fixture
def one_torch_thread():
    """Run a test with one torch thread, then restore the thread count."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``gpu`` where torch sees no CUDA device."""
    gpu_items = [item for item in items if "gpu" in item.keywords]
    if not gpu_items:
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device; torch.cuda.is_available() is False")
    for item in gpu_items:
        item.add_marker(skip)
