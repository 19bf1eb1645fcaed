"""One glossary in the Indonesian UI: "konter" (never Kiosk), "Antrean" (never Antrian),
"isi ulang" (never top-up), "Diproses" (never PENDING, on screen or on a receipt). Every
Indonesian locale file is read; a command, option or identifier (``kiosk-pos``,
``--kiosk-id``) keeps its spelling."""

from __future__ import annotations

import json
import re

from kiosk_pos.resources import resource_path

BANNED = {
    "Kiosk/kiosk (say konter)": re.compile(r"(?<![-_/.\w])[Kk]iosk(?![-_\w])"),
    "Antrian (say Antrean)": re.compile(r"[Aa]ntrian"),
    "top-up (say isi ulang)": re.compile(r"\b[Tt]op[- ]?up\b"),
    "PENDING (say Diproses)": re.compile(r"\bPENDING\b"),
    "a menu that does not exist": re.compile(r"menu Sinkronisasi"),
}


def _indonesian_texts() -> list[tuple[str, str, str]]:
    folder = resource_path("locale")
    files = sorted(p for p in folder.glob("*.json") if p.name == "id.json"
                   or p.name.endswith(".id.json"))
    assert len(files) >= 10, files
    texts = []
    for path in files:
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if isinstance(value, str):
                texts.append((path.name, key, value))
    return texts


def test_indonesian_texts_use_the_glossary():
    found = [f"{name}: {key}: {rule}: {text!r}"
             for name, key, text in _indonesian_texts()
             for rule, pattern in BANNED.items() if pattern.search(text)]
    assert not found, "\n".join(found)


def test_the_scan_catches_each_banned_word_and_spares_commands():
    for bad in ("Kiosk belum tersambung", "Antrian cetak", "Top-up gagal", "Status PENDING"):
        assert any(p.search(bad) for p in BANNED.values()), bad
    for fine in ("Jalankan kiosk-pos connect --kiosk-id ID", "konter ini", "Antrean kirim",
                 "isi ulang gagal"):
        assert not any(p.search(fine) for p in BANNED.values()), fine
