"""Fold any text to plain ASCII that every thermal printer prints readably.

Cheap printers differ in which code pages they really have, so receipts are sent
as ASCII only: accents are dropped ("é" -> "e"), typographic punctuation becomes
its plain form ("—" -> "-", "“" -> '"'), a few letters get their usual spelling
("ß" -> "ss"). A character with no readable form is left out rather than printed
as garbage or a row of "?".
"""

from __future__ import annotations

import unicodedata

_SPECIAL = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2039": "<", "\u203a": ">", "\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u00d7": "x",
    "\u00f7": "/", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u3000": " ",
    "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE",
    "\u00f8": "o", "\u00d8": "O", "\u0142": "l", "\u0141": "L", "\u0111": "d", "\u0110": "D",
    "\u00f0": "d", "\u00d0": "D", "\u00fe": "th", "\u00de": "Th", "\u0131": "i",
    "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "\u00a2": "c", "\u00b0": " deg",
    "\u2122": "TM", "\u00a9": "(c)", "\u00ae": "(R)", "\u00b1": "+/-", "\u2192": "->",
    "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u2248": "~", "\u2116": "No.",
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4", "\t": " ",
}


def to_ascii(text: str) -> str:
    """Return ``text`` as printable ASCII, keeping newlines."""
    out: list[str] = []
    for ch in text:
        if ch == "\n" or " " <= ch <= "~":
            out.append(ch)
            continue
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in decomposed if " " <= c <= "~")
        if kept:
            out.append(kept)
        elif unicodedata.category(ch).startswith("Z"):
            out.append(" ")
        # anything else (emoji, scripts with no Latin form, controls) is dropped
    return "".join(out)
