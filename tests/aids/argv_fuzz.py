"""Hypothesis strategies for a command line, built from an argparse parser's real options.

:func:`leaves` walks a parser down to every runnable sub-command (``report daily``,
``deposit credit``, ...). :func:`argv_for` draws an argv for one of them: each option and
positional of that sub-parser, present or not, with a value that is either plausible (a
choice, or a hint such as a real SKU or PIN, so that commands also get far enough to do
their work) or junk (huge and negative numbers, NaN and infinities, Arabic-Indic and
full-width digits, NUL and control bytes, undecodable bytes, empty and very long strings,
dates at the ends of the calendar), in any order, sometimes with a stray token.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping, Sequence

from hypothesis import strategies as st

JUNK: tuple[str, ...] = (  # the likeliest to break something first: hypothesis starts there
    "-1", "nan", "1e309", "99999999999999999999999", "0001-01-01", "9999-12-31", "\x00",
    "\udcff", "", "٣", "0", "inf", "-inf", str(2**63), "x" * 5000, "9" * 5000,
    " ", "-0", "NaN", "-1e309", "1e-320", str(2**63 - 1), str(2**31), str(-(2**63) - 1),
    "١٢٣", "٠٨١٢٣٤٥٦٧٨٩٠", "０８１２", "1٢3", "a\x00b", "\x1b[2J", "\t", "\udcfe\udcff",
    "2026-02-30", "--", "-", "-x", "--nope", "'", '"', "%s", "{amount}", "../../etc/passwd",
    "0x10", "1_000", "1.5", "50rb", "Rp 50.000", "\u00a0100", "ツ",
)


def junk_values() -> st.SearchStrategy[str]:
    listed = st.sampled_from(JUNK)
    return st.one_of(
        listed, listed, listed,  # weighted: the list above is where the bugs were
        st.integers(min_value=2**62, max_value=2**80).map(str),  # past SQLite's INTEGER
        st.integers(min_value=-(2**80), max_value=-1).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=12),
    )


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
           ) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable sub-command of ``parser``: (its words, its sub-parser)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(path, parser)]
    found = []
    for name, child in subs[0].choices.items():
        found += leaves(child, (*path, name))
    return found


def _slots(parser: argparse.ArgumentParser, skip: set[str]
           ) -> list[tuple[list[argparse.Action], bool]]:
    """The choices an argv makes: each option on its own, or one of a mutually exclusive
    group (choosing two would only ever meet argparse's refusal); with whether it is
    required."""
    usable = [a for a in parser._actions
              if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
              and a.dest not in skip]
    slots: list[tuple[list[argparse.Action], bool]] = []
    grouped: set[int] = set()
    for group in parser._mutually_exclusive_groups:
        members = [a for a in group._group_actions if a in usable]
        grouped |= {id(a) for a in members}
        if members:
            slots.append((members, group.required))
    for action in usable:
        if id(action) not in grouped:
            slots.append(([action], action.required or not action.option_strings))
    return slots


@st.composite
def argv_for(draw: st.DrawFn, path: Sequence[str], parser: argparse.ArgumentParser,
             hints: Mapping[str, Sequence[str]], skip: set[str] = frozenset()) -> list[str]:
    """One argv for the sub-command ``path`` whose sub-parser is ``parser``.

    Mostly one fault at a time: every value is plausible except one that is junk, so the
    junk is not masked by an earlier refusal of another value and reaches as deep as it
    can; now and then several are junk, or none."""
    chosen: list[argparse.Action] = []
    for members, needed in _slots(parser, set(skip)):
        if draw(st.integers(0, 19)) < (19 if needed else 8):
            chosen.append(draw(st.sampled_from(members)))
    valued = [i for i, a in enumerate(chosen) if a.nargs != 0]
    mode = draw(st.integers(0, 9))
    if mode < 7 and valued:
        bad = {draw(st.sampled_from(valued))}
    elif mode < 9:
        bad = {i for i in valued if draw(st.booleans())}
    else:
        bad = set()
    pieces: list[list[str]] = []
    for i, action in enumerate(chosen):
        flag = [action.option_strings[-1]] if action.option_strings else []
        if action.nargs == 0:
            pieces.append(flag)
            continue
        plausible = [str(c) for c in action.choices or ()] + list(hints.get(action.dest, ()))
        if i in bad or not plausible:
            value = draw(junk_values())
        else:
            value = draw(st.sampled_from(plausible))
        pieces.append([*flag, value])
    if draw(st.integers(0, 19)) == 0:
        pieces.append([draw(junk_values())])
    order = draw(st.permutations(pieces)) if draw(st.booleans()) else pieces
    return [*path, *(token for piece in order for token in piece)]


class TimeSlices:
    """A time budget shared out over sub-commands by weight (a command that talks to a
    server gets more): each gets its slice, counted from its first example; past it,
    examples are skipped (hypothesis counts them as passed). A sub-command that has failed
    is never skipped again, so hypothesis sees the same result when it runs it again."""

    def __init__(self, total_seconds: float, weights: Mapping[object, float]) -> None:
        whole = sum(weights.values()) or 1.0
        self.slices = {key: total_seconds * w / whole for key, w in weights.items()}
        self.started: dict[object, float] = {}
        self.failing: set[object] = set()

    def over(self, key: object) -> bool:
        start = self.started.setdefault(key, time.monotonic())
        return key not in self.failing and time.monotonic() - start > self.slices[key]
