"""Komplain screens for ``tools/screenshots.py``: History with a complaint's answer on the
selected sale, the Komplain dialog over the window, and the answer's printout preview.

Each is drawn as the clerk sees it: the window at the requested size with the dialog painted
at its place on top (offscreen Qt has no desktop to grab)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path


def _settle(app: object, until: Callable[[], bool], timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()  # type: ignore[attr-defined]


def _over(window: object, dialog: object, path: Path) -> None:
    """The window with ``dialog`` centred on it, as one picture."""
    from PySide6.QtGui import QColor, QPainter

    picture = window.grab()  # type: ignore[attr-defined]
    top = dialog.grab()  # type: ignore[attr-defined]
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 90))  # behind a modal dialog: dimmed
    x = max(0, (picture.width() - top.width()) // 2)
    y = max(0, (picture.height() - top.height()) // 2)
    painter.drawPixmap(x, y, top)
    painter.end()
    picture.save(str(path))


def complaint_shots(app: object, kiosk: object, window: object, outdir: Path,
                    size: tuple[int, int], saved: list[Path]) -> None:
    """History's successful top-up with its complaint dialog, then answered with a refund."""
    from kiosk_pos.core import change_feed
    from kiosk_pos.core.change_feed import FeedChange
    from kiosk_pos.core.complaints import ServerAnswer
    from kiosk_pos.core.records import Role

    history = window.history  # type: ignore[attr-defined]
    window.show_page(1)  # type: ignore[attr-defined]
    clerk = next(u for u in kiosk.users.list() if u.role is Role.CLERK)  # type: ignore[attr-defined]
    window.user = clerk  # type: ignore[attr-defined]
    row = next(i for i in range(history.model.rowCount())  # a top-up the operator confirmed
               if (s := history.model.sale_at(i)) is not None and s.topups
               and s.topups[0].status.value == "success")
    history.table.selectRow(row)
    _settle(app, lambda: history.complaint.button.isEnabled())
    dialog = history.complaint.open_dialog()
    dialog.reason_buttons["not_received"].setChecked(True)
    dialog.note.setText("Pelanggan cek jam 10.15, pulsa belum masuk")
    dialog.adjustSize()
    _settle(app, lambda: dialog.isVisible())
    path = outdir / "complaint-dialog.png"
    _over(window, dialog, path)
    saved.append(path)
    dialog.submit()
    _settle(app, lambda: dialog.record is not None)
    record = dialog.record
    answer = ServerAnswer(1, record.complaint_id, "refund",
                          "Maaf, operator belum mengirim pulsanya. Dana kami kembalikan.", "",
                          record_cost(kiosk, record.ref_id), "answered",
                          datetime.now(UTC))
    change_feed.apply_page(kiosk, [FeedChange(10_000, complaint=answer)], 10_000, last=False)
    _settle(app, lambda: "dikembalikan" in history.complaint.status.text())
    path = outdir / "complaint-answered.png"
    window.grab().save(str(path))  # type: ignore[attr-defined]
    saved.append(path)
    preview = history.complaint.show_answer()
    preview.resize(min(520, size[0] - 80), size[1] - 120)
    _settle(app, lambda: preview.isVisible())
    path = outdir / "complaint-print.png"
    _over(window, preview, path)
    saved.append(path)
    preview.close()
    for notice in list(window.notices.notices):  # type: ignore[attr-defined]
        window.notices.dismiss(notice)  # type: ignore[attr-defined]


def record_cost(kiosk: object, ref_id: str) -> int:
    from sqlalchemy import select

    from kiosk_pos.store.schema import topups

    with kiosk.db.read() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(select(topups.c.cost).where(topups.c.ref_id == ref_id))
                   .scalar() or 0)
