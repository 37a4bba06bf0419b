"""Torch's process-wide settings, in one place, scoped and restored.

Torch keeps its intra-op thread count and its cuDNN / TF32 switches as process-wide state.  The
simulations and trainings change them only through :func:`torch_settings`, a context manager
that sets what it is given and restores the previous values on exit (also on an exception), so a
call into ``nsl.sims`` never leaves the caller's process changed.  BLAS thread pools (numpy,
scipy) are limited the same way with ``threadpoolctl`` (:func:`blas_threads`).

A torch 2.x (MKL) fault to know about: once the thread count has been raised again (1 -> 2, as the
restore does), batched LU solves (``torch.linalg.solve`` / ``inv`` on a stack of matrices) fail
with "Pivots given to lu_solve must all be >= 1" or return garbage for the rest of the process.
The simulations solve their symmetric positive-definite systems by Cholesky
(``nsl.sims.random_features``), which is unaffected.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["torch_settings", "blas_threads"]


@contextlib.contextmanager
def torch_settings(threads: int | None = None, *, deterministic: bool | None = None,
                   tf32: bool | None = None) -> Iterator[None]:
    """Set torch's thread count and cuDNN/TF32 flags for the ``with`` block, then restore them.

    Parameters
    ----------
    threads : int or None
        Intra-op CPU threads (``torch.set_num_threads``), >= 1; ``None`` leaves it.
    deterministic : bool or None
        ``True`` sets ``cudnn.deterministic = True`` and ``cudnn.benchmark = False`` (reproducible
        convolutions on a GPU); ``None`` leaves both.
    tf32 : bool or None
        TF32 matmuls and convolutions on Ampere+ GPUs (``allow_tf32`` of cuda.matmul and cudnn).

    Examples
    --------
    >>> import torch
    >>> n = torch.get_num_threads()
    >>> with torch_settings(threads=1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == n
    True
    """
    import torch

    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be an integer >= 1 or None, got {threads!r}")
    cudnn, matmul = torch.backends.cudnn, torch.backends.cuda.matmul
    saved = (torch.get_num_threads(), cudnn.deterministic, cudnn.benchmark, matmul.allow_tf32, cudnn.allow_tf32)
    try:
        if threads is not None and threads != saved[0]:
            torch.set_num_threads(threads)
        if deterministic is not None:
            cudnn.deterministic = bool(deterministic)
            cudnn.benchmark = not deterministic
        if tf32 is not None:
            matmul.allow_tf32 = bool(tf32)
            cudnn.allow_tf32 = bool(tf32)
        yield
    finally:
        if torch.get_num_threads() != saved[0]:
            torch.set_num_threads(saved[0])
        cudnn.deterministic, cudnn.benchmark, matmul.allow_tf32, cudnn.allow_tf32 = saved[1:]


@contextlib.contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Limit the BLAS/OpenMP thread pools of numpy and scipy to ``n`` threads in the block (threadpoolctl).

    ``None`` leaves them.  Many small linear-algebra calls (bootstrap fits) run faster on one
    thread than on a loaded machine's shared pool.
    """
    if n is None:
        yield
        return
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1 or None, got {n!r}")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n):
        yield
