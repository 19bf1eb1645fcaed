"""An API process's garbage collector: what it set up at the start is frozen, and full
collections are ten times rarer.

Python's cyclic collector walks every object it tracks on a full (generation 2) collection,
and starts one whenever a quarter more objects have become long-lived since the last. An
API process holding 10,000 idle long polls tracks over a million objects (each poll's
connection, parser, request and waiting task), and the polls renewing every 25 s made one
every few seconds, each stopping the event loop for 0.1-1.4 s: 17 in the ``idle_polls``
benchmark's minute, 11.9 s in all, a submit's p99 of 100-250 ms beside them and 400 ms of CPU
a second for idle polls (issue 14). Frozen, the start's objects (modules, the app, its
routes) are never walked again; with a full collection considered after 100 young ones
instead of 10, the same minute had 4 (2.7 s), p99 11.7 ms, 248 ms/s. Cycles among live
connections are rare, so the garbage that waits longer for a full collection is little.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 700
"""Allocations before a generation-0 collection (Python's default)."""
MIDDLE_THRESHOLD = 10
"""Generation-0 collections before a generation-1 one (Python's default)."""
FULL_AFTER = 100
"""Generation-1 collections before a full one is considered (Python's default is 10)."""


def settle_after_start() -> None:
    """Collect once, freeze what is left (the start's objects) and space full collections
    out: for a serving process, called once its app is built."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, FULL_AFTER)
