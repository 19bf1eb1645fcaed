"""Every UI text key exists in Indonesian and English."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ui_keys_in_both_languages():
    used = set()
    for path in [*(ROOT / "kiosk_pos" / "ui").glob("*.py"), ROOT / "kiosk_pos" / "app.py"]:
        if path.name in ("printer_settings.py", "receipt_preview.py"):
            continue
        used |= set(re.findall(r"tr\(['\"](ui\.[a-z_.]+)['\"]", path.read_text()))
    for lang in ("id", "en"):
        catalogue = json.loads((ROOT / "resources" / "locale" / f"ui.{lang}.json").read_text())
        for extra in (ROOT / "resources" / "locale").glob(f"*_ui.{lang}.json"):  # a screen's own
            catalogue |= json.loads(extra.read_text())
        assert not used - set(catalogue), lang
