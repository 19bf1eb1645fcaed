"""Fixtures every part of the suite shares; each is defined here once.

Qt must run offscreen, and that must be set before anything imports Qt. The kiosk-side
distributor fixtures (``distributor``, ``shop``, ``make_shop``, ``template_kiosk``) live in
:mod:`tests.aids.distributor`, registered below; the server's own fixtures (one per
database engine) are in tests/server/conftest.py.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("KIOSK_POS_DATA_DIR", None)

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kiosk_pos.core.kiosk import Kiosk  # noqa: E402
from kiosk_pos.core.records import User  # noqa: E402
from kiosk_pos.core.setup import init_kiosk  # noqa: E402
from kiosk_pos.i18n import set_language  # noqa: E402
from kiosk_pos.printing.queue import PrintQueue  # noqa: E402
from tests.aids.cart import FixedClock  # noqa: E402

pytest_plugins = ("tests.aids.distributor",)


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    """Every test starts in Indonesian, the shop's language, and leaves it so."""
    set_language("id")
    yield
    set_language("id")


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    """A fresh demo kiosk in ``tmp_path / "data"`` (owner PIN 9999, clerk PIN 1111); the
    rest of ``tmp_path`` stays free for files a test writes."""
    k = init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True)
    yield k
    k.close()


@pytest.fixture
def clerk(kiosk: Kiosk) -> User:
    """The demo kiosk's clerk (PIN 1111)."""
    return kiosk.users.authenticate("1111")


@pytest.fixture
def fixed_clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))  # 10:00 in Jakarta


@pytest.fixture
def print_queue() -> Iterator[PrintQueue]:
    queue = PrintQueue()
    yield queue
    queue.close()
