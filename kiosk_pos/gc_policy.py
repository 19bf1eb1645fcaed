"""Who runs Python's cyclic garbage collector, and when: one switch for the whole app.

The start pauses it (``kiosk_pos.__main__``: the start frees almost nothing, so passes
over it find nothing). A command without a window resumes it once its arguments are
parsed. The desktop app hands it to the GUI thread for good (``ui/collector.py``): from
then on nothing here switches automatic passes back on.
"""

from __future__ import annotations

import gc

_on_gui_thread = False


def pause_for_start() -> None:
    gc.disable()


def resume() -> None:
    """Automatic passes back on, unless the GUI thread runs the collector now."""
    if not _on_gui_thread:
        gc.enable()


def hand_to_gui_thread() -> bool:
    """Automatic passes off for good; True if they were paused by the start (not yet
    handed over), so what the start built can be moved out of the collector's way."""
    global _on_gui_thread
    paused = not gc.isenabled() and not _on_gui_thread
    _on_gui_thread = True
    gc.disable()
    return paused


def on_gui_thread() -> bool:
    return _on_gui_thread
