"""The shop's files at rest: private (0600 in 0700 folders), whole or absent, and storage
failures told as they are (a read-only folder, a full disk), never as damage."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.printing.pdf_render import render_pdf
from kiosk_pos.printing.receipts import receipt_from_sale
from kiosk_pos.printing.reports import daily_report_pdf

ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="Windows keeps the profile ACL")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common desktop umask (022): files would be world-readable unless made private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_the_database_backups_and_exports_are_private(tmp_path, open_umask):
    folder = tmp_path / "data"
    kiosk = init_kiosk(folder, "Konter Uji", "9999", demo=True)
    try:
        clerk = kiosk.users.authenticate("1111")
        from kiosk_pos.core.records import CartLine, Payment

        sale = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
        db = folder / DB_FILENAME
        assert mode(folder) == 0o700
        for name in (DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm"):
            assert mode(folder / name) == 0o600, name
        backup = kiosk.backups.automatic_backup("daily")
        assert backup is not None
        assert mode(backup.path.parent) == 0o700 and mode(backup.path) == 0o600
        pdf = tmp_path / "laporan.pdf"
        daily_report_pdf(kiosk.reports.daily(kiosk.today()), kiosk.info, pdf)
        receipt = tmp_path / "struk.pdf"
        render_pdf(receipt_from_sale(sale, kiosk.info), 58, receipt)
        assert mode(pdf) == 0o600 and mode(receipt) == 0o600
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "laporan.pdf", "struk.pdf"]
    finally:
        kiosk.close()
    assert mode(db) == 0o600


@posix_only
def test_opening_makes_an_older_shop_private_by_path(tmp_path):
    folder = tmp_path / "data"
    kiosk = init_kiosk(folder, "Konter Uji", "9999")
    backup = kiosk.backups.automatic_backup("daily")
    kiosk.close()
    assert backup is not None
    for path, loose in ((folder, 0o755), (folder / DB_FILENAME, 0o644),
                        (backup.path.parent, 0o755), (backup.path, 0o644)):
        os.chmod(path, loose)  # as releases before this one left them
    Kiosk.open(folder).close()
    assert mode(folder) == 0o700 and mode(folder / DB_FILENAME) == 0o600
    assert mode(backup.path.parent) == 0o700 and mode(backup.path) == 0o600


def cli(args: list[str], *, limit: int | None = None,
        read_only: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``kiosk-pos ARGS`` in a child process; ``limit``: no file may grow past that many
    bytes (a disk that fills up, without privileges: writes then fail with EFBIG);
    ``read_only``: that folder cannot be written by the child (its mode without write
    permission; as root, who ignores modes, a read-only bind mount of it)."""
    prelude = ""
    if limit is not None:
        prelude = ("import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                   f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); ")
    code = f"{prelude}import sys; from kiosk_pos.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), str(ROOT / "protocol"), str(ROOT / "server")]), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", code, *args]
    if read_only is not None:
        os.chmod(read_only, 0o500)
        if os.geteuid() == 0:
            if shutil.which("unshare") is None:
                pytest.skip("as root a read-only folder needs unshare(1) for a bind mount")
            mount = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"')
            command = ["unshare", "--mount", "sh", "-c", mount, str(read_only), *command]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kiosk-pos: ")
    assert "Traceback" not in result.stderr
    return result.stderr


@posix_only
def test_init_on_a_full_disk_leaves_nothing_and_a_second_try_works(tmp_path):
    folder = tmp_path / "data"
    args = ["init", "--kiosk-name", "Konter Uji", "--owner-pin", "9999", "--demo",
            "--data-dir", str(folder)]
    full = cli(args, limit=64 * 1024)  # the demo shop needs more than this
    one_sentence(full)
    assert list(folder.iterdir()) == []  # no kiosk.db, empty or half-made; no temp files
    again = cli(args)
    assert again.returncode == 0, again.stderr
    kiosk = Kiosk.open(folder)
    try:
        assert kiosk.users.authenticate("9999").role.value == "owner"
    finally:
        kiosk.close()


@posix_only
def test_report_pdf_on_a_full_disk_names_its_file_and_leaves_no_pdf(tmp_path):
    folder = tmp_path / "data"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    pdf = tmp_path / "laporan.pdf"
    # room for the database's 32 KiB shared-memory file, not for the report (~45 KiB)
    result = cli(["report", "daily", "--pin", "9999", "--pdf", str(pdf), "--data-dir",
                  str(folder)], limit=40_000)
    sentence = one_sentence(result)
    assert str(pdf) in sentence and "Disk penuh" in sentence
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no 0-byte or partial PDF


@posix_only
@pytest.mark.parametrize("command", [
    ["sell", "--sku", "ACC-TG", "--pin", "1111"],
    ["products"],
])
def test_a_read_only_data_folder_is_cannot_write_not_damage(tmp_path, command):
    folder = tmp_path / "data"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    try:
        result = cli([*command, "--data-dir", str(folder)], read_only=folder)
        sentence = one_sentence(result)
        assert f"tidak bisa menulis ke {folder}" in sentence
        assert "rusak" not in sentence and ".bak" not in sentence
    finally:
        os.chmod(folder, 0o700)


SELL_ON_A_FULL_DISK = r'''
import os, sys
from pathlib import Path
from kiosk_pos.cli import main
folder = Path(sys.argv[1]) / "data"
assert main(["init", "--kiosk-name", "Konter Uji", "--owner-pin", "9999", "--demo",
             "--data-dir", str(folder)]) == 0
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.errors import StoreError
open_kiosk = Kiosk.open(folder)  # open before the disk fills: the write itself meets it
clerk = open_kiosk.users.authenticate("1111")
open_kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
fd = os.open(Path(sys.argv[1]) / "filler", os.O_WRONLY | os.O_CREAT)
try:
    while True:  # take every byte left on the little disk
        os.write(fd, b"\0" * 4096)
except OSError:
    pass
os.close(fd)
try:
    open_kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)] * 40, Payment())
except StoreError as exc:
    print(exc.message)
sys.exit(main(["sell", "--sku", "ACC-TG", "--pin", "1111", "--data-dir", str(folder)]))
'''


@posix_only
def test_a_sale_on_a_full_disk_says_the_disk_is_full(tmp_path):
    """A real ENOSPC, on a 1 MiB tmpfs in a mount namespace of the child's own (unshare -r
    maps an unprivileged user to root inside it; skipped where namespaces are off)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is not installed")
    root = [] if os.geteuid() == 0 else ["-r"]
    probe = subprocess.run(["unshare", *root, "--mount", "true"], capture_output=True,
                           check=False)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not available here")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), str(ROOT / "protocol"), str(ROOT / "server")]), "PYTHONDONTWRITEBYTECODE": "1"}
    mount = 'mount -t tmpfs -o size=1m none "$0" && exec "$@"'
    result = subprocess.run(
        ["unshare", *root, "--mount", "sh", "-c", mount, str(disk), sys.executable, "-c",
         SELL_ON_A_FULL_DISK, str(disk)], capture_output=True, text=True, env=env,
        timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("kiosk-pos: Disk penuh") and "rusak" not in last, result.stderr
    assert result.stdout.splitlines()[-1].startswith("Disk penuh"), result.stdout  # an open kiosk
