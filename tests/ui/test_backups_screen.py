"""The owner's backups screen: back up now, see the list, restore after a question."""

from __future__ import annotations

from kiosk_pos.core.records import CartLine, Payment, Role
from kiosk_pos.ui.backups_view import BackupsView
from kiosk_pos.ui.tasks import TaskManager


def owner_of(kiosk):
    return next(u for u in kiosk.users.list() if u.role is Role.OWNER)


def test_owner_backs_up_and_restores_after_saying_yes(qtbot, kiosk, clerk):
    first = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
    questions: list[str] = []
    view = BackupsView(kiosk, owner_of(kiosk), TaskManager(),
                       confirm=lambda q: questions.append(q) or True)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitUntil(lambda: "Belum ada cadangan" in view.status.text(), timeout=5000)
    with qtbot.waitSignal(view.listed, timeout=10_000):
        view.backup_now.click()
    assert view.table.rowCount() == 1 and view.table.item(0, 1).text() == "Manual"
    later = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())

    with qtbot.waitSignal(view.restored, timeout=10_000) as done:
        view.restore_button.click()
    assert "1 transaksi" in questions[0] and f"#{first.id}" in questions[0]
    assert done.args[0].aside is not None and done.args[0].aside.exists()
    assert "Aplikasi akan ditutup" in view.status.text()
    ids = [s.id for s in kiosk.sales.for_day(kiosk.today())]
    assert first.id in ids and later.id not in ids


def test_a_clerk_is_told_only_the_owner_may(qtbot, kiosk, clerk):
    view = BackupsView(kiosk, clerk, TaskManager())
    qtbot.addWidget(view)
    view.show()
    view.backup_now.click()
    qtbot.waitUntil(lambda: "pemilik" in view.status.text(), timeout=5000)
    assert not kiosk.backups.folder.exists() or not any(kiosk.backups.folder.iterdir())


def test_saying_no_changes_nothing(qtbot, kiosk, clerk):
    kiosk.backups.make_backup(owner_of(kiosk))
    sale = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
    asked: list[str] = []
    view = BackupsView(kiosk, owner_of(kiosk), TaskManager(),
                       confirm=lambda q: asked.append(q) is not None)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    view.restore_button.click()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=5000)
    qtbot.waitUntil(lambda: not view._tasks.busy, timeout=5000)
    assert kiosk.sales.get(sale.id).id == sale.id
