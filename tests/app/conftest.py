"""Fixtures of the command-line tests."""

from __future__ import annotations

import pytest

from kiosk_pos.cli import main


@pytest.fixture
def data_dir(tmp_path, capsys) -> str:
    """A demo kiosk made by ``kiosk-pos init --demo`` (owner PIN 9999, clerk 1111)."""
    assert main(["init", "--kiosk-name", "Konter Uji", "--owner-pin", "9999", "--demo",
                 "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    return str(tmp_path)
