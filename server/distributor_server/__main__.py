"""Entry point of the ``distributor-server`` console script."""

from __future__ import annotations

import sys

from distributor_server.cli import main

if __name__ == "__main__":
    sys.exit(main())
