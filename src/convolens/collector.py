"""Keeping Python's cyclic garbage collector out of the way of work that makes no reference cycles.

Reading, analysing and tabulating a part, planning a run and loading a model each make
hundreds of thousands of small objects and no cycles: reference counting frees all of
them. Every so many allocations the collector still walks the objects that have built up,
the model's tables, the imported modules and the plan included, and finds nothing. On
a re-run of ten thousand files with one new call that was a fifth of the time.
:func:`collector_paused` turns it off for such work and back on afterwards, when it
collects whatever was left.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Collector:
    """How many pauses are open now, and whether the collector ran before the first began."""

    lock = threading.Lock()
    pauses = 0
    was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector from running inside the block (pauses nest; threads share them).

    Scoring a part makes and drops millions of small objects, so each collection the
    allocations set off walked the long-lived ones again: about a tenth of a lexicon run.
    The collector is back on (if it was on) when the last open pause ends, so it runs
    between parts, never for a whole run.
    """
    with _Collector.lock:
        if _Collector.pauses == 0:
            _Collector.was_enabled = gc.isenabled()
            gc.disable()
        _Collector.pauses += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.pauses -= 1
            if _Collector.pauses == 0 and _Collector.was_enabled:
                gc.enable()
