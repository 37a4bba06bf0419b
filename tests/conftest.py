import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def store(tmp_path):
    from nsl.store import RunStore

    return RunStore(tmp_path / "store")
