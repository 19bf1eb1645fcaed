"""One GUI per data folder: a second process cannot take the lock; kill -9 frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from kiosk_pos.i18n import set_language, tr
from kiosk_pos.instance import LOCK_FILENAME, GuiLock, gui_running

HOLDER = textwrap.dedent("""
    import sys
    from kiosk_pos.instance import GuiLock
    lock = GuiLock(sys.argv[1])
    print("held" if lock.acquire() else "refused", flush=True)
    sys.stdin.readline()
    lock.release()
    print("released", flush=True)
    sys.stdin.readline()
""")


def _holder(folder):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def test_a_second_process_is_refused_until_the_first_releases(tmp_path):
    assert not gui_running(tmp_path)
    proc = _holder(tmp_path)
    try:
        assert proc.stdout.readline().strip() == "held"
        assert gui_running(tmp_path)
        assert gui_running(tmp_path)  # asking twice does not disturb the holder
        second = GuiLock(tmp_path)
        assert not second.acquire()
        assert (tmp_path / LOCK_FILENAME).read_text().strip() == str(proc.pid)
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "released"
        assert not gui_running(tmp_path)
        assert second.acquire()
        other = _holder(tmp_path)  # now the other process is the one refused
        try:
            assert other.stdout.readline().strip() == "refused"
        finally:
            other.kill()
            other.wait(timeout=30)
        second.release()
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_kill_9_frees_the_folder(tmp_path):
    proc = _holder(tmp_path)
    try:
        assert proc.stdout.readline().strip() == "held"
        assert gui_running(tmp_path)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert not gui_running(tmp_path)
    with GuiLock(tmp_path) as lock:
        assert lock.acquire()
        assert gui_running(tmp_path)  # a second GuiLock in the same process is refused too
    assert not gui_running(tmp_path)


def test_the_lock_is_not_on_the_database(tmp_path):
    with GuiLock(tmp_path) as lock:
        assert lock.acquire()
        assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_FILENAME]


def test_already_open_sentence_in_both_languages(tmp_path):
    try:
        for lang, word in (("id", "sudah terbuka"), ("en", "already open")):
            set_language(lang)
            text = tr("ui.app.already_open", path=str(tmp_path))
            assert word in text and str(tmp_path) in text
    finally:
        set_language("id")
