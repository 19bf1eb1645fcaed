"""``kiosk-pos`` / ``python -m kiosk_pos``."""

import time

STARTED = time.perf_counter()  # for `gui --self-test`: time to ready from here


def main(argv: list[str] | None = None) -> int:
    from kiosk_pos.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
