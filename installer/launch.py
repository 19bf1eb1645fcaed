"""Entry point of the PyInstaller build: the same as the ``kiosk-pos`` console script."""

from kiosk_pos.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
