"""A saved sale is never lost: nothing in the app touches the database file but SQLite.

Closing ANY descriptor on a file drops all of the process's POSIX locks on it. If the app
opened kiosk.db with ``open()`` (a header check, a file copy), another process closing its
connection would believe it is the last user, checkpoint and delete the WAL under the live
writer, and the writer's next sales would go into a deleted file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from kiosk_pos.core.kiosk import DB_FILENAME
from kiosk_pos.core.setup import init_kiosk

# The app process: sells, runs every check and backup the app runs on its own live file,
# then sells more after another process has opened and closed the database.
APP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import CartLine, Payment
    from kiosk_pos.store.backup import inspect_backup, write_backup
    from kiosk_pos.store.database import inspect_file

    folder = Path(sys.argv[1])
    kiosk = Kiosk.open(folder)
    clerk = kiosk.users.authenticate("1111")

    def sell():
        return kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())

    sell()
    inspect_file(kiosk.db.path)
    kiosk.db.verify()
    write_backup(kiosk.db.path, folder / "copy.db")
    inspect_backup(folder / "copy.db")
    print("checked", flush=True)
    sys.stdin.readline()  # another process opens and closes the database meanwhile
    for _ in range(20):
        sell()
    print("saved", flush=True)
    sys.stdin.readline()  # killed here, holding the database open
""")


def _count_sales(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sales").fetchone()[0]
    finally:
        conn.close()


def test_sales_after_a_check_and_another_process_survive_sigkill(tmp_path):
    init_kiosk(tmp_path, "Konter Uji", "9999", demo=True).close()
    db = tmp_path / DB_FILENAME
    wal = db.with_name(db.name + "-wal")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", APP, str(tmp_path)], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == "checked"
        assert wal.exists()
        inode = wal.stat().st_ino
        assert _count_sales(db) == 1  # a second process opens and closes the database
        assert wal.exists() and wal.stat().st_ino == inode, "the live WAL was deleted"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "saved"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _count_sales(db) == 21
