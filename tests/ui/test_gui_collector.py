"""The cyclic garbage collector runs on the GUI thread only (kiosk_pos/ui/collector.py).

A pass on a worker thread that frees a widget deletes it off the GUI thread: CI once died
of it (a segfault in tests/ui/test_reconcile_screens.py, after a failed network call whose
exception cycle held the screen).
"""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk_pos import gc_policy
from kiosk_pos.ui.collector import collect_on_gui_thread


class _Node:
    """Cyclic garbage whose end can be watched (a list cannot take a weak reference)."""

    def __init__(self) -> None:
        self.me = self


def _churn_cycles(count: int) -> None:
    """What a busy worker does: allocate, and leave cycles behind."""
    for _ in range(count):
        _Node()


def test_a_screen_in_a_cycle_is_freed_on_the_gui_thread_while_a_worker_allocates(qtbot):
    freed_on: list[str] = []

    def screen_left_in_a_cycle() -> None:
        screen = QWidget()
        layout = QVBoxLayout(screen)
        for i in range(20):
            layout.addWidget(QLabel(f"baris {i}"))
        screen.show()
        screen.keep = [screen]  # a cycle through Python, like a traceback holding the screen
        weakref.finalize(screen, lambda: freed_on.append(threading.current_thread().name))

    screen_left_in_a_cycle()
    worker = threading.Thread(target=_churn_cycles, args=(50_000,), name="kiosk-net-0")
    worker.start()
    worker.join()
    assert freed_on == []  # the worker's allocations started no pass
    assert not gc.isenabled()
    qtbot.waitUntil(lambda: freed_on != [], timeout=5000)  # the GUI thread's timer
    assert freed_on == [threading.main_thread().name]


def test_the_gui_thread_collects_what_the_thresholds_ask_for(qtbot):
    collector = collect_on_gui_thread()
    before = sum(collector.passes)
    last = _Node()
    gone = weakref.ref(last)
    del last
    _churn_cycles(collector.thresholds[0] * 3)  # past the youngest generation's threshold
    assert gone() is not None  # nothing collected while allocating
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)
    assert sum(collector.passes) > before


def test_a_command_run_in_the_app_process_cannot_switch_worker_passes_back_on(qtbot):
    """A command that resumes the collector after its start (``kiosk_pos.cli``) leaves it
    to the GUI thread once the app has handed it there."""
    collect_on_gui_thread()
    gc_policy.resume()
    assert not gc.isenabled() and gc_policy.on_gui_thread()


def test_only_a_start_that_paused_the_collector_freezes_its_objects(monkeypatch):
    monkeypatch.setattr(gc_policy, "_on_gui_thread", False)
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        assert gc_policy.hand_to_gui_thread() is False  # a window built by a tool or test
        monkeypatch.setattr(gc_policy, "_on_gui_thread", False)
        gc_policy.pause_for_start()
        assert gc_policy.hand_to_gui_thread() is True  # kiosk-pos gui: freeze the start's
        assert gc_policy.hand_to_gui_thread() is False  # once only
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
