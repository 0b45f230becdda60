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


# The load average when the benchmark started: what else the machine was doing.
_LOAD_AT_START = os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def run_info():
    """How a result was produced: the command, the date, sklstm's version and the load.

    The load average (one minute) at the start and at the time of writing shows
    whether something else ran beside the benchmark, which its times depend on.
    """
    import sklstm

    load = None
    if _LOAD_AT_START is not None:
        load = {"start": round(_LOAD_AT_START, 2), "end": round(os.getloadavg()[0], 2)}
    script = Path(sys.argv[0])
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    return {"command": shlex.join(["python", str(script), *sys.argv[1:]]),
            "date": datetime.date.today().isoformat(), "sklstm": sklstm.__version__,
            "load_average": load}


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
        print(f"# {title}", flush=True)

    def section(self, title):
        """Print a section heading; its figures are keyed by the title's first word."""
        print(f"\n## {title}", flush=True)
        self.figures.setdefault(title.split()[0], {})["_title"] = title

    def add(self, section, key, value, unit="", fmt="{:,.1f}"):
        self.figures.setdefault(section, {})[key] = value
        shown = fmt.format(value) if isinstance(value, (int, float)) else str(value)
        print(f"  {key:<48} {shown} {unit}".rstrip(), flush=True)
        return value

    def save(self, path, **extra):
        write_json(path, {"title": self.title, "machine": machine_info(), **extra,
                          "figures": self.figures})
        print(f"\nwrote {path}", flush=True)
