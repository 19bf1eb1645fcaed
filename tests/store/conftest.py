"""A kiosk with months of history, for the backup tests (the plain demo ``kiosk`` is
tests/conftest.py's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk_pos.core.kiosk import Kiosk

HISTORY_SALES = 10_000


@pytest.fixture(scope="module")
def history_folder(tmp_path_factory: pytest.TempPathFactory):
    """A kiosk with months of generated history (bench/datagen.py), made once per module."""
    from bench.datagen import generate

    folder = tmp_path_factory.mktemp("history") / "kiosk"
    generate(folder, HISTORY_SALES)
    return folder


@pytest.fixture
def history_kiosk(history_folder) -> Iterator[Kiosk]:
    k = Kiosk.open(history_folder)
    yield k
    k.close()

