"""Where the kiosk keeps its data: --data-dir, then $KIOSK_POS_DATA_DIR, then the OS default."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "KIOSK_POS_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir  # only here: --data-dir or the variable skip it

    return Path(user_data_dir("kiosk-pos", appauthor=False))
