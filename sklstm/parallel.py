"""Parallel fits without oversubscribing the CPU cores.

PyTorch gives every process as many threads as there are cores. When
several fits run at the same time -- ``GridSearchCV(n_jobs=...)`` with
joblib's process backend, or joblib's Dask backend on a
``dask.distributed`` cluster -- each process should use only its share of
the cores, or the processes slow each other down.

- :func:`limit_torch_threads` sets the number of PyTorch threads of the
  calling process.
- :class:`TorchThreads` is a ``dask.distributed`` worker plugin that does
  the same on every worker of a cluster, including workers that join or
  restart later. Dask's nanny already starts worker processes with
  ``OMP_NUM_THREADS=1``; the plugin makes the setting explicit and lets
  you choose another value (e.g. the machine's cores divided by its
  workers). It needs the ``dask`` extra: ``pip install sklstm[dask]``.

See the user guide's "Scaling out" page for a complete example and a
multi-machine set-up.
"""

import torch

from ._utils.optional import optional_base
from ._utils.validation import check_positive_int

__all__ = ["TorchThreads", "limit_torch_threads"]

# The optional ``dask`` extra's plugin class (``object`` without it).
_WorkerPlugin = optional_base("distributed.diagnostics.plugin", "WorkerPlugin")


def limit_torch_threads(n_threads=1):
    """Set the number of threads PyTorch uses in this process.

    A thin, validated wrapper of :func:`torch.set_num_threads`; the setting
    also holds in threads started afterwards (such as a Dask worker's task
    threads).

    Parameters
    ----------
    n_threads : int, default=1
        Threads for PyTorch's intra-op parallelism.

    Returns
    -------
    previous : int
        The number of threads before the call, to restore it later.

    Raises
    ------
    ValueError
        If ``n_threads`` is not a positive integer.

    Examples
    --------
    >>> import torch
    >>> from sklstm.parallel import limit_torch_threads
    >>> previous = limit_torch_threads(1)
    >>> torch.get_num_threads()
    1
    >>> _ = limit_torch_threads(previous)
    """
    n_threads = check_positive_int(n_threads, "n_threads")
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    return previous


class TorchThreads(_WorkerPlugin):
    """Dask worker plugin: each worker process uses ``n_threads`` torch threads.

    Register it once on a client, before submitting work; Dask runs it on
    every current worker and on every worker that joins or restarts later.
    PyTorch applies the setting to threads that start afterwards: after
    registering another value (the same ``name`` replaces the plugin),
    ``client.restart()`` makes it reach workers that have already run tasks.

    Parameters
    ----------
    n_threads : int, default=1
        PyTorch threads per worker process. With ``--nthreads 1`` workers
        (one task at a time), ``cores // workers_per_machine`` uses every
        core once.

    Attributes
    ----------
    name : str
        The plugin's name on the cluster, ``'sklstm-torch-threads'``.

    See Also
    --------
    limit_torch_threads : The same for the calling process.

    Examples
    --------
    >>> from sklstm.parallel import TorchThreads
    >>> plugin = TorchThreads(1)
    >>> plugin.n_threads
    1

    On a cluster (not run here)::

        from dask.distributed import Client, LocalCluster
        import joblib

        cluster = LocalCluster(n_workers=2, threads_per_worker=1)
        client = Client(cluster)
        client.register_plugin(TorchThreads(1))
        with joblib.parallel_config(backend="dask"):
            search.fit(texts, labels)
    """

    name = "sklstm-torch-threads"

    def __init__(self, n_threads=1):
        self.n_threads = check_positive_int(n_threads, "n_threads")

    def setup(self, worker=None):
        """Apply the setting in the worker process (called by Dask).

        Parameters
        ----------
        worker : distributed.Worker or None, default=None
            The worker; unused.
        """
        limit_torch_threads(self.n_threads)

    def __repr__(self):
        return f"{type(self).__name__}(n_threads={self.n_threads})"
