"""Roles, users and lockouts (issue 10): the matrix is enforced by the core, users are
managed by the owner, wrong PINs lock a user (or the PIN pad) for 5 minutes, then 10."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk_pos.core.errors import AuthError, PermissionDenied
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.lockout import UserLocked
from kiosk_pos.core.permissions import MATRIX, Permission, allowed, require
from kiosk_pos.core.records import Role, User
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.core.users import is_trivial_pin
from tests.aids.cart import FixedClock

CLERK_MAY = {Permission.SELL, Permission.VIEW_HISTORY, Permission.REPRINT,
             Permission.OPEN_SHIFT, Permission.CASH_MOVEMENT, Permission.SELL_ON_KASBON}
SUPERVISOR_ALSO = {Permission.VIEW_REPORTS, Permission.VIEW_SHIFTS, Permission.REFUND,
                   Permission.RECEIVE_STOCK}


@pytest.mark.parametrize("permission", list(Permission))
def test_the_matrix_for_each_role(permission):
    clerk, sup, owner = (User(i, r.value, r) for i, r in enumerate(
        (Role.CLERK, Role.SUPERVISOR, Role.OWNER)))
    assert allowed(owner, permission)
    assert allowed(sup, permission) is (permission in CLERK_MAY | SUPERVISOR_ALSO)
    assert allowed(clerk, permission) is (permission in CLERK_MAY)
    assert set(MATRIX) == set(Role)


def test_a_refusal_names_who_may():
    clerk = User(1, "kasir", Role.CLERK)
    with pytest.raises(PermissionDenied) as err:
        require(clerk, Permission.REFUND)
    assert "supervisor" in err.value.message.lower()
    with pytest.raises(PermissionDenied) as err:
        require(User(2, "spv", Role.SUPERVISOR), Permission.MANAGE_USERS)
    assert "pemilik" in err.value.message


@pytest.mark.parametrize("pin", ["1111", "0000", "1234", "0123", "4321", "9876", "12345678"])
def test_trivial_pins(pin):
    assert is_trivial_pin(pin)


@pytest.mark.parametrize("pin", ["1235", "2468", "9081", "13579"])
def test_pins_that_are_not_trivial(pin):
    assert not is_trivial_pin(pin)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))


@pytest.fixture
def shop(tmp_path, clock):
    init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True).close()
    k = Kiosk.open(tmp_path / "data", clock=clock)
    yield k
    k.close()


def owner(k: Kiosk) -> User:
    return k.users.authenticate("9999")


def test_owner_adds_renames_changes_role_and_disables_never_deletes(shop):
    o = owner(shop)
    shop.staff.add(o, "Sari", Role.SUPERVISOR, "2580")
    assert shop.users.authenticate("2580").role is Role.SUPERVISOR
    shop.staff.rename(o, "Sari", "Sari W")
    shop.staff.set_role(o, "Sari W", Role.CLERK)
    assert shop.users.authenticate("2580") == User(3, "Sari W", Role.CLERK)
    shop.staff.disable(o, "Sari W")
    with pytest.raises(AuthError):
        shop.users.authenticate("2580")
    everyone = {m.name: m for m in shop.staff.list_all(o)}
    assert everyone["Sari W"].active is False  # still there: history names them
    actions = [e.action for e in shop.audit.for_day(o, shop.today())]
    for action in ("user.added", "user.renamed", "user.role", "user.disabled"):
        assert action in actions


def test_a_clerk_cannot_manage_users(shop):
    clerk = shop.users.authenticate("1111")
    with pytest.raises(PermissionDenied):
        shop.staff.add(clerk, "Budi", Role.CLERK, "2580")
    with pytest.raises(PermissionDenied):
        shop.staff.reset_pin(clerk, "Pemilik", "2580")


def test_pins_are_4_to_8_digits_and_an_owner_pin_is_not_trivial(shop):
    o = owner(shop)
    for bad in ("123", "123456789", "12a4"):
        with pytest.raises(AuthError):
            shop.staff.add(o, "Budi", Role.CLERK, bad)
    with pytest.raises(AuthError) as err:
        shop.staff.add(o, "Bos2", Role.OWNER, "5555")
    assert "mudah ditebak" in err.value.message
    shop.staff.add(o, "Budi", Role.CLERK, "4444")  # a clerk may, the rule is the owner's
    with pytest.raises(AuthError):
        shop.staff.add(o, "Ani", Role.CLERK, "4444")  # taken: PIN-only login needs it unique


def test_own_pin_change_needs_the_old_pin_and_reset_is_the_owners(shop):
    clerk = shop.users.authenticate("1111")
    with pytest.raises(AuthError):
        shop.staff.change_own_pin(clerk, "2222", "3690")
    shop.staff.change_own_pin(clerk, "1111", "3690")
    assert shop.users.authenticate("3690") == clerk
    shop.staff.reset_pin(owner(shop), "kasir", "7531")
    assert shop.users.authenticate("7531") == clerk


def test_the_last_owner_cannot_be_disabled_or_demoted(shop):
    o = owner(shop)
    with pytest.raises(AuthError):
        shop.staff.disable(o, "Pemilik")
    with pytest.raises(AuthError):
        shop.staff.set_role(o, "Pemilik", Role.CLERK)


def test_five_wrong_pins_lock_a_named_user_for_five_minutes_then_ten(shop, clock):
    for _ in range(4):
        with pytest.raises(AuthError) as err:
            shop.users.authenticate("0000", "kasir")
        assert not isinstance(err.value, UserLocked)
    with pytest.raises(UserLocked) as err:
        shop.users.authenticate("0000", "kasir")
    assert "5 menit" in err.value.message and "kasir" in err.value.message
    clock.moment += timedelta(minutes=2, seconds=30)
    with pytest.raises(UserLocked) as err:  # even the right PIN, while locked
        shop.users.authenticate("1111", "kasir")
    assert "3 menit" in err.value.message
    with pytest.raises(UserLocked):  # and the PIN-only door
        shop.users.authenticate("1111")
    clock.moment += timedelta(minutes=2, seconds=31)
    assert shop.users.authenticate("1111", "kasir").name == "kasir"
    # a good login wipes the failures and the level: the next lock is five minutes again
    for _ in range(5):
        with pytest.raises(AuthError):
            shop.users.authenticate("0000", "kasir")
    clock.moment += timedelta(minutes=5, seconds=1)
    for _ in range(5):  # locked again without a good login between: twice as long
        with pytest.raises(AuthError):
            shop.users.authenticate("0000", "kasir")
    with pytest.raises(UserLocked) as err:
        shop.users.authenticate("1111", "kasir")
    assert "10 menit" in err.value.message


def test_the_lock_is_in_the_database_for_every_process(shop, clock, tmp_path):
    for _ in range(5):
        with pytest.raises(AuthError):
            shop.users.authenticate("0000", "kasir")
    other = Kiosk.open(tmp_path / "data", clock=clock)  # the CLI beside the app
    try:
        with pytest.raises(UserLocked):
            other.users.authenticate("1111", "kasir")
    finally:
        other.close()


def test_wrong_pins_without_a_name_lock_the_pin_pad_not_the_users(shop, clock):
    for _ in range(4):
        with pytest.raises(AuthError):
            shop.users.authenticate("0000")
    shop.users.authenticate("1111")  # a good PIN does not wipe the anonymous count
    with pytest.raises(UserLocked) as err:
        shop.users.authenticate("0001")
    assert "5 menit" in err.value.message
    with pytest.raises(UserLocked):
        shop.users.authenticate("1111")
    assert shop.users.authenticate("1111", "kasir").name == "kasir"  # naming still works


def test_the_owner_unlocks_and_lockouts_are_audit_rows(shop):
    for _ in range(5):
        with pytest.raises(AuthError):
            shop.users.authenticate("0000", "kasir")
    o = owner(shop)
    assert shop.staff.list_all(o)[1].locked_until is not None
    shop.staff.unlock(o, "kasir")
    assert shop.users.authenticate("1111", "kasir").name == "kasir"
    actions = [(e.action, e.user_name) for e in shop.audit.for_day(o, shop.today())]
    assert ("user.locked", "kasir") in actions
    assert ("user.unlocked", "Pemilik") in actions
    with pytest.raises(PermissionDenied):
        shop.audit.for_day(shop.users.authenticate("1111"), shop.today())
