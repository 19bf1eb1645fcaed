"""The deposit forecast on screen: beside the balance in the status bar, and one notice
when the deposit is expected to run out within a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk_pos.core import deposit


def spend_300k_a_day_leaving_100k(kiosk) -> None:
    now = datetime.now(UTC)
    with kiosk.db.write() as conn:
        deposit.append(conn, 3_500_000, deposit.REASON_DEPOSIT, reference="t", at=now -
                       timedelta(days=29))
        for back in range(1, 29):
            deposit.append(conn, -300_000, deposit.REASON_TOPUP, reference=f"r{back}",
                           at=now - timedelta(days=back))


def test_runs_out_soon_is_shown_and_said_once(qtbot, window, kiosk, clerk):
    spend_300k_a_day_leaving_100k(kiosk)
    assert kiosk.deposit.balance() == 100_000
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    qtbot.waitUntil(lambda: "cukup s.d." in window.status.forecast.full_text(), timeout=5000)
    assert window.status.deposit.text() == "Deposit: Rp100.000"
    assert window.status.forecast.full_text().startswith("cukup s.d. ")
    assert window.status.forecast.toolTip() == window.status.forecast.full_text()
    soon = [t for t in window.notices.texts() if "Deposit diperkirakan habis" in t]
    assert len(soon) == 1 and "Isi deposit sekitar Rp" in soon[0]
    with qtbot.waitSignal(window._forecast.updated, timeout=5000):
        window._forecast.refresh()  # later refreshes keep quiet about the same shortfall
    assert len([t for t in window.notices.texts() if "Deposit diperkirakan" in t]) == 1


def test_a_quiet_kiosk_shows_no_forecast(qtbot, window, clerk):
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    qtbot.waitUntil(lambda: window._forecast.latest is not None, timeout=5000)
    assert window.status.forecast.full_text() == ""
    assert not [t for t in window.notices.texts() if "Deposit diperkirakan" in t]
