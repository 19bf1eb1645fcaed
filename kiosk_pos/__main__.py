"""``kiosk-pos`` / ``python -m kiosk_pos``."""

import time

from kiosk_pos import gc_policy

STARTED = time.perf_counter()  # for `gui --self-test`: time to ready from here


def main(argv: list[str] | None = None) -> int:
    # The start allocates a great deal (modules, classes, widgets) and frees almost none of
    # it, so the cyclic garbage collector's passes over it find nothing: they wait. Any
    # command but `gui` switches it back on once its arguments are parsed; the app hands it
    # to the GUI thread once the PIN login has painted and the warm-up after it is done
    # (ui/first_paint.py, ui/collector.py).
    gc_policy.pause_for_start()
    try:
        from kiosk_pos.cli import main as cli_main

        return cli_main(argv)
    finally:
        gc_policy.resume()


if __name__ == "__main__":
    raise SystemExit(main())
