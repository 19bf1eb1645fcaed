"""The name check on the payment page for the docs: a PLN customer's name and daya found by
the demo distributor, and the "could not check" line of a kiosk that is offline. Called by
:mod:`tools.screenshots`; ``python -m tools.inquiry_screenshots [OUTDIR]`` writes only these
(1366x768 in OUTDIR, 1024x768 in OUTDIR/1024x768)."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

METER = "52345678901"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def inquiry_screenshots(outdir: Path, size: tuple[int, int]) -> list[Path]:
    from distributor_server.embedded import start_embedded
    from PySide6.QtWidgets import QApplication

    from kiosk_pos import i18n
    from kiosk_pos.core.records import Role
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.sync.client import DistributorClient
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.theme import apply_theme
    from tools.screenshots import _wait

    outdir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    i18n.set_language("id")
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = start_embedded(f"sqlite:///{Path(tmp) / 'distributor.db'}",
                                key_file=Path(tmp) / "master.key", simulator_latency=0.0)
        creds = server.create_kiosk("Konter Pulsa Demo")
        online = DistributorClient(server.url, creds.kiosk_id, creds.secret)
        offline = DistributorClient(f"http://127.0.0.1:{_closed_port()}", creds.kiosk_id, "x")
        kiosk = init_kiosk(Path(tmp) / "kiosk", "Konter Pulsa Demo", "9999", demo=True)
        window = MainWindow(kiosk)
        window.resize(*size)
        window.show()
        window.start_session(next(u for u in kiosk.users.list() if u.role is Role.CLERK))
        sales = window.sales
        for name, client in (("sales-inquiry", online), ("sales-inquiry-offline", offline)):
            sales.inquiry.clear()
            sales.inquiry.client_factory = lambda c=client: c
            sales.number.setText(METER)
            sales.focus_grid()
            sales.grid.select(0)
            sales.add_product(sales.grid.current, pay=True)
            name_label = sales.inquiry.rows[0][0]
            _wait(app, lambda lbl=name_label: lbl.text() != i18n.tr("inquiry.checking"))
            path = outdir / f"{name}.png"
            window.grab().save(str(path))
            saved.append(path)
            sales.payment.cancelled.emit()
            sales.cart.clear()
        window.close()
        kiosk.close()
        online.close()
        offline.close()
        server.stop()
    return saved


if __name__ == "__main__":
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    for path in (*inquiry_screenshots(base, (1366, 768)),
                 *inquiry_screenshots(base / "1024x768", (1024, 768))):
        print(path)
