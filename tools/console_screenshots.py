"""Screenshots of every page of the distributor's web console, for the docs:
``make console-screenshots`` or ``python -m tools.console_screenshots [OUTDIR]``.

Starts the real server on a throwaway SQLite file, fills it through the server's own
functions (kiosks, deposits, top-ups through the simulator, deposit tickets), signs an admin
in with a TOTP code in headless Chromium (Debian's chromium + chromium-driver) and saves
``OUTDIR/console-NAME.png`` at 1366x768, plus two pages at a phone's 390x844.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from pulsa_protocol import wire

DESKTOP = (1366, 768)
PHONE = (390, 844)
PASSWORD = "kopi tubruk pagi hari"


def _seed(server: object) -> dict[str, int]:
    """Kiosks with money, today's top-ups on several operators, tickets open and done."""
    from distributor_server import kiosks, tickets, topups
    from distributor_server.models import TopUp
    from sqlalchemy import func, select

    ctx = server.ctx
    names = ["Konter Maju Jaya", "Cell Berkah Abadi", "Pulsa Murah Bu Tini", "Sinar Ponsel"]
    ids = [kiosks.create_kiosk(ctx, name).kiosk_id for name in names]
    for kiosk_id, amount in zip(ids, (1_500_000, 750_000, 300_000, 2_000_000), strict=True):
        kiosks.credit_deposit(ctx, kiosk_id, amount, reference="BCA transfer")
    sales = [("TSEL10", "081234567801"), ("TSEL25", "081298765435"), ("ISAT20", "085612345678"),
             ("XL50", "087812345679"), ("TSELD5GB", "081311122230"), ("AXIS10", "083812345672"),
             ("XL10", "081799887766"), ("TSEL50", "082112345673"), ("ISAT10", "081512345671"),
             ("TSEL5", "081234500012"), ("ISATD1GB", "085700011122"), ("TSEL20", "085212340009")]
    for n, (sku, destination) in enumerate(sales):
        item = wire.TopUpRequest(ref_id=str(uuid.uuid4()), sku=sku, destination=destination)
        topups.submit_topups(ctx, ids[n % len(ids)], [item])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # all but the slow pending ones get their answer
        with ctx.db.read() as session:
            pending = session.scalar(select(func.count()).select_from(TopUp).where(
                TopUp.status == "pending", ~TopUp.destination.like("%3")))
        if not pending:
            break
        time.sleep(0.1)
    done = tickets.create_ticket(ctx, ids[2], 500_000)
    tickets.confirm_ticket(ctx, done.id)
    tickets.create_ticket(ctx, ids[0], 1_000_000)
    tickets.create_ticket(ctx, ids[1], 250_000)
    tickets.create_ticket(ctx, ids[3], 2_000_000)
    rejected = tickets.create_ticket(ctx, ids[3], 100_000)
    with ctx.db.read() as session:
        failed = session.scalar(select(TopUp.id).where(TopUp.status == "failed")
                                .order_by(TopUp.id))
    return {"kiosk": ids[0], "failed_topup": failed, "reject_ticket": rejected.id}


def _seed_complaints(server: object) -> int:
    """Three complaints from kiosks: one past its SLA, one answered, one just filed; the
    id of the answered one (its page shows the steps and the desk's forms)."""
    from datetime import timedelta

    from distributor_server import complaints
    from distributor_server.console import complaint_actions
    from distributor_server.console.audit import Actor
    from distributor_server.models import Complaint, TopUp
    from pulsa_protocol import complaints as cw
    from sqlalchemy import select, update

    ctx = server.ctx
    with ctx.db.read() as session:
        done = session.execute(select(TopUp.kiosk_id, TopUp.ref_id).where(
            TopUp.status == "success").order_by(TopUp.id).limit(3)).all()
    reasons = [("not_received", "Pelanggan cek jam 10.15, pulsa belum masuk"),
               ("other", "Paket data masuk tapi kuota tidak bertambah"),
               ("wrong_number", "")]
    rows = []
    for (kiosk_id, ref_id), (reason, note) in zip(done, reasons, strict=False):
        filing = complaints.file_complaint(ctx, kiosk_id, uuid.uuid4().hex, cw.ComplaintFields(
            ref_id=ref_id, reason=cw.ComplaintReason(reason), note=note))
        with ctx.db.read() as session:
            rows.append(session.scalar(select(Complaint.id).where(
                Complaint.complaint_id == filing.complaint.complaint_id)))
    with ctx.db.write() as session:  # the first waits since this morning: past its SLA
        old = session.get(Complaint, rows[0]).created_at - timedelta(hours=3, minutes=20)
        session.execute(update(Complaint).where(Complaint.id == rows[0]).values(created_at=old))
    budi = Actor(None, "budi", "192.168.1.21")
    complaint_actions.recheck(ctx, budi, rows[1])
    complaint_actions.answer(ctx, budi, rows[1], "Kami cek ke operator, mohon tunggu 1 jam.")
    return rows[1]


def make_screenshots(outdir: Path) -> list[Path]:
    from distributor_server.console import audit, money, staff, totp
    from distributor_server.embedded import start_embedded
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="console-shots-"))
    server = start_embedded(f"sqlite:///{work / 'server.sqlite3'}", key_file=work / "key",
                            simulator_latency=0.01, simulator_pending_seconds=3600,
                            poll_base_seconds=0.05)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=id-ID"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    saved: list[Path] = []

    def shot(name: str, path: str | None = None, size: tuple[int, int] = DESKTOP) -> None:
        driver.set_window_size(*size)
        # the window's outer size includes nothing in headless mode; pin the viewport exactly
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": size[0], "height": size[1], "deviceScaleFactor": 1,
            "mobile": size[0] < 600})
        if path is not None:
            driver.get(server.url + path)
        target = outdir / f"console-{name}.png"
        driver.save_screenshot(str(target))
        saved.append(target)

    def submit(css: str) -> None:
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        button = driver.find_element(By.CSS_SELECTOR, css)
        button.click()
        WebDriverWait(driver, 15, 0.02).until(expected_conditions.staleness_of(button))

    try:
        ids = _seed(server)
        enrolment = staff.create_staff(server.ctx.db, "siti", "admin", PASSWORD)
        staff.create_staff(server.ctx.db, "budi", "desk", PASSWORD)
        finance = staff.create_staff(server.ctx.db, "rina", "finance", PASSWORD)
        rina = audit.Actor(finance.staff_id, "rina", "192.168.1.20")
        money.reject_ticket(server.ctx, rina, ids["reject_ticket"],
                            "Transfer tidak ada di mutasi BCA")
        money.adjust_balance(server.ctx, rina, ids["kiosk"], -25_000,
                             "Koreksi: deposit tercatat dua kali")
        secret = re.search(r"secret=([A-Z2-7]+)", enrolment.otpauth_uri).group(1)
        driver.get(server.url + "/console/login")
        driver.find_element(By.ID, "username").send_keys("siti")
        shot("login")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        submit("#submit")
        shot("login-code")
        driver.find_element(By.ID, "code").send_keys(totp.now_code(secret, time.time()))
        submit("#submit")
        shot("dashboard", "/console/")
        shot("kiosks", "/console/kiosks")
        shot("kiosk", f"/console/kiosks/{ids['kiosk']}")
        shot("deposits", "/console/deposits")
        shot("transactions", "/console/transactions")
        shot("transaction", f"/console/transactions/{ids['failed_topup']}")
        answered = _seed_complaints(server)
        shot("complaints", "/console/complaints")
        shot("complaint", f"/console/complaints/{answered}")
        shot("audit", "/console/audit")
        shot("phone-complaint", f"/console/complaints/{answered}", PHONE)
        shot("phone-dashboard", "/console/", PHONE)
        shot("phone-deposits", "/console/deposits", PHONE)
        from tools.console_screenshots_desk import desk_shots

        desk_shots(driver, server, ids["kiosk"], shot, submit)
        driver.get(server.url + "/console/lang/en?next=/console/")
        shot("dashboard-en", "/console/")
        shot("incidents-en", "/console/incidents")
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        sys.stderr.write("console_screenshots: install chromium and chromium-driver first "
                         "(apt-get install chromium chromium-driver).\n")
        return 2
    for path in make_screenshots(args.outdir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
