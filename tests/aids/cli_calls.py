"""``kiosk-pos`` run in-process against one data folder, for the command-line tests: the
exit code and output of a run, its JSON, and a refusal's one sentence."""

from __future__ import annotations

import json
from typing import Any

from kiosk_pos.cli import main


def run(capsys: Any, data_dir: str, *args: str) -> tuple[int, str, str]:
    try:
        code = main([*args, "--data-dir", data_dir])
    except SystemExit as stop:  # refused while parsing (argparse exits)
        code = stop.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    return code, out, err


def ok_json(capsys: Any, data_dir: str, *args: str) -> Any:
    code, out, err = run(capsys, data_dir, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def refused(capsys: Any, data_dir: str, *args: str) -> str:
    """Run a command that must be refused (exit 2, one sentence, no traceback)."""
    code, out, err = run(capsys, data_dir, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1
    return err
