"""Files the kiosk writes are private to the shop's account, and whole or absent.

The database, its -wal/-shm, its backups and every export (report PDFs, receipts as PDF)
hold the shop's sales, the PIN hashes and the distributor's secret: on POSIX each is made
0600 in a data folder and backups folder that are 0700. SQLite makes the database's -wal
and -shm with the database's own mode, so making the database private at creation is
enough; it is created under :func:`private_umask` because SQLite, not this code, opens it
(no code here opens a database file: modes of existing ones are set by path). On Windows
the files keep the user's profile ACL, which already keeps other accounts out.

An export is written under a temporary name beside its target and renamed into place
when complete (:func:`write_export`, :func:`export_to`): a full disk leaves no 0-byte or
half-written PDF, and the refusal names the file and what to do.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk_pos.errors import KioskError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
POSIX = os.name == "posix"
NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}

_umask_lock = threading.Lock()


class ExportError(KioskError):
    """A file the user asked for (a PDF, a receipt) could not be written; nothing was left."""


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created in the block (by this thread, SQLite included) are
    readable by their owner only. The umask is per process: the lock keeps two blocks from
    restoring each other's value; another thread creating a file meanwhile only gets a
    stricter mode."""
    if not POSIX:
        yield
        return
    with _umask_lock:
        old = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(old)


def make_private(path: Path) -> None:
    """Set an existing file (by path, never through a descriptor) to 0600 on POSIX."""
    if POSIX and path.exists() and (path.stat().st_mode & 0o777) != PRIVATE_FILE:
        os.chmod(path, PRIVATE_FILE)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and missing parents) if needed and make it 0700 on POSIX."""
    folder = Path(folder)
    with private_umask():
        folder.mkdir(parents=True, exist_ok=True)
    if POSIX and (folder.stat().st_mode & 0o777) != PRIVATE_DIR:
        os.chmod(folder, PRIVATE_DIR)
    return folder


def secure_database(path: Path) -> None:
    """Make a database's folder 0700 and the file with its -wal/-shm 0600 (by path)."""
    if not POSIX:
        return
    private_folder(path.parent)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        make_private(path.with_name(name))


def secure_copies(folder: Path, pattern: str) -> None:
    """Make ``folder`` (if it exists) 0700 and the files in it matching ``pattern`` 0600:
    the backups a release before this one left readable to all."""
    if not POSIX or not folder.is_dir():
        return
    private_folder(folder)
    for path in folder.glob(pattern):
        if path.is_file():
            make_private(path)


def temp_name(target: Path) -> Path:
    """A name beside ``target`` (same folder, so the rename is atomic) no one else uses."""
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def no_room(exc: OSError) -> bool:
    return exc.errno in NO_ROOM


def export_error(path: Path, exc: OSError) -> ExportError:
    """The sentence for an export that could not be written: a full disk says so."""
    if no_room(exc):
        return ExportError("error.export_no_room", path=str(path))
    return ExportError("error.file", path=str(path), detail=exc.strerror or str(exc))


@contextmanager
def export_to(path: str | Path) -> Iterator[Path]:
    """Yield a private temporary path beside ``path`` for a writer that wants a file name
    (reportlab); when the block ends it is renamed to ``path``. If anything fails the
    temporary file is removed and nothing is left under either name; an OSError becomes
    an :class:`ExportError` naming ``path``."""
    target = Path(path)
    tmp = temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.close(fd)
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise export_error(target, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_export(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (0600, synced, renamed into place) or not at all."""
    with export_to(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)


def build_export(path: str | Path, build: Callable[[Path], None]) -> None:
    """Let ``build`` write a file by name (reportlab's SimpleDocTemplate) to a temporary
    name, then put it in place as :func:`export_to` does."""
    with export_to(path) as tmp:
        build(tmp)
