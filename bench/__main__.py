"""Run the benchmarks: ``python -m bench [--quick] [NAME ...]`` (``make bench`` runs them all).

Each benchmark prints its figures beside a baseline measured in the same run, the
ratio, the target and PASS/FAIL. The run always exits 0: it reports, it does not
gate. It ends with a summary table and the same results as Markdown to paste.
"""

from __future__ import annotations

import argparse
import time
import traceback
from types import ModuleType

from bench import (
    back_office,
    backup_during_sale,
    catalog_lookup,
    daily_report,
    history_update,
    idle_polls,
    pin_hash,
    print_autoprint,
    print_render,
    sale_commit,
    server_submit,
    startup,
    sync_busy_counter,
    sync_load,
    sync_push,
    sync_reconcile,
)
from bench.common import Result, fmt, fmt_ratio, machine, print_result, say


class _RowsBench:
    """Adapts a benchmark whose ``main(quick)`` returns plain dict rows (the sync ones)."""

    def __init__(self, module: ModuleType) -> None:
        self.NAME = module.NAME
        self._module = module

    def run(self, quick: bool) -> list[Result]:
        return [Result(self.NAME, r["name"], r["value"], r.get("baseline"), r["unit"],
                       r["target"], r.get("passed"), r.get("note", ""))
                for r in self._module.main(quick)]


BENCHES: dict[str, ModuleType | _RowsBench] = {
    m.NAME: m for m in (sale_commit, daily_report, catalog_lookup, startup, print_render,
                        print_autoprint, _RowsBench(sync_push), _RowsBench(sync_reconcile),
                        _RowsBench(sync_load), sync_busy_counter, backup_during_sale,
                        history_update, pin_hash, server_submit, idle_polls, back_office)
}


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHES)}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(BENCHES)}")
    return args


def _rows(results: list[Result]) -> list[tuple[str, ...]]:
    return [(r.bench, r.metric, fmt(r.value, r.unit), fmt(r.baseline, r.unit),
             fmt_ratio(r.ratio), r.target, r.verdict) for r in results]


HEADER = ("benchmark", "figure", "measured", "baseline", "ratio", "target", "verdict")


def summary_table(results: list[Result]) -> str:
    rows = [HEADER, *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(results: list[Result], errors: dict[str, str], info: dict[str, str],
             quick: bool, took: float) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(row) + " |" for row in _rows(results)]
    out += [f"| {name} | did not run | | | | | ERROR: {msg.replace('|', '/')} |"
            for name, msg in errors.items()]
    notes = [f"- {r.bench} / {r.metric}: {r.note}" for r in results if r.note]
    head = [f"Measured {info['date']}{' (--quick)' if quick else ''} in {took:.0f} s on "
            f"{info['cpu']}, {info['memory']} RAM, disk {info['disk']}; {info['os']}, "
            f"Python {info['python']}, SQLite {info['sqlite']}.", ""]
    return "\n".join(head + out + ([""] + notes if notes else []))


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    names = args.names or list(BENCHES)
    info = machine()
    say(f"kiosk_pos benchmarks{' (quick)' if args.quick else ''}: {', '.join(names)}")
    for key, value in info.items():
        say(f"  {key}: {value}")
    results: list[Result] = []
    errors: dict[str, str] = {}
    started = time.perf_counter()
    for name in names:
        say(f"\n== {name} ==")
        t0 = time.perf_counter()
        try:
            found = BENCHES[name].run(args.quick)
        except Exception as exc:  # a broken benchmark must not hide the others' figures
            traceback.print_exc()
            errors[name] = f"{type(exc).__name__}: {exc}"
            say(f"  ERROR: {errors[name]}")
            continue
        for r in found:
            print_result(r)
        results += found
        say(f"  ({time.perf_counter() - t0:.1f} s)")
    took = time.perf_counter() - started
    say("\n== summary ==")
    say(summary_table(results))
    for name, msg in errors.items():
        say(f"{name}: did not run: {msg}")
    failed = [r for r in results if r.passed is False]
    say(f"\n{len(results)} figures, {len(failed)} failing target(s), {len(errors)} error(s); "
        f"{took:.0f} s. (Benchmarks report; the exit status is 0 regardless.)")
    say("\n== markdown ==")
    say(markdown(results, errors, info, args.quick, took))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
