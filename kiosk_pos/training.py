"""Mode latihan (training): a practice kiosk where a new clerk learns the counter.

The practice kiosk lives in ``<data folder>/training/``: a database of its own, made from
the demo shop (the demo catalogue, a clerk ``kasir`` with PIN 1111, the owner 9999, a
practice deposit), named and footed so that every receipt it prints says LATIHAN. It
talks only to the built-in simulator distributor (the demo's embedded server, in
``training/distributor-demo.db``): its saved connection is always the simulator's, and
``connect`` and ``restore`` are refused in training, so nothing from training can reach
the real database or the real distributor. The simulator's account is made with the
practice kiosk; a command run in training with the simulator puts the kept address back
when it ends, so a refused command changes nothing. Switching the app in or out of training is the
owner's (:attr:`Permission.SWITCH_TRAINING`).

Like :mod:`kiosk_pos.demo`, this module is wiring at the root (it starts the server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User

if TYPE_CHECKING:
    from kiosk_pos.sync.service import SyncService

TRAINING_DIR = "training"
TRAINING_FLAG = "training.kiosk"  # set in the practice kiosk's settings, never elsewhere
PRACTICE_OWNER_PIN = "9999"
PRACTICE_CLERK_PIN = "1111"
MARK = "LATIHAN"

Stop = Callable[[], None]


class NotInTraining(KioskError):
    """Something training must never do (connect to a distributor, restore a backup)."""


def training_dir(data_dir: Path) -> Path:
    return Path(data_dir) / TRAINING_DIR


def is_training_kiosk(kiosk: Kiosk) -> bool:
    return bool(kiosk.settings.get(TRAINING_FLAG, False))


def ensure_training_kiosk(data_dir: Path) -> Path:
    """The practice kiosk's folder inside ``data_dir``, made on first use; the real shop's
    database is never opened (nothing is read from it, nothing written)."""
    folder = training_dir(data_dir)
    if (folder / DB_FILENAME).exists():
        return folder
    from kiosk_pos.core.settings import KIOSK_FOOTER
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.i18n import tr
    from kiosk_pos.sync.connect import DEMO_FLAG

    _need_simulator()  # before anything is made
    folder.mkdir(parents=True, exist_ok=True)
    kiosk = init_kiosk(folder, tr("training.kiosk_name"), PRACTICE_OWNER_PIN, demo=True,
                       address=tr("training.kiosk_address"))
    try:
        kiosk.settings.set_many({TRAINING_FLAG: True, DEMO_FLAG: True,
                                 KIOSK_FOOTER: tr("training.receipt_footer")})
        _cfg, stop = _start_server(kiosk, folder, None)  # its account, made once, now
        stop()
    finally:
        kiosk.close()
    return folder


def _need_simulator() -> None:
    """A counter installed without the demo extra has no server to practise against."""
    import importlib.util

    if importlib.util.find_spec("distributor_server") is None:
        raise NotInTraining("training.needs_simulator")


def _start_server(kiosk: Kiosk, folder: Path, kept: object) -> tuple[object, Stop]:
    from kiosk_pos.demo import start_demo_server

    _need_simulator()
    return start_demo_server(kiosk, folder, kept)  # type: ignore[arg-type]


def refuse(what: str) -> None:
    """One sentence for a command training never runs (``what``: connect, restore)."""
    raise NotInTraining(f"training.refused.{what}")


def check_switch(kiosk: Kiosk, pin: str) -> User:
    """The user whose PIN this is, if they may switch training on or off (the owner)."""
    user = kiosk.users.authenticate(pin)
    require(user, Permission.SWITCH_TRAINING)
    return user


def check_real_owner(data_dir: Path, pin: str) -> User:
    """:func:`check_switch` against the real shop in ``data_dir`` (to leave training)."""
    kiosk = Kiosk.open(data_dir)
    try:
        return check_switch(kiosk, pin)
    finally:
        kiosk.close()


def _only_simulator(kiosk: Kiosk) -> None:
    """Whatever connection the practice kiosk holds, the next start replaces it with the
    simulator's (the demo path); the kept address is never contacted."""
    from kiosk_pos.sync.connect import DEMO_FLAG

    if not kiosk.settings.get(DEMO_FLAG, False):
        kiosk.settings.set(DEMO_FLAG, True)


def start_training_distributor(kiosk: Kiosk, folder: Path, **service_options: float
                               ) -> tuple[SyncService, Stop]:
    """The simulator distributor and a sync service over it (the app's, in training)."""
    from kiosk_pos.demo import start_demo_distributor

    _need_simulator()
    _only_simulator(kiosk)
    return start_demo_distributor(kiosk, folder, **service_options)


@contextmanager
def simulator(folder: Path) -> Iterator[None]:
    """For one command in training: the simulator server runs, and the practice kiosk's
    connection points at it, until the command ends."""
    from kiosk_pos.core.connection import URL_KEY
    from kiosk_pos.sync.config import load_config

    kiosk = Kiosk.open(folder)
    try:
        _only_simulator(kiosk)
        try:
            kept = load_config(kiosk)
        except KioskError:
            kept = None
        _cfg, stop = _start_server(kiosk, folder, kept)
    finally:
        kiosk.close()
    try:
        yield
    finally:
        stop()
        if kept is not None:  # the address as it was: a refused command changed nothing
            kiosk = Kiosk.open(folder)
            try:
                kiosk.settings.set(URL_KEY, kept.url)
            finally:
                kiosk.close()
