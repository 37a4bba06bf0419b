"""What a suite and a figure receive from the shell.

A suite is ``fn(ctx: SuiteContext) -> list[Row]``.  It builds its grid of configs, runs it
with ``ctx.sweep(fn, grid)`` (the store, the executor and the progress bar come from the
CLI), fits, saves what its figures need with ``ctx.save_artifact`` and returns rows.

A figure is ``fn(ctx: FigureContext) -> FigureOutput``: it reads the artifacts its suite
saved (``ctx.load_artifact``), never trains, and returns a matplotlib figure plus the table
(equal-length columns) behind it, which the shell writes as PNG and CSV side by side.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable, Mapping

from nsl.store import Run, RunStore
from nsl.sweep import run_sweep

__all__ = ["PRESETS", "DEVICES", "SuiteContext", "FigureContext", "FigureOutput", "ArtifactMissing", "check_preset"]

PRESETS = ("quick", "medium", "full")
DEVICES = ("cpu", "cuda")


def check_preset(preset: str) -> str:
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, got {preset!r}")
    return preset


class ArtifactMissing(LookupError):
    """A figure asked for an artifact its suite has not stored yet."""


def _artifact_config(suite: str, name: str, preset: str) -> dict:
    return {"artifact": name, "suite": suite, "preset": preset}


@dataclass
class SuiteContext:
    """Everything a suite needs from the shell; defaults suit tests and notebooks."""

    suite: str
    store: RunStore
    preset: str = "quick"
    device: str = "cpu"
    executor: Any = None  # an Executor, a kind name, or None (process pool)
    workers: int | None = None
    progress: bool = True
    force: bool = False
    out: Path | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_preset(self.preset)
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")

    @property
    def quick(self) -> bool:
        return self.preset == "quick"

    def sweep(self, fn: Callable[[dict], Any], grid: Iterable[Mapping[str, Any]], *, desc: str | None = None) -> list[Run]:
        """``run_sweep`` with this context's store, executor and progress settings."""
        return run_sweep(fn, grid, store=self.store, executor=self.executor, progress=self.progress,
                         force=self.force, desc=desc or self.suite, workers=self.workers)

    def save_artifact(self, name: str, arrays: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> Run:
        """Store the arrays (and plain metadata) a figure of this suite will read."""
        return self.store.put(_artifact_config(self.suite, name, self.preset), arrays, dict(meta or {}))

    def note(self, text: str) -> None:
        """A sentence for the report (e.g. a paper number that could not be reproduced, and why)."""
        self.notes.append(text)


@dataclass
class FigureContext:
    """What a figure reads: the artifacts of its suite at a preset."""

    suite: str
    store: RunStore
    preset: str = "quick"

    def load_artifact(self, name: str) -> Run:
        run = self.store.get(_artifact_config(self.suite, name, self.preset))
        if run is None:
            raise ArtifactMissing(f"artifact {name!r} of suite {self.suite!r} (preset {self.preset}) is not stored; "
                                  f"run `nsl validate {self.suite} --preset {self.preset}` first")
        return run


@dataclass
class FigureOutput:
    """A figure and the table behind it (a dict of equal-length columns, written as CSV)."""

    figure: Any
    table: dict[str, Any]
    caption: str = ""

    def __post_init__(self) -> None:
        lengths = {k: len(v) for k, v in self.table.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"table columns must have equal lengths, got {lengths}")
