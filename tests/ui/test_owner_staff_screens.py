"""The owner's staff screens driven as the owner would: Pengguna (add, rename, change role,
reset a PIN, disable, unlock, the idle minutes; a trivial owner PIN refused with a sentence),
Jejak audit (filters and pages), Pengaturan shift and Riwayat shift with its Z report; and
the tools menu offering each only to who may use it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk_pos.core import audit
from kiosk_pos.core.records import CartLine, Payment, Role
from kiosk_pos.ui.audit_view import AuditView
from kiosk_pos.ui.past_shifts import PastShiftsView
from kiosk_pos.ui.shift_settings import ShiftSettingsView
from kiosk_pos.ui.staff_view import StaffView
from kiosk_pos.ui.tasks import TaskManager


@pytest.fixture
def tasks(qtbot):
    manager = TaskManager()
    yield manager
    qtbot.waitUntil(lambda: not manager.busy, timeout=5000)
    manager.shutdown()


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


def _row_of(view: StaffView, name: str) -> int:
    return next(i for i, m in enumerate(view.members) if m.name == name)


def test_the_owner_adds_renames_changes_role_resets_and_disables(qtbot, kiosk, owner, tasks):
    view = StaffView(kiosk, owner, tasks)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    assert view.table.item(0, 1).text() == "Pemilik" and view.idle_minutes.value() == 10

    view.table.clearSelection()
    view.name.setText("Sari")
    view.role.setCurrentIndex(view.role.findData(Role.CLERK))
    qtbot.keyClicks(view.pin, "4826")
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.add_button.click()
    assert "Sari" in view.status.text() and view.pin.text() == ""
    assert kiosk.users.authenticate("4826", "Sari").role is Role.CLERK

    view.table.selectRow(_row_of(view, "Sari"))
    view.name.setText("Sari Dewi")
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.rename_button.click()
    view.table.selectRow(_row_of(view, "Sari Dewi"))
    view.role.setCurrentIndex(view.role.findData(Role.SUPERVISOR))
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.role_button.click()
    assert view.table.item(_row_of(view, "Sari Dewi"), 1).text() == "Supervisor"
    view.table.selectRow(_row_of(view, "Sari Dewi"))
    qtbot.keyClicks(view.pin, "7391")
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.reset_button.click()
    assert kiosk.users.authenticate("7391", "Sari Dewi").role is Role.SUPERVISOR
    view.table.selectRow(_row_of(view, "Sari Dewi"))
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.disable_button.click()
    row = _row_of(view, "Sari Dewi")
    assert view.table.item(row, 2).text() == "Nonaktif"
    assert "Sari Dewi" not in [u.name for u in kiosk.users.list()]

    actions = [e.action for e in kiosk.audit.for_day(owner, kiosk.today())]
    for action in ("user.added", "user.renamed", "user.role", "user.pin_reset",
                   "user.disabled"):
        assert action in actions


def test_a_trivial_owner_pin_is_refused_with_a_sentence(qtbot, kiosk, owner, tasks):
    view = StaffView(kiosk, owner, tasks)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    view.table.selectRow(_row_of(view, "Pemilik"))
    qtbot.keyClicks(view.pin, "1234")
    with qtbot.waitSignal(view.failed, timeout=5000):
        view.reset_button.click()
    assert "terlalu mudah" in view.status.text()
    assert kiosk.users.authenticate("9999", "Pemilik").name == "Pemilik"  # unchanged


def test_the_owner_unlocks_a_locked_clerk_and_sets_the_idle_minutes(qtbot, kiosk, owner, tasks):
    for _ in range(5):
        with pytest.raises(Exception):  # noqa: B017 - wrong PINs, the fifth locks
            kiosk.users.authenticate("0000", "kasir")
    view = StaffView(kiosk, owner, tasks)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    row = _row_of(view, "kasir")
    assert view.table.item(row, 2).text().startswith("Terkunci s.d.")
    view.table.selectRow(row)
    assert view.unlock_button.isEnabled()
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.unlock_button.click()
    assert view.table.item(_row_of(view, "kasir"), 2).text() == "Aktif"
    assert kiosk.users.authenticate("1111", "kasir").name == "kasir"

    view.idle_minutes.setValue(3)
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.idle_save.click()
    assert kiosk.staff.idle_lock_minutes() == 3


def test_a_clerk_gets_the_owners_sentence_not_the_list(qtbot, kiosk, clerk, tasks):
    view = StaffView(kiosk, clerk, tasks)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.status.text() != "", timeout=5000)
    assert "pemilik" in view.status.text().lower() and view.table.rowCount() == 0


def test_the_audit_viewer_filters_and_pages(qtbot, kiosk, owner, tasks):
    clerk = kiosk.users.authenticate("1111")
    now = kiosk.clock()
    with kiosk.db.write_raw() as cur:
        for i in range(60):
            audit.record(cur, "cash.in" if i % 2 else "shift.opened", clerk if i % 3 else owner,
                         now - timedelta(seconds=i), n=i)
    view = AuditView(kiosk, owner, tasks)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 50, timeout=5000)  # one page
    assert view.more.isEnabled() and "lebih lama" in view.status.text()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.more.click()
    total = view.model.rowCount()
    assert total > 60 and not view.more.isEnabled()  # the rest, and the logins
    qtbot.waitUntil(lambda: view.who.count() == 3, timeout=5000)  # everyone, two people
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.action.setCurrentIndex(view.action.findData("cash."))
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.who.setCurrentIndex(view.who.findData("kasir"))
    rows = view.model.entries
    assert rows and all(e.action == "cash.in" and e.user_name == "kasir" for e in rows)
    assert len(rows) == len([i for i in range(60) if i % 2 and i % 3])
    assert view.model.data(view.model.index(0, 2)) == "Kas masuk"


def test_shift_settings_are_saved_and_the_float_is_suggested(qtbot, kiosk, owner, clerk, tasks):
    view = ShiftSettingsView(kiosk, owner, tasks)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show()
    assert not view.required.isChecked() and not view.blind.isChecked()
    view.required.setChecked(True)
    view.blind.setChecked(True)
    qtbot.keyClicks(view.default_float, "150000")
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    assert kiosk.shifts.required() and kiosk.shifts.blind_close()
    assert kiosk.shifts.default_float() == 150_000
    assert "shift.settings" in [e.action for e in kiosk.audit.for_day(owner, kiosk.today())]

    from kiosk_pos.ui.shift_view import ShiftView

    shift = ShiftView(kiosk, clerk, tasks)
    qtbot.addWidget(shift)
    with qtbot.waitSignal(shift.loaded, timeout=5000):
        shift.show()
    assert shift.float_count.total() == 150_000  # the owner's usual float, to confirm

    refused = ShiftSettingsView(kiosk, clerk, tasks)
    qtbot.addWidget(refused)
    with qtbot.waitSignal(refused.loaded, timeout=5000):
        refused.show()
    with qtbot.waitSignal(refused.failed, timeout=5000):
        refused.save_button.click()
    assert "pemilik" in refused.status.text().lower()


def test_past_shifts_show_their_z_report_to_reprint_and_save(qtbot, kiosk, owner, clerk, tasks,
                                                            tmp_path):
    kiosk.shifts.open(clerk, 100_000)
    kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1)], Payment())
    kiosk.shifts.close(clerk, 110_000)
    kiosk.shifts.open(owner, 50_000)
    printed: list = []
    pdf = tmp_path / "z.pdf"
    view = PastShiftsView(kiosk, owner, tasks, print_document=printed.append,
                          choose_path=lambda _suggested: str(pdf))
    qtbot.addWidget(view)
    view.resize(1000, 640)
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.show()
    assert [view.table.item(r, 3).text() for r in range(2)] == ["masih buka", "-Rp5.000"]
    with qtbot.waitSignal(view.shown, timeout=5000):
        view.table.selectRow(1)
    assert "LAPORAN SHIFT" in view.preview.text() and "Rp115.000" in view.preview.text()
    view.preview.print_button.click()
    assert [d.title for d in printed] == ["LAPORAN SHIFT"]
    view.preview.pdf_button.click()
    assert pdf.read_bytes().startswith(b"%PDF")

    mine = PastShiftsView(kiosk, clerk, tasks)  # a clerk sees only their own shifts
    qtbot.addWidget(mine)
    with qtbot.waitSignal(mine.listed, timeout=5000):
        mine.show()
    assert mine.table.rowCount() == 1 and mine.table.item(0, 2).text() == "kasir"


def test_the_tools_menu_offers_the_staff_screens_by_role(qtbot, kiosk, owner, clerk, tasks):
    from kiosk_pos.ui.staff_tools import staff_actions

    def names(user):
        return [n for n, _ in staff_actions(kiosk, tasks, user, lambda *_a: None, None, 58)]

    assert names(owner) == ["Ganti PIN saya", "Riwayat shift", "Pengaturan shift", "Pengguna",
                            "Jejak audit"]
    assert names(clerk) == ["Ganti PIN saya", "Riwayat shift"]
    assert names(None) == []


def test_anyone_changes_their_own_pin_after_the_old_one(qtbot, kiosk, clerk, tasks):
    from kiosk_pos.ui.own_pin import OwnPinView

    view = OwnPinView(kiosk, clerk, tasks)
    qtbot.addWidget(view)
    view.show()
    qtbot.keyClicks(view.old_pin, "1111")
    qtbot.keyClicks(view.new_pin, "2468")
    qtbot.keyClicks(view.again, "2469")
    with qtbot.waitSignal(view.failed, timeout=1000):
        view.save_button.click()
    assert "tidak sama" in view.status.text()
    qtbot.keyClicks(view.old_pin, "9999")  # not the clerk's old PIN
    qtbot.keyClicks(view.new_pin, "2468")
    qtbot.keyClicks(view.again, "2468")
    with qtbot.waitSignal(view.failed, timeout=5000):
        view.save_button.click()
    assert "PIN salah" in view.status.text()
    qtbot.keyClicks(view.old_pin, "1111")
    qtbot.keyClicks(view.new_pin, "2468")
    qtbot.keyClicks(view.again, "2468")
    with qtbot.waitSignal(view.changed, timeout=5000):
        view.save_button.click()
    assert view.old_pin.text() == "" and "sudah diganti" in view.status.text()
    assert kiosk.users.authenticate("2468", "kasir").name == "kasir"
    assert "user.pin_changed" in [e.action for e in kiosk.audit.for_day(
        kiosk.users.authenticate("9999"), kiosk.today())]
