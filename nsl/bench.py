"""Benchmarks: ``python -m nsl.bench [NAME...] [--full] [--json] [--device cpu|cuda]``.

A benchmark is a function registered with :func:`nsl.registry.benchmark` (by convention in
``validation/bench_<area>.py``) that takes ``(quick: bool, device: str)`` and returns a list of
:class:`Measurement`.  Each measurement names its baseline (another implementation, a
prototype's figure, a target), and the runner prints the ratio against it.  Speed and memory
targets live here, never in timed unit tests.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from dataclasses import asdict, dataclass

__all__ = ["Measurement", "main", "timeit"]


@dataclass(frozen=True)
class Measurement:
    """One figure: ``value`` in ``unit`` against ``baseline_value`` of ``baseline``.

    ``ratio`` is how many times better than the baseline (``> 1`` is better): for times and
    memory (``higher_is_better=False``) baseline/value, for throughputs value/baseline.
    ``target`` (optional) is the ratio the issue asks for; ``met`` says whether it is reached.
    """

    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    higher_is_better: bool = False
    target: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        if self.value <= 0 or self.baseline_value <= 0:
            return math.nan
        r = self.value / self.baseline_value
        return r if self.higher_is_better else 1.0 / r

    @property
    def met(self) -> bool | None:
        return None if self.target is None else bool(self.ratio >= self.target)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(ratio=self.ratio, met=self.met)
        return d


def timeit(fn, *args, repeat: int = 3, **kwargs) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls (seconds) and the last return value."""
    best, out = math.inf, None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv: list[str] | None = None) -> int:
    from nsl import registry

    ap = argparse.ArgumentParser(prog="python -m nsl.bench", description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    ap.add_argument("--full", action="store_true", help="the full sizes named in the issues (slow)")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = ap.parse_args(argv)
    table = registry.benchmarks()
    if args.list:
        for name, e in table.items():
            print(f"{name:24s} {e.description}")
        return 0
    names = args.names or list(table)
    unknown = [n for n in names if n not in table]
    if unknown:
        print(f"nsl.bench: unknown benchmark(s) {', '.join(unknown)}; allowed: {', '.join(table)}", file=sys.stderr)
        return 2
    out = []
    print(f"# nsl.bench on {platform.node()} ({platform.processor() or platform.machine()}), python {platform.python_version()}, "
          f"{'full' if args.full else 'quick'} sizes, device {args.device}", file=sys.stderr)
    for n in names:
        t0 = time.perf_counter()
        ms = table[n].fn(quick=not args.full, device=args.device)
        for m in ms:
            out.append({"benchmark": n, **m.to_dict()})
            if not args.json:
                flag = "" if m.met is None else ("  [target {:.3g}: {}]".format(m.target, "met" if m.met else "NOT met"))
                print(f"{n:18s} {m.name:44s} {m.value:12.4g} {m.unit:10s} vs {m.baseline} {m.baseline_value:.4g}: "
                      f"ratio {m.ratio:8.3g}{flag}{('  ' + m.note) if m.note else ''}")
        print(f"# {n}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps(out, indent=1, default=float))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
