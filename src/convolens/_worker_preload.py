"""Imported once by the server that ``--jobs`` worker processes fork from (see ``convolens.workers``).

Each worker then starts with spaCy (set up without torch, see :mod:`convolens.lean`)
and the scoring pipeline already in memory, instead of importing them itself.

The server ends when the run's process does. Tearing its interpreter down (spaCy,
pandas and pyarrow loaded) took 0.3-0.5 s, and it holds the run's stdout and stderr
open all the while, so whoever reads those through a pipe waited that long after the
run ended. Its exit handlers run, then it ends at once.
"""

from __future__ import annotations

import atexit
import os
import sys

from .lean import keep_torch_from_thinc


def _in_forkserver() -> bool:
    """Say whether this import is the preload of multiprocessing's fork server (not any other import)."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "main" and frame.f_globals.get("__name__") == "multiprocessing.forkserver":
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


keep_torch_from_thinc()

from . import nlp, pipeline  # noqa: E402,F401  (imported for their side effect: warm workers)

#: True in the fork server (and so in its workers, which end through ``os._exit`` anyway).
ENDS_AT_ONCE = _in_forkserver()
if ENDS_AT_ONCE:
    atexit.register(os._exit, 0)  # registered first, so it runs after every other exit handler
