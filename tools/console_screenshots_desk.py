"""The desk's later console pages for ``tools/console_screenshots.py``: incidents and an
incident's timeline, the price list, adding a kiosk (secret and QR code), the bank statement
import's dry run, staff and an enrolment, the desk settings. Each at 1366x768 and
1024x768; a few on a phone."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

SMALL = (1024, 768)
PHONE = (390, 844)


def _seed(server: object, kiosk_id: int) -> dict[str, object]:
    from distributor_server import incident_rules, incidents, products, tickets
    from distributor_server.clock import utcnow
    from distributor_server.console import audit, prices

    ctx = server.ctx
    now = utcnow()
    first = None
    for minute, (rate, calls) in enumerate(((35, 20), (48, 25), (61, 31))):
        found = incidents.record_event(
            ctx.db, incident_rules.UPSTREAM_FAILURES, "operator:indosat",
            f"indosat: {rate}% of {calls} upstream calls in 5 minutes failed "
            f"({calls * rate // 200} failed, {calls * rate // 200} unanswered)",
            key=f"shot{minute}", severity="critical", at=now - timedelta(minutes=3 - minute),
            facts={"operator": "indosat", "pct": rate, "calls": calls, "minutes": 5,
                   "failed": calls * rate // 200, "unanswered": calls * rate // 200})
        first = first or found
    incidents.record_event(ctx.db, incident_rules.PENDING_LONG, "topup:7",
                           "TSEL25 to 081298765433 (Rp25.500, kiosk 2) pending for 42 minutes "
                           "after 9 checks", key="pending", kiosk_id=2,
                           facts={"sku": "TSEL25", "destination": "081298765433",
                                  "price": "Rp25.500", "kiosk": 2, "ref": "-", "minutes": 42,
                                  "checks": 9})
    done = incidents.record_event(ctx.db, incident_rules.KIOSK_SILENT, "kiosk:4",
                                  "kiosk 4 has not been heard from for 7 hours", key="s",
                                  kiosk_id=4, facts={"kiosk": 4, "hours": 7})
    incidents.acknowledge(ctx.db, done, "budi", "")
    incidents.resolve(ctx.db, done, "budi", "Konter tutup karena hujan, buka lagi besok")
    incidents.acknowledge(ctx.db, first, "budi", "Sudah lapor ke CS supplier")
    siti = audit.Actor(None, "siti", "192.168.1.10")
    costs = {row.sku: row.price - 350 for row in products.demo_price_rows()
             if row.operator == "telkomsel"}
    products.update_products(ctx.db, {sku: {"cost": cost} for sku, cost in costs.items()})
    prices.save_rule(ctx.db, siti, "telkomsel", "pulsa", 1_250, 500)
    prices.save_rule(ctx.db, siti, "", "", 1_500, 100)
    ticket = tickets.create_ticket(ctx, kiosk_id, 300_000)
    statement = Path(tempfile.mkdtemp(prefix="mutasi-")) / "mutasi-bca.csv"
    open_tickets = [t for t in tickets.list_tickets(ctx, kiosk_id) if t.status == "open"]
    lines = ["Tanggal;Keterangan;Cabang;Jumlah;DB/CR;Saldo"]
    for n, t in enumerate([ticket, *open_tickets[1:2]]):
        lines.append(f"26/11;TRSF E-BANKING CR 26/11 PELANGGAN {n + 1};0000;"
                     f"{t.amount_to_transfer:,}.00;CR;0".replace(",", "."))
    lines += ["26/11;BIAYA ADM;0000;15.000,00;DB;0",
              "26/11;TRSF DARI ANTON;0000;123.456,00;CR;0"]
    statement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"incident": first, "statement": statement}


def _submitter(driver: object) -> Callable[[str], None]:
    def submit(css: str) -> None:
        """Click and wait until the page is replaced (a stale node, however Chromium says
        it), then loaded."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.wait import WebDriverWait

        button = driver.find_element(By.CSS_SELECTOR, css)
        button.click()

        def gone(_driver: object) -> bool:
            try:
                button.is_enabled()
            except WebDriverException:
                return True
            return False

        wait = WebDriverWait(driver, 15, 0.02)
        wait.until(gone)
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    return submit


def desk_shots(driver: object, server: object, kiosk_id: int,
               shot: Callable[..., None], _submit: Callable[[str], None]) -> None:
    from selenium.webdriver.common.by import By

    submit = _submitter(driver)
    seeded = _seed(server, kiosk_id)
    for suffix, size in (("", None), ("-1024", SMALL)):
        extra = {"size": size} if size else {}
        shot(f"incidents{suffix}", "/console/incidents", **extra)
        shot(f"incident{suffix}", f"/console/incidents/{seeded['incident']}", **extra)
        shot(f"prices{suffix}", "/console/prices?operator=telkomsel", **extra)
        shot(f"staff{suffix}", "/console/staff", **extra)
        shot(f"settings{suffix}", "/console/settings", **extra)
    shot("phone-incident", f"/console/incidents/{seeded['incident']}", PHONE)
    shot("phone-prices", "/console/prices?operator=telkomsel", PHONE)
    shot("kiosk-new", "/console/kiosks-new")
    driver.find_element(By.ID, "name").send_keys("Konter Barokah")
    submit("#create")
    shot("kiosk-secret")
    shot("kiosk-secret-1024", size=SMALL)
    driver.get(server.url + "/console/deposits")
    driver.find_element(By.CSS_SELECTOR, "#bank-import summary").click()
    driver.find_element(By.ID, "statement").send_keys(str(seeded["statement"]))
    submit("#dry-run")
    shot("bank-import")
    shot("bank-import-1024", size=SMALL)
    shot("phone-bank-import", size=PHONE)
    driver.get(server.url + "/console/staff")
    driver.find_element(By.CSS_SELECTOR, "#add-staff summary").click()
    driver.find_element(By.ID, "new-username").send_keys("dewi")
    driver.find_element(By.ID, "new-password").send_keys("nasi uduk pakai sambal")
    submit("#create-staff")
    shot("staff-enrolment")
