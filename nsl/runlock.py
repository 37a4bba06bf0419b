"""Per-run locks: one process computes a run, others on the same store wait for it.

A lock is the file ``ROOT/.locks/<key>.lock`` holding ``pid host start-time``.  Where the OS
has ``fcntl`` (Linux, macOS) the holder also keeps an exclusive ``flock`` on it, which the
kernel drops when the holder dies (even by SIGKILL), so a stale lock file never blocks
anyone: the next process takes it over.  Without ``fcntl`` the file is created with
``O_EXCL`` and a lock whose PID no longer runs on this host is stale and removed.

Lock files are left in place after release (an empty file costs nothing); deleting them
would open the classic unlink race of flock-based locks.
"""
from __future__ import annotations

import contextlib
import errno
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from nsl.jsonio import file_mode

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LockHolder", "RunLock", "holder", "pid_alive", "try_lock"]

_HOST = socket.gethostname()


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a lock: ``pid`` on ``host`` since ``since`` (Unix time)."""

    pid: int
    host: str
    since: float

    def __str__(self) -> str:
        return f"PID {self.pid} on {self.host}"


def pid_alive(pid: int) -> bool:
    """True if a process ``pid`` exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:  # pragma: no cover
        return False
    return True


def _parse(text: str) -> LockHolder | None:
    parts = text.split()
    try:
        return LockHolder(int(parts[0]), parts[1], float(parts[2]))
    except (IndexError, ValueError):
        return None


def holder(path: Path) -> LockHolder | None:
    """The holder recorded in lock file ``path`` (``None`` if absent or unreadable)."""
    try:
        return _parse(Path(path).read_text())
    except OSError:
        return None


class RunLock:
    """An acquired lock; :meth:`release` (or leaving the ``with`` block) frees it."""

    def __init__(self, path: Path, fd: int | None, stale: LockHolder | None = None):
        self.path = path
        self.stale = stale  # the dead holder whose lock this one took over, if any
        self._fd = fd
        self._open = True

    @property
    def held(self) -> bool:
        return self._open

    def release(self) -> None:
        if not self._open:
            return
        self._open = False
        if fcntl is not None:
            if self._fd is not None:
                try:
                    os.ftruncate(self._fd, 0)
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                finally:
                    os.close(self._fd)
                    self._fd = None
        else:  # pragma: no cover - Windows
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def __enter__(self) -> RunLock:  # noqa: PYI034 - Self needs 3.11 typing; this class is final
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __del__(self) -> None:  # a forgotten lock is freed with its object, as the kernel would on exit
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.release()


def _stamp() -> bytes:
    return f"{os.getpid()} {_HOST} {time.time():.3f}\n".encode()


def try_lock(path: str | os.PathLike) -> RunLock | None:
    """Take the lock at ``path`` without waiting; ``None`` if a live process holds it.

    A lock left by a dead process (SIGKILL, power loss) is taken over.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is not None:
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, file_mode())
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    return None
                raise
            # the file we locked must still be the one at `path` (someone may have removed it)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            dead = _parse(os.pread(fd, 200, 0).decode(errors="replace"))  # a holder that died holding it
            os.ftruncate(fd, 0)
            os.pwrite(fd, _stamp(), 0)
            return RunLock(path, fd, dead)
    # pragma: no cover - Windows: O_EXCL file with the PID; a dead PID on this host is stale
    stale: LockHolder | None = None  # pragma: no cover
    for _ in range(3):  # pragma: no cover
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode())
        except FileExistsError:
            h = holder(path)
            if h is not None and h.host == _HOST and not pid_alive(h.pid):
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                stale = h
                continue
            return None
        os.write(fd, _stamp())
        os.close(fd)
        return RunLock(path, None, stale)
    return None  # pragma: no cover
