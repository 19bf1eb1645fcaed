"""Qt widget tests for printing. Qt runs offscreen; set before Qt is first imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from kiosk_pos.core import i18n  # noqa: E402
from kiosk_pos.printing.queue import PrintQueue  # noqa: E402


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("id")
    yield
    i18n.set_language(previous)


@pytest.fixture
def themed(qapp: object) -> Iterator[None]:
    """The app's look (fonts, touch sizes) for screenshots; restored afterwards."""
    from kiosk_pos.ui.theme import apply_theme

    font, sheet = qapp.font(), qapp.styleSheet()
    apply_theme(qapp)
    yield
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)


@pytest.fixture
def print_queue() -> Iterator[PrintQueue]:
    queue = PrintQueue()
    yield queue
    queue.close()
