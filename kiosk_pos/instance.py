"""One GUI per data folder: an exclusive OS lock on ``<data_dir>/app.lock``.

The lock is taken on a file of its own, never on the database: a descriptor opened and
closed on ``kiosk.db`` would drop SQLite's POSIX locks (see store/database.py). The OS
frees the lock when the process ends, however it ends (kill -9, power cut of the
process), so a crash never leaves the folder "busy".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOCK_FILENAME = "app.lock"

if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock, not fcntl/lockf: its lock belongs to this open file description, so
        # closing some other descriptor on app.lock (gui_running) cannot drop it.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_FILENAME


def _open(data_dir: Path) -> int:
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    # No O_TRUNC: another process may hold the lock and have written its pid here.
    return os.open(lock_path(data_dir), os.O_RDWR | os.O_CREAT, 0o600)


class GuiLock:
    """Held by the GUI for its whole run; a second GUI on the same folder fails to acquire."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another process (or GuiLock) holds it."""
        if self._fd is not None:
            return True
        fd = _open(self.data_dir)
        if not _try_lock(fd):
            os.close(fd)
            return False
        self._fd = fd
        os.ftruncate(fd, 0)  # who holds it, for a person looking at the folder
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> GuiLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def gui_running(data_dir: Path) -> bool:
    """Whether a GUI holds ``data_dir`` now. Takes the lock for an instant and lets it go;
    the holder is never disturbed. A folder without a lock file has no GUI."""
    if not lock_path(data_dir).exists():
        return False
    probe = GuiLock(data_dir)
    if probe.acquire():
        probe.release()
        return False
    return True
