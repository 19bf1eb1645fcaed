"""Fixtures every part of the suite shares; each is defined here once.

Qt must run offscreen, and that must be set before anything imports Qt. The kiosk-side
distributor fixtures (``distributor``, ``shop``, ``make_shop``, ``template_kiosk``) live in
:mod:`tests.aids.distributor`, registered below; the server's own fixtures (one per
database engine) are in tests/server/conftest.py.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("KIOSK_POS_DATA_DIR", None)
# Secrets never reach the developer's keyring or config folder: keyring's "fail" backend
# leaves the kiosk its encrypted-file store, whose key file lives in a folder of this run
# (set in the environment, so the CLI runs in subprocesses do the same).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ["KIOSK_POS_CONFIG_DIR"] = tempfile.mkdtemp(prefix="kiosk-pos-keys-")
atexit.register(shutil.rmtree, os.environ["KIOSK_POS_CONFIG_DIR"], True)

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kiosk_pos.core import users  # noqa: E402
from kiosk_pos.core.kiosk import Kiosk  # noqa: E402
from kiosk_pos.core.records import User  # noqa: E402
from kiosk_pos.core.setup import init_kiosk  # noqa: E402
from kiosk_pos.i18n import set_language  # noqa: E402
from kiosk_pos.printing.queue import PrintQueue  # noqa: E402
from tests.aids.cart import FixedClock  # noqa: E402

pytest_plugins = ("tests.aids.distributor",)


# What PIN hashes cost in the suite: a thousandth of production's (see cheap_pin_hashing).
CHEAP_PIN_COST = users.ScryptCost(n=2**5, r=8, p=1)


@pytest.fixture(scope="session", autouse=True)
def scratch_working_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite runs in a folder of its own: a command given a bare file name (a fuzzed
    ``goods export nan``) writes there, never into the checkout (files named ``nan`` and
    ``-1`` were once committed that way)."""
    folder = tmp_path_factory.mktemp("cwd")
    before = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(before)


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hashing() -> Iterator[users.ScryptCost]:
    """The one place the suite lowers the PIN hash cost, so the hundreds of kiosks it makes
    and logs into stay fast (in this process; a CLI run in a subprocess hashes at full
    cost). tests/core/test_pin_cost.py checks the production cost itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "PIN_COST", CHEAP_PIN_COST)
        yield CHEAP_PIN_COST


@pytest.fixture(autouse=True)
def collected_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test with Qt widgets runs as the app does (``kiosk_pos/ui/collector.py``): the
    cyclic garbage collector only on this, the GUI, thread. A pass on a worker thread (a
    task pool, the embedded distributor's server) could free a widget there: CI's one
    segfault. Afterwards what the test left in cycles is collected here, and the tests
    without widgets get the interpreter's own collector back."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    import gc

    from kiosk_pos import gc_policy
    from kiosk_pos.ui.collector import collect_on_gui_thread

    request.getfixturevalue("qapp")
    collect_on_gui_thread()
    yield
    gc.collect()
    # what is alive now is out of later passes' way: each test's pass walks only what was
    # made since the last one, not the whole suite's heap (a full pass took ~0.1 s each)
    gc.freeze()
    gc_policy._on_gui_thread = False  # as before the first window: the suite's own state
    gc.enable()


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
