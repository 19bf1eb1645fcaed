import pytest

from kiosk_pos.core.errors import AuthError
from kiosk_pos.core.records import Role


def test_login_by_pin(kiosk):
    assert kiosk.users.authenticate("1111").name == "kasir"
    assert kiosk.users.authenticate("9999").role is Role.OWNER


@pytest.mark.parametrize("pin", ["0000", "", "abcd", "11111"])
def test_wrong_pin_is_refused(kiosk, pin):
    with pytest.raises(AuthError) as err:
        kiosk.users.authenticate(pin)
    assert err.value.key == "error.pin_wrong"


def test_pins_are_unique_and_digits(kiosk):
    with pytest.raises(AuthError):
        kiosk.users.add("Budi", Role.CLERK, "1111")
    with pytest.raises(AuthError):
        kiosk.users.add("Budi", Role.CLERK, "12")
    user = kiosk.users.add("Budi", Role.CLERK, "2468")
    assert kiosk.users.authenticate("2468") == user
