"""The start-up answers PySide's feature check for the standard library as PySide itself
would (ui/feature_check.py): -1, "does not use PySide", for modules whose source never
names PySide6; every other module is still PySide's to judge."""

from __future__ import annotations

import inspect
import sys

import PySide6

from kiosk_pos.ui import feature_check
from kiosk_pos.ui.feature_check import FEATURE_MODULE, NOT_PYSIDE, answer_for_stdlib, is_stdlib


def test_only_the_standard_library_counts_as_such():
    import json
    import typing

    import pytest

    import kiosk_pos.ui.login

    assert is_stdlib("typing", typing) and is_stdlib("json", json)
    assert is_stdlib("sys", sys)  # built in: no file at all
    for name, module in (("PySide6", PySide6), ("pytest", pytest),
                         ("kiosk_pos.ui.login", kiosk_pos.ui.login),
                         ("kiosk_pos.ui.feature_check", feature_check)):
        assert not is_stdlib(name, module), name


def test_the_answers_are_the_ones_pyside_would_read(qapp):
    table = sys.modules[FEATURE_MODULE].pyside_feature_dict
    import logging  # noqa: F401 - a module of the start path, if not loaded yet
    import typing  # noqa: F401

    answer_for_stdlib()
    answered = [name for name, module in sys.modules.items() if is_stdlib(name, module)]
    assert {"typing", "logging", "dataclasses", "pathlib", "threading"} <= set(answered)
    for name in answered:
        assert table[name] in (NOT_PYSIDE, 0), name
        if table[name] != NOT_PYSIDE:
            continue
        try:
            source = inspect.getsource(sys.modules[name])
        except (OSError, TypeError):  # built in or compiled: PySide answers -1 too
            continue
        assert "PySide6" not in source, name
    from kiosk_pos.ui import main_window  # noqa: F401 - named in an import: PySide judged it

    assert table["kiosk_pos.ui.main_window"] == 0
