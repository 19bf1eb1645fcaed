"""The back office's command line driven in-process, for tests/app/test_cli_backoffice.py:
each run's exit code and output, its JSON, and a refusal that must leave every back-office
table as it was."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from kiosk_pos.cli import main

TABLES = ("products", "product_barcodes", "stock_movements", "customers", "kasbon_entries",
          "sales")


class Cli:
    def __init__(self, capsys: Any, folder: Path) -> None:
        self.capsys, self.folder = capsys, folder

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main([*args, "--data-dir", str(self.folder)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    def refused(self, *args: str) -> str:
        """Run a command that must be refused; return its one sentence."""
        before = self.state()
        code, out, err = self(*args)
        assert code == 2, (args, out, err)
        assert err.startswith("kiosk-pos: ") and err.count("\n") == 1, err
        assert "Traceback" not in err
        assert self.state() == before, f"{args} wrote something"
        return err

    def state(self) -> tuple:
        conn = sqlite3.connect(self.folder / "kiosk.db")
        try:
            return tuple(conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                         for t in TABLES)
        finally:
            conn.close()
