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


def test_a_key_reads_as_the_merged_catalogues_give_it():
    """``tr`` reads the catalogue files lazily, from the one merged last: every key of
    every file, in both languages, gets the value the whole merge (``<lang>.json``, then the
    area files by name, a later file's key winning) gives it, and the fallbacks hold."""
    from kiosk_pos import i18n

    folder = ROOT / "resources" / "locale"
    try:
        for lang in i18n.LANGUAGES:
            merged: dict[str, str] = {}
            for path in [folder / f"{lang}.json", *sorted(folder.glob(f"*.{lang}.json"))]:
                merged.update(json.loads(path.read_text(encoding="utf-8")))
            keys = set(merged)
            for other in i18n.LANGUAGES:
                keys |= set(json.loads((folder / f"{other}.json").read_text(encoding="utf-8")))
            i18n.set_language(lang)
            for key in keys:
                assert i18n._lookup(lang, key) == merged.get(key), (lang, key)  # noqa: SLF001
                if "{" not in (merged.get(key) or ""):
                    expected = merged.get(key) or i18n._lookup("id", key) or key  # noqa: SLF001
                    assert i18n.tr(key) == expected, (lang, key)
        assert i18n.tr("no.such.key") == "no.such.key"
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)
