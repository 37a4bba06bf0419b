"""Benchmark ``cli``: start-up cost of the command line.

CPU time (user + system, from ``resource.getrusage`` of the child) of ``nsl --help``,
``nsl --version`` and ``nsl predict ...`` as whole processes, beyond Python's own start-up
(``python -c pass``, measured in the same run), against the target of 0.3 s of CPU; the
baseline ``python -c "import numpy"`` is shown for scale.  Each figure is the median of
``repeat`` runs.
"""
from __future__ import annotations

import resource
import subprocess
import sys

import numpy as np

from nsl.bench import Measurement
from nsl.registry import benchmark

__all__ = ["bench", "process_cpu_seconds"]

TARGET_EXTRA_CPU_S = 0.3


def process_cpu_seconds(argv: list[str], repeat: int = 5) -> float:
    """Median CPU seconds (user + system) of ``repeat`` runs of the process ``argv``.

    Parameters
    ----------
    argv : list of str
        The command; it must exit with code 0 or 2 (usage).
    repeat : int
        Number of runs (>= 1).
    """
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    out = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return float(np.median(out))


@benchmark("cli", description="start-up CPU of nsl --help, --version and predict beyond Python's own start-up")
def bench(quick: bool = True, device: str = "cpu") -> list[Measurement]:
    repeat = 5 if quick else 15
    py = sys.executable
    bare = process_cpu_seconds([py, "-c", "pass"], repeat)
    numpy_s = process_cpu_seconds([py, "-c", "import numpy"], repeat) - bare
    out = [Measurement("python -c 'import numpy' beyond python's start-up", numpy_s, "s CPU",
                       "target 0.3 s", TARGET_EXTRA_CPU_S)]
    for label, args in (("nsl --help", ["--help"]), ("nsl --version", ["--version"]),
                        ("nsl predict percolation --d 2 --c 4", ["predict", "percolation", "--d", "2", "--c", "4"]),
                        ("nsl predict two-layer --help", ["predict", "two-layer", "--help"]),
                        ("nsl predict spectrum 0.5", ["predict", "spectrum", "0.5"])):
        extra = max(process_cpu_seconds([py, "-m", "nsl", *args], repeat) - bare, 1e-3)
        out.append(Measurement(f"{label} beyond python's start-up", extra, "s CPU", "target 0.3 s",
                               TARGET_EXTRA_CPU_S, target=1.0, note=f"import numpy alone: {numpy_s:.3f} s"))
    return out
