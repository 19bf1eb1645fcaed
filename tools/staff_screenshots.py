"""The staff screens' pictures (issue 10), shot as the tool dialogs show them (900x640 inside
the window): Pengguna with a locked clerk, Jejak audit, Pengaturan shift and Riwayat shift
with a Z report. Called by tools/screenshots.py; alone:
``python -m tools.staff_screenshots [OUTDIR]``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tools.screenshots import SIZES, _wait

DIALOG = (900, 640)  # ToolDialogs._dialog


def staff_shots(app: object, kiosk: object, tasks: object, outdir: Path,
                size: tuple[int, int], saved: list[Path]) -> None:
    from kiosk_pos.core.records import CartLine, Payment, Role
    from kiosk_pos.ui.audit_view import AuditView
    from kiosk_pos.ui.past_shifts import PastShiftsView
    from kiosk_pos.ui.shift_settings import ShiftSettingsView
    from kiosk_pos.ui.staff_view import StaffView

    k = kiosk
    owner = k.users.authenticate("9999")  # type: ignore[attr-defined]
    clerk = next(u for u in k.users.list() if u.role is Role.CLERK)  # type: ignore[attr-defined]
    width, height = min(DIALOG[0], size[0] - 40), min(DIALOG[1], size[1] - 80)
    staff = k.staff  # type: ignore[attr-defined]
    if "Sari" not in [m.name for m in staff.list_all(owner)]:
        staff.add(owner, "Sari", Role.SUPERVISOR, "4826")
        staff.add(owner, "Dodi", Role.CLERK, "5937")
        staff.disable(owner, "Dodi")
        for _ in range(5):
            try:
                k.users.authenticate("0000", "Sari")  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001, S110 - wrong PINs, to show a lock
                pass
        k.shifts.open(clerk, 100_000)  # type: ignore[attr-defined]
        k.sales.sell(clerk, [CartLine("SP-TSEL", 1)], Payment())  # type: ignore[attr-defined]
        k.shifts.cash(clerk, "out", 10_000, "beli plastik")  # type: ignore[attr-defined]
        k.shifts.close(clerk, 104_000)  # type: ignore[attr-defined]

    def shot(widget: object, name: str, until: object) -> None:
        widget.resize(width, height)  # type: ignore[attr-defined]
        widget.show()  # type: ignore[attr-defined]
        _wait(app, until)  # type: ignore[arg-type]
        path = outdir / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)
        got = (widget.width(), widget.height())  # type: ignore[attr-defined]
        if got != (width, height):
            print(f"screenshots: {name} is {got[0]}x{got[1]}, not {width}x{height}",
                  file=sys.stderr)
        widget.close()  # type: ignore[attr-defined]

    from kiosk_pos.ui.login import LoginScreen

    login = LoginScreen(k, tasks)  # type: ignore[arg-type]
    login.resize(size[0], size[1] - 60)
    login.show()
    login.load_names()
    _wait(app, lambda: login.names.count() == 3)
    login.choose("Sari")
    login.pin.setText("1357")
    login.submit()
    _wait(app, lambda: login.error.text() != "")
    path = outdir / "login-locked.png"
    login.grab().save(str(path))
    saved.append(path)
    login.close()

    users = StaffView(k, owner, tasks)  # type: ignore[arg-type]
    shot(users, "staff", lambda: users.table.rowCount() == 4)
    trail = AuditView(k, owner, tasks)  # type: ignore[arg-type]
    shot(trail, "audit", lambda: trail.model.rowCount() > 5 and trail.who.count() > 1)
    settings = ShiftSettingsView(k, owner, tasks)  # type: ignore[arg-type]
    shot(settings, "shift-settings", lambda: not tasks.busy)  # type: ignore[attr-defined]
    past = PastShiftsView(k, owner, tasks, print_document=lambda _d: None)  # type: ignore[arg-type]
    past.show()
    _wait(app, lambda: past.table.rowCount() > 0)
    past.table.selectRow(0)
    shot(past, "shift-past", lambda: past.report is not None)
    _wait(app, lambda: not tasks.busy)  # type: ignore[attr-defined]
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in (login, users, trail, settings, past):
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from kiosk_pos import i18n
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.theme import apply_theme

    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0]) if args else Path("docs/screenshots")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    i18n.set_language("id")
    for i, size in enumerate(SIZES):
        folder = outdir if i == 0 else outdir / f"{size[0]}x{size[1]}"
        folder.mkdir(parents=True, exist_ok=True)
        saved: list[Path] = []
        with tempfile.TemporaryDirectory() as tmp:
            kiosk = init_kiosk(Path(tmp), "Konter Pulsa Demo", "9999", demo=True)
            tasks = TaskManager()
            staff_shots(app, kiosk, tasks, folder, size, saved)
            _wait(app, lambda t=tasks: not t.busy)
            tasks.shutdown()
            kiosk.close()
        print(*saved, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
