"""A fuzzed public API: every public function of theory/ and the public entry points of sims/,
called with one bad argument at a time (NaN, ±inf, negative, zero, huge, fractional counts,
wrong types, wrong shapes), the others valid.

Each call must return a finite result or raise ``ValueError``/``TypeError`` whose message names
the argument, within a time limit (and a memory cap): no other exception, no NaN, no hang.

The default run draws a few cases per function with hypothesis (derandomized, so the same cases
each run; about a minute in all); ``NSL_FUZZ_FULL=1`` tries every (argument, bad value) pair.
Known findings are listed in ``fuzz_known/<module>.json``, one file per module (``KNOWN_FAILURES``; remake
them with ``NSL_FUZZ_FULL=1 NSL_FUZZ_WRITE_KNOWN=/tmp/f.jsonl pytest tests/test_fuzz_api.py [-k MODULE]`` then
``python tests/fuzz_api_support.py fold /tmp/f.jsonl [MODULE ...]``; ``tests/fuzz_findings.md`` is their
digest) and kept visible: a function with known findings
is reported as xfail, a new finding fails, and a known finding that stops failing fails too
(strict), so the list shrinks as the functions are fixed.
"""
from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_api_support import (BAD_VALUES, accepted_names, bad_values_for, baseline_kwargs, call_limited, fuzzed_params, load_known,
                              nonfinite, public_functions, verdict)

FULL = os.environ.get("NSL_FUZZ_FULL") == "1"
CASE_BUDGET_S = 0.25  # default run: time per function for its drawn cases (at least MIN_CASES are tried)
MIN_CASES, MAX_CASES = 2, 10
FUNCS = dict(public_functions())


def _load_known() -> dict[tuple[str, str, str], str]:
    """(function, argument, bad value) -> what happened, from the files in fuzz_known/."""
    data = load_known()
    return {(f, a, v): what for f, args in data.items() for a, vals in args.items() for v, what in vals.items()}


KNOWN_FAILURES = _load_known()
WRITE_KNOWN = os.environ.get("NSL_FUZZ_WRITE_KNOWN")  # a path: the full run writes its findings there
TRIED: dict[str, int] = {}


def _time_limit(baseline_s: float) -> float:
    """A hang is a call 10x slower than the valid one (2 s at least; at most 20 s, 5 s in the default run)."""
    return min(max(2.0, 10 * baseline_s), 20.0 if FULL else 5.0)


def _cases(qualname: str, fn, baseline_s: float) -> list[tuple[str, str]]:
    every = [(p, label) for p in fuzzed_params(fn) for label in bad_values_for(fn, p)]
    if FULL or not every:
        return every
    n = 1 if baseline_s > 1.0 else int(min(MAX_CASES, max(MIN_CASES, CASE_BUDGET_S / max(baseline_s, 1e-3))))
    drawn: list[tuple[str, str]] = []

    @settings(max_examples=4 * n, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(every))
    def draw(case):
        if case not in drawn and len(drawn) < n:
            drawn.append(case)

    draw()
    return drawn


@pytest.mark.parametrize("qualname", sorted(FUNCS))
def test_bad_arguments(qualname):
    fn = FUNCS[qualname]
    try:
        base = baseline_kwargs(qualname, fn)
    except KeyError as exc:
        pytest.xfail(f"no valid call of {qualname} known (parameter {exc}): add one to fuzz_api_support.OVERRIDES")
    kind, val = call_limited(fn, dict(base), 60.0)  # first call: imports (torch), compiles (numba), caches
    t0 = time.perf_counter()
    if kind == "ok":
        kind, val = call_limited(fn, baseline_kwargs(qualname, fn), 60.0)
    baseline_s = time.perf_counter() - t0
    if kind != "ok" or nonfinite(val) is not None:
        pytest.xfail(f"the valid call of {qualname} does not work ({kind}: {val!r:.200}): fix fuzz_api_support.OVERRIDES")
    limit = _time_limit(baseline_s)
    found, fixed = {}, []
    cases = _cases(qualname, fn, baseline_s)
    TRIED[qualname] = len(cases)
    for param, label in cases:
        kw = dict(baseline_kwargs(qualname, fn))  # fresh objects (rng state, arrays) for every case
        kw[param] = BAD_VALUES[label]()
        what = verdict(param, call_limited(fn, kw, limit), also=accepted_names(fn, param, kw))
        key = (qualname, param, label)
        if what is not None:
            found[key] = what
        elif key in KNOWN_FAILURES:
            fixed.append(key)
    new = {k: v for k, v in found.items() if k not in KNOWN_FAILURES}
    _record(found)
    msgs = [f"{p}={label}: {w}" for (_, p, label), w in new.items()]
    msgs += [f"{p}={label}: now passes, remove it from KNOWN_FAILURES" for (_, p, label) in fixed]
    assert not msgs, f"{qualname}: " + "; ".join(msgs)
    if found:
        pytest.xfail(f"{len(found)} known findings: " + "; ".join(f"{p}={lab}: {w}" for (_, p, lab), w in found.items()))


def _record(found: dict) -> None:
    if not WRITE_KNOWN:
        return
    with open(WRITE_KNOWN, "a") as fh:  # one JSON line per finding; `python tests/fuzz_api_support.py fold` makes the known file
        for (qn, p, label), what in found.items():
            fh.write(json.dumps({"function": qn, "argument": p, "value": label, "what": what}) + "\n")


def test_harness_classifies():
    """The verdict itself can fail: NaN results, silent wrong exceptions and unnamed arguments are caught."""
    assert verdict("x", ("ok", 1.0)) is None
    assert "non-finite" in verdict("x", ("ok", {"a": [1.0, float("nan")]}))
    assert verdict("x", ("raised", ValueError("x must be > 0"))) is None
    assert "not naming 'x'" in verdict("x", ("raised", ValueError("bad value")))
    assert verdict("x", ("raised", ZeroDivisionError("division by zero"))).startswith("ZeroDivisionError")
    assert verdict("x", ("timeout", None)) == "hang (time limit)"
    assert verdict("hi", ("raised", ValueError("x must be <= 0, got 3")), also=("x",)) is None
    assert "not naming 'hi'" in verdict("hi", ("raised", ValueError("must be <= 0, got 3")), also=("x",))

    def spin(n):
        while True:
            pass

    t0 = time.perf_counter()
    assert call_limited(spin, {"n": 1}, 0.3)[0] == "timeout" and time.perf_counter() - t0 < 5

    def hog(n):
        import numpy as np

        return np.ones(int(n))  # 40 GB: refused by the memory cap, not by the machine

    kind, exc = call_limited(hog, {"n": 5e9}, 5.0)
    assert kind == "raised" and isinstance(exc, MemoryError)


def test_every_public_function_is_fuzzed():
    """theory/ is covered module by module (a module without functions would hide a wrong __all__)."""
    mods = {q.rsplit(".", 1)[0] for q in FUNCS}
    assert {"nsl.theory.spectra", "nsl.theory.fitting", "nsl.theory.learning_curves", "nsl.theory.regimes",
            "nsl.theory.percolation.bethe", "nsl.theory.two_layer.ode"} <= mods
    assert len(FUNCS) >= 100
