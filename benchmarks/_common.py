"""Helpers shared by the benchmark scripts: timing, memory, machine facts, JSON."""

import datetime
import json
import os
import platform
import resource
import shlex
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from sklstm._utils.files import atomic_file


def timed(fn, *, repeat=3, warmup=1):
    """Median wall time of ``fn()`` in seconds over ``repeat`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb():
    """Peak resident memory of this process so far, in MiB.

    On Linux this is ``VmHWM`` of ``/proc/self/status``: unlike ``ru_maxrss``,
    which a process started by ``fork`` + ``exec`` inherits from its parent,
    it counts this program's memory only.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb():
    """Resident memory of this process now, in MiB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return float("nan")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or platform.machine()


def machine_info():
    """Facts that make figures comparable: CPU, cores, threads, versions, GPU."""
    import sklearn
    import skorch
    import tokenizers

    info = {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "skorch": skorch.__version__,
        "tokenizers": tokenizers.__version__,
        "numpy": np.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    return info


def _busy_seconds():
    """CPU seconds the whole machine has been busy (all cores, from /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:  # pragma: no cover - not Linux
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_seconds():
    """CPU seconds of this process and of the children it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


# What the machine and this process had spent when the benchmark started.
_START = (time.perf_counter(), _busy_seconds(), _own_seconds())


def other_cpu():
    """The cores that other processes kept busy, on average, since the benchmark started:
    0 where it ran alone, up to the number of cores. Its times depend on it."""
    wall, busy, own = _START
    if busy is None:  # pragma: no cover - not Linux
        return None
    seconds = time.perf_counter() - wall
    others = (_busy_seconds() - busy) - (_own_seconds() - own)
    return round(max(others, 0.0) / max(seconds, 1e-9), 2)


def run_info():
    """How a result was produced: the command, the date, sklstm's version and what else ran.

    ``other_cpu`` is the number of cores that other processes kept busy on
    average during the run (:func:`other_cpu`): 0 where the benchmark ran alone.
    """
    import sklstm

    script = Path(sys.argv[0])
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    return {"command": shlex.join(["python", str(script), *sys.argv[1:]]),
            "date": datetime.date.today().isoformat(), "sklstm": sklstm.__version__,
            "other_cpu": other_cpu()}


def bare_epoch_seconds(X, *, device="cpu", width=128, batch_size=64, training=True,
                       dtype=None):
    """Seconds of one pass of the bare layer over the id matrix ``X``: the yardstick of cost.

    The bare layer is an embedding, a bidirectional ``nn.LSTM`` of ``width``
    per direction and max pooling over the real steps, in batches of
    ``batch_size`` rows sorted by length; ``training`` runs forward and
    backward (weight gradients), else a forward pass without autograd.
    ``dtype`` (such as ``torch.bfloat16``) runs it under autocast. No
    optimizer, no loss beyond a sum: what any network of this shape must do.
    """
    from torch import nn

    from sklstm.lstm import sequence_lengths

    torch.manual_seed(0)
    emb = nn.Embedding(int(X.max()) + 1, width, padding_idx=0).to(device)
    lstm = nn.LSTM(width, width, bidirectional=True).to(device)
    lengths = np.maximum(sequence_lengths(X), 1)
    order = np.argsort(lengths, kind="stable")
    batches = []
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        n = int(lengths[rows].max())
        batches.append((torch.from_numpy(X[rows, :n].astype(np.int64)).to(device),
                        torch.from_numpy(lengths[rows]).to(device)))

    def one(ids, lens):
        with torch.autocast(torch.device(device).type, dtype=dtype, enabled=dtype is not None):
            h = lstm(emb(ids.t()))[0]
            steps = torch.arange(ids.shape[1], device=ids.device).unsqueeze(1)
            return h.masked_fill((steps >= lens).unsqueeze(-1), float("-inf")).amax(dim=0)

    one(*batches[-1])  # warm-up on the longest batch
    start = time.perf_counter()
    for ids, lens in batches:
        if training:
            emb.zero_grad()
            lstm.zero_grad()
            one(ids, lens).float().sum().backward()
        else:
            with torch.inference_mode():
                one(ids, lens)
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def best_epoch(history):
    """The epoch of a skorch history with the lowest validation loss (what early stopping
    keeps), or the last one where an epoch has none."""
    losses = [row.get("valid_loss") for row in history]
    if any(v is None for v in losses):
        return len(history)
    return int(np.argmin(losses)) + 1


def write_json(path, payload):
    """Write ``payload`` as indented JSON, atomically, with :func:`run_info` as ``"run"``."""
    payload = {**payload, "run": payload.get("run") or run_info()}
    with atomic_file(Path(path)) as f:
        f.write(json.dumps(payload, indent=2, default=float).encode() + b"\n")


class Report:
    """Collects figures, prints each as it comes, and writes them all to JSON."""

    def __init__(self, title):
        self.title = title
        self.figures = {}
        self.units = {}
        print(f"# {title}", flush=True)

    def section(self, title):
        """Print a section heading; its figures are keyed by the title's first word."""
        print(f"\n## {title}", flush=True)
        self.figures.setdefault(title.split()[0], {})["_title"] = title

    def add(self, section, key, value, unit="", fmt="{:,.1f}"):
        self.figures.setdefault(section, {})[key] = value
        if unit:
            self.units.setdefault(section, {})[key] = unit
        shown = fmt.format(value) if isinstance(value, (int, float)) else str(value)
        print(f"  {key:<48} {shown} {unit}".rstrip(), flush=True)
        return value

    def save(self, path, **extra):
        write_json(path, {"title": self.title, "machine": machine_info(), **extra,
                          "figures": self.figures, "units": self.units})
        print(f"\nwrote {path}", flush=True)
