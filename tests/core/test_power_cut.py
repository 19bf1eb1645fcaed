"""Once the clerk sees "saved", killing the process cannot take the sale away."""

import os
import signal
import subprocess
import sys
import textwrap

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.setup import init_kiosk

SELLER = textwrap.dedent("""
    import sys, time
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import CartLine, Payment
    kiosk = Kiosk.open(sys.argv[1])
    clerk = kiosk.users.authenticate("1111")
    for i in range(int(sys.argv[2])):
        sale = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        print("saved", sale.id, sale.lines[0].topup.ref_id, flush=True)
    time.sleep(600)  # the process is killed while it holds the database open
""")


def test_sales_survive_sigkill_right_after_saved(tmp_path):
    init_kiosk(tmp_path, "K", "9999", demo=True).close()
    proc = subprocess.Popen([sys.executable, "-c", SELLER, str(tmp_path), "25"],
                            stdout=subprocess.PIPE, text=True)
    seen = []
    try:
        for _ in range(25):
            line = proc.stdout.readline()
            assert line.startswith("saved"), line
            seen.append(line.split()[1:])
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    kiosk = Kiosk.open(tmp_path)
    found = {str(s.id): s.lines[0].topup.ref_id for s in kiosk.sales.for_day(kiosk.today())}
    assert found == {sale_id: ref for sale_id, ref in seen}
    assert kiosk.sales.queue_length() == 25


def test_sigkill_mid_stream_leaves_no_half_sale(tmp_path):
    """Killed at an arbitrary moment: every sale on disk is whole (sale, top-up, outbox, ledger)."""
    init_kiosk(tmp_path, "K", "9999", demo=True).close()
    proc = subprocess.Popen([sys.executable, "-c", SELLER, str(tmp_path), "100000"],
                            stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(40):
            proc.stdout.readline()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    kiosk = Kiosk.open(tmp_path)
    with kiosk.db.read() as conn:
        counts = [conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                  for t in ("sales", "topups", "outbox")]
        ledger = conn.exec_driver_sql(
            "SELECT count(*) FROM deposit_ledger WHERE reason='topup'").scalar()
    assert counts[0] >= 40 and counts == [counts[0]] * 3 and ledger == counts[0]
