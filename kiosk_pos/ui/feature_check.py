"""PySide6's ``__feature__`` check, answered up front for the standard library.

Once PySide6 is imported, its import hook asks of every module named in an ``import``
statement, the first time it is named, whether the module uses PySide (the answer decides
whether the module may switch PySide features such as ``snake_case``). It finds out by
reading the module's whole source file (``inspect.getsource``) and looking for the word
``PySide6``, and keeps the answer in ``pyside_feature_dict``: -1 "not a PySide module",
0 "default features". The app's modules name ``typing``, ``logging``, ``datetime``,
``os``, ``dataclasses``, ``pathlib``, ``threading`` ... after PySide is loaded, so its
start read those files (``typing.py`` alone is 3,500 lines, ~1 ms) before the PIN login's
first paint, and kept their lines in ``linecache`` (~1 MiB).

No file of the standard library mentions PySide6, so its answer for them is always -1:
:func:`answer_for_stdlib` writes that answer for every standard-library module already
loaded, before the app's modules are imported, and PySide never reads their files. Any
other module (the app's, PySide's, a third party's) is still checked by PySide itself. If
a PySide6 release has no such table, nothing is done.
"""

from __future__ import annotations

import os
import sys

FEATURE_MODULE = "PySide6.support.feature"
NOT_PYSIDE = -1  # PySide's own answer for a module whose source does not mention PySide6
_STDLIB = os.path.dirname(os.__file__) + os.sep
_THIRD_PARTY = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def is_stdlib(name: str, module: object) -> bool:
    """Whether ``module`` (loaded as ``name``) is part of Python's standard library."""
    if name in sys.builtin_module_names:
        return True
    path = getattr(module, "__file__", None)
    return (isinstance(path, str) and path.startswith(_STDLIB)
            and not any(part in path for part in _THIRD_PARTY))


def answer_for_stdlib() -> int:
    """Give PySide's feature table the answer for each loaded standard-library module it
    has not asked about yet; returns how many. Call it once PySide6 is imported."""
    table = getattr(sys.modules.get(FEATURE_MODULE), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return 0
    added = 0
    for name, module in list(sys.modules.items()):
        if name not in table and is_stdlib(name, module):
            table[name] = NOT_PYSIDE
            added += 1
    return added
