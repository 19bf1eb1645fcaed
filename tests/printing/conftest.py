"""Receipt tests run in Indonesian on the fixed clock of :mod:`tests.aids.samples`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk_pos.core import i18n
from kiosk_pos.core.records import KioskInfo
from tests.aids.samples import KIOSK


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("id")
    yield
    i18n.set_language(previous)


@pytest.fixture
def kiosk() -> KioskInfo:
    return KIOSK
