"""The Examples sections of every module under ``nsl.theory`` run and hold.

Each module's doctests are run with :func:`doctest.testmod`; a module whose
examples print a wrong number fails here.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import nsl.theory as theory


def _theory_modules() -> list[str]:
    names = ["nsl.theory"]
    for info in pkgutil.walk_packages(theory.__path__, prefix="nsl.theory."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _theory_modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(
        module,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
        report=False,
    )
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
