"""Torch's process-wide settings are changed only inside nsl.sims.torch_state's context, and restored."""
import numpy as np
import pytest
import torch

from nsl.sims.torch_state import blas_threads, torch_settings


def test_threads_and_flags_restored_even_on_error():
    n = torch.get_num_threads()
    flags = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark,
             torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    target = 1 if n != 1 else 2
    with pytest.raises(RuntimeError):
        with torch_settings(threads=target, deterministic=not flags[0], tf32=not flags[2]):
            assert torch.get_num_threads() == target
            assert torch.backends.cudnn.deterministic is (not flags[0])
            assert torch.backends.cuda.matmul.allow_tf32 is (not flags[2])
            raise RuntimeError("boom")
    assert torch.get_num_threads() == n
    assert (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark,
            torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32) == flags


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_threads_named(bad):
    with pytest.raises(ValueError, match="threads"):
        with torch_settings(threads=bad):
            pass
    with pytest.raises(ValueError, match="n must be"):
        with blas_threads(bad):
            pass


def test_blas_threads_scoped():
    from threadpoolctl import threadpool_info

    before = [p["num_threads"] for p in threadpool_info()]
    with blas_threads(1):
        assert all(p["num_threads"] == 1 for p in threadpool_info())
        np.linalg.svd(np.ones((50, 50)))
    assert [p["num_threads"] for p in threadpool_info()] == before
